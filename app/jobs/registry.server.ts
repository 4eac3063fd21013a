// Which code handles which webhook topic and job type. Each capability exports
// its handlers; this is the only place that lists them all.
import type { Job, PrismaClient } from "@prisma/client";
import { PermanentDeliveryError, processDelivery } from "~/services/sync/process-delivery.server";
// (sync job handlers are registered once app/services/sync/jobs.server.ts lands)

export interface JobContext {
  now: Date;
  workerId: string;
  reportProgress(progress: unknown): Promise<void>;
}
export type JobHandler = (db: PrismaClient, job: Job, ctx: JobContext) => Promise<unknown>;

const handlers: Record<string, JobHandler> = {
  // ...syncJobHandlers,
};

export function getJobHandler(type: string): JobHandler | undefined {
  return handlers[type];
}

export function registeredJobTypes(): string[] {
  return Object.keys(handlers).sort();
}

export function isPermanentDeliveryError(err: unknown): boolean {
  return err instanceof PermanentDeliveryError;
}

export { processDelivery };
