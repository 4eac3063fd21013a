// Shopify ids. We store the numeric id as a decimal string ("820982911946154508")
// for every resource, whichever API it came from: REST sends numbers plus an
// exact `admin_graphql_api_id`, GraphQL sends gids.
import { SyncInputError } from "./errors";
import { describe } from "./money";

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;
const DIGITS = /^\d+$/;

/**
 * The numeric id from a gid, a digit string or a JSON number. JSON numbers
 * above 2^53 have already been rounded by JSON.parse; they are kept as printed
 * so every payload that references the same (rounded) id still agrees, and the
 * exact gid is preferred wherever the payload carries one (see `pickId`).
 */
export function toShopifyId(value: unknown, path: string, expectedType?: string): string {
  if (typeof value === "number") {
    if (Number.isInteger(value) && value > 0 && value < 1e21) return String(value);
    throw new SyncInputError("invalid_id", path, `expected a positive integer id, got ${value}`);
  }
  if (typeof value === "string") {
    if (DIGITS.test(value) && value !== "0") return value.replace(/^0+/, "");
    const m = GID.exec(value);
    if (m) {
      if (expectedType && m[1] !== expectedType) {
        throw new SyncInputError("invalid_id", path, `expected a ${expectedType} gid, got ${value}`);
      }
      return m[2];
    }
  }
  throw new SyncInputError("invalid_id", path, `expected an id, got ${describe(value)}`);
}

/** The exact gid tail when present, else the numeric id. */
export function pickId(obj: Record<string, unknown>, path: string, type: string, numericKey = "id"): string {
  const gid = obj.admin_graphql_api_id;
  if (typeof gid === "string" && GID.test(gid)) return toShopifyId(gid, `${path}.admin_graphql_api_id`, type);
  if (obj[numericKey] === undefined || obj[numericKey] === null) {
    throw new SyncInputError("missing_field", `${path}.${numericKey}`, "required id is missing");
  }
  return toShopifyId(obj[numericKey], `${path}.${numericKey}`);
}

export function optionalId(value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null;
  return toShopifyId(value, path);
}

export function toGid(type: string, id: string): string {
  return `gid://shopify/${type}/${id}`;
}
