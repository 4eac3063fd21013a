// Type checks for seeded webhook-shaped payloads, so junk is refused at the
// control API with a clear reason instead of surfacing later as GraphQL errors.
import { SimInputError } from "./errors";
import type { RestPayload } from "./store";

type Check = (v: unknown) => boolean;

const isDate: Check = (v) => typeof v === "string" && Number.isFinite(Date.parse(v));
const isNumeric: Check = (v) => (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()));
const isString: Check = (v) => typeof v === "string";
const isBool: Check = (v) => typeof v === "boolean";
const isTags: Check = (v) => typeof v === "string" || (Array.isArray(v) && v.every((t) => typeof t === "string"));
const isCount: Check = (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0) || (typeof v === "string" && /^\d+$/.test(v));
const isMoneySet: Check = (v) =>
  !!v && typeof v === "object" && ["shop_money", "presentment_money"].every((k) => {
    const m = (v as RestPayload)[k];
    return m == null || (typeof m === "object" && isNumeric(m.amount));
  });

const DESCRIBE = new Map<Check, string>([
  [isDate, "an ISO 8601 date-time"],
  [isNumeric, "a decimal amount"],
  [isString, "a string"],
  [isBool, "a boolean"],
  [isTags, "a comma-separated string or a list of strings"],
  [isCount, "a non-negative integer"],
  [isMoneySet, "a money set { shop_money: { amount, currency_code }, ... }"],
]);

function checkFields(where: string, obj: RestPayload, rules: Record<string, Check>): void {
  for (const [key, check] of Object.entries(rules)) {
    const v = obj[key];
    if (v === undefined || v === null) continue; // every webhook field is optional
    if (!check(v)) {
      throw new SimInputError("invalid_payload", `${where}.${key} must be ${DESCRIBE.get(check)} (got ${JSON.stringify(v)?.slice(0, 60)})`);
    }
  }
}

const CUSTOMER_RULES: Record<string, Check> = {
  created_at: isDate,
  updated_at: isDate,
  email: isString,
  phone: isString,
  first_name: isString,
  last_name: isString,
  state: isString,
  note: isString,
  tags: isTags,
  verified_email: isBool,
};

export function checkCustomerPayload(p: RestPayload, where = "customer"): void {
  checkFields(where, p, CUSTOMER_RULES);
  if (p.email_marketing_consent != null && typeof p.email_marketing_consent !== "object") {
    throw new SimInputError("invalid_payload", `${where}.email_marketing_consent must be an object`);
  }
}

const ORDER_RULES: Record<string, Check> = {
  name: isString,
  email: isString,
  created_at: isDate,
  updated_at: isDate,
  processed_at: isDate,
  cancelled_at: isDate,
  closed_at: isDate,
  cancel_reason: isString,
  financial_status: isString,
  fulfillment_status: isString,
  currency: isString,
  presentment_currency: isString,
  tags: isTags,
  test: isBool,
  source_name: isString,
  total_price: isNumeric,
  subtotal_price: isNumeric,
  total_tax: isNumeric,
  total_discounts: isNumeric,
  current_total_price: isNumeric,
  current_subtotal_price: isNumeric,
  total_price_set: isMoneySet,
  subtotal_price_set: isMoneySet,
  total_tax_set: isMoneySet,
  total_discounts_set: isMoneySet,
  total_shipping_price_set: isMoneySet,
  current_total_price_set: isMoneySet,
};

const LINE_RULES: Record<string, Check> = {
  title: isString,
  name: isString,
  sku: isString,
  quantity: isCount,
  current_quantity: isCount,
  price: isNumeric,
  total_discount: isNumeric,
  price_set: isMoneySet,
  total_discount_set: isMoneySet,
};

export function checkOrderPayload(p: RestPayload): void {
  checkFields("order", p, ORDER_RULES);
  if (p.discount_codes != null) {
    if (!Array.isArray(p.discount_codes) || p.discount_codes.some((d: unknown) => !d || typeof d !== "object" || typeof (d as RestPayload).code !== "string")) {
      throw new SimInputError("invalid_payload", "order.discount_codes must be a list of { code: string, ... }");
    }
  }
  if (p.customer != null) {
    if (typeof p.customer !== "object" || Array.isArray(p.customer)) throw new SimInputError("invalid_payload", "order.customer must be an object or null");
    checkCustomerPayload(p.customer, "order.customer");
  }
  (Array.isArray(p.line_items) ? p.line_items : []).forEach((li: RestPayload, i: number) => checkFields(`order.line_items[${i}]`, li, LINE_RULES));
}

export function checkRefundPayload(p: RestPayload): void {
  checkFields("refund", p, { created_at: isDate, processed_at: isDate, note: isString });
  if (p.refund_line_items != null && !Array.isArray(p.refund_line_items)) throw new SimInputError("invalid_payload", "refund.refund_line_items must be an array");
  if (p.transactions != null && !Array.isArray(p.transactions)) throw new SimInputError("invalid_payload", "refund.transactions must be an array");
  (Array.isArray(p.refund_line_items) ? p.refund_line_items : []).forEach((r: RestPayload, i: number) =>
    checkFields(`refund.refund_line_items[${i}]`, r ?? {}, { quantity: isCount, subtotal: isNumeric, subtotal_set: isMoneySet }),
  );
  (Array.isArray(p.transactions) ? p.transactions : []).forEach((t: RestPayload, i: number) =>
    checkFields(`refund.transactions[${i}]`, t ?? {}, { amount: isNumeric, kind: isString, status: isString }),
  );
}
