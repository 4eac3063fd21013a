// Group commit of accepted deliveries (app/services/webhook-inbox.server.ts):
// many deliveries share one transaction, yet each is answered 200 only once
// its own row is committed, dedupe on (shop, Webhook-Id) stays exact inside a
// batch, and the 404/410 answers are unchanged. Runs the default writer (a
// connection of its own on a writer thread on SQLite, direct SQL on PostgreSQL), SQLite's
// own connection on the event loop, and the direct-SQL writer.
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { createPrismaClient, currentProvider } from "~/db.server";
import { acceptWebhook, inboxWriterFor, InboxWriteError, InboxWriter, MAX_INBOX_BATCH, type InboxRow } from "~/services/webhook-inbox.server";
import { buildWebhookHeaders, signWebhook } from "../../../dev/webhook-sender";
import { createInstalledShop, resetDatabase } from "../../helpers/db";

const SECRET = process.env.SHOPIFY_API_SECRET!;
const SHOP = "group-commit.myshopify.com";
const GONE = "group-commit-gone.myshopify.com";
const body = fs.readFileSync(path.resolve(import.meta.dirname, "../../../dev/generator/samples/2026-07/orders/create.json"), "utf8");

function delivery(webhookId: string, shop = SHOP, triggeredAt = new Date("2026-11-01T10:00:00.123Z")): Request {
  const headers = buildWebhookHeaders({ topic: "orders/create", shop, webhookId, eventId: `ev-${webhookId}`, triggeredAt, hmac: signWebhook(body, SECRET) });
  return new Request("http://127.0.0.1/webhooks/orders/create", { method: "POST", headers, body });
}

// A second client whose writer is the direct-SQL one (the PostgreSQL path, and SQLite's fallback without a file).
process.env.RETAIN_INBOX_WRITER = "direct";
const directClient = createPrismaClient(process.env.DATABASE_URL);
const directWriter = await inboxWriterFor(directClient);
// And one whose writer is SQLite's own connection on the event loop (no writer thread).
process.env.RETAIN_INBOX_WRITER = "main-thread";
const mainThreadClient = createPrismaClient(process.env.DATABASE_URL);
const mainThreadWriter = await inboxWriterFor(mainThreadClient);
delete process.env.RETAIN_INBOX_WRITER;
const defaultWriter = await inboxWriterFor(prisma);

afterAll(async () => {
  await directClient.$disconnect();
  await mainThreadClient.$disconnect();
});

describe.each([
  ["default", prisma],
  ["direct-SQL", directClient],
  ["main-thread", mainThreadClient],
] as [string, PrismaClient][])("group commit through the %s writer", (_name, db) => {
  beforeEach(async () => {
    await resetDatabase(prisma);
    await createInstalledShop(prisma, SHOP);
    await createInstalledShop(prisma, GONE, { status: "UNINSTALLED" });
  });

  it("answers every concurrent delivery 200 and stores one row per Webhook-Id, duplicates inside one batch included", async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `gc-${i}`);
    // Every third delivery is sent twice in the same burst, so both copies share a batch.
    const burst = [...ids, ...ids.filter((_, i) => i % 3 === 0)];
    const answers = await Promise.all(burst.map((id) => acceptWebhook(db, delivery(id), "orders/create")));
    expect(answers.map((r) => r.status)).toEqual(burst.map(() => 200));
    const rows = await prisma.webhookInbox.findMany({ where: { shop: SHOP }, select: { webhookId: true, rawBody: true, status: true } });
    expect(rows.map((r) => r.webhookId).sort()).toEqual([...ids].sort());
    expect(rows.every((r) => r.rawBody === body && r.status === "PENDING")).toBe(true);
  });

  it("keeps 404 for a shop that never installed and 410 for an uninstalled one when they share a batch with accepted deliveries", async () => {
    const answers = await Promise.all([
      acceptWebhook(db, delivery("ok-1"), "orders/create"),
      acceptWebhook(db, delivery("stranger-1", "stranger.myshopify.com"), "orders/create"),
      acceptWebhook(db, delivery("gone-1", GONE), "orders/create"),
      acceptWebhook(db, delivery("ok-2"), "orders/create"),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 404, 410, 200]);
    expect(await prisma.webhookInbox.count()).toBe(2);
  });

  it("stores the delivery's dates so Prisma reads them back exactly", async () => {
    const triggeredAt = new Date("2026-10-31T23:59:58.987Z");
    const before = Date.now();
    expect((await acceptWebhook(db, delivery("dates-1", SHOP, triggeredAt), "orders/create")).status).toBe(200);
    const row = await prisma.webhookInbox.findUniqueOrThrow({ where: { shop_webhookId: { shop: SHOP, webhookId: "dates-1" } } });
    expect(row.triggeredAt?.toISOString()).toBe(triggeredAt.toISOString());
    expect(row.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(row.nextAttemptAt.getTime()).toBe(row.receivedAt.getTime());
    expect(row.eventId).toBe("ev-dates-1");
    expect(row.apiVersion).toBe("2026-07");
  });
});

