// A standalone worker process, for scale-out beside the app's inline worker.
//   DATABASE_URL=postgresql://… tsx scripts/worker.ts [--id name]
// Several can run at once on PostgreSQL (rows are claimed with SKIP LOCKED).
import { parseArgs } from "node:util";
import prisma, { prepareDatabase } from "../app/db.server";
import { startWorker } from "../app/jobs/worker.server";
import { ensureRecurringJobs } from "../app/jobs/schedule.server";

const { values } = parseArgs({ options: { id: { type: "string" } } });
await prepareDatabase(prisma);
await ensureRecurringJobs(prisma);
const worker = startWorker(prisma, { workerId: values.id });
console.log(JSON.stringify({ msg: "worker.started", pid: process.pid }));
const stop = async () => {
  await worker.stop();
  await prisma.$disconnect();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
