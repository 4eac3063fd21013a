// Starts the in-process worker once per server process (RETAIN_WORKER=inline).
import prisma, { prepareDatabase } from "~/db.server";
import { getEnv } from "~/env.server";
import { log } from "~/lib/log.server";
import { startWorker, type WorkerHandle } from "./worker.server";
import { ensureRecurringJobs } from "./schedule.server";

declare global {
  // eslint-disable-next-line no-var
  var __retainWorker: WorkerHandle | undefined;
}

export function bootBackgroundWork(): void {
  const env = getEnv();
  if (env.RETAIN_WORKER !== "inline" || globalThis.__retainWorker) return;
  globalThis.__retainWorker = { stop: async () => {} };
  void (async () => {
    await prepareDatabase(prisma);
    await ensureRecurringJobs(prisma);
    globalThis.__retainWorker = startWorker(prisma);
    log.info("worker.started", { pid: process.pid });
  })().catch((err) => log.error("worker.boot_failed", { error: String(err) }));
}
