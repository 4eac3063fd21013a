// Backfill throughput: stream a Shopify bulk JSONL of generated orders (and
// their line items) through the real import path (importBulkLines: parse,
// normalize, batch upsert, resume point per batch) into a fresh SQLite or
// PostgreSQL database. Reports orders/s and peak RSS.
//
//   npx tsx bench/backfill.ts [--customers 250000] [--batch 2000]
//   DATABASE_URL=postgresql://… npx tsx bench/backfill.ts
//
// 250,000 generated customers give about 1M orders. The JSONL is written once
// (dev/generator writeBulkJsonl, seeded) under the OS temp dir and reused.
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SEED = 20261122;
const SHOP = "bench-backfill.myshopify.com";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const customers = arg("customers", 250_000);
const batchLines = arg("batch", 2000);
const jsonl = path.join(os.tmpdir(), `retain-bench-orders-${customers}-${SEED}.jsonl`);
const meta = `${jsonl}.json`;

if (!existsSync(jsonl) || !existsSync(meta)) {
  const { createShop, writeBulkJsonl } = await import("../dev/generator");
  const t = performance.now();
  const written = await writeBulkJsonl(createShop({ size: customers, seed: SEED }), { kind: "orders" }, jsonl);
  (await import("node:fs")).writeFileSync(meta, JSON.stringify(written));
  console.log(JSON.stringify({ stage: "generate", ...written, seconds: +((performance.now() - t) / 1000).toFixed(1) }));
}
const { objectCount, rootObjectCount, bytes } = JSON.parse((await import("node:fs")).readFileSync(meta, "utf8")) as { objectCount: number; rootObjectCount: number; bytes: number };

const sqliteFile = path.join(os.tmpdir(), `retain-bench-backfill-${process.pid}.sqlite`);
process.env.DATABASE_URL ??= `file:${sqliteFile}`;
execFileSync(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/db.ts", "deploy"], { cwd: root, env: process.env, stdio: ["ignore", "ignore", "inherit"] });

const { createPrismaClient, currentProvider, prepareDatabase } = await import("../app/db.server");
const { importBulkLines } = await import("../app/services/sync/backfill.server");
const { readLines } = await import("../app/services/sync/lines.server");
const db = createPrismaClient();
await prepareDatabase(db);
if (currentProvider() === "postgresql") {
  // A reused PostgreSQL database: start from an empty shop.
  await db.orderLineItem.deleteMany({ where: { shop: SHOP } });
  for (const t of ["refund", "order", "syncRun", "shop"] as const) await (db[t] as { deleteMany(a: unknown): Promise<unknown> }).deleteMany({ where: { shop: SHOP } });
}
await db.shop.create({ data: { shop: SHOP } });
const run = await db.syncRun.create({ data: { shop: SHOP, kind: "BACKFILL_ORDERS", status: "DOWNLOADING", objectsTotal: rootObjectCount } });

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const rssAt: number[] = [];
const started = performance.now();
const result = await importBulkLines(db, run, readLines(createReadStream(jsonl)), {
  batchLines,
  onProgress: (p) => {
    // One RSS sample per 20k orders shows whether memory stays flat.
    const bucket = Math.floor(p.objectsDone / 20_000);
    if (bucket > rssAt.length - 1) rssAt.push(Math.round(process.memoryUsage().rss / 1e6));
    if (process.env.BENCH_VERBOSE) console.error("progress", p.objectsDone);
  },
});
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const stored = await db.order.count({ where: { shop: SHOP } });
console.log(
  JSON.stringify({
    stage: "import", engine: currentProvider(), orders: rootObjectCount, lines: objectCount, megabytes: +(bytes / 1e6).toFixed(1),
    stored, finished: result.finished, seconds: +seconds.toFixed(1), ordersPerSecond: Math.round(rootObjectCount / seconds),
    peakRssMb: Math.round(peakRss / 1e6), rssSamplesMb: rssAt, batchLines,
  }),
);
await db.$disconnect();
if (currentProvider() === "sqlite") for (const s of ["", "-wal", "-shm"]) rmSync(sqliteFile + s, { force: true });
