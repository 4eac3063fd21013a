// The Data sync page: sync status, on-demand backfill/reconcile, dead-letter
// replay and GDPR exports.
import type { PrismaClient } from "@prisma/client";
import { enqueueJob } from "~/jobs/queue.server";
import { kickWorker } from "~/jobs/wake.server";
import { replayDelivery } from "~/jobs/worker.server";
import { getSyncStatus } from "~/services/sync/status.server";

export async function getDataSyncPage(db: PrismaClient, shop: string, now = new Date()) {
  const [status, exports] = await Promise.all([
    getSyncStatus(db, shop, now),
    db.dataExport.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: 20, select: { id: true, customerShopifyId: true, createdAt: true } }),
  ]);
  const repaired = (status.lastReconcile?.repaired ?? {}) as { customers?: number; orders?: number };
  return { status, exports, repaired: { customers: repaired.customers ?? 0, orders: repaired.orders ?? 0 } };
}

export type DataSyncAction = { intent: "backfill" } | { intent: "reconcile" } | { intent: "replay"; id: string };

export async function runDataSyncAction(db: PrismaClient, shop: string, action: DataSyncAction, now = new Date()) {
  switch (action.intent) {
    case "backfill":
      await enqueueJob(db, { type: "sync.backfill", shop, payload: { kind: "customers" }, dedupeKey: `backfill:customers:${shop}` }, now);
      await enqueueJob(db, { type: "sync.backfill", shop, payload: { kind: "orders" }, dedupeKey: `backfill:orders:${shop}` }, now);
      kickWorker();
      return { ok: true, message: "Backfill started" };
    case "reconcile":
      await enqueueJob(db, { type: "sync.reconcile", shop, dedupeKey: `reconcile-now:${shop}` }, now);
      kickWorker();
      return { ok: true, message: "Reconciliation started" };
    case "replay": {
      if (!(await replayDelivery(db, shop, action.id))) {
        return { ok: false, error: "That delivery is no longer dead (already replayed?). Reload the page." };
      }
      return { ok: true, message: "Delivery queued again" };
    }
  }
}

export async function downloadDataExport(db: PrismaClient, shop: string, id: string, actor: string, now = new Date()) {
  const row = await db.dataExport.findFirst({ where: { id, shop } });
  if (!row) return null;
  await db.$transaction([
    db.dataExport.update({ where: { id }, data: { downloadedAt: now } }),
    db.auditLog.create({ data: { shop, actor, action: "gdpr.export.downloaded", subject: row.customerShopifyId, details: { exportId: id } } }),
  ]);
  return { filename: `customer-${row.customerShopifyId}-data.json`, body: JSON.stringify(row.payload, null, 2) };
}
