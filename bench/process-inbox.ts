// Inbox processing throughput: fills the webhook inbox of a fresh database with
// N distinct orders/create deliveries plus some customers/create, orders/paid
// (a newer version of an earlier order) and refunds/create deliveries, then
// drains it with the real worker loop (startWorker, as scripts/worker.ts runs
// it: jobs interleaved) and reports orders/s until every delivery is DONE,
// with the worker's batch-transaction times (workerStats).
// Prints one JSON line {"bench":"process-inbox",…}.
//
//   npx tsx bench/process-inbox.ts [--orders 5000] [--extra-workers 0]
//   DATABASE_URL=postgresql://… npx tsx bench/process-inbox.ts --extra-workers 1
//
// --extra-workers N also runs N `scripts/worker.ts` processes on the same
// inbox (the PostgreSQL scale-out the sync issue describes); the deliveries
// become due only once they are all up, so every worker starts together.
//
// Bodies are the vendored 2026-07 samples (dev/generator/samples) with fresh
// safe-integer ids, as bench/webhooks.ts sends them.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFreshDatabase } from "./lib/fresh-database";
import { hostCpuSeconds } from "./lib/host-cpu";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHOP = "bench-process-inbox.myshopify.com";

function arg(name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} needs an integer ≥ ${min}`);
  return v;
}
const orders = arg("orders", 5000);
const extraWorkers = arg("extra-workers", 0, 0);

const sqliteFile = path.join(os.tmpdir(), `retain-bench-process-inbox-${process.pid}.sqlite`);
process.env.DATABASE_URL ??= `file:${sqliteFile}`;
// PostgreSQL: a fresh database per run on that server (bench/lib/fresh-database.ts).
const fresh = process.env.DATABASE_URL.startsWith("postgres") ? await createFreshDatabase(process.env.DATABASE_URL, "process_inbox") : null;
if (fresh) process.env.DATABASE_URL = fresh.url;
process.env.RETAIN_LOG ??= "error";
execFileSync(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/db.ts", "deploy"], { cwd: root, env: process.env, stdio: ["ignore", "ignore", "inherit"] });

const { createPrismaClient, currentProvider, directSql, prepareDatabase } = await import("../app/db.server");
const { toDate } = await import("../app/services/sync/sql.server");
const worker = await import("../app/jobs/worker.server");
const db = createPrismaClient();
await prepareDatabase(db);
await db.shop.create({ data: { shop: SHOP, currencyCode: "USD" } });

const samples = path.join(root, "dev/generator/samples/2026-07");
const read = (name: string) => JSON.parse(readFileSync(path.join(samples, `${name}.json`), "utf8")) as Record<string, unknown>;
const orderSample = read("orders/create");
const customerSample = read("customers/create");
const refundSample = read("refunds/create");

// Fresh ids per run, so a reused PostgreSQL database never sees a duplicate.
const base = 5_000_000_000 + Math.floor(Math.random() * 1e6) * 10_000;
const customerCount = Math.max(1, Math.floor(orders / 4));
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const orderBody = (i: number, patch: Record<string, unknown> = {}) => {
  const id = base + i;
  const customerId = base + 5_000_000 + (i % customerCount);
  return {
    ...orderSample, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#B${i}`, updated_at: at(i), created_at: at(i), processed_at: at(i),
    customer: { ...(orderSample.customer as object), id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
    line_items: (orderSample.line_items as Record<string, unknown>[]).map((l, k) => ({ ...l, id: id * 10 + k, admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + k}` })),
    ...patch,
  };
};
const refundBody = (i: number) => {
  const orderId = base + i;
  const id = base + 8_000_000 + i;
  const txs = refundSample.transactions as Record<string, unknown>[];
  return {
    ...refundSample, id, admin_graphql_api_id: `gid://shopify/Refund/${id}`, order_id: orderId,
    transactions: txs.slice(0, 1).map((t) => ({ ...t, id: id * 10, admin_graphql_api_id: `gid://shopify/OrderTransaction/${id * 10}`, order_id: orderId, amount: "5.00" })),
  };
};

// Mix: every order once (create), a newer version of every 10th (paid), a refund of every 20th,
// and a customers/create for every 10th customer id.
const deliveries: { topic: string; body: unknown }[] = [];
for (let i = 0; i < orders; i++) {
  deliveries.push({ topic: "orders/create", body: orderBody(i) });
  if (i % 10 === 0) {
    const c = base + 5_000_000 + (i % customerCount);
    deliveries.push({ topic: "customers/create", body: { ...customerSample, id: c, admin_graphql_api_id: `gid://shopify/Customer/${c}`, updated_at: at(i) } });
  }
  if (i % 10 === 5) deliveries.push({ topic: "orders/paid", body: orderBody(i - 5, { updated_at: at(i + 1), financial_status: "paid" }) });
  if (i % 20 === 7) deliveries.push({ topic: "refunds/create", body: refundBody(i - 7) });
}
const start = Date.now() - 60_000;
for (let k = 0; k < deliveries.length; k += 500) {
  await db.webhookInbox.createMany({
    data: deliveries.slice(k, k + 500).map((d, j) => ({
      shop: SHOP, topic: d.topic, webhookId: randomUUID(), apiVersion: "2026-07", rawBody: JSON.stringify(d.body),
      // Not yet due: see the release below.
      receivedAt: new Date(start + k + j), nextAttemptAt: new Date(Date.now() + 3_600_000),
    })),
  });
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const direct = directSql(db);
// Whether any delivery is left, not how many: a COUNT visited every pending row on each poll (PostgreSQL,
// 10,000 orders: ~10 ms of server time a poll, ~1 s per drain, taken from the worker being measured).
const remaining = async () =>
  (await direct.query(`SELECT 1 AS "left" FROM "WebhookInbox" WHERE "status" IN ('PENDING', 'PROCESSING') AND "shop" = $1 LIMIT 1`, [SHOP])).length;
const extras = await Promise.all(
  Array.from({ length: extraWorkers }, (_, k) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", "--id", `bench-extra-${k}`], {
        cwd: root, env: { ...process.env, RETAIN_WORKER_IDLE_MS: "20" }, stdio: ["ignore", "pipe", "inherit"],
      });
      child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("worker.started") && resolve(child));
      child.once("exit", (code) => reject(new Error(`extra worker exited (${code}) before it started`)));
    }),
  ),
);
// BENCH_PROFILE=file.cpuprofile: a CPU profile of the drain alone (the fill above goes through Prisma).
const { Session } = await import("node:inspector/promises");
const profiler = process.env.BENCH_PROFILE ? new Session() : null;
if (profiler) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.start");
}
const cpu0 = process.cpuUsage();
const host0 = hostCpuSeconds();
const releasedAt = Date.now();
await db.webhookInbox.updateMany({ where: { shop: SHOP }, data: { nextAttemptAt: new Date(start) } });
// The worker loop as scripts/worker.ts runs it (jobs interleaved, SQLite checkpoint thread).
const handle = worker.startWorker(db, { workerId: "bench-worker", idleMs: 20 });
// Polled every 100 ms: each poll costs the database server CPU taken from the worker being
// measured (every 10 ms, as this bench did until the fourth session, took ~5 ms of it per poll).
// The end of the drain is the last DONE mark's time, not when the poll noticed it.
while ((await remaining()) > 0) await new Promise((r) => setTimeout(r, 100));
const lastDone = await direct.query<{ at: unknown }>(`SELECT MAX("processedAt") AS "at" FROM "WebhookInbox" WHERE "shop" = $1`, [SHOP]);
const ms = Math.max(1, toDate(lastDone[0]?.at)!.getTime() - releasedAt);
const cpu = process.cpuUsage(cpu0);
const host1 = hostCpuSeconds();
if (profiler) {
  const { profile } = await profiler.post("Profiler.stop");
  (await import("node:fs")).writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
  profiler.disconnect();
}
await handle.stop();
await Promise.all(extras.map((child) => new Promise((r) => (child.once("exit", r), child.kill("SIGTERM")))));
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const storedOrders = await db.order.count({ where: { shop: SHOP } });
const notDone = await db.webhookInbox.count({ where: { shop: SHOP, status: { not: "DONE" } } });
const jobsQueued = await db.job.count({ where: { shop: SHOP, status: "QUEUED" } });
await db.$disconnect();
if (fresh) await fresh.drop();
else for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) rmSync(f, { force: true });
console.log(
  JSON.stringify({
    bench: "process-inbox", engine: currentProvider(), workers: 1 + extraWorkers, orders, deliveries: deliveries.length, ms: Math.round(ms),
    ordersPerSec: Math.round(orders / (ms / 1000)), deliveriesPerSec: Math.round(deliveries.length / (ms / 1000)),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    // Everything the drain cost the host, the database server's processes included (this bench polls too).
    hostBusyMs: Math.round((host1.busy - host0.busy) * 1000), hostIdleMs: Math.round((host1.idle - host0.idle) * 1000),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    storedOrders, notDone, jobsQueued, ...worker.workerStats(), loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
  }),
);
if (storedOrders !== orders || notDone !== 0) process.exitCode = 1;
