// Which code handles which webhook topic and job type. Each capability exports
// its handlers; this is the only place that lists them all.
import type { Job, PrismaClient } from "@prisma/client";
import { PermanentDeliveryError, processDelivery } from "~/services/sync/process-delivery.server";
import { syncJobHandlers } from "~/services/sync/jobs.server";
import { analyticsJobHandlers } from "~/services/analytics/jobs.server";
import { loyaltyJobBatchPreparers, loyaltyJobHandlers } from "~/services/loyalty/jobs.server";
import { campaignJobHandlers } from "~/services/campaigns/jobs.server";

export interface JobContext {
  now: Date;
  workerId: string;
  reportProgress(progress: unknown): Promise<void>;
}
export type JobHandler = (db: PrismaClient, job: Job, ctx: JobContext) => Promise<unknown>;

const handlers: Record<string, JobHandler> = {
  ...syncJobHandlers,
  ...analyticsJobHandlers,
  ...loyaltyJobHandlers,
  ...campaignJobHandlers,
};

export function getJobHandler(type: string): JobHandler | undefined {
  return handlers[type];
}

/**
 * Settles, in one pass, the jobs of a claim that need no full run (e.g. the
 * loyalty job of a guest order): job id -> the result its handler would have
 * returned. The others run their handler as usual.
 */
export type JobBatchPreparer = (db: PrismaClient, jobs: readonly Job[]) => Promise<Map<string, unknown>>;

const batchPreparers: Record<string, JobBatchPreparer> = {
  ...loyaltyJobBatchPreparers,
};

export function getJobBatchPreparer(type: string): JobBatchPreparer | undefined {
  return batchPreparers[type];
}

export function registeredJobTypes(): string[] {
  return Object.keys(handlers).sort();
}

export function isPermanentDeliveryError(err: unknown): boolean {
  return err instanceof PermanentDeliveryError;
}

export { processDelivery };
