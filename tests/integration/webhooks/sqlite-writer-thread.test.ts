// The SQLite writer thread behind the webhook inbox (app/lib/sqlite-writer-thread.server.ts):
// a batch is one transaction, a failing batch leaves nothing behind and the
// next one works, and a write lock held by another connection is waited out
// (up to the busy timeout) instead of failing the batch. SQLite only.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentProvider } from "~/db.server";
import { startSqliteWriterThread, SqliteWriterThreadError, type SqliteWriterThread } from "~/lib/sqlite-writer-thread.server";

type Conn = { exec(sql: string): void; prepare(sql: string): { get(...a: unknown[]): unknown; all(...a: unknown[]): unknown[] }; pragma(s: string): unknown; close(): void };
const Database = createRequire(import.meta.url)("better-sqlite3") as new (file: string) => Conn;

describe.skipIf(currentProvider() !== "sqlite")("SQLite writer thread", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "retain-writer-thread-"));
  const file = path.join(dir, "t.sqlite");
  let other: Conn;
  let thread: SqliteWriterThread;

  beforeAll(async () => {
    other = new Database(file);
    other.pragma("journal_mode = WAL");
    other.exec(`CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
    thread = await startSqliteWriterThread(file, [`INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING`, `INSERT INTO t (k, v) VALUES (?, ?)`], 300);
  });
  afterAll(async () => {
    await thread.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const count = () => (other.prepare(`SELECT COUNT(*) AS n FROM t`).get() as { n: number }).n;

  it("runs a batch in one transaction and reports each statement's changes (0 for an ignored duplicate)", async () => {
    const r = await thread.run([[0, ["a", "1"]], [0, ["b", "2"]], [0, ["a", "again"]]]);
    expect(r.changes).toEqual([1, 1, 0]);
    expect(other.prepare(`SELECT k, v FROM t ORDER BY k`).all()).toEqual([{ k: "a", v: "1" }, { k: "b", v: "2" }]);
  });

  it("a failing statement rolls its whole batch back with a typed error, and the next batch commits", async () => {
    const before = count();
    const failed = thread.run([[0, ["c", "3"]], [1, ["a", "duplicate key"]]]);
    await expect(failed).rejects.toBeInstanceOf(SqliteWriterThreadError);
    await expect(failed).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    expect(count()).toBe(before); // "c" was rolled back with it
    expect((await thread.run([[0, ["d", "4"]]])).changes).toEqual([1]);
  });

  it("waits while another connection holds the write lock and commits once it is released", async () => {
    other.exec("BEGIN IMMEDIATE");
    setTimeout(() => other.exec("COMMIT"), 60);
    const r = await thread.run([[0, ["e", "5"]]]);
    expect(r.changes).toEqual([1]);
    expect(r.waitMs).toBeGreaterThanOrEqual(40);
  });

  it("gives up with SQLITE_BUSY once the lock is held past the busy timeout", async () => {
    other.exec("BEGIN IMMEDIATE");
    try {
      await expect(thread.run([[0, ["f", "6"]]])).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    } finally {
      other.exec("COMMIT");
    }
    expect(other.prepare(`SELECT COUNT(*) AS n FROM t WHERE k = 'f'`).get()).toEqual({ n: 0 });
  });
});
