// The fast backfill path: parsing on a worker thread must store exactly what
// inline parsing stores; a bad line stops the import with a typed error after
// the batches before it committed (and the run resumes from there); importing
// over rows already stored changes nothing and never overwrites a newer
// webhook version.
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { SyncInputError } from "~/domain/sync";
import { importBulkLines } from "~/services/sync/backfill.server";
import { inlineParser, workerParser } from "~/services/sync/backfill-parse.server";
import type { WriterBatch } from "~/services/sync/backfill-rows.server";
import { readLines } from "~/services/sync/lines.server";
import { newRowId } from "~/services/sync/row-id.server";
import { createShop, writeBulkJsonl } from "../../../dev/generator";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { deliver, snapshot } from "./helpers";

const db = prisma;
const dir = mkdtempSync(join(tmpdir(), "retain-backfill-pipeline-"));
const generated = createShop({ size: 40, seed: 23 });
const ordersFile = join(dir, "orders.jsonl");
let total = 0;
const fileLines = (file: string) => readLines(createReadStream(file));
// Row ids are drawn where a batch is encoded; everything else must match.
const withoutRowIds = (b: WriterBatch) =>
  b.kind === "orders" ? { ...b, orders: b.orders.map((o) => ({ ...o, row: o.row.slice(1), lines: o.lines.map((l) => [l[0], ...l.slice(2)]) })) } : b;
const strip = (s: unknown, shop: string) => JSON.parse(JSON.stringify(s).replaceAll(shop, "SHOP"));

async function run(shop: string) {
  return db.syncRun.create({ data: { shop, kind: "BACKFILL_ORDERS", status: "DOWNLOADING", objectsTotal: total } });
}

beforeAll(async () => {
  await prepareDatabase(db);
  total = (await writeBulkJsonl(generated, { kind: "orders" }, ordersFile)).rootObjectCount;
});

beforeEach(async () => {
  await resetDatabase(db);
});

