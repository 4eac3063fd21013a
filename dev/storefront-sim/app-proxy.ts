import { createHmac, timingSafeEqual } from "node:crypto";
import { StorefrontSimError } from "./errors";

// Shopify app proxy signing (PLATFORM.md §2): hex HMAC-SHA256 over every query parameter except
// `signature`, each written `key=value` (repeated keys joined with ","), sorted, concatenated with no separator.

export type ProxyQuery = URLSearchParams | Record<string, string | readonly string[]> | ReadonlyArray<readonly [string, string]>;

function toPairs(params: ProxyQuery): Array<[string, string]> {
  if (params instanceof URLSearchParams) return [...params.entries()];
  if (Array.isArray(params)) {
    return params.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
        throw new StorefrontSimError("INVALID_QUERY", `query pair ${i} is not a [key, value] pair of strings`);
      }
      return [pair[0], pair[1]] as [string, string];
    });
  }
  if (params === null || typeof params !== "object") {
    throw new StorefrontSimError("INVALID_QUERY", "query must be URLSearchParams, an object or a list of pairs");
  }
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(params)) {
    const values = typeof value === "string" ? [value] : value;
    if (!Array.isArray(values) || values.some((v) => typeof v !== "string")) {
      throw new StorefrontSimError("INVALID_QUERY", `query value for "${key}" must be a string or a list of strings`);
    }
    for (const v of values) pairs.push([key, v]);
  }
  return pairs;
}

/** The exact message Shopify signs, e.g. `extra=1,2logged_in_customer_id=1path_prefix=...`. */
export function buildAppProxyMessage(params: ProxyQuery): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of toPairs(params)) {
    if (key === "signature") continue;
    const list = grouped.get(key);
    if (list) list.push(value);
    else grouped.set(key, [value]);
  }
  return [...grouped].map(([key, values]) => `${key}=${values.join(",")}`).sort().join("");
}

function assertSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new StorefrontSimError("INVALID_SECRET", "the app's API secret must be a non-empty string");
  }
}

export function signAppProxyQuery(params: ProxyQuery, secret: string): string {
  assertSecret(secret);
  return createHmac("sha256", secret).update(buildAppProxyMessage(params)).digest("hex");
}

/** Constant-time check of a forwarded query's `signature`; false when it is missing or malformed. */
export function verifyAppProxySignature(params: ProxyQuery, secret: string): boolean {
  assertSecret(secret);
  const given = toPairs(params).filter(([k]) => k === "signature");
  if (given.length !== 1 || !/^[0-9a-f]{64}$/i.test(given[0][1])) return false;
  const expected = Buffer.from(signAppProxyQuery(params, secret), "hex");
  return timingSafeEqual(expected, Buffer.from(given[0][1], "hex"));
}

export interface ProxyForwardContext {
  shop: string;
  pathPrefix: string;
  loggedInCustomerId: string | null;
  timestampSeconds: number;
}

// Parameters Shopify sets itself; a shopper cannot smuggle their own values through the storefront URL.
const SHOPIFY_OWNED = ["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"];

/** The query string Shopify sends to the app for a storefront request with `original` as its query. */
export function buildForwardedQuery(original: URLSearchParams, ctx: ProxyForwardContext, secret: string): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of original) if (!SHOPIFY_OWNED.includes(k)) out.append(k, v);
  out.set("shop", ctx.shop);
  out.set("logged_in_customer_id", ctx.loggedInCustomerId ?? "");
  out.set("path_prefix", ctx.pathPrefix);
  out.set("timestamp", String(ctx.timestampSeconds));
  out.set("signature", signAppProxyQuery(out, secret));
  return out;
}
