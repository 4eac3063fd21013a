// Backfill throughput: stream a Shopify bulk JSONL of generated orders (and
// their line items) through the real import path (importBulkLines: parse,
// normalize, batch upsert, resume point per batch) into a fresh SQLite or
// PostgreSQL database. Reports orders/s and peak RSS.
//
//   npx tsx bench/backfill.ts [--customers 250000] [--batch 2000]
//   DATABASE_URL=postgresql://… npx tsx bench/backfill.ts   (imports into a fresh database on that server)
//
// 250,000 generated customers give about 1M orders. The JSONL is written once
// (dev/generator writeBulkJsonl, seeded: exactly the fields of the app's bulk
// orders query) under the OS temp dir and reused.
// Reports wall and CPU time, main-thread CPU (parsing runs on a worker
// thread), each thread's CPU, how long the writer waited for the parser,
// peak RSS and how long each batch held the write transaction.
// BENCH_PRAGMA="PRAGMA …;PRAGMA …" applies SQLite settings first (experiments).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFreshDatabase } from "./lib/fresh-database";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SEED = 20261122;
const SHOP = "bench-backfill.myshopify.com";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const customers = arg("customers", 250_000);
const batchLines = arg("batch", 2000);
// Named after the query it answers too: a file written for an older query is not reused.
const { BULK_QUERIES } = await import("../dev/generator");
const queryTag = createHash("sha256").update(BULK_QUERIES.orders).digest("hex").slice(0, 8);
const jsonl = path.join(os.tmpdir(), `retain-bench-orders-${customers}-${SEED}-${queryTag}.jsonl`);
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
// PostgreSQL: a fresh database per run on that server (bench/lib/fresh-database.ts).
const fresh = process.env.DATABASE_URL.startsWith("postgres") ? await createFreshDatabase(process.env.DATABASE_URL, "backfill") : null;
if (fresh) process.env.DATABASE_URL = fresh.url;
execFileSync(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/db.ts", "deploy"], { cwd: root, env: process.env, stdio: ["ignore", "ignore", "inherit"] });

const { createPrismaClient, currentProvider, prepareDatabase } = await import("../app/db.server");
const { importBulkLines } = await import("../app/services/sync/backfill.server");
const { readLineBlocks } = await import("../app/services/sync/lines.server");
const db = createPrismaClient();
await prepareDatabase(db);
await db.shop.create({ data: { shop: SHOP } });
for (const p of (process.env.BENCH_PRAGMA ?? "").split(";").filter(Boolean)) await (await import("../app/db.server")).directSql(db).query(p);
// As in the job worker, which runs backfills: WAL checkpoints on a thread of their own.
const { offloadSqliteCheckpoints } = await import("../app/lib/sqlite-checkpointer.server");
const stopCheckpoints = await offloadSqliteCheckpoints((await import("../app/db.server")).directSql(db));
const run = await db.syncRun.create({ data: { shop: SHOP, kind: "BACKFILL_ORDERS", status: "DOWNLOADING", objectsTotal: rootObjectCount } });

let peakRss = process.memoryUsage().rss;
// CPU seconds of each thread of this process (Linux), last seen: the parser thread is gone once the import ends.
const threadCpu = new Map<string, number>();
function sampleThreads(): void {
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = (readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
      threadCpu.set(tid, (Number(stat[11]) + Number(stat[12])) / 100);
    }
  } catch {
    // not Linux: no per-thread figures
  }
}
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  sampleThreads();
}, 100);
const rssAt: number[] = [];
// Main-thread CPU alone (Linux /proc), since parsing runs on a second thread: on an idle
// 2-core machine the import takes about max(main thread, parser thread) CPU time.
function mainThreadCpuSeconds(): number | null {
  try {
    const stat = (readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
    return (Number(stat[11]) + Number(stat[12])) / 100;
  } catch {
    return null;
  }
}
const started = performance.now();
const mainStart = mainThreadCpuSeconds();
const cpuStart = process.cpuUsage();
const txMs: number[] = [];
let parsedOnWorker = 0;
let parserWaitMs = 0;
const result = await importBulkLines(db, run, readLineBlocks(createReadStream(jsonl, { highWaterMark: 1 << 20 })), {
  batchLines,
  onBatch: (b) => {
    txMs.push(b.transactionMs);
    parserWaitMs += b.parserWaitMs;
    if (b.parsedOnWorker) parsedOnWorker++;
  },
  onProgress: (p) => {
    // One RSS sample per 20k orders shows whether memory stays flat.
    const bucket = Math.floor(p.objectsDone / 20_000);
    if (bucket > rssAt.length - 1) rssAt.push(Math.round(process.memoryUsage().rss / 1e6));
    if (process.env.BENCH_VERBOSE) console.error("progress", p.objectsDone);
  },
});
const seconds = (performance.now() - started) / 1000;
sampleThreads();
const threads = [...threadCpu.values()].map((t) => +t.toFixed(1)).filter((t) => t >= 0.5).sort((a, b) => b - a);
// CPU time of this process: on a shared, loaded machine wall time mostly measures the other tenants.
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const mainEnd = mainThreadCpuSeconds();
const mainCpuSeconds = mainStart === null || mainEnd === null ? null : mainEnd - mainStart;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const stored = await db.order.count({ where: { shop: SHOP } });
console.log(
  JSON.stringify({
    stage: "import", engine: currentProvider(), orders: rootObjectCount, lines: objectCount, megabytes: +(bytes / 1e6).toFixed(1),
    stored, finished: result.finished, seconds: +seconds.toFixed(1), ordersPerSecond: Math.round(rootObjectCount / seconds),
    cpuSeconds: +cpuSeconds.toFixed(1), cpuUserSeconds: +(cpu.user / 1e6).toFixed(1), ordersPerCpuSecond: Math.round(rootObjectCount / cpuSeconds),
    mainThreadCpuSeconds: mainCpuSeconds === null ? null : +mainCpuSeconds.toFixed(1),
    ordersPerMainThreadCpuSecond: mainCpuSeconds === null ? null : Math.round(rootObjectCount / mainCpuSeconds),
    threadCpuSeconds: threads, parserWaitSeconds: +(parserWaitMs / 1000).toFixed(1), peakRssMb: Math.round(peakRss / 1e6), rssSamplesMb: rssAt, batchLines, batches: txMs.length, batchesParsedOnWorker: parsedOnWorker,
    // How long each batch held the write lock (webhooks wait at most this long).
    transactionMs: { mean: +(txMs.reduce((s, x) => s + x, 0) / Math.max(1, txMs.length)).toFixed(1), p99: +[...txMs].sort((a, b) => a - b)[Math.floor(txMs.length * 0.99)]?.toFixed(1), max: +Math.max(0, ...txMs).toFixed(1) },
  }),
);
await stopCheckpoints?.();
await db.$disconnect();
if (currentProvider() === "sqlite") for (const s of ["", "-wal", "-shm"]) rmSync(sqliteFile + s, { force: true });
await fresh?.drop();
