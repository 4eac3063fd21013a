// Writes normalized resources into the exact tables. Every function is
// idempotent and order-independent (see docs/sync.md, "Merge rules"): it runs
// inside the caller's transaction and holds the resource's lock.
import { Prisma } from "@prisma/client";
import {
  decideRefund, decideVersion, sumRefunds,
  type NormalizedCustomer, type NormalizedLineItem, type NormalizedOrder, type NormalizedRefund, type VersionDecision,
} from "~/domain/sync";
import { insertRows, newRowId } from "./raw-insert.server";
import { dateParam, execute, selectRows, toDate, TS } from "./sql.server";
import { customerLockKey, lockResource, orderLockKey, type Tx } from "./tx.server";

export interface ApplyResult {
  decision: VersionDecision | "redacted";
  /** Anything stored changed (order row, lines or refund totals). */
  changed: boolean;
}

export function orderColumns(o: NormalizedOrder, email: string | null) {
  return {
    name: o.name,
    customerShopifyId: o.customerShopifyId,
    email,
    processedAt: o.processedAt,
    shopifyCreatedAt: o.createdAt,
    shopifyUpdatedAt: o.updatedAt,
    cancelledAt: o.cancelledAt,
    cancelReason: o.cancelReason,
    test: o.test,
    financialStatus: o.financialStatus,
    fulfillmentStatus: o.fulfillmentStatus,
    currency: o.currency,
    presentmentCurrency: o.presentmentCurrency,
    subtotalMinor: o.subtotalMinor,
    totalMinor: o.totalMinor,
    taxMinor: o.taxMinor,
    shippingMinor: o.shippingMinor,
    discountsMinor: o.discountsMinor,
    giftCardMinor: o.giftCardMinor,
    presentmentTotalMinor: o.presentmentTotalMinor,
    discountCodes: o.discountCodes as unknown as Prisma.InputJsonValue,
    sourceName: o.sourceName,
    tags: o.tags,
  };
}

export function lineColumns(shop: string, orderId: string, l: NormalizedLineItem) {
  return {
    shop,
    orderId,
    shopifyId: l.shopifyId,
    productId: l.productId,
    variantId: l.variantId,
    title: l.title,
    sku: l.sku,
    quantity: l.quantity,
    priceMinor: l.priceMinor,
    discountMinor: l.discountMinor,
    giftCard: l.giftCard,
  };
}

export function refundColumns(r: NormalizedRefund) {
  return {
    orderShopifyId: r.orderShopifyId,
    amountMinor: r.amountMinor,
    storeCreditMinor: r.storeCreditMinor,
    lines: r.lines === null ? Prisma.DbNull : (r.lines as unknown as Prisma.InputJsonValue),
    note: r.note,
    processedAt: r.processedAt,
  };
}

/** Orders of a redacted customer never get their email back from a late delivery. */
async function customerIsRedacted(tx: Tx, shop: string, customerShopifyId: string | null): Promise<boolean> {
  if (!customerShopifyId) return false;
  const rows = await selectRows<{ redactedAt: unknown }>(tx, `SELECT "redactedAt" FROM "Customer" WHERE "shop" = $1 AND "shopifyId" = $2`, shop, customerShopifyId);
  return rows.length > 0 && rows[0].redactedAt !== null;
}

async function findOrderVersion(tx: Tx, shop: string, shopifyId: string): Promise<{ id: string; shopifyUpdatedAt: Date | null } | null> {
  const rows = await selectRows<{ id: string; shopifyUpdatedAt: unknown }>(tx, `SELECT "id", "shopifyUpdatedAt" FROM "Order" WHERE "shop" = $1 AND "shopifyId" = $2`, shop, shopifyId);
  return rows.length === 0 ? null : { id: rows[0].id, shopifyUpdatedAt: toDate(rows[0].shopifyUpdatedAt) };
}

