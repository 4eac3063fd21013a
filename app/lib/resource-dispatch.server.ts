// Direct dispatch for the two high-volume resource-route families: Shopify's
// webhook deliveries (POST /webhooks/...) and storefront app-proxy calls
// (/proxy/...). They have no UI, no parent data and no default export, so
// Remix's request handler adds nothing but cost for them (route matching over
// every route, express → Fetch request conversion through streams, response
// piping): the server calls the route module's own loader/action with a Fetch
// Request instead. The route files stay the single place that handles each
// path; everything else still goes through Remix. See docs/architecture.md.
import type { IncomingMessage, ServerResponse } from "node:http";

type Handler = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

interface RouteModule {
  default?: unknown;
  loader?: Handler;
  action?: Handler;
}
interface BuildRoute {
  id: string;
  path?: string;
  parentId?: string;
  module: RouteModule;
}
export interface ServerBuildLike {
  routes: Record<string, BuildRoute>;
}

/** Paths served directly; only static resource routes directly under root qualify. */
const DIRECT_PREFIXES = ["webhooks/", "proxy/"];

export type ResourceDispatcher = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createResourceDispatcher(build: ServerBuildLike, options: { maxBodyBytes?: number } = {}): ResourceDispatcher {
  const maxBody = options.maxBodyBytes ?? 6 * 1024 * 1024;
  const table = new Map<string, RouteModule>();
  for (const route of Object.values(build.routes)) {
    const p = route.path;
    if (!p || route.parentId !== "root" || route.module.default !== undefined || p.includes(":") || p.includes("*")) continue;
    if (DIRECT_PREFIXES.some((prefix) => p.startsWith(prefix))) table.set(`/${p}`, route.module);
  }

  return async (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    const mod = table.get(pathname.endsWith("/") && pathname.length > 1 ? pathname.slice(0, -1) : pathname);
    if (!mod) return false;
    const method = (req.method ?? "GET").toUpperCase();
    const handler = method === "GET" || method === "HEAD" ? mod.loader : mod.action;
    if (!handler) return false; // Remix answers 405 with its usual body

    let response: Response;
    try {
      const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req, maxBody);
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      const request = createLeanRequest(`http://${req.headers.host ?? "localhost"}${url}`, method, headers, body);
      response = toResponse(await handler({ request, params: {}, context: {} }));
    } catch (thrown) {
      if (thrown instanceof BodyTooLargeError) response = Response.json({ error: thrown.message }, { status: 413 });
      else if (thrown instanceof Response) response = thrown;
      else {
        console.error(JSON.stringify({ level: "error", msg: "resource-route.failed", path: pathname, error: String((thrown as Error)?.stack ?? thrown) }));
        response = Response.json({ error: "internal error" }, { status: 500 });
      }
    }
    await writeResponse(res, response, method === "HEAD");
    return true;
  };
}

/**
 * A Fetch Request without undici's construction cost (a body stream, an
 * AbortSignal: ~70 µs per webhook delivery, 7 % of the accept path). method,
 * url, headers, bodyUsed and the body readers text/json/arrayBuffer come from
 * what the server already holds, with the Fetch semantics (UTF-8 decoding
 * without a BOM, one read only). Anything else (signal, clone, formData,
 * body, …) builds the real Request once and answers from it, so a route sees
 * the whole interface and `instanceof Request` holds.
 */
export function createLeanRequest(url: string, method: string, headers: Headers, body: Buffer | undefined): Request {
  let real: Request | undefined;
  let used = false;
  const materialize = (): Request =>
    // Node accepts a Buffer as a body; the DOM typings only know ArrayBuffer-backed views.
    (real ??= new Request(url, { method, headers, body: body as unknown as BodyInit | undefined }));
  const consume = (): Buffer => {
    if (used || real?.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    used = true;
    return body ?? Buffer.alloc(0);
  };
  const text = async (): Promise<string> => new TextDecoder().decode(consume());
  const own: Record<PropertyKey, unknown> = {
    method,
    url,
    headers,
    text,
    json: async (): Promise<unknown> => JSON.parse(await text()),
    arrayBuffer: async (): Promise<ArrayBuffer> => {
      const bytes = consume();
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
  return new Proxy(Object.create(Request.prototype) as Request, {
    get(_target, prop) {
      if (prop === "bodyUsed") return used || (real?.bodyUsed ?? false);
      if (Object.prototype.hasOwnProperty.call(own, prop)) return own[prop];
      const request = materialize();
      const value: unknown = Reflect.get(request, prop, request);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(request) : value;
    },
  });
}

class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`body exceeds ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function toResponse(value: unknown): Response {
  if (value instanceof Response) return value;
  if (value === null || value === undefined) return new Response(null, { status: 204 });
  return Response.json(value);
}

async function writeResponse(res: ServerResponse, response: Response, head: boolean): Promise<void> {
  const body = response.body && !head ? Buffer.from(await response.arrayBuffer()) : null;
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (body) headers["content-length"] = String(body.length);
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.end(body ?? undefined);
}
