// Job handlers for analytics, registered by app/jobs/registry.server.ts.
//   analytics.recompute    one shop (job.shop); enqueued debounced by sync.
//   analytics.nightly-all  fans out a recompute per installed shop, then
//                          schedules its own next run.
import type { Job, PrismaClient } from "@prisma/client";
import { enqueueJob } from "~/jobs/queue.server";
import { scheduleNextRun } from "~/jobs/schedule.server";
import { recomputeShopAnalytics } from "./recompute.server";

// Mirrors registry.server.ts's JobHandler; declared here so this module does
// not import the registry (which imports every capability's handlers).
interface JobContext {
  now: Date;
  workerId: string;
  reportProgress(progress: unknown): Promise<void>;
}
type JobHandler = (db: PrismaClient, job: Job, ctx: JobContext) => Promise<unknown>;

export class AnalyticsJobError extends Error {
  constructor(readonly reason: "MISSING_SHOP", message: string) {
    super(message);
    this.name = "AnalyticsJobError";
  }
}

export const recomputeAnalyticsJob: JobHandler = async (db, job, ctx) => {
  if (!job.shop) throw new AnalyticsJobError("MISSING_SHOP", `job ${job.id} (analytics.recompute) has no shop`);
  const shopRow = await db.shop.findUnique({ where: { shop: job.shop }, select: { status: true } });
  // An uninstalled shop's data is on its way out: nothing to compute.
  if (!shopRow || shopRow.status !== "INSTALLED") return { skipped: shopRow ? "uninstalled" : "unknown shop" };
  const result = await recomputeShopAnalytics(db, job.shop, { now: ctx.now, reportProgress: (p) => ctx.reportProgress(p) });
  return {
    customers: result.customers,
    customersWithOrders: result.customersWithOrders,
    orders: result.orders,
    clvStatus: result.clvStatus,
    model: result.model,
    stagesMs: Object.fromEntries(Object.entries(result.stages).map(([k, v]) => [k, typeof v === "number" ? v : v.ms])),
  };
};

export const nightlyAnalyticsJob: JobHandler = async (db, _job, ctx) => {
  const shops = await db.shop.findMany({ where: { status: "INSTALLED" }, select: { shop: true }, orderBy: { shop: "asc" } });
  // Spread over a few minutes so a fleet of shops does not land on the worker at once.
  let i = 0;
  for (const { shop } of shops) {
    await enqueueJob(
      db,
      { type: "analytics.recompute", shop, dedupeKey: `analytics:${shop}`, runAt: new Date(ctx.now.getTime() + (i % 60) * 5_000) },
      ctx.now,
    );
    i += 1;
  }
  await scheduleNextRun(db, "analytics.nightly-all", ctx.now);
  return { enqueued: shops.length };
};

export const analyticsJobHandlers: Record<string, JobHandler> = {
  "analytics.recompute": recomputeAnalyticsJob,
  "analytics.nightly-all": nightlyAnalyticsJob,
};
