// A SQLite write connection on a thread of its own. Each batch is one
// BEGIN IMMEDIATE … COMMIT of prepared statements, run off the event loop:
// the webhook accept path spends its main-thread time on HTTP and HMAC work,
// and the inserts (B-tree and WAL writes, ~80 µs per delivery) run beside it
// on the second core. While another process holds the write lock the thread
// retries every 0.2–1 ms (busy_timeout = 0; SQLite's own busy handler sleeps
// 1, 2, 5, 10… ms and misses the short gaps between the worker's
// transactions), until `busyTimeoutMs` has passed.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { SQLITE_WAL_SIZE_LIMIT_BYTES } from "./sqlite-adapter.server";

const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const conn = new Database(workerData.file);
conn.pragma("busy_timeout = 0");
conn.pragma("synchronous = NORMAL");
conn.pragma("wal_autocheckpoint = 0");
conn.pragma("journal_size_limit = " + workerData.walLimit);
const begin = conn.prepare("BEGIN IMMEDIATE");
const commit = conn.prepare("COMMIT");
const statements = workerData.statements.map((sql) => conn.prepare(sql));
const pause = new Int32Array(new SharedArrayBuffer(4));
const isBusy = (e) => typeof e?.code === "string" && e.code.startsWith("SQLITE_BUSY");
parentPort.on("message", (m) => {
  if (m.close) {
    conn.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  const asked = performance.now();
  const deadline = Date.now() + workerData.busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const locked = performance.now();
      begin.run();
      let changes;
      try {
        changes = m.batch.map(([index, params]) => statements[index].run(params).changes);
        commit.run();
      } catch (e) {
        if (conn.inTransaction) conn.exec("ROLLBACK");
        throw e;
      }
      parentPort.postMessage({ id: m.id, changes, waitMs: locked - asked, transactionMs: performance.now() - locked });
      return;
    } catch (e) {
      if (!isBusy(e) || Date.now() > deadline) {
        parentPort.postMessage({ id: m.id, error: { message: String(e && e.message || e), code: e && e.code } });
        return;
      }
      Atomics.wait(pause, 0, 0, attempt < 10 ? 0.2 : 1);
    }
  }
});
parentPort.postMessage({ ready: true });
`;

export interface WriterThreadResult {
  /** Rows changed by each statement of the batch, in order. */
  changes: number[];
  /** How long the batch waited for the write lock, and held it. */
  waitMs: number;
  transactionMs: number;
}

export class SqliteWriterThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "SqliteWriterThreadError";
  }
}

export interface SqliteWriterThread {
  /** Runs [statement index, positional parameters] pairs in one transaction. */
  run(batch: ReadonlyArray<readonly [number, readonly unknown[]]>): Promise<WriterThreadResult>;
  close(): Promise<void>;
  /** Called once if the thread dies (its pending batches were rejected with SqliteWriterThreadError). */
  onFailure(listener: (err: Error) => void): void;
}

/**
 * Starts the thread on `file` with `statements` (SQL with "?" placeholders).
 * Resolves once the connection is open and every statement prepared.
 */
export function startSqliteWriterThread(file: string, statements: readonly string[], busyTimeoutMs: number): Promise<SqliteWriterThread> {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  // execArgv []: the eval'd source is CommonJS whatever flags (e.g. --input-type=module) started the process.
  const worker = new Worker(THREAD_SOURCE, { eval: true, execArgv: [], workerData: { driver, file, statements, busyTimeoutMs, walLimit: SQLITE_WAL_SIZE_LIMIT_BYTES } });
  // Keeps the process alive only while a batch is in the thread (and while it starts).
  const pending = new Map<number, { resolve: (r: WriterThreadResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | null = null;
  let closing: (() => void) | null = null;
  const failureListeners: Array<(err: Error) => void> = [];

  return new Promise<SqliteWriterThread>((resolveStart, rejectStart) => {
    let started = false;
    const fail = (err: Error) => {
      if (failure) return;
      failure = err instanceof SqliteWriterThreadError ? err : new SqliteWriterThreadError(`SQLite writer thread failed: ${err.message}`);
      for (const p of pending.values()) p.reject(failure);
      pending.clear();
      if (!started) rejectStart(failure);
      else for (const l of failureListeners) l(failure);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (closing) closing();
      else fail(new SqliteWriterThreadError(`SQLite writer thread exited with code ${code}`));
    });
    worker.on("message", (m: { ready?: true; closed?: true; id?: number; changes?: number[]; waitMs?: number; transactionMs?: number; error?: { message: string; code?: string } }) => {
      if (m.ready) {
        started = true;
        worker.unref();
        resolveStart(thread);
        return;
      }
      if (m.closed) {
        void worker.terminate(); // the connection is closed: the thread may stop
        return;
      }
      const p = pending.get(m.id!);
      if (!p) return;
      pending.delete(m.id!);
      if (pending.size === 0) worker.unref();
      if (m.error) p.reject(Object.assign(new SqliteWriterThreadError(m.error.message, m.error.code), { code: m.error.code }));
      else p.resolve({ changes: m.changes!, waitMs: m.waitMs!, transactionMs: m.transactionMs! });
    });

    const thread: SqliteWriterThread = {
      run(batch) {
        if (failure) return Promise.reject(failure);
        return new Promise<WriterThreadResult>((resolve, reject) => {
          const id = nextId++;
          if (pending.size === 0) worker.ref();
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, batch });
        });
      },
      close: () =>
        new Promise<void>((resolve) => {
          if (failure) return resolve();
          closing = resolve;
          worker.postMessage({ close: true });
        }),
      onFailure(listener) {
        failureListeners.push(listener);
      },
    };
  });
}
