// Job handlers of the sync engine, registered by app/jobs/registry.server.ts.
import type { Job, PrismaClient } from "@prisma/client";
import { enqueueJob } from "~/jobs/queue.server";
import { scheduleNextRun } from "~/jobs/schedule.server";
import { handleBulkFinished, requestBackfill, type BackfillKind, type BulkFinishedPayload } from "./backfill.server";
import { exportCustomerData, redactCustomer, redactShop } from "./gdpr.server";
import { installShop } from "./install.server";
import { runReconcile, scheduleNextReconcile } from "./reconcile.server";

export interface SyncJobContext {
  now: Date;
  workerId: string;
  reportProgress(progress: unknown): Promise<void>;
}
export type SyncJobHandler = (db: PrismaClient, job: Job, ctx: SyncJobContext) => Promise<unknown>;

export class SyncJobError extends Error {
  readonly reason: "missing_shop" | "invalid_payload";
  constructor(reason: "missing_shop" | "invalid_payload", message: string) {
    super(message);
    this.name = "SyncJobError";
    this.reason = reason;
  }
}

function shopOf(job: Job): string {
  if (!job.shop) throw new SyncJobError("missing_shop", `${job.type} job ${job.id} has no shop`);
  return job.shop;
}

function payloadOf(job: Job): Record<string, unknown> {
  const p = job.payload;
  return p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

async function installedShops(db: PrismaClient): Promise<string[]> {
  const rows = await db.shop.findMany({ where: { status: "INSTALLED" }, select: { shop: true } });
  return rows.map((r) => r.shop);
}

export const syncJobHandlers: Record<string, SyncJobHandler> = {
  "shop.install": async (db, job, ctx) => installShop(db, shopOf(job), ctx.now),

  "sync.backfill": async (db, job, ctx) => {
    const kind = payloadOf(job).kind;
    if (kind !== "customers" && kind !== "orders") throw new SyncJobError("invalid_payload", `sync.backfill needs kind customers|orders, got ${String(kind)}`);
    const run = await requestBackfill(db, shopOf(job), kind as BackfillKind, ctx.now);
    return { syncRunId: run.id, status: run.status };
  },

  "sync.bulk-finished": async (db, job, ctx) => {
    const p = payloadOf(job);
    if (typeof p.bulkOperationId !== "string") throw new SyncJobError("invalid_payload", "sync.bulk-finished needs bulkOperationId");
    return handleBulkFinished(db, shopOf(job), p as unknown as BulkFinishedPayload, ctx.now, {
      import: { onProgress: (progress) => ctx.reportProgress(progress) },
    });
  },

  "sync.reconcile": async (db, job, ctx) => {
    const shop = shopOf(job);
    const row = await db.shop.findUnique({ where: { shop }, select: { status: true } });
    if (row?.status !== "INSTALLED") return { skipped: "shop not installed" };
    const { run, repaired } = await runReconcile(db, shop, ctx.now);
    await scheduleNextReconcile(db, shop, ctx.now);
    return { syncRunId: run.id, repaired };
  },

  // The recurring fan-out (app/jobs/schedule.server.ts): shares each shop's
  // dedupe key with the shop's own nightly run, so they never double up.
  "sync.reconcile-all": async (db, _job, ctx) => {
    const shops = await installedShops(db);
    for (const shop of shops) await enqueueJob(db, { type: "sync.reconcile", shop, dedupeKey: `reconcile:${shop}`, runAt: ctx.now }, ctx.now);
    await scheduleNextRun(db, "sync.reconcile-all", ctx.now);
    return { shops: shops.length };
  },

  // GDPR work normally runs inline in processDelivery; these let the admin or
  // a script replay a request as a job with the webhook's payload.
  "gdpr.data-request": async (db, job, ctx) => ({ dataExportId: await exportCustomerData(db, shopOf(job), job.payload, ctx.now) }),
  "gdpr.customer-redact": async (db, job, ctx) => redactCustomer(db, shopOf(job), job.payload, ctx.now),
  "gdpr.shop-redact": async (db, job) => redactShop(db, shopOf(job), null),
};
