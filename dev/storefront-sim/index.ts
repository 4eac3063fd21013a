import { readFile } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { buildForwardedQuery } from "./app-proxy";
import { StorefrontSimError } from "./errors";
import { DEFAULT_FIXTURE_CUSTOMERS, type FixtureCustomer } from "./fixtures";
import { StorefrontRenderer, type BlockInstance } from "./liquid";
import { EXTENSION_DIR } from "./paths";

export { buildAppProxyMessage, buildForwardedQuery, signAppProxyQuery, verifyAppProxySignature } from "./app-proxy";
export { StorefrontSimError } from "./errors";
export { DEFAULT_FIXTURE_CUSTOMERS, type FixtureCustomer } from "./fixtures";
export { StorefrontRenderer } from "./liquid";

// A stand-in for a Shopify storefront with the Retain theme app extension installed, for Playwright
// and benchmarks: renders the real Liquid, serves the extension assets, signs shoppers in from fixtures
// and forwards /apps/retain/* to the app the way Shopify's app proxy does.

export interface StorefrontSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The shop's myshopify.com domain, sent to the app as `shop`. */
  shop: string;
  /** The app's proxy URL, e.g. `http://127.0.0.1:3000/proxy`; `/apps/retain/loyalty` goes to `<target>/loyalty`. */
  appProxyTarget: string;
  /** The app's client secret, used to sign forwarded queries. */
  apiSecret: string;
  customers?: readonly FixtureCustomer[];
  /** Default storefront locale; `?locale=ar` or an `/ar/...` path overrides it per request. */
  locale?: string;
  /** The proxy prefix merchants see, default `/apps/retain`. */
  pathPrefix?: string;
  /** Setting overrides for the app block and the app embed (false leaves the embed disabled). */
  panelSettings?: Record<string, string | number | boolean>;
  launcherSettings?: Record<string, string | number | boolean> | false;
  /** Clock in milliseconds for the proxy `timestamp`, so tests can pin it. */
  now?: () => number;
  extensionDir?: string;
}

export interface StorefrontSim {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const CUSTOMER_COOKIE = "retain_sim_customer";

const ASSET_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

// Headers Shopify never passes between shopper and app (cookies) plus hop-by-hop headers.
const STRIP_REQUEST = new Set(["cookie", "host", "connection", "keep-alive", "transfer-encoding", "upgrade", "content-length", "proxy-authorization", "te", "trailer"]);
const STRIP_RESPONSE = new Set(["set-cookie", "connection", "keep-alive", "transfer-encoding", "upgrade", "content-length", "trailer"]);

function validateOptions(o: StorefrontSimOptions): void {
  const fail = (msg: string): never => {
    throw new StorefrontSimError("INVALID_OPTIONS", msg);
  };
  if (!o || typeof o !== "object") fail("options are required");
  if (typeof o.shop !== "string" || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(o.shop)) fail(`shop must be a *.myshopify.com domain, got ${String(o.shop)}`);
  if (typeof o.apiSecret !== "string" || o.apiSecret.length === 0) throw new StorefrontSimError("INVALID_SECRET", "apiSecret must be a non-empty string");
  let target: URL | null = null;
  try {
    target = new URL(o.appProxyTarget);
  } catch {
    fail(`appProxyTarget is not a URL: ${String(o.appProxyTarget)}`);
  }
  if (target && target.protocol !== "http:" && target.protocol !== "https:") fail("appProxyTarget must be http or https");
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) fail(`port out of range: ${o.port}`);
  if (o.pathPrefix !== undefined && !/^\/[a-z0-9_-]+(\/[a-z0-9_-]+)*$/i.test(o.pathPrefix)) fail(`pathPrefix must look like /apps/retain, got ${o.pathPrefix}`);
  const ids = new Set<string>();
  for (const c of o.customers ?? []) {
    if (!/^\d+$/.test(c.id)) fail(`customer id must be numeric, got ${c.id}`);
    if (ids.has(c.id)) throw new StorefrontSimError("DUPLICATE_CUSTOMER", `customer id ${c.id} appears twice`);
    ids.add(c.id);
  }
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: string, type = "text/html; charset=utf-8", headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(body);
}

