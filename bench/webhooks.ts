// Webhook ingestion: drives the running app (server.ts, the production server,
// on the current build) with correctly signed orders/create deliveries through
// wrk (autocannon where wrk is not installed, or with --load-generator autocannon)
// and reports accepted/s and accept latency (p50/p99), then waits
// for the worker (a forked child by default, as in production) to process the
// inbox and reports end-to-end orders/s. CPU seconds of the web process and of
// the worker child during the accept phase are reported too (cpuSeconds), and
// this process's own (the load generator shares the 2 cores).
// Prints one JSON line {"bench":"webhooks",…}.
//
//   npx tsx bench/webhooks.ts [--requests 5000] [--warmup 1000] [--connections 16] [--build] [--accept-only]
//                             [--load-generator wrk|autocannon]
//                             [--worker child|inline] [--server server.ts]
//                             [--remix-serve [--server-build build/server/index.js]]
//   DATABASE_URL=postgresql://… npx tsx bench/webhooks.ts
//
// BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" passes node flags to the app (profiling).
// --server runs another server script (with tsx) in place of server.ts, e.g.
// an experiment; --remix-serve serves the build with remix-serve instead (the
// first published numbers were taken that way).
//
// Each delivery is a distinct order (the 2026-07 orders/create sample with a
// fresh id, its customer one of requests/4) with a fresh X-Shopify-Webhook-Id, signed with HMAC-SHA256 of the
// raw body (Base64) under the bench's client secret, as Shopify signs them.
import { execFileSync, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createFreshDatabase } from "./lib/fresh-database";
import { hostCpuSeconds } from "./lib/host-cpu";
import { runWrk, writeRequestFile, wrkAvailable, type RequestFile } from "./lib/wrk-load";
// @ts-expect-error autocannon ships no type declarations
import autocannonUntyped from "autocannon";

interface AutocannonResult {
  "2xx": number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p99: number; max: number };
}
const autocannon = autocannonUntyped as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHOP = "bench-webhooks.myshopify.com";
const SECRET = "bench-webhook-secret-0123456789";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
function textArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : String(process.argv[i + 1]);
}
const requests = arg("requests", 5000);
// Deliveries sent (and processed) before the measured run, so JIT warm-up and first-connection costs of a
// freshly started app are not counted (a production app is warm); 0 measures a cold start.
const warmup = arg("warmup", 1000);
const connections = arg("connections", 16);
const port = arg("port", 39_411);
// wrk (apt package) costs the shared cores a few µs per request, autocannon ~0.15 ms (ADR 018).
const loadGenerator = textArg("load-generator", wrkAvailable() ? "wrk" : "autocannon");
if (loadGenerator !== "wrk" && loadGenerator !== "autocannon") throw new Error("--load-generator: wrk or autocannon");

const sqliteFile = path.join(os.tmpdir(), `retain-bench-webhooks-${process.pid}.sqlite`);
// PostgreSQL: a fresh database per run on that server (bench/lib/fresh-database.ts).
const fresh = process.env.DATABASE_URL?.startsWith("postgres") ? await createFreshDatabase(process.env.DATABASE_URL, "webhooks") : null;
const databaseUrl = fresh?.url ?? process.env.DATABASE_URL ?? `file:${sqliteFile}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  NODE_ENV: "production",
  PORT: String(port),
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
  // --accept-only: no worker, to measure the accept path alone.
  RETAIN_WORKER: process.argv.includes("--accept-only") ? "off" : textArg("worker", "child"),
  RETAIN_LOG: "error",
};

if (process.argv.includes("--build")) execFileSync(path.join(root, "node_modules", ".bin", "remix"), ["vite:build"], { cwd: root, stdio: "inherit" });
execFileSync(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/db.ts", "deploy"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
process.env.DATABASE_URL = databaseUrl;
const { createPrismaClient, currentProvider, prepareDatabase } = await import("../app/db.server");
const db = createPrismaClient(databaseUrl);
await prepareDatabase(db);
await db.shop.upsert({ where: { shop: SHOP }, create: { shop: SHOP }, update: { status: "INSTALLED" } });

// Bodies and signatures are prepared up front so the client measures the app, not itself.
const sample = JSON.parse(readFileSync(path.join(root, "dev/generator/samples/2026-07/orders/create.json"), "utf8")) as Record<string, unknown>;
const base = 7_000_000_000 + Math.floor(Math.random() * 1e6) * 1000;
// Customers as bench/process-inbox.ts draws them: a quarter as many as orders, each delivery's
// neighbours belonging to others (a burst is many shoppers; one customer for all would
// serialize the worker on that customer's lock, which no real burst does).
const customerCount = Math.max(1, Math.floor((warmup + requests) / 4));
const deliveries = Array.from({ length: warmup + requests }, (_, i) => {
  const id = base + i;
  const customerId = base + 5_000_000 + (i % customerCount);
  const customer = { ...(sample.customer as object), id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` };
  const body = JSON.stringify({ ...sample, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, customer, updated_at: "2026-01-01T00:00:00Z" });
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-triggered-at": new Date().toISOString(),
      "x-shopify-hmac-sha256": createHmac("sha256", SECRET).update(body).digest("base64"),
    },
  };
});

const server = process.argv.includes("--remix-serve") ? "remix-serve" : textArg("server", "server.ts");
const app =
  server === "remix-serve"
    ? spawn(path.join(root, "node_modules", ".bin", "remix-serve"), [textArg("server-build", "./build/server/index.js")], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"], detached: true })
    : spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean), "--import", "tsx", server], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
// The app's process group: remix-serve and its forked worker child stop together.
const stopApp = () => {
  try {
    process.kill(-app.pid!, "SIGTERM");
  } catch {
    /* already gone */
  }
};
process.on("exit", stopApp);
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    /* not up yet */
  }
  if (i > 300) throw new Error("the app did not start within 30 s");
  await new Promise((r) => setTimeout(r, 100));
}

