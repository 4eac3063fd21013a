// Benches that run the worker's code in their own process (backfill,
// process-inbox) run with the worker process's Node flags, so they measure
// what production runs: without them, this process re-runs itself with them.
import { spawnSync } from "node:child_process";
import { WORKER_NODE_FLAGS } from "../../app/jobs/worker-node-flags";

export function runWithWorkerNodeFlags(): void {
  const missing = WORKER_NODE_FLAGS.filter((f) => !process.execArgv.includes(f) && !(process.env.NODE_OPTIONS ?? "").split(" ").includes(f));
  if (missing.length === 0) return;
  const child = spawnSync(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}
