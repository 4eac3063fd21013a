// The SQLite writer thread behind the webhook inbox (app/lib/sqlite-writer-thread.server.ts):
// a batch is one transaction, a failing batch leaves nothing behind and the
// next one works, and a write lock held by another connection is waited out
// (up to the busy timeout) instead of failing the batch. The inbox writer built
// on it falls back to the event-loop writer when the thread dies. SQLite only.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentProvider } from "~/db.server";
import { startSqliteWriterThread, SqliteWriterThreadError, type SqliteWriterThread } from "~/lib/sqlite-writer-thread.server";
import { sqliteThreadWriter, type InboxRow } from "~/services/webhook-inbox.server";

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

  it("a thread whose database cannot be opened fails to start with a typed error", async () => {
    await expect(startSqliteWriterThread(path.join(dir, "missing-dir", "x.sqlite"), ["SELECT 1"], 100)).rejects.toBeInstanceOf(SqliteWriterThreadError);
  });

  it("the inbox writer goes on through the event-loop writer after its thread dies: the batch in the thread fails, later ones commit", async () => {
    other.exec(`CREATE TABLE IF NOT EXISTS "Shop" ("shop" TEXT PRIMARY KEY, "status" TEXT NOT NULL)`);
    other.exec(`CREATE TABLE IF NOT EXISTS "WebhookInbox" ("id" TEXT PRIMARY KEY, "shop" TEXT, "topic" TEXT, "webhookId" TEXT, "eventId" TEXT, "apiVersion" TEXT,
      "triggeredAt" TEXT, "rawBody" TEXT, "status" TEXT, "attempts" INTEGER, "nextAttemptAt" TEXT, "receivedAt" TEXT, UNIQUE ("shop", "webhookId"))`);
    other.exec(`INSERT OR IGNORE INTO "Shop" VALUES ('fallback.myshopify.com', 'INSTALLED')`);
    // A real thread behind a wrapper that can make it "die" as a crashed thread would.
    let die: (err: Error) => void = () => undefined;
    let dead = false;
    const writer = await sqliteThreadWriter(file, async (...args) => {
      const real = await startSqliteWriterThread(...args);
      return {
        run: (batch) => (dead ? Promise.reject(new SqliteWriterThreadError("SQLite writer thread exited with code 1")) : real.run(batch)),
        close: () => real.close(),
        onFailure: (listener) => {
          die = (err) => {
            dead = true;
            listener(err);
          };
        },
      };
    });
    const row = (i: number): InboxRow => ({
      id: `fb-${i}`, shop: "fallback.myshopify.com", topic: "orders/create", webhookId: `fb-w${i}`, eventId: null, apiVersion: null,
      triggeredAt: null, rawBody: "{}", receivedAt: new Date(0), anyStatus: false,
    });
    try {
      expect(await writer.write([row(1)])).toEqual([true]);
      die(new SqliteWriterThreadError("SQLite writer thread exited with code 1"));
      // Now the event-loop writer, with the same dedupe: a redelivery of w1 (a new row id) is dropped.
      expect(await writer.write([row(2), { ...row(1), id: "fb-1-again" }])).toEqual([true, false]);
      const ids = other.prepare(`SELECT "webhookId" FROM "WebhookInbox" ORDER BY "webhookId"`).all();
      expect(ids).toEqual([{ webhookId: "fb-w1" }, { webhookId: "fb-w2" }]);
    } finally {
      await writer.close();
    }
  });

  it("keeps a process alive only while a batch is in the thread: a script that wrote exits by itself", async () => {
    const { execFile } = await import("node:child_process");
    const script = `
      const { startSqliteWriterThread } = await import(${JSON.stringify(new URL("../../../app/lib/sqlite-writer-thread.server.ts", import.meta.url).href)});
      const t = await startSqliteWriterThread(${JSON.stringify(file)}, ["INSERT INTO t (k, v) VALUES (?, ?)"], 1000);
      const r = await t.run([[0, ["exit-check", "1"]]]);
      console.log(JSON.stringify(r.changes));`;
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 20_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(out.trim()).toBe("[1]");
    expect(Date.now() - started).toBeLessThan(20_000); // not killed by the timeout: it ended on its own
  });
});
