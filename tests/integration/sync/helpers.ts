// Shared fixtures for the sync integration tests.
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@prisma/client";
import { withLineItems } from "~/services/sync/order-line-items.server";
import { processDelivery, type Delivery } from "~/services/sync/process-delivery.server";

export const SHOP = "sync-test.myshopify.com";
const SAMPLES = new URL("../../../dev/generator/samples/2026-07/", import.meta.url);

export function sample(name: string): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, SAMPLES), "utf8"));
}

let seq = 0;
export function deliver(db: PrismaClient, topic: string, payload: unknown, opts: Partial<Delivery> & { now?: Date } = {}) {
  const { now, ...rest } = opts;
  return processDelivery(
    db,
    { shop: SHOP, topic, webhookId: `wh-${++seq}`, payload, receivedAt: new Date(), triggeredAt: null, apiVersion: "2026-07", ...rest },
    now,
  );
}

/** The orders sample re-keyed to a safe integer id (the published sample's ids were rounded past 2^53). */
export function orderVariant(id: number, patch: Record<string, unknown> = {}): Record<string, any> {
  const o = sample("orders/paid");
  return { ...o, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, cancelled_at: null, cancel_reason: null, test: false, financial_status: "paid", ...patch };
}

export function refundVariant(id: number, orderId: number, amounts: string[] = ["75.00", "10.00"], patch: Record<string, unknown> = {}): Record<string, any> {
  const r = sample("refunds/create");
  const txs = r.transactions as Record<string, unknown>[];
  return {
    ...r, id, admin_graphql_api_id: `gid://shopify/Refund/${id}`, order_id: orderId,
    transactions: amounts.map((amount, i) => ({ ...txs[i % txs.length], id: id * 10 + i, admin_graphql_api_id: `gid://shopify/OrderTransaction/${id * 10 + i}`, order_id: orderId, amount })),
    ...patch,
  };
}

/** Every synced row of the shop, without our own ids and bookkeeping times, for state comparisons. */
export async function snapshot(db: PrismaClient, shop = SHOP) {
  const orders = await withLineItems(db, await db.order.findMany({ where: { shop }, orderBy: { shopifyId: "asc" } }));
  const refunds = await db.refund.findMany({ where: { shop }, orderBy: { shopifyId: "asc" } });
  const customers = await db.customer.findMany({ where: { shop }, orderBy: { shopifyId: "asc" } });
  return {
    orders: orders.map(({ id: _id, createdAt: _c, updatedAt: _u, lineItems, ...o }) => ({
      ...o,
      lineItems: lineItems.map(({ orderId: _oid, ...l }) => l).sort((a, b) => a.shopifyId.localeCompare(b.shopifyId)),
    })),
    refunds: refunds.map(({ id: _id, createdAt: _c, appliedAt, ...r }) => ({ ...r, applied: appliedAt !== null })),
    customers: customers.map(({ id: _id, createdAt: _c, updatedAt: _u, deletedAt, redactedAt, ...c }) => ({ ...c, deleted: deletedAt !== null, redacted: redactedAt !== null })),
  };
}