/** CPU seconds (user + system) so far of the web process and of the rest of its process group (the worker child). */
function groupCpuSeconds(): { web: number; worker: number } {
  const tick = 100; // USER_HZ on Linux
  const out = { web: 0, worker: 0 };
  if (process.platform !== "linux") return out;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== app.pid) continue; // process group
    const cpu = (Number(fields[11]) + Number(fields[12])) / tick;
    if (Number(pid) === app.pid) out.web += cpu;
    else out.worker += cpu;
  }
  return out;
}

interface Fired {
  "2xx": number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p99: number; max: number };
  /** wrk's own clock (first request to last answer); autocannon's is read from onResponse. */
  seconds?: number;
  cpuSeconds?: number;
}
let next = 0;
// wrk: the warm-up's and the run's requests written out before either is sent.
const asSpec = (d: (typeof deliveries)[number]) => ({ method: "POST", path: "/webhooks/orders/create", headers: d.headers, body: d.body });
const requestFiles: RequestFile[] =
  loadGenerator === "wrk" ? [deliveries.slice(0, warmup), deliveries.slice(warmup)].filter((b) => b.length > 0).map((b) => writeRequestFile(port, b.map(asSpec))) : [];
process.on("exit", () => requestFiles.forEach((f) => f.dispose()));
const fire = async (amount: number, onResponse: () => void): Promise<Fired> => {
  if (loadGenerator === "wrk") {
    const file = requestFiles.shift()!;
    if (file.count !== amount) throw new Error("request file out of step with the run");
    const r = await runWrk(file, connections);
    file.dispose();
    return { "2xx": r.accepted, non2xx: r.non2xx, errors: r.errors, latency: r.latencyMs, seconds: r.seconds, cpuSeconds: r.cpuSeconds };
  }
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    amount,
    setupClient: (client: { on(event: "response", listener: () => void): void }) => client.on("response", onResponse),
    requests: [
      {
        method: "POST",
        path: "/webhooks/orders/create",
        setupRequest: (req: Record<string, unknown>) => {
          const d = deliveries[next++];
          return { ...req, body: d.body, headers: d.headers };
        },
      },
    ],
  });
};
/** Waits until `count` orders are stored (or the deadline passes); returns how many are. */
async function storedOrders(count: number, deadline: number): Promise<number> {
  let stored = 0;
  while (Date.now() < deadline) {
    stored = await db.order.count({ where: { shop: SHOP } });
    if (stored >= count) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return stored;
}
if (warmup > 0) {
  const w = await fire(warmup, () => undefined);
  if (w["2xx"] !== warmup) throw new Error(`warm-up: ${w["2xx"]} of ${warmup} deliveries accepted`);
  if (!process.argv.includes("--accept-only")) await storedOrders(warmup, Date.now() + 60_000);
}
const cpuBefore = groupCpuSeconds();
const hostBefore = hostCpuSeconds();
const benchCpuBefore = process.cpuUsage();
const started = Date.now();
// autocannon ends a fixed-amount run only at its next 1 s sampling tick, so its
// own end time overstates the run by up to a second (every rate published
// before the third session was low by that much): the accept phase ends at
// the last response.
let lastResponseAt = started;
const result = await fire(requests, () => (lastResponseAt = Date.now()));
const acceptSeconds = result.seconds ?? (lastResponseAt - started) / 1000;
const cpuAfter = groupCpuSeconds();
const hostAfter = hostCpuSeconds();
const benchCpu = process.cpuUsage(benchCpuBefore);
const loadGeneratorCpu = (benchCpu.user + benchCpu.system) / 1e6 + (result.cpuSeconds ?? 0);

// End to end: until every accepted order of the measured run is stored by the worker.
const expected = (process.argv.includes("--accept-only") ? 0 : warmup) + result["2xx"];
const stored = (await storedOrders(expected, Date.now() + (process.argv.includes("--accept-only") ? 0 : 10 * 60_000))) - (expected - result["2xx"]);
const span = await db.webhookInbox.aggregate({ where: { shop: SHOP, receivedAt: { gte: new Date(started) } }, _min: { receivedAt: true }, _max: { processedAt: true } });
const e2eSeconds = ((span._max.processedAt?.getTime() ?? Date.now()) - (span._min.receivedAt?.getTime() ?? started)) / 1000;
const dead = await db.webhookInbox.count({ where: { shop: SHOP, status: "DEAD" } });
stopApp();
console.log(
  JSON.stringify({
    bench: "webhooks", engine: currentProvider(), server, worker: env.RETAIN_WORKER, loadGenerator, loadAverage: os.loadavg().map((l) => +l.toFixed(2)), requests, warmup, connections, accepted: result["2xx"], non2xx: result.non2xx, errors: result.errors,
    acceptedPerSecond: Math.round(result["2xx"] / acceptSeconds), latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    acceptSeconds: +acceptSeconds.toFixed(2), cpuSeconds: { web: +(cpuAfter.web - cpuBefore.web).toFixed(2), worker: +(cpuAfter.worker - cpuBefore.worker).toFixed(2), loadGenerator: +loadGeneratorCpu.toFixed(2), host: +(hostAfter.busy - hostBefore.busy).toFixed(2), hostIdle: +(hostAfter.idle - hostBefore.idle).toFixed(2) },
    stored, dead, endToEndSeconds: +e2eSeconds.toFixed(1), ordersPerSecond: Math.round(stored / e2eSeconds),
  }),
);
await db.$disconnect();
if (fresh) await fresh.drop();
else for (const s of ["", "-wal", "-shm"]) rmSync(sqliteFile + s, { force: true });
process.exit(0);