export const ORDER_COLUMNS = [
  "name", "customerShopifyId", "email", "processedAt", "shopifyCreatedAt", "shopifyUpdatedAt", "cancelledAt", "cancelReason", "test",
  "financialStatus", "fulfillmentStatus", "currency", "presentmentCurrency", "subtotalMinor", "totalMinor", "taxMinor", "shippingMinor",
  "discountsMinor", "giftCardMinor", "presentmentTotalMinor", "discountCodes", "sourceName", "tags",
] as const satisfies ReadonlyArray<keyof ReturnType<typeof orderColumns>>;
export const LINE_COLUMNS = [
  "shop", "orderId", "shopifyId", "productId", "variantId", "title", "sku", "quantity", "priceMinor", "discountMinor", "giftCard",
] as const satisfies ReadonlyArray<keyof ReturnType<typeof lineColumns>>;
export const JSON_COLUMNS: ReadonlySet<string> = new Set(["discountCodes", "lines"]);

function jsonOrValue(v: unknown): string | number | boolean | Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

/** Inserts new orders and their line items set-wise (ids generated here). Returns shopifyId -> row id. */
export async function insertOrders(
  tx: Tx, shop: string, orders: NormalizedOrder[], now: Date, emailOf: (o: NormalizedOrder) => string | null, refundedOf: (o: NormalizedOrder) => number,
): Promise<Map<string, string>> {
  const idOf = new Map(orders.map((o) => [o.shopifyId, newRowId()]));
  const orderRows = orders.map((o) => {
    const cols = orderColumns(o, emailOf(o));
    return [idOf.get(o.shopifyId)!, shop, o.shopifyId, ...ORDER_COLUMNS.map((c) => jsonOrValue(cols[c])), refundedOf(o), now, now];
  });
  await insertRows(tx, "Order", ["id", "shop", "shopifyId", ...ORDER_COLUMNS, "refundedMinor", "createdAt", "updatedAt"], orderRows, JSON_COLUMNS);
  const lineRows = orders.flatMap((o) => o.lineItems.map((l) => {
    const cols = lineColumns(shop, idOf.get(o.shopifyId)!, l);
    return [newRowId(), ...LINE_COLUMNS.map((c) => cols[c])];
  }));
  await insertRows(tx, "OrderLineItem", ["id", ...LINE_COLUMNS], lineRows);
  return idOf;
}

/**
 * Marks the order's held refunds applied and recomputes `refundedMinor` as the
 * sum of all its refunds, so the order converges whatever arrived first.
 * `knownChange` says a refund of this order was just stored; otherwise the sum
 * is only recomputed when held refunds were found.
 */
export async function settleRefunds(tx: Tx, shop: string, orderId: string, orderShopifyId: string, now: Date, knownChange = true): Promise<void> {
  const released = await execute(
    tx, `UPDATE "Refund" SET "appliedAt" = $1${TS()} WHERE "shop" = $2 AND "orderShopifyId" = $3 AND "appliedAt" IS NULL`, dateParam(now), shop, orderShopifyId,
  );
  if (!knownChange && released === 0) return;
  const refunds = await tx.refund.findMany({ where: { shop, orderShopifyId }, select: { amountMinor: true, storeCreditMinor: true } });
  await tx.order.update({ where: { id: orderId }, data: { refundedMinor: sumRefunds(refunds) } });
}

async function storeRefund(tx: Tx, shop: string, refund: NormalizedRefund, orderExists: boolean, now: Date): Promise<boolean> {
  const stored = await tx.refund.findUnique({ where: { shop_shopifyId: { shop, shopifyId: refund.shopifyId } }, select: { id: true, lines: true } });
  const decision = decideRefund(stored ? { hasLines: stored.lines !== null } : null, refund);
  if (decision === "insert") {
    await tx.refund.create({ data: { shop, shopifyId: refund.shopifyId, ...refundColumns(refund), appliedAt: orderExists ? now : null } });
    return true;
  }
  if (decision === "enrich" && stored) {
    await tx.refund.update({ where: { id: stored.id }, data: refundColumns(refund) });
    return true;
  }
  return false;
}

