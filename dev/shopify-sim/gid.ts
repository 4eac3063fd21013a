// Shopify global ids ("gid://shopify/Order/123") and the REST numeric ids they wrap.

export class InvalidGidError extends Error {
  constructor(
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`Invalid global id ${JSON.stringify(value)}: ${reason}`);
    this.name = "InvalidGidError";
  }
}

export interface ParsedGid {
  type: string;
  id: string;
}

const GID_RE = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?]+)(\?.*)?$/;

export function toGid(type: string, id: string | number): string {
  return `gid://shopify/${type}/${id}`;
}

export function parseGid(value: unknown): ParsedGid {
  if (typeof value !== "string") throw new InvalidGidError(value, "not a string");
  const m = GID_RE.exec(value);
  if (!m) throw new InvalidGidError(value, "expected gid://shopify/<Type>/<id>");
  return { type: m[1]!, id: m[2]! };
}

/** Like parseGid but returns undefined instead of throwing (hot path: no Error allocation). */
export function tryParseGid(value: unknown): ParsedGid | undefined {
  if (typeof value !== "string") return undefined;
  const m = GID_RE.exec(value);
  return m ? { type: m[1]!, id: m[2]! } : undefined;
}

/**
 * The exact numeric id of a REST payload. Docs samples carry ids above 2^53
 * that JSON.parse rounded, while `admin_graphql_api_id` keeps the exact digits,
 * so the gid wins when present.
 */
export function restId(payload: { id?: unknown; admin_graphql_api_id?: unknown }): string | undefined {
  const gid = tryParseGid(payload.admin_graphql_api_id);
  if (gid) return gid.id;
  if (typeof payload.id === "number" && Number.isFinite(payload.id)) return BigInt(Math.trunc(payload.id)).toString();
  if (typeof payload.id === "string" && /^\d+$/.test(payload.id)) return payload.id;
  const idGid = tryParseGid(payload.id);
  if (idGid && /^\d+$/.test(idGid.id)) return idGid.id;
  return undefined;
}

/** Numeric-string comparison without precision loss. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Key under which an id and its double-rounded twin compare equal
 * ("820982911946154508" from a gid vs 820982911946154500 parsed from JSON).
 */
export function looseIdKey(id: string | number): string {
  const n = typeof id === "number" ? id : Number(id);
  return Number.isFinite(n) ? BigInt(Math.trunc(n)).toString() : String(id);
}
