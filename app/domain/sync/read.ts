// Small typed readers over untrusted JSON. Each takes the JSON path so an
// error names exactly the field that was wrong.
import { SyncInputError } from "./errors";
import { describe, parseMoneyMinor } from "./money";

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown, path: string): JsonRecord {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SyncInputError("invalid_type", path, `expected an object, got ${describe(value)}`);
  }
  return value as JsonRecord;
}

export function optionalRecord(value: unknown, path: string): JsonRecord | null {
  return value === null || value === undefined ? null : asRecord(value, path);
}

export function asArray(value: unknown, path: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new SyncInputError("invalid_type", path, `expected a list, got ${describe(value)}`);
  return value;
}

export function optionalString(value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw new SyncInputError("invalid_type", path, `expected text, got ${describe(value)}`);
  return value;
}

export function requiredString(value: unknown, path: string): string {
  const s = optionalString(value, path);
  if (s === null || s === "") throw new SyncInputError("missing_field", path, "required text is missing");
  return s;
}

export function optionalBoolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== "boolean") throw new SyncInputError("invalid_type", path, `expected true/false, got ${describe(value)}`);
  return value;
}

export function requiredInteger(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new SyncInputError(value === undefined || value === null ? "missing_field" : "invalid_type", path, `expected an integer, got ${describe(value)}`);
  }
  return value;
}

// ISO 8601 with a zone (Shopify always sends one); a zoneless time would be
// read in the server's zone, so it is refused.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function optionalDate(value: unknown, path: string): Date | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value !== "string" || !ISO.test(value)) {
    throw new SyncInputError("invalid_date", path, `expected an ISO 8601 time with zone, got ${describe(value)}`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SyncInputError("invalid_date", path, `"${value}" is not a real time`);
  return new Date(ms);
}

export function requiredDate(value: unknown, path: string): Date {
  const d = optionalDate(value, path);
  if (!d) throw new SyncInputError("missing_field", path, "required time is missing");
  return d;
}

/** Shop-currency amount of a REST `*_set` bag, falling back to the plain field. */
export function restShopMoney(obj: JsonRecord, key: string, currency: string, path: string): number | null {
  const set = obj[`${key}_set`];
  if (set !== null && set !== undefined) {
    const shop = asRecord(asRecord(set, `${path}.${key}_set`).shop_money, `${path}.${key}_set.shop_money`);
    return parseMoneyMinor(shop.amount, currency, `${path}.${key}_set.shop_money.amount`);
  }
  const plain = obj[key];
  if (plain === null || plain === undefined) return null;
  return parseMoneyMinor(plain, currency, `${path}.${key}`);
}

export function restPresentmentMoney(obj: JsonRecord, key: string, currency: string, path: string): number | null {
  const set = optionalRecord(obj[`${key}_set`], `${path}.${key}_set`);
  const money = set && optionalRecord(set.presentment_money, `${path}.${key}_set.presentment_money`);
  if (!money) return null;
  return parseMoneyMinor(money.amount, currency, `${path}.${key}_set.presentment_money.amount`);
}

/** Shop-currency amount of a GraphQL MoneyBag field. */
export function bagShopMoney(value: unknown, currency: string, path: string): number | null {
  const bag = optionalRecord(value, path);
  if (!bag) return null;
  const shop = asRecord(bag.shopMoney, `${path}.shopMoney`);
  return parseMoneyMinor(shop.amount, currency, `${path}.shopMoney.amount`);
}

export function bagPresentmentMoney(value: unknown, currency: string, path: string): number | null {
  const bag = optionalRecord(value, path);
  const money = bag && optionalRecord(bag.presentmentMoney, `${path}.presentmentMoney`);
  if (!money) return null;
  return parseMoneyMinor(money.amount, currency, `${path}.presentmentMoney.amount`);
}

/** Shopify tag lists ("a, b" in REST, ["a","b"] in GraphQL) as one canonical "a, b". */
export function normalizeTags(value: unknown, path: string): string {
  let tags: string[];
  if (value === null || value === undefined) tags = [];
  else if (typeof value === "string") tags = value.split(",");
  else if (Array.isArray(value)) tags = value.map((t, i) => requiredString(t, `${path}[${i}]`));
  else throw new SyncInputError("invalid_type", path, `expected tags, got ${describe(value)}`);
  return tags.map((t) => t.trim()).filter((t) => t.length > 0).join(", ");
}
