// A worker process: drains the webhook inbox and runs queued jobs.
//   DATABASE_URL=… tsx scripts/worker.ts [--id name]
// The app forks one by default (RETAIN_WORKER=child); on PostgreSQL any number
// can run side by side (rows are claimed with FOR UPDATE SKIP LOCKED).
import { parseArgs } from "node:util";
import prisma, { prepareDatabase } from "../app/db.server";
import { startWorker } from "../app/jobs/worker.server";
import { ensureRecurringJobs } from "../app/jobs/schedule.server";
import { kickWorker } from "../app/jobs/wake.server";
import { noteAcceptPressure } from "../app/jobs/accept-pressure.server";

const { values } = parseArgs({ options: { id: { type: "string" } } });
await prepareDatabase(prisma);
await ensureRecurringJobs(prisma);
const worker = startWorker(prisma, { workerId: values.id });
console.log(JSON.stringify({ msg: "worker.started", pid: process.pid }));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // A long job (a large recompute) may not reach a stopping point soon: work is
  // transactional and claims expire, so after a grace period exiting is safe.
  setTimeout(() => process.exit(1), 10_000).unref();
  await worker.stop();
  await prisma.$disconnect();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
// Forked by the app: wake on its signal ("kick:busy": its event loop is saturated, yield to it), and never outlive it.
process.on("message", (m) => {
  if (m === "kick:busy") noteAcceptPressure();
  if (m === "kick" || m === "kick:busy") kickWorker();
});
process.on("disconnect", stop);