export async function applyOrder(tx: Tx, shop: string, order: NormalizedOrder, now: Date): Promise<ApplyResult> {
  await lockResource(tx, orderLockKey(shop, order.shopifyId));
  const existing = await findOrderVersion(tx, shop, order.shopifyId);
  const decision = decideVersion(existing?.shopifyUpdatedAt, order.updatedAt, existing !== null);
  if (decision === "stale" || decision === "duplicate") {
    // Only the embedded refunds can still add something.
    let refundsChanged = false;
    for (const refund of order.refunds) if (await storeRefund(tx, shop, refund, true, now)) refundsChanged = true;
    if (refundsChanged && existing) await settleRefunds(tx, shop, existing.id, order.shopifyId, now, true);
    return { decision, changed: refundsChanged };
  }
  const email = (await customerIsRedacted(tx, shop, order.customerShopifyId)) ? null : order.email;
  let orderId = existing?.id;
  if (decision === "insert") {
    orderId = (await insertOrders(tx, shop, [order], now, () => email, () => 0)).get(order.shopifyId)!;
  } else if (decision === "update" && existing) {
    await tx.order.update({ where: { id: existing.id }, data: orderColumns(order, email) });
    await tx.orderLineItem.deleteMany({ where: { orderId: existing.id } });
    if (order.lineItems.length > 0) await tx.orderLineItem.createMany({ data: order.lineItems.map((l) => lineColumns(shop, existing.id, l)) });
  }
  let refundsChanged = false;
  for (const refund of order.refunds) {
    if (await storeRefund(tx, shop, refund, true, now)) refundsChanged = true;
  }
  const orderChanged = decision === "insert" || decision === "update";
  // A new order may release held refunds; a changed refund list needs a new sum.
  if (orderId && (decision === "insert" || refundsChanged)) await settleRefunds(tx, shop, orderId, order.shopifyId, now, refundsChanged);
  return { decision, changed: orderChanged || refundsChanged };
}

/** A refund whose order has not landed is stored held (appliedAt null) and settled when the order arrives. */
export async function applyRefund(tx: Tx, shop: string, refund: NormalizedRefund, now: Date): Promise<ApplyResult & { held: boolean }> {
  await lockResource(tx, orderLockKey(shop, refund.orderShopifyId));
  const order = await tx.order.findUnique({
    where: { shop_shopifyId: { shop, shopifyId: refund.orderShopifyId } },
    select: { id: true },
  });
  const changed = await storeRefund(tx, shop, refund, order !== null, now);
  if (changed && order) await settleRefunds(tx, shop, order.id, refund.orderShopifyId, now);
  return { decision: changed ? "insert" : "duplicate", changed, held: order === null };
}

function customerColumns(c: NormalizedCustomer) {
  return {
    email: c.email,
    firstName: c.firstName,
    lastName: c.lastName,
    phone: c.phone,
    emailMarketing: c.emailMarketing,
    smsMarketing: c.smsMarketing,
    tags: c.tags,
    state: c.state,
    shopifyCreatedAt: c.createdAt,
    shopifyUpdatedAt: c.updatedAt,
  };
}

export async function applyCustomer(tx: Tx, shop: string, customer: NormalizedCustomer): Promise<ApplyResult> {
  await lockResource(tx, customerLockKey(shop, customer.shopifyId));
  const existing = await tx.customer.findUnique({
    where: { shop_shopifyId: { shop, shopifyId: customer.shopifyId } },
    select: { id: true, shopifyUpdatedAt: true, redactedAt: true },
  });
  // Erased PII must never come back from a late or replayed delivery.
  if (existing?.redactedAt) return { decision: "redacted", changed: false };
  const decision = decideVersion(existing?.shopifyUpdatedAt, customer.updatedAt, existing !== null);
  if (decision === "insert") {
    await tx.customer.create({ data: { shop, shopifyId: customer.shopifyId, ...customerColumns(customer) } });
  } else if (decision === "update" && existing) {
    await tx.customer.update({ where: { id: existing.id }, data: customerColumns(customer) });
  }
  return { decision, changed: decision === "insert" || decision === "update" };
}

/**
 * customers/delete. Deletion is final in Shopify, so it is sticky here: a
 * tombstone is stored if the customer never arrived, and later versions update
 * fields but never clear `deletedAt`.
 */
export async function deleteCustomer(tx: Tx, shop: string, customerShopifyId: string, now: Date): Promise<boolean> {
  await lockResource(tx, customerLockKey(shop, customerShopifyId));
  const existing = await tx.customer.findUnique({
    where: { shop_shopifyId: { shop, shopifyId: customerShopifyId } },
    select: { id: true, deletedAt: true },
  });
  if (existing?.deletedAt) return false;
  if (existing) await tx.customer.update({ where: { id: existing.id }, data: { deletedAt: now } });
  else await tx.customer.create({ data: { shop, shopifyId: customerShopifyId, deletedAt: now } });
  return true;
}
