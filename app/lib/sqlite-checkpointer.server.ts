// A thread that runs PASSIVE WAL checkpoints (they never block writers) on a
// connection of its own. Hot writers (the worker, the webhook inbox) turn
// auto-checkpointing off on their connections so a commit never pays the
// checkpoint's fsyncs (10–60 ms here) on their own thread.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { DirectQueries } from "./direct-sql.server";
import { log } from "./log.server";
import { SQLITE_WAL_SIZE_LIMIT_BYTES } from "./sqlite-adapter.server";

const CHECKPOINT_THREAD_SOURCE = `
const { workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 0");
db.pragma("journal_size_limit = " + workerData.walLimit);
setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch { /* busy or gone: next time */ }
}, workerData.everyMs);
`;

/** Starts the thread (unref'd: it never keeps the process alive). */
export function startCheckpointThread(file: string, everyMs: number): Worker {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const thread = new Worker(CHECKPOINT_THREAD_SOURCE, { eval: true, execArgv: [], workerData: { driver, file, everyMs, walLimit: SQLITE_WAL_SIZE_LIMIT_BYTES } });
  thread.unref();
  return thread;
}

const AUTOCHECKPOINT_PAGES = 1000;

/**
 * For a long-running writer (the job worker: deliveries and backfill batches).
 * Once the WAL passes 1000 pages, every commit would run a checkpoint on the
 * writer's own thread, fsyncs included (10–60 ms here, the p99 of the worker's
 * transactions; a third of the backfill's main-thread time). A thread
 * checkpoints instead and this connection stops auto-checkpointing; if the
 * thread fails, auto-checkpoints come back. Returns the stop function (null:
 * PostgreSQL or no database file).
 *
 * Once a second: a checkpoint copies each page changed since the last one
 * once, however many commits changed it, so a backfill's hot index pages are
 * copied less often than every 100 ms (checkpointer CPU 6.7 s -> 4.0 s on 1M
 * orders). The WAL holds about a second of writes in between.
 */
export async function offloadSqliteCheckpoints(direct: DirectQueries, everyMs = 1000): Promise<(() => Promise<void>) | null> {
  if (direct.provider !== "sqlite") return null;
  const files = await direct.query<{ name: string; file: string }>("PRAGMA database_list");
  const file = files.find((f) => f.name === "main")?.file;
  if (!file) return null;
  const thread = startCheckpointThread(file, everyMs);
  const restore = () => direct.query(`PRAGMA wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`).catch(() => undefined);
  thread.on("error", (err) => {
    log.error("worker.checkpointer_failed", { error: String(err) });
    void restore();
  });
  await direct.query("PRAGMA wal_autocheckpoint = 0");
  return async () => {
    await restore();
    await thread.terminate();
  };
}