it("uses a writer thread with a connection of its own for a SQLite database file and direct SQL otherwise", () => {
  expect(defaultWriter.kind).toBe(currentProvider() === "sqlite" ? "sqlite-writer-thread" : "postgresql");
  expect(mainThreadWriter.kind).toBe(currentProvider() === "sqlite" ? "sqlite-own-connection" : "postgresql");
  expect(directWriter.kind).toBe(currentProvider() === "sqlite" ? "sqlite-direct" : "postgresql");
});

function row(i: number): InboxRow {
  return { id: `r${i}`, shop: SHOP, topic: "orders/create", webhookId: `w${i}`, eventId: null, apiVersion: null, triggeredAt: null, rawBody: "{}", receivedAt: new Date(0), anyStatus: false };
}

describe("InboxWriter batching", () => {
  it("tells no caller its row is in before the batch write has finished, and keeps each caller's own answer", async () => {
    let finish: (v: boolean[]) => void = () => {};
    const batches: InboxRow[][] = [];
    const writer = new InboxWriter((rows) => {
      batches.push(rows);
      return new Promise<boolean[]>((resolve) => (finish = resolve));
    }, "test");
    let settled = 0;
    const answers = [0, 1, 2].map((i) => writer.insert(row(i)).then((v) => (settled++, v)));
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toHaveLength(1);
    expect(settled).toBe(0);
    finish([true, false, true]);
    expect(await Promise.all(answers)).toEqual([true, false, true]);
  });

  it("fails every caller of a failed batch with InboxWriteError and goes on with the next batch", async () => {
    let calls = 0;
    const writer = new InboxWriter(async (rows) => {
      calls++;
      if (calls === 1) throw new Error("disk I/O error");
      return rows.map(() => true);
    }, "test");
    const first = [0, 1].map((i) => writer.insert(row(i)));
    const results = await Promise.allSettled(first);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(InboxWriteError);
      expect(String((r as PromiseRejectedResult).reason.message)).toMatch(/disk I\/O error/);
    }
    expect(await writer.insert(row(2))).toBe(true);
  });

  it(`commits at most ${MAX_INBOX_BATCH} rows at a time, in arrival order, one transaction in flight`, async () => {
    const batches: string[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const writer = new InboxWriter(async (rows) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      batches.push(rows.map((r) => r.id));
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return rows.map(() => true);
    }, "test");
    const n = MAX_INBOX_BATCH * 2 + 10;
    await Promise.all(Array.from({ length: n }, (_, i) => writer.insert(row(i))));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(MAX_INBOX_BATCH);
    expect(batches.flat()).toEqual(Array.from({ length: n }, (_, i) => `r${i}`));
    expect(maxInFlight).toBe(1);
  });

  it("with two batches allowed in flight (the PostgreSQL writer), never more than two are written at once and every caller gets its own answer", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const writer = new InboxWriter(async (rows) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 3));
      inFlight--;
      return rows.map((r) => Number(r.id.slice(1)) % 2 === 0);
    }, "test", undefined, 2);
    const answers: Promise<boolean>[] = [];
    for (let wave = 0; wave < 6; wave++) {
      for (let i = 0; i < 40; i++) answers.push(writer.insert(row(wave * 40 + i)));
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(answers)).toEqual(answers.map((_, i) => i % 2 === 0));
    expect(maxInFlight).toBe(2);
  });
});

// SQLite only: there the inbox write needs the file's single write lock, which the worker process holds during its transactions.
if (currentProvider() === "sqlite") {
  describe("waiting for SQLite's write lock", () => {
    it("keeps the event loop running while another connection holds the lock, and answers 200 only after it commits", async () => {
      await resetDatabase(prisma);
      await createInstalledShop(prisma, SHOP);
      await inboxWriterFor(prisma);
      const { createRequire } = await import("node:module");
      const Database = createRequire(import.meta.url)("better-sqlite3") as new (file: string) => { exec(sql: string): void; close(): void };
      const file = (await prisma.$queryRawUnsafe<{ name: string; file: string }[]>("PRAGMA database_list")).find((d) => d.name === "main")!.file;
      const other = new Database(file); // stands in for the worker process
      other.exec("BEGIN IMMEDIATE");
      let answered = false;
      const answer = acceptWebhook(prisma, delivery("locked-1"), "orders/create").then((r) => ((answered = true), r));
      // Timers keep firing while the accept waits: nothing blocks synchronously on the lock.
      const started = performance.now();
      let ticks = 0;
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 5));
        ticks++;
      }
      expect(ticks).toBe(20);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(answered).toBe(false);
      other.exec("COMMIT");
      other.close();
      expect((await answer).status).toBe(200);
      expect(await prisma.webhookInbox.count({ where: { webhookId: "locked-1" } })).toBe(1);
    });
  });
}
