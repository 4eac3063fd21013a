// Reconciliation: ask the Admin API for orders and customers updated since the
// last run and repair drift left by missed webhooks. A row counts as repaired
// when it was missing or older than Shopify's; identical rows are untouched.
import type { PrismaClient, SyncRun } from "@prisma/client";
import { normalizeGraphqlCustomer, normalizeGraphqlOrder } from "~/domain/sync";
import { CUSTOMERS_UPDATED_SINCE, ORDER_LINE_ITEMS_PAGE, ORDERS_UPDATED_SINCE } from "~/graphql/sync";
import { enqueueJob } from "~/jobs/queue.server";
import { adminGraphql as defaultGraphql } from "~/services/admin-api.server";
import { applyCustomer, applyOrder } from "./apply.server";
import { notifyCustomersChanged, notifyOrderChanged } from "./downstream.server";
import { inTransaction } from "./tx.server";

type GraphqlCaller = typeof defaultGraphql;

export interface RepairCounts {
  orders: { missing: number; older: number };
  customers: { missing: number; older: number };
  /** Refunds found on orders that were otherwise current. */
  refunds: number;
  checked: { orders: number; customers: number };
}

/** Webhooks and clocks are not exact; re-reading a few minutes costs nothing (idempotent). */
export const RECONCILE_OVERLAP_MS = 5 * 60_000;
export const RECONCILE_EVERY_MS = 24 * 3600_000;
const FIRST_WINDOW_MS = 24 * 3600_000;

interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}
type OrderNode = Record<string, unknown> & { id: string; lineItems: Page<unknown> };

export async function runReconcile(
  db: PrismaClient, shop: string, now: Date, deps: { gql?: GraphqlCaller; signal?: AbortSignal } = {},
): Promise<{ run: SyncRun; repaired: RepairCounts }> {
  const gql = deps.gql ?? defaultGraphql;
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { lastReconcileAt: true } });
  const base = shopRow?.lastReconcileAt ?? new Date(now.getTime() - FIRST_WINDOW_MS);
  const since = new Date(base.getTime() - RECONCILE_OVERLAP_MS);
  const run = await db.syncRun.create({ data: { shop, kind: "RECONCILE", status: "RUNNING", since, startedAt: now } });
  const repaired: RepairCounts = { orders: { missing: 0, older: 0 }, customers: { missing: 0, older: 0 }, refunds: 0, checked: { orders: 0, customers: 0 } };
  const query = `updated_at:>='${since.toISOString()}'`;
  try {
    for (let after: string | null = null; ;) {
      const data: { orders: Page<OrderNode> } = await gql(shop, ORDERS_UPDATED_SINCE, { query, after }, { signal: deps.signal });
      for (const node of data.orders.nodes) {
        const lines = [...node.lineItems.nodes];
        for (let page = node.lineItems.pageInfo; page.hasNextPage; ) {
          const more: { order: { lineItems: Page<unknown> } | null } = await gql(shop, ORDER_LINE_ITEMS_PAGE, { id: node.id, after: page.endCursor }, { signal: deps.signal });
          if (!more.order) break;
          lines.push(...more.order.lineItems.nodes);
          page = more.order.lineItems.pageInfo;
        }
        const order = normalizeGraphqlOrder(node, lines, `order ${node.id}`);
        const res = await inTransaction(db, async (tx) => {
          const r = await applyOrder(tx, shop, order, now);
          if (r.changed) await notifyOrderChanged(tx, shop, order.shopifyId, now);
          return r;
        });
        repaired.checked.orders++;
        if (res.decision === "insert") repaired.orders.missing++;
        else if (res.decision === "update") repaired.orders.older++;
        else if (res.changed) repaired.refunds++;
      }
      await db.syncRun.update({ where: { id: run.id }, data: { objectsDone: repaired.checked.orders } });
      if (!data.orders.pageInfo.hasNextPage) break;
      after = data.orders.pageInfo.endCursor;
    }
    for (let after: string | null = null; ;) {
      const data: { customers: Page<unknown> } = await gql(shop, CUSTOMERS_UPDATED_SINCE, { query, after }, { signal: deps.signal });
      let changed = false;
      for (const node of data.customers.nodes) {
        const customer = normalizeGraphqlCustomer(node);
        const res = await inTransaction(db, (tx) => applyCustomer(tx, shop, customer));
        repaired.checked.customers++;
        if (res.decision === "insert") repaired.customers.missing++;
        else if (res.decision === "update") repaired.customers.older++;
        changed ||= res.changed;
      }
      if (changed) await inTransaction(db, (tx) => notifyCustomersChanged(tx, shop, now));
      if (!data.customers.pageInfo.hasNextPage) break;
      after = data.customers.pageInfo.endCursor;
    }
  } catch (err) {
    await db.syncRun.update({ where: { id: run.id }, data: { status: "FAILED", error: String((err as Error)?.message ?? err).slice(0, 2000), repaired: repaired as object, finishedAt: new Date(now) } });
    throw err;
  }
  const done = await inTransaction(db, async (tx) => {
    await tx.shop.updateMany({ where: { shop }, data: { lastReconcileAt: now } });
    return tx.syncRun.update({
      where: { id: run.id },
      data: { status: "COMPLETED", repaired: repaired as object, objectsDone: repaired.checked.orders + repaired.checked.customers, finishedAt: now },
    });
  });
  return { run: done, repaired };
}

/** The nightly schedule: one queued reconcile per shop (dedupe key), tomorrow. */
export async function scheduleNextReconcile(db: PrismaClient, shop: string, now: Date, delayMs = RECONCILE_EVERY_MS): Promise<void> {
  await enqueueJob(db, { type: "sync.reconcile", shop, dedupeKey: `reconcile:${shop}`, runAt: new Date(now.getTime() + delayMs) }, now);
}
