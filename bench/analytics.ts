// Full analytics recompute for generated shops of 10k, 100k and 250k
// customers: time and peak RSS per stage, plus each CLV model's fit time on the
// CDNOW sample (bench/clv-fit.ts). Prints JSON lines, then a short summary.
//
//   npx tsx bench/analytics.ts [sizes...]        default: 10000 100000 250000
//
// Each shop is generated once (dev/generator, seeded) into its own SQLite file
// under the OS temp dir and reused on later runs. The recompute runs in a fresh
// child process so its peak RSS is not inflated by the generator.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const SEED = 20261122;
const NOW = new Date("2026-11-01T00:00:00Z");
const SHOP = "bench-analytics.myshopify.com";
/**
 * V8 heap limit of the recompute process. The worker should run with a limit
 * like this: V8 then collects garbage before growing the heap, which keeps the
 * peak RSS near the live set (override with BENCH_HEAP_MB).
 */
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 1280);

const dbFile = (size: number) => path.join(os.tmpdir(), `retain-bench-analytics-${size}-${SEED}.sqlite`);

// Rows go straight in through better-sqlite3 (prepared statements, one
// transaction per 10k rows): Prisma's createMany is far slower at this volume.
// DateTimes use the text format Prisma's SQLite adapter writes.
async function populate(size: number): Promise<void> {
  const url = `file:${dbFile(size)}`;
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile(size) + s, { force: true });
  execFileSync(tsx, ["scripts/db.ts", "deploy"], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: ["ignore", "ignore", "inherit"] });
  const { default: Database } = await import("better-sqlite3");
  const { resolveConfig } = await import("../dev/generator/config");
  const { simulateShop } = await import("../dev/generator/simulate");
  const sqlite = new Database(dbFile(size));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  const nowIso = iso(NOW.getTime());
  sqlite
    .prepare(`INSERT INTO "Shop" ("shop","name","currencyCode","ianaTimezone","locale","status","installedAt","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?)`)
    .run(SHOP, "Bench", "USD", "America/New_York", "en", "INSTALLED", nowIso, nowIso, nowIso);
  const insertCustomer = sqlite.prepare(
    `INSERT INTO "Customer" ("id","shop","shopifyId","email","firstName","lastName","tags","shopifyCreatedAt","shopifyUpdatedAt","createdAt","updatedAt") VALUES (?,?,?,?,?,?,'',?,?,?,?)`,
  );
  const insertOrder = sqlite.prepare(
    `INSERT INTO "Order" ("id","shop","shopifyId","customerShopifyId","processedAt","shopifyCreatedAt","shopifyUpdatedAt","cancelledAt","test","currency","subtotalMinor","totalMinor","refundedMinor","tags","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'',?,?)`,
  );
  const started = performance.now();
  let customers = 0;
  let orders = 0;
  let pending = 0;
  sqlite.exec("BEGIN");
  for (const item of simulateShop(resolveConfig({ size, seed: SEED, end: NOW }))) {
    if (item.type === "customer") {
      const c = item.customer;
      const at = iso(c.createdAtMs);
      insertCustomer.run(`c${String(++customers).padStart(8, "0")}`, SHOP, String(c.id), c.email, c.firstName, c.lastName, at, at, nowIso, nowIso);
    } else if (item.type === "order") {
      const o = item.order;
      const at = iso(o.createdAtMs);
      const cancelled = o.steps.find((s) => s.kind === "cancelled" && s.atMs < NOW.getTime());
      const refunded = o.steps.reduce((sum, s) => (s.kind === "refund" && s.atMs < NOW.getTime() ? sum + s.refund.amount.shop : sum), 0);
      insertOrder.run(
        `o${String(++orders).padStart(9, "0")}`, SHOP, String(o.id), o.customer ? String(o.customer.id) : null, at, at, at,
        cancelled ? iso(cancelled.atMs) : null, o.kind === "test" ? 1 : 0, "USD", o.totals.subtotal.shop, o.totals.total.shop,
        Math.min(refunded, o.totals.total.shop), nowIso, nowIso,
      );
    } else continue;
    if (++pending >= 10_000) {
      sqlite.exec("COMMIT");
      sqlite.exec("BEGIN");
      pending = 0;
    }
  }
  sqlite.exec("COMMIT");
  sqlite.close();
  console.log(JSON.stringify({ bench: "analytics-populate", customers, orders, ms: Math.round(performance.now() - started) }));
}

