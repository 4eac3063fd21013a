// Turns one accepted webhook delivery into rows. Called by the inbox worker
// (app/jobs/worker.server.ts): a thrown error is retried with backoff, a
// PermanentDeliveryError parks the delivery as DEAD at once.
import type { PrismaClient } from "@prisma/client";
import { directSql } from "~/db.server";
import {
  asRecord, normalizeRestCustomer, normalizeRestOrder, normalizeRestRefund, optionalString, readDeletedCustomerId,
  requiredString, SyncInputError, toShopifyId, type JsonRecord, type NormalizedCustomer, type NormalizedOrder,
} from "~/domain/sync";
import { enqueueJob } from "~/jobs/queue.server";
import type { DirectQueries } from "~/lib/direct-sql.server";
import { applyCustomer, applyOrder, applyRefund, deleteCustomer, type OrderVersions } from "./apply.server";
import { Notifications } from "./downstream.server";
import { exportCustomerData, redactCustomer, redactShop } from "./gdpr.server";
import { markUninstalled, updateScopes } from "./lifecycle.server";
import { customerLockKey, lockResource, orderLockKey } from "./tx.server";

export interface Delivery {
  shop: string;
  topic: string;
  webhookId: string;
  payload: unknown;
  receivedAt: Date;
  triggeredAt: Date | null;
  apiVersion: string | null;
}

export type PermanentReason = "invalid_payload" | "unknown_topic";

/** Retrying cannot help (malformed payload, unknown topic): park as DEAD. */
export class PermanentDeliveryError extends Error {
  readonly reason: PermanentReason;
  constructor(reason: PermanentReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentDeliveryError";
    this.reason = reason;
  }
}

export const SUPPORTED_TOPICS = [
  "orders/create", "orders/updated", "orders/paid", "orders/cancelled", "refunds/create",
  "customers/create", "customers/update", "customers/delete",
  "app/uninstalled", "app/scopes_update", "bulk_operations/finish",
  "customers/data_request", "customers/redact", "shop/redact",
] as const;

export type ProcessOutcome = { topic: string; result: string };

/** The data tables a delivery writes, read and checked before any transaction opens (parsing needs no lock). */
export type PlannedDelivery =
  | { kind: "order"; shop: string; topic: string; order: NormalizedOrder; lockKey: string }
  | { kind: "refund"; shop: string; topic: string; payload: JsonRecord; orderShopifyId: string; lockKey: string }
  | { kind: "customer"; shop: string; topic: string; customer: NormalizedCustomer; lockKey: string }
  | { kind: "customer-delete"; shop: string; topic: string; customerShopifyId: string; lockKey: string };

function parsePayload(delivery: Pick<Delivery, "topic" | "payload">): unknown {
  if (typeof delivery.payload !== "string") return delivery.payload;
  try {
    return JSON.parse(delivery.payload);
  } catch {
    throw new PermanentDeliveryError("invalid_payload", `${delivery.topic}: body is not valid JSON`);
  }
}