export async function startStorefrontSim(options: StorefrontSimOptions): Promise<StorefrontSim> {
  validateOptions(options);
  const renderer = new StorefrontRenderer(options.extensionDir ?? EXTENSION_DIR);
  const defaultLocale = options.locale ?? renderer.defaultLocale;
  if (!renderer.supportsLocale(defaultLocale)) throw new StorefrontSimError("UNKNOWN_LOCALE", `no locale file for ${defaultLocale}`);
  const customers = new Map((options.customers ?? DEFAULT_FIXTURE_CUSTOMERS).map((c) => [c.id, c]));
  const pathPrefix = options.pathPrefix ?? "/apps/retain";
  const target = new URL(options.appProxyTarget);
  const now = options.now ?? Date.now;
  const assetsDir = join(options.extensionDir ?? EXTENSION_DIR, "assets");
  const blocks: BlockInstance[] = [{ handle: "loyalty-panel", id: "retain-panel-block", settings: options.panelSettings }];
  const launcher: BlockInstance[] =
    options.launcherSettings === false ? [] : [{ handle: "loyalty-launcher", id: "retain-launcher-embed", settings: options.launcherSettings || undefined }];
  // Fail at start-up, not on the first page view, when a setting override names no real setting.
  for (const b of [...blocks, ...launcher]) renderer.blockSettings(b);

  async function proxy(req: IncomingMessage, res: ServerResponse, url: URL, customer: FixtureCustomer | null, locale: string): Promise<void> {
    const rest = url.pathname.slice(pathPrefix.length);
    const query = buildForwardedQuery(
      url.searchParams,
      { shop: options.shop, pathPrefix, loggedInCustomerId: customer?.id ?? null, timestampSeconds: Math.floor(now() / 1000) },
      options.apiSecret,
    );
    const forward = new URL(target.toString());
    forward.pathname = `${target.pathname.replace(/\/+$/, "")}${rest}`;
    forward.search = query.toString();
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !STRIP_REQUEST.has(k)) headers[k] = v;
    headers["x-forwarded-host"] = req.headers.host ?? options.shop;
    headers["x-forwarded-for"] = req.socket.remoteAddress ?? "127.0.0.1";
    const body = req.method === "GET" || req.method === "HEAD" ? null : await readBody(req);
    if (body) headers["content-length"] = String(body.length);
    const requestFn = forward.protocol === "https:" ? httpsRequest : httpRequest;
    await new Promise<void>((resolve) => {
      const upstream = requestFn(forward, { method: req.method, headers }, async (up) => {
        const outHeaders: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !STRIP_RESPONSE.has(k)) outHeaders[k] = v;
        const type = String(up.headers["content-type"] ?? "");
        if (type.startsWith("application/liquid")) {
          // Shopify renders Liquid answers inside the storefront; `{% layout none %}` skips the theme layout.
          const source = (await readBody(up)).toString("utf8");
          const bare = /^\s*\{%-?\s*layout\s+none\s*-?%\}/.test(source);
          const ctx = { shop: options.shop, locale, customer, path: url.pathname, host: req.headers.host ?? "" };
          const html = await renderer.renderProxyLiquid(source.replace(/^\s*\{%-?\s*layout\s+none\s*-?%\}/, ""), ctx);
          const page = bare ? html : await renderer.renderPage([], ctx, { title: "", body: html });
          send(res, up.statusCode ?? 200, page);
          resolve();
          return;
        }
        res.writeHead(up.statusCode ?? 502, outHeaders);
        up.pipe(res);
        up.on("end", resolve);
        up.on("error", () => resolve());
      });
      upstream.on("error", (err) => {
        send(res, 502, JSON.stringify({ ok: false, error: { code: "TEMPORARY_FAILURE", message: `app proxy target unreachable: ${err.message}` } }), "application/json");
        resolve();
      });
      upstream.end(body ?? undefined);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://storefront.local");
    let path = url.pathname;
    let locale = url.searchParams.get("locale") ?? defaultLocale;
    const localePrefix = /^\/([a-z]{2}(?:-[A-Z]{2})?)(\/.*|$)/.exec(path);
    if (localePrefix && renderer.supportsLocale(localePrefix[1])) {
      locale = localePrefix[1];
      path = localePrefix[2] || "/";
    }
    if (!renderer.supportsLocale(locale)) return send(res, 400, `Unknown locale ${locale}`, "text/plain; charset=utf-8");
    const cookieId = readCookie(req, CUSTOMER_COOKIE);
    const customer = cookieId ? customers.get(cookieId) ?? null : null;
    const ctx = { shop: options.shop, locale, customer, path, host: req.headers.host ?? "" };

    if (path === pathPrefix || path.startsWith(`${pathPrefix}/`)) return proxy(req, res, new URL(`${path}${url.search}`, url), customer, locale);
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "Method not allowed", "text/plain; charset=utf-8");

    if (path.startsWith("/assets/")) {
      const name = basename(decodeURIComponent(path.slice("/assets/".length)));
      const type = ASSET_TYPES[name.slice(name.lastIndexOf("."))];
      if (!type) return send(res, 404, "Not found", "text/plain; charset=utf-8");
      try {
        return send(res, 200, await readFile(join(assetsDir, name), "utf8"), type);
      } catch {
        return send(res, 404, "Not found", "text/plain; charset=utf-8");
      }
    }
    if (path === "/account/login") {
      const id = url.searchParams.get("customer");
      if (id === null) {
        const links = [...customers.values()]
          .map((c) => `<li><a href="?customer=${c.id}" data-testid="sim-customer-${c.id}">${c.firstName} (${c.email})</a></li>`)
          .join("");
        return send(res, 200, await renderer.renderPage([], ctx, { title: "Log in", body: `<ul>${links}</ul>` }));
      }
      if (!customers.has(id)) return send(res, 404, `No fixture customer ${id}`, "text/plain; charset=utf-8");
      const returnTo = url.searchParams.get("return_to");
      const prefix = locale === renderer.defaultLocale ? "" : `/${locale}`;
      // Only same-site paths, so the sim cannot be used as an open redirect.
      const location = returnTo && /^\/(?!\/)/.test(returnTo) ? returnTo : `${prefix}/account`;
      return send(res, 302, "", "text/plain", { location, "set-cookie": `${CUSTOMER_COOKIE}=${encodeURIComponent(id)}; Path=/; HttpOnly; SameSite=Lax` });
    }
    if (path === "/account/logout") {
      return send(res, 302, "", "text/plain", { location: "/", "set-cookie": `${CUSTOMER_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` });
    }
    if (path === "/account/register") {
      return send(res, 200, await renderer.renderPage([], ctx, { title: "Create account", body: "<p>Registration is simulated: sign in as a fixture customer instead.</p>" }));
    }
    if (path === "/account") return send(res, 200, await renderer.renderPage([...blocks, ...launcher], ctx, { title: "Account" }));
    if (path === "/") return send(res, 200, await renderer.renderPage(launcher, ctx, { title: "Home" }));
    return send(res, 404, "Not found", "text/plain; charset=utf-8");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, `Storefront simulator error: ${(err as Error).message}`, "text/plain; charset=utf-8");
      else res.end();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