async function recompute(size: number): Promise<void> {
  const url = `file:${dbFile(size)}`;
  const { createPrismaClient, prepareDatabase } = await import("../app/db.server");
  const { recomputeShopAnalytics } = await import("../app/services/analytics/recompute.server");
  const db = createPrismaClient(url);
  await prepareDatabase(db);
  const started = performance.now();
  const result = await recomputeShopAnalytics(db, SHOP, { now: NOW });
  const totalMs = Math.round(performance.now() - started);
  const snap = await db.shopSnapshot.findFirstOrThrow({ where: { shop: SHOP, kind: "ANALYTICS" }, orderBy: { computedAt: "desc" } });
  const clv = (snap.payload as { clv: { model: string; status: string; rangeDraws: number; fit: { converged: boolean; logLikelihood: number } | null } }).clv;
  await db.$disconnect();
  console.log(
    JSON.stringify({
      bench: "analytics-recompute",
      customers: result.customers,
      customersWithOrders: result.customersWithOrders,
      orders: result.orders,
      total_ms: totalMs,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      clvThread: result.clvThread,
      stages: result.stages,
      clv: { status: clv.status, model: clv.model, rangeDraws: clv.rangeDraws, converged: clv.fit?.converged ?? null, logLikelihood: clv.fit?.logLikelihood ?? null },
    }),
  );
}

function runChild(args: string[]): string {
  const res = spawnSync(tsx, [fileURLToPath(import.meta.url), ...args], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` } });
  if (res.status !== 0) throw new Error(`child ${args.join(" ")} failed: ${res.stderr}`);
  return res.stdout.split("\n").filter((l) => l.startsWith("{")).join("\n");
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === "--populate") return populate(Number(arg));
  if (mode === "--recompute") return recompute(Number(arg));
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const summary: string[] = [];
  for (const size of sizes.length > 0 ? sizes : [10_000, 100_000, 250_000]) {
    if (!fs.existsSync(dbFile(size))) console.log(runChild(["--populate", String(size)]));
    const line = runChild(["--recompute", String(size)]);
    console.log(line);
    const r = JSON.parse(line) as { customers: number; orders: number; total_ms: number; peak_rss_mb: number; stages: Record<string, { ms: number } | number> };
    const stages = Object.entries(r.stages).map(([k, v]) => `${k} ${typeof v === "number" ? v : v.ms}`).join(", ");
    summary.push(`${r.customers} customers / ${r.orders} orders: ${(r.total_ms / 1000).toFixed(1)} s, peak RSS ${r.peak_rss_mb} MB (${stages} ms)`);
  }
  const fit = spawnSync(tsx, [path.join(root, "bench", "clv-fit.ts"), "11"], { cwd: root, encoding: "utf8" });
  const fitLine = fit.stdout.split("\n").find((l) => l.startsWith("{"));
  if (fitLine) {
    console.log(fitLine);
    const f = JSON.parse(fitLine) as Record<string, number>;
    summary.push(`CDNOW sample fits (median ms): BG/NBD ${f.bgnbd_ms}, Pareto/NBD ${f.pnbd_ms}, Gamma-Gamma ${f.gg_ms}`);
  }
  console.log(`\nanalytics bench, heap limit ${HEAP_MB} MB, load average ${os.loadavg()[0].toFixed(1)} (targets: 250k customers < 15 s and < 1.5 GB)\n${summary.map((s) => `  ${s}`).join("\n")}`);
}

await main();
