// Read model for the admin's Data sync page.
import type { PrismaClient } from "@prisma/client";
import { computeProgress, type SyncProgress } from "~/domain/sync";

export interface SyncRunStatus {
  id: string;
  kind: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  progress: SyncProgress;
  repaired: unknown;
}

export interface DeadDelivery {
  id: string;
  topic: string;
  webhookId: string;
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
}

export interface SyncStatus {
  runs: SyncRunStatus[];
  active: SyncRunStatus[];
  deadDeliveries: DeadDelivery[];
  deadCount: number;
  pendingDeliveries: number;
  heldRefunds: number;
  lastReconcile: SyncRunStatus | null;
  counts: { customers: number; orders: number; refunds: number };
}

export async function getSyncStatus(db: PrismaClient, shop: string, now: Date = new Date()): Promise<SyncStatus> {
  const [runs, dead, deadCount, pending, held, lastReconcile, customers, orders, refunds] = await Promise.all([
    db.syncRun.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take: 20 }),
    db.webhookInbox.findMany({
      where: { shop, status: "DEAD" }, orderBy: { receivedAt: "desc" }, take: 50,
      select: { id: true, topic: true, webhookId: true, attempts: true, lastError: true, receivedAt: true },
    }),
    db.webhookInbox.count({ where: { shop, status: "DEAD" } }),
    db.webhookInbox.count({ where: { shop, status: { in: ["PENDING", "PROCESSING"] } } }),
    db.refund.count({ where: { shop, appliedAt: null } }),
    db.syncRun.findFirst({ where: { shop, kind: "RECONCILE", status: "COMPLETED" }, orderBy: { startedAt: "desc" } }),
    db.customer.count({ where: { shop } }),
    db.order.count({ where: { shop } }),
    db.refund.count({ where: { shop } }),
  ]);
  const view = (r: (typeof runs)[number]): SyncRunStatus => ({
    id: r.id, kind: r.kind, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt, error: r.error, repaired: r.repaired,
    progress: computeProgress({ objectsDone: r.objectsDone, objectsTotal: r.objectsTotal, startedAt: r.startedAt, now: r.finishedAt ?? now }),
  });
  const all = runs.map(view);
  return {
    runs: all,
    active: all.filter((r) => ["PENDING", "RUNNING", "DOWNLOADING"].includes(r.status)),
    deadDeliveries: dead,
    deadCount,
    pendingDeliveries: pending,
    heldRefunds: held,
    lastReconcile: lastReconcile ? view(lastReconcile) : null,
    counts: { customers, orders, refunds },
  };
}
