// A thread that runs PASSIVE WAL checkpoints (they never block writers) on a
// connection of its own. Hot writers (the worker, the webhook inbox) turn
// auto-checkpointing off on their connections so a commit never pays the
// checkpoint's fsyncs (10–60 ms here) on their own thread.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const CHECKPOINT_THREAD_SOURCE = `
const { workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 0");
setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch { /* busy or gone: next time */ }
}, workerData.everyMs);
`;

/** Starts the thread (unref'd: it never keeps the process alive). */
export function startCheckpointThread(file: string, everyMs: number): Worker {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const thread = new Worker(CHECKPOINT_THREAD_SOURCE, { eval: true, workerData: { driver, file, everyMs } });
  thread.unref();
  return thread;
}