describe("backfill pipeline", () => {
  it("parsing on a worker thread stores the same rows as parsing inline", async () => {
    const a = "bp-inline.myshopify.com";
    const b = "bp-worker.myshopify.com";
    await createInstalledShop(db, a);
    await createInstalledShop(db, b);
    await importBulkLines(db, await run(a), fileLines(ordersFile), { batchLines: 50, parseInWorker: false });
    const threaded: boolean[] = [];
    const res = await importBulkLines(db, await run(b), fileLines(ordersFile), { batchLines: 50, parseInWorker: true, onBatch: (x) => threaded.push(x.parsedOnWorker) });
    expect(threaded.length).toBeGreaterThan(2);
    expect(threaded.every(Boolean)).toBe(true); // really on the worker thread, not the inline fallback
    expect(res.finished).toBe(true);
    expect(res.run.objectsDone).toBe(total);
    expect(total).toBeGreaterThan(50);
    expect(strip(await snapshot(db, b), b)).toEqual(strip(await snapshot(db, a), a));
  });

  it("a malformed line fails with SyncInputError after the earlier batches committed; fixed input resumes to the full result", async () => {
    const lines = readFileSync(ordersFile, "utf8").trim().split("\n");
    const bad = [...lines.slice(0, 70), "{\"id\": broken", ...lines.slice(71)];
    const badFile = join(dir, "bad.jsonl");
    writeFileSync(badFile, bad.join("\n") + "\n");
    const a = "bp-straight.myshopify.com";
    const b = "bp-broken.myshopify.com";
    await createInstalledShop(db, a);
    await createInstalledShop(db, b);
    await importBulkLines(db, await run(a), fileLines(ordersFile), { batchLines: 30, parseInWorker: false });
    const runB = await run(b);
    const err = await importBulkLines(db, runB, fileLines(badFile), { batchLines: 30, parseInWorker: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncInputError);
    expect((err as SyncInputError).reason).toBe("invalid_json");
    expect((err as SyncInputError).path).toBe("line 71");
    // Batches of lines 1-30 and 31-60 committed; the one holding line 71 did not.
    const stopped = await db.syncRun.findUniqueOrThrow({ where: { id: runB.id } });
    expect(stopped.linesDone).toBe(60);
    const resumed = await importBulkLines(db, stopped, fileLines(ordersFile), { batchLines: 30, parseInWorker: true });
    expect(resumed.finished).toBe(true);
    expect(strip(await snapshot(db, b), b)).toEqual(strip(await snapshot(db, a), a));
  });

  it("a batch the database refuses rolls back and the import stops there: the resume point stays at the batch before, and resuming gives the straight result", async () => {
    const lines = readFileSync(ordersFile, "utf8").trim().split("\n");
    const isRoot = (l: string) => !(JSON.parse(l) as { __parentId?: string }).__parentId;
    // The first order whose line falls in the third batch of 30 (lines 61-90).
    const victimLine = lines.findIndex((l, i) => i >= 60 && i < 90 && isRoot(l));
    expect(victimLine).toBeGreaterThanOrEqual(60);
    const victim = (JSON.parse(lines[victimLine]) as { id: string }).id.split("/").pop()!;
    const a = "bp-clean.myshopify.com";
    const b = "bp-refused.myshopify.com";
    await createInstalledShop(db, a);
    await createInstalledShop(db, b);
    await importBulkLines(db, await run(a), fileLines(ordersFile), { batchLines: 30, parseInWorker: false });

    const pg = (await import("~/db.server")).currentProvider() === "postgresql";
    const refuse = pg
      ? [`CREATE OR REPLACE FUNCTION retain_test_refuse() RETURNS trigger AS $$ BEGIN
           IF NEW."shop" = '${b}' AND NEW."shopifyId" = '${victim}' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
         `CREATE TRIGGER retain_test_refuse BEFORE INSERT ON "Order" FOR EACH ROW EXECUTE FUNCTION retain_test_refuse()`]
      : [`CREATE TRIGGER retain_test_refuse BEFORE INSERT ON "Order" WHEN NEW."shop" = '${b}' AND NEW."shopifyId" = '${victim}'
           BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END`];
    const allow = pg ? [`DROP TRIGGER IF EXISTS retain_test_refuse ON "Order"`, `DROP FUNCTION IF EXISTS retain_test_refuse()`] : [`DROP TRIGGER IF EXISTS retain_test_refuse`];
    const runB = await run(b);
    const progress: number[] = [];
    try {
      for (const sql of refuse) await db.$executeRawUnsafe(sql);
      const err = await importBulkLines(db, runB, fileLines(ordersFile), {
        batchLines: 30, parseInWorker: true, onProgress: async () => {
          progress.push((await db.syncRun.findUniqueOrThrow({ where: { id: runB.id } })).linesDone);
        },
      }).catch((e: unknown) => e);
      expect(String(err)).toMatch(/refused by the test trigger/);
    } finally {
      for (const sql of allow) await db.$executeRawUnsafe(sql);
    }
    // Lines 1-30 and 31-60 committed, in order; nothing of lines 61 on (no batch after the refused one either).
    expect(progress).toEqual([30, 60]);
    const stopped = await db.syncRun.findUniqueOrThrow({ where: { id: runB.id } });
    expect(stopped.linesDone).toBe(60);
    expect(await db.order.count({ where: { shop: b } })).toBe(lines.slice(0, 60).filter(isRoot).length);
    const resumed = await importBulkLines(db, stopped, fileLines(ordersFile), { batchLines: 30, parseInWorker: true });
    expect(resumed.finished).toBe(true);
    expect(strip(await snapshot(db, b), b)).toEqual(strip(await snapshot(db, a), a));
  });

  it("importing again over stored rows changes nothing, and a newer webhook version is never overwritten", async () => {
    const shop = "bp-again.myshopify.com";
    await createInstalledShop(db, shop);
    await importBulkLines(db, await run(shop), fileLines(ordersFile), { batchLines: 64, parseInWorker: true });
    const first = await snapshot(db, shop);
    const target = [...generated.orders()][3];
    await deliver(db, "orders/updated", { ...target, updated_at: "2099-01-01T00:00:00Z", tags: "after-snapshot" }, { shop });
    const again = await importBulkLines(db, await run(shop), fileLines(ordersFile), { batchLines: 64, parseInWorker: true });
    expect(again.run.objectsDone).toBe(total);
    const second = await snapshot(db, shop);
    const id = String(target.id);
    expect(second.orders.find((o) => o.shopifyId === id)?.tags).toBe("after-snapshot");
    // Everything else is exactly as after the first import: no duplicate lines or refunds.
    const without = (s: typeof first) => ({ ...s, orders: s.orders.filter((o) => o.shopifyId !== id) });
    expect(without(second)).toEqual(without(first));
  });

  it("orders of a customer redacted before the backfill are stored without the email (customers/redact holds for bulk rows too)", async () => {
    const shop = "bp-redacted.myshopify.com";
    await createInstalledShop(db, shop);
    const roots = readFileSync(ordersFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: string; email?: string | null; customer?: { id: string } | null });
    const withCustomer = roots.filter((o) => o.customer && o.email);
    const redactedGid = withCustomer[0].customer!.id;
    const redactedId = redactedGid.split("/").pop()!;
    await db.customer.create({ data: { shop, shopifyId: redactedId, redactedAt: new Date("2026-01-01T00:00:00Z") } });
    const res = await importBulkLines(db, await run(shop), fileLines(ordersFile), { batchLines: 50, parseInWorker: false });
    expect(res.finished).toBe(true);
    const theirs = await db.order.findMany({ where: { shop, customerShopifyId: redactedId }, select: { email: true } });
    expect(theirs.length).toBe(withCustomer.filter((o) => o.customer!.id === redactedGid).length);
    expect(theirs.every((o) => o.email === null)).toBe(true);
    // Everyone else keeps the email the file carries.
    const others = await db.order.count({ where: { shop, customerShopifyId: { not: redactedId }, email: { not: null } } });
    expect(others).toBe(withCustomer.filter((o) => o.customer!.id !== redactedGid).length);
  });

  it("a parser thread that cannot start falls back to parsing inline with the same result", async () => {
    const texts = readFileSync(ordersFile, "utf8").trim().split("\n").slice(0, 40);
    const lineNos = texts.map((_, i) => i + 1);
    const broken = workerParser(new URL("./no-such-entry.server.ts", import.meta.url));
    try {
      const [a, b] = await Promise.all([broken.prepare("orders", "a.myshopify.com", texts.slice(0, 20), lineNos.slice(0, 20)), broken.prepare("orders", "a.myshopify.com", texts.slice(20), lineNos.slice(20))]);
      const inline = inlineParser();
      const expected = [await inline.prepare("orders", "a.myshopify.com", texts.slice(0, 20), lineNos.slice(0, 20)), await inline.prepare("orders", "a.myshopify.com", texts.slice(20), lineNos.slice(20))];
      expect([a, b].map(withoutRowIds)).toEqual(expected.map(withoutRowIds));
      expect(a.roots + b.roots).toBeGreaterThan(0);
      expect(broken.threaded()).toBe(false);
    } finally {
      await broken.close();
    }
  });

  it("row ids are time-ordered and unique (adjacent keys for rows written together)", () => {
    const ids = Array.from({ length: 20_000 }, () => newRowId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
