// Minimal request/response helpers for node:http.
import type { IncomingMessage, ServerResponse } from "node:http";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
    this.name = "HttpError";
  }
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new HttpError(413, { errors: `Request body exceeds ${limitBytes} bytes` });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON or x-www-form-urlencoded body as a plain object. */
export async function readParams(req: IncomingMessage, limitBytes = 1 << 20): Promise<Record<string, unknown>> {
  const raw = (await readBody(req, limitBytes)).toString("utf8");
  if (!raw.trim()) return {};
  const type = String(req.headers["content-type"] ?? "");
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    if (!type.includes("json") && raw.includes("=")) return Object.fromEntries(new URLSearchParams(raw));
    throw new HttpError(400, { errors: "Request body is not valid JSON" });
  }
}

export async function readJson(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const raw = (await readBody(req, limitBytes)).toString("utf8");
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, { errors: "Request body is not valid JSON" });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
