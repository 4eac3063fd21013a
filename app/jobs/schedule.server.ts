// Recurring jobs. Each is one deduplicated queued row whose handler schedules
// its next run, so restarts and several app instances never multiply them.
import type { PrismaClient } from "@prisma/client";
import { enqueueJob } from "./queue.server";
import { registeredJobTypes } from "./registry.server";

export const RECURRING_JOBS: { type: string; everyMs: number }[] = [
  { type: "sync.reconcile-all", everyMs: 24 * 3600_000 },
  { type: "loyalty.maintenance-all", everyMs: 3600_000 },
  { type: "analytics.nightly-all", everyMs: 24 * 3600_000 },
];

export async function ensureRecurringJobs(db: PrismaClient, now = new Date()): Promise<void> {
  const known = new Set(registeredJobTypes());
  for (const job of RECURRING_JOBS) {
    if (!known.has(job.type)) continue;
    const existing = await db.job.findUnique({ where: { dedupeKey: `recurring:${job.type}` } });
    if (!existing) await enqueueJob(db, { type: job.type, dedupeKey: `recurring:${job.type}`, runAt: new Date(now.getTime() + job.everyMs) }, now);
  }
}

/** Called by a recurring job's handler when it finishes. */
export async function scheduleNextRun(db: PrismaClient, type: string, now = new Date()): Promise<void> {
  const spec = RECURRING_JOBS.find((j) => j.type === type);
  if (!spec) return;
  await enqueueJob(db, { type, dedupeKey: `recurring:${type}`, runAt: new Date(now.getTime() + spec.everyMs) }, now);
}
