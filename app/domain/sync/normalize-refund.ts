import { pickId, toShopifyId } from "./ids";
import { parseMoneyMinor } from "./money";
import {
  asArray, asRecord, bagShopMoney, optionalDate, optionalRecord, optionalString, requiredDate, requiredInteger, restShopMoney,
  type JsonRecord,
} from "./read";
import type { NormalizedRefund, RefundLine } from "./types";
import { SyncInputError } from "./errors";

// Shopify's gateway name for refunds paid out as store credit.
export const STORE_CREDIT_GATEWAY = "shopify_store_credit";

/**
 * A refunds/create payload (or an element of an order's `refunds`). The amount
 * is what the successful refund transactions moved; a refund that only
 * restocks has none and refunds 0.
 */
export function normalizeRestRefund(payload: unknown, currency: string, path = "refund", orderShopifyId?: string): NormalizedRefund {
  const r = asRecord(payload, path);
  const shopifyId = pickId(r, path, "Refund");
  const orderId = orderShopifyId ?? toShopifyIdRequired(r.order_id, `${path}.order_id`);
  let amountMinor = 0;
  let storeCreditMinor = 0;
  asArray(r.transactions, `${path}.transactions`).forEach((raw, i) => {
    const p = `${path}.transactions[${i}]`;
    const t = asRecord(raw, p);
    if (t.kind !== "refund" || t.status !== "success") return;
    const amount = parseMoneyMinor(t.amount, currency, `${p}.amount`);
    if (t.gateway === STORE_CREDIT_GATEWAY) storeCreditMinor += amount;
    else amountMinor += amount;
  });
  const lines: RefundLine[] = asArray(r.refund_line_items, `${path}.refund_line_items`).map((raw, i) => {
    const p = `${path}.refund_line_items[${i}]`;
    const l = asRecord(raw, p);
    const item = optionalRecord(l.line_item, `${p}.line_item`);
    const lineItemId = item && typeof item.admin_graphql_api_id === "string"
      ? pickId(item, `${p}.line_item`, "LineItem")
      : toShopifyIdRequired(l.line_item_id, `${p}.line_item_id`);
    return {
      lineItemId,
      quantity: requiredInteger(l.quantity, `${p}.quantity`),
      subtotalMinor: restShopMoney(l, "subtotal", currency, p) ?? 0,
    };
  });
  const processedAt = optionalDate(r.processed_at, `${path}.processed_at`) ?? requiredDate(r.created_at, `${path}.created_at`);
  return {
    shopifyId,
    orderShopifyId: orderId,
    amountMinor,
    storeCreditMinor,
    lines,
    note: optionalString(r.note, `${path}.note`),
    processedAt,
  };
}

/** A GraphQL Refund summary as the bulk query returns it (inline on Order). */
export function normalizeGraphqlRefund(node: unknown, orderShopifyId: string, currency: string, path: string): NormalizedRefund {
  const r = asRecord(node, path);
  const shopifyId = toShopifyIdRequired(r.id, `${path}.id`, "Refund");
  const processedAt = optionalDate(r.processedAt, `${path}.processedAt`) ?? requiredDate(r.createdAt, `${path}.createdAt`);
  return {
    shopifyId,
    orderShopifyId,
    amountMinor: bagShopMoney(r.totalRefundedSet, currency, `${path}.totalRefundedSet`) ?? 0,
    storeCreditMinor: 0,
    lines: null,
    note: optionalString(r.note, `${path}.note`),
    processedAt,
  };
}

function toShopifyIdRequired(value: unknown, path: string, type?: string): string {
  if (value === null || value === undefined) throw new SyncInputError("missing_field", path, "required id is missing");
  return toShopifyId(value, path, type);
}

export type { JsonRecord };
