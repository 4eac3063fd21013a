// Turns one accepted webhook delivery into rows. Called by the inbox worker
// (app/jobs/worker.server.ts): a thrown error is retried with backoff, a
// PermanentDeliveryError parks the delivery as DEAD at once.
import type { PrismaClient } from "@prisma/client";
import {
  asRecord, normalizeRestCustomer, normalizeRestOrder, normalizeRestRefund, optionalString, readDeletedCustomerId,
  requiredString, SyncInputError,
} from "~/domain/sync";
import { enqueueJob } from "~/jobs/queue.server";
import { applyCustomer, applyOrder, applyRefund, deleteCustomer } from "./apply.server";
import { notifyCustomersChanged, notifyOrderChanged } from "./downstream.server";
import { exportCustomerData, redactCustomer, redactShop } from "./gdpr.server";
import { markUninstalled, updateScopes } from "./lifecycle.server";
import { inTransaction } from "./tx.server";

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

export async function processDelivery(db: PrismaClient, delivery: Delivery, now: Date = new Date()): Promise<ProcessOutcome> {
  let payload = delivery.payload;
  if (typeof payload === "string") {
    try {
      payload = JSON.parse(payload);
    } catch {
      throw new PermanentDeliveryError("invalid_payload", `${delivery.topic}: body is not valid JSON`);
    }
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
    case "orders/create":
    case "orders/updated":
    case "orders/paid":
    case "orders/cancelled": {
      const order = normalizeRestOrder(d.payload);
      const res = await inTransaction(db, async (tx) => {
        const r = await applyOrder(tx, shop, order, now);
        if (r.changed) await notifyOrderChanged(tx, shop, order.shopifyId, now);
        return r;
      });
      return res.decision;
    }
    case "refunds/create": {
      const p = asRecord(d.payload, "refund");
      // Refund transactions are in the order's currency; the refund payload does not repeat it.
      const currency = await orderCurrency(db, shop, p);
      const refund = normalizeRestRefund(p, currency);
      const res = await inTransaction(db, async (tx) => {
        const r = await applyRefund(tx, shop, refund, now);
        if (r.changed && !r.held) await notifyOrderChanged(tx, shop, refund.orderShopifyId, now);
        return r;
      });
      return res.held ? "held" : res.decision;
    }
    case "customers/create":
    case "customers/update": {
      const customer = normalizeRestCustomer(d.payload);
      const res = await inTransaction(db, async (tx) => {
        const r = await applyCustomer(tx, shop, customer);
        if (r.changed) await notifyCustomersChanged(tx, shop, now);
        return r;
      });
      return res.decision;
    }
    case "customers/delete": {
      const id = readDeletedCustomerId(d.payload);
      const changed = await inTransaction(db, (tx) => deleteCustomer(tx, shop, id, now));
      return changed ? "deleted" : "duplicate";
    }
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
async function orderCurrency(db: PrismaClient, shop: string, refund: Record<string, unknown>): Promise<string> {
  const orderId = refund.order_id;
  if (typeof orderId === "number" || typeof orderId === "string") {
    const order = await db.order.findFirst({ where: { shop, shopifyId: String(orderId) }, select: { currency: true } });
    if (order) return order.currency;
  }
  const tx = Array.isArray(refund.transactions) ? (refund.transactions as unknown[]) : [];
  for (const t of tx) {
    const c = t && typeof t === "object" ? (t as Record<string, unknown>).currency : null;
    if (typeof c === "string" && /^[A-Z]{3}$/.test(c)) return c;
  }
  const row = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  return row?.currencyCode ?? "USD";
}