function asPermanent<T>(topic: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SyncInputError) throw new PermanentDeliveryError("invalid_payload", `${topic}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Parses and normalizes an order, refund or customer delivery. Returns null
 * for the other topics (lifecycle, GDPR, bulk): those go through
 * processDelivery one at a time. Bad input throws PermanentDeliveryError.
 */
export function planDelivery(delivery: Pick<Delivery, "shop" | "topic" | "payload">): PlannedDelivery | null {
  const { shop, topic } = delivery;
  switch (topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/paid":
    case "orders/cancelled": {
      const order = asPermanent(topic, () => normalizeRestOrder(parsePayload(delivery)));
      return { kind: "order", shop, topic, order, lockKey: orderLockKey(shop, order.shopifyId) };
    }
    case "refunds/create": {
      // Normalized inside the transaction: money parsing needs the stored order's currency.
      const payload = asPermanent(topic, () => asRecord(parsePayload(delivery), "refund"));
      const orderShopifyId = asPermanent(topic, () => {
        if (payload.order_id === null || payload.order_id === undefined) throw new SyncInputError("missing_field", "refund.order_id", "required id is missing");
        return toShopifyId(payload.order_id, "refund.order_id");
      });
      return { kind: "refund", shop, topic, payload, orderShopifyId, lockKey: orderLockKey(shop, orderShopifyId) };
    }
    case "customers/create":
    case "customers/update": {
      const customer = asPermanent(topic, () => normalizeRestCustomer(parsePayload(delivery)));
      return { kind: "customer", shop, topic, customer, lockKey: customerLockKey(shop, customer.shopifyId) };
    }
    case "customers/delete": {
      const customerShopifyId = asPermanent(topic, () => readDeletedCustomerId(parsePayload(delivery)));
      return { kind: "customer-delete", shop, topic, customerShopifyId, lockKey: customerLockKey(shop, customerShopifyId) };
    }
    default:
      return null;
  }
}

/**
 * Applies a planned delivery inside the caller's transaction; follow-up jobs
 * are collected in `notes` for the caller to flush before it commits.
 */
export async function applyPlannedDelivery(q: DirectQueries, plan: PlannedDelivery, now: Date, notes: Notifications, versions?: OrderVersions): Promise<string> {
  const { shop } = plan;
  switch (plan.kind) {
    case "order": {
      const r = await applyOrder(q, shop, plan.order, now, versions);
      if (r.changed) notes.orderChanged(shop, plan.order.shopifyId);
      return r.decision;
    }
    case "refund": {
      // Refund transactions are in the order's currency; the refund payload does not repeat it.
      await lockResource(q, plan.lockKey);
      const currency = await orderCurrency(q, shop, plan.orderShopifyId, plan.payload);
      const refund = asPermanent(plan.topic, () => normalizeRestRefund(plan.payload, currency));
      const r = await applyRefund(q, shop, refund, now);
      if (r.changed && !r.held) notes.orderChanged(shop, refund.orderShopifyId);
      return r.held ? "held" : r.decision;
    }
    case "customer": {
      const r = await applyCustomer(q, shop, plan.customer, now);
      if (r.changed) notes.customersChanged(shop);
      return r.decision;
    }
    case "customer-delete":
      return (await deleteCustomer(q, shop, plan.customerShopifyId, now)) ? "deleted" : "duplicate";
  }
}

export async function processDelivery(db: PrismaClient, delivery: Delivery, now: Date = new Date()): Promise<ProcessOutcome> {
  const payload = parsePayload(delivery);
  const plan = planDelivery({ ...delivery, payload });
  if (plan) {
    const result = await directSql(db).transaction(async (q) => {
      const notes = new Notifications();
      const r = await applyPlannedDelivery(q, plan, now, notes);
      await notes.flush(q, now);
      return r;
    });
    return { topic: delivery.topic, result };
  }
  try {
    return { topic: delivery.topic, result: await route(db, { ...delivery, payload }, now) };
  } catch (err) {
    if (err instanceof SyncInputError) {
      throw new PermanentDeliveryError("invalid_payload", `${delivery.topic}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

async function route(db: PrismaClient, d: Delivery, now: Date): Promise<string> {
  const { shop } = d;
  switch (d.topic) {
    case "app/uninstalled":
      return (await markUninstalled(db, shop, d.triggeredAt, now)) ? "uninstalled" : "stale";
    case "app/scopes_update":
      await updateScopes(db, shop, d.payload);
      return "scopes-updated";
    case "bulk_operations/finish": {
      const p = asRecord(d.payload, "payload");
      const id = requiredString(p.admin_graphql_api_id, "payload.admin_graphql_api_id");
      await enqueueJob(db, {
        type: "sync.bulk-finished",
        shop,
        payload: { bulkOperationId: id, status: optionalString(p.status, "payload.status"), source: "webhook" },
        dedupeKey: `bulk:${shop}:${id}`,
        runAt: now,
      }, now);
      return "bulk-finish-queued";
    }
    case "customers/data_request":
      return `exported:${await exportCustomerData(db, shop, d.payload, now)}`;
    case "customers/redact":
      await redactCustomer(db, shop, d.payload, now);
      return "redacted";
    case "shop/redact":
      await redactShop(db, shop, d.webhookId);
      return "shop-redacted";
    default:
      throw new PermanentDeliveryError("unknown_topic", `no handler for topic "${d.topic}"`);
  }
}

// The stored order's currency, else the transactions', else the shop's.
async function orderCurrency(q: DirectQueries, shop: string, orderShopifyId: string, refund: Record<string, unknown>): Promise<string> {
  const order = await q.query<{ currency: string }>(`SELECT "currency" FROM "Order" WHERE "shop" = $1 AND "shopifyId" = $2`, [shop, orderShopifyId]);
  if (order.length > 0) return order[0].currency;
  const tx = Array.isArray(refund.transactions) ? (refund.transactions as unknown[]) : [];
  for (const t of tx) {
    const c = t && typeof t === "object" ? (t as Record<string, unknown>).currency : null;
    if (typeof c === "string" && /^[A-Z]{3}$/.test(c)) return c;
  }
  const row = await q.query<{ currencyCode: string | null }>(`SELECT "currencyCode" FROM "Shop" WHERE "shop" = $1`, [shop]);
  return row[0]?.currencyCode ?? "USD";
}
