// App-proxy latency: GET /proxy/loyalty (what Shopify forwards from
// /apps/retain/loyalty) on the running built app, 50 connections for ~10 s,
// for a signed-in member with points in an enabled program. Prints one JSON
// line {"bench":"storefront-proxy",…} with p50/p99 and requests/s.
//
//   npx tsx bench/storefront-proxy.ts [--connections 50] [--seconds 10] [--server server.ts|remix-serve]
//        [--customers 1] [--server-build build/server/index.js] [--cpu-prof DIR]
//
// --customers N spreads the requests over N signed-in members (round robin),
// so the per-customer answer cache is not the only thing measured.
// After the HTTP run, the route's loader from the build is also timed in this
// process (no HTTP server): loaderCpuMsPerRequest, the app's own share.
//
// --server picks the HTTP server: server.ts (production, the default) or
// remix-serve (what the first measurements used). The server's own CPU time per
// request (from /proc, Linux) is printed too: on a shared machine it moves far
// less than latency does. --cpu-prof writes a V8 profile of the server to DIR.
//
// The query is signed like Shopify signs app-proxy requests; the library
// rejects timestamps older than 90 s, so the signed path is refreshed every
// few seconds while autocannon runs.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error autocannon ships no type declarations
import autocannonUntyped from "autocannon";
import { signAppProxyQuery } from "../dev/storefront-sim/app-proxy";

interface AutocannonResult {
  "2xx": number;
  non2xx: number;
  errors: number;
  duration: number;
  latency: { p50: number; p99: number; max: number; average: number };
  requests: { average: number };
}
const autocannon = autocannonUntyped as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// A shop of its own per run, so a reused PostgreSQL database starts from an empty ledger.
const SHOP = `bench-proxy-${Date.now().toString(36)}.myshopify.com`;
const SECRET = "bench-proxy-secret-0123456789";
const CUSTOMER = "7001";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : String(process.argv[i + 1]);
}
const connections = Number(arg("connections", "50"));
const seconds = Number(arg("seconds", "10"));
const port = Number(arg("port", "39412"));
const serverKind = arg("server", "server.ts");
const customers = Number(arg("customers", "1"));
if (!Number.isInteger(customers) || customers < 1) throw new Error("--customers must be a positive integer");
const cpuProfDir = process.argv.includes("--cpu-prof") ? path.resolve(arg("cpu-prof", "profiles")) : null;
if (serverKind !== "server.ts" && serverKind !== "remix-serve") throw new Error("--server must be server.ts or remix-serve");
if (!Number.isInteger(connections) || connections < 1 || !(seconds > 0)) throw new Error("--connections must be a positive integer and --seconds positive");

const sqliteFile = path.join(os.tmpdir(), `retain-bench-proxy-${process.pid}.sqlite`);
const databaseUrl = process.env.DATABASE_URL ?? `file:${sqliteFile}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  NODE_ENV: "production",
  PORT: String(port),
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
  // Storefront reads only: no background work competing for the CPU.
  RETAIN_WORKER: "off",
  RETAIN_LOG: "error",
};

execFileSync(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/db.ts", "deploy"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
process.env.DATABASE_URL = databaseUrl;
const { createPrismaClient, currentProvider, prepareDatabase } = await import("../app/db.server");
const { saveProgramSettings, setProgramEnabled } = await import("../app/services/loyalty/program.server");
const { adjustCustomerPoints } = await import("../app/services/loyalty/customer.server");
const db = createPrismaClient(databaseUrl);
await prepareDatabase(db);
await db.shop.upsert({ where: { shop: SHOP }, create: { shop: SHOP, currencyCode: "USD" }, update: { status: "INSTALLED" } });
await db.session.upsert({
  where: { id: `offline_${SHOP}` },
  create: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: "bench-token", scope: "read_customers" },
  update: {},
});
const programStart = new Date(Date.now() - 86_400_000);
await saveProgramSettings(db, SHOP, {}, "bench", programStart);
await setProgramEnabled(db, SHOP, true, "bench", programStart);
// A member with some history: a few grants so the ledger read is not trivial.
for (let i = 0; i < 5; i++) await adjustCustomerPoints(db, SHOP, { customerShopifyId: CUSTOMER, points: 300, reason: `bench grant ${i}`, actor: "admin" });
// Other members (--customers): two grants each.
const memberIds = [CUSTOMER, ...Array.from({ length: customers - 1 }, (_, i) => String(8001 + i))];
for (const id of memberIds.slice(1)) {
  for (let i = 0; i < 2; i++) await adjustCustomerPoints(db, SHOP, { customerShopifyId: id, points: 100, reason: `bench grant ${i}`, actor: "admin" });
}

function signedPath(customer = CUSTOMER): string {
  const params = new URLSearchParams({ shop: SHOP, logged_in_customer_id: customer, path_prefix: "/apps/retain", timestamp: String(Math.floor(Date.now() / 1000)) });
  params.set("signature", signAppProxyQuery(params, SECRET));
  return `/proxy/loyalty?${params}`;
}

const nodeArgs = cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`] : [];
const serverArgs =
  serverKind === "server.ts"
    ? [...nodeArgs, "--import", "tsx", "server.ts"]
    : [...nodeArgs, path.join(root, "node_modules", "@remix-run", "serve", "dist", "cli.js"), arg("server-build", "./build/server/index.js")];
const app = spawn(process.execPath, serverArgs, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"], detached: true });
const stopApp = () => {
  try {
    process.kill(-app.pid!, cpuProfDir ? "SIGINT" : "SIGTERM");
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

// A correct answer first: the bench must measure the real response, not a 401.
const probe = await fetch(`http://127.0.0.1:${port}${signedPath()}`);
const probeBody = (await probe.json()) as { customer?: { balance?: number } | null };
if (probe.status !== 200 || probeBody.customer?.balance !== 1500) {
  stopApp();
  throw new Error(`probe failed: ${probe.status} ${JSON.stringify(probeBody)}`);
}
// Warm-up at the measured concurrency (JIT tiers, caches, heap sizing), then the
// measured run: a storefront app server is warm; its first second is not the p99.
await autocannon({ url: `http://127.0.0.1:${port}${signedPath()}`, connections, duration: 3 });

/** The server's user+system CPU time in ms (Linux /proc; null elsewhere). */
function serverCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/${app.pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

let current = memberIds.map(signedPath);
let next = 0;
const cpuBefore = serverCpuMs();
const refresh = setInterval(() => (current = memberIds.map(signedPath)), 5000);
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections,
  duration: seconds,
  requests: [{ method: "GET", setupRequest: (req: Record<string, unknown>) => ({ ...req, path: current[next++ % current.length] }) }],
});
clearInterval(refresh);
const cpuAfter = serverCpuMs();
const served = result["2xx"] + result.non2xx;
const cpuMsPerRequest = cpuBefore !== null && cpuAfter !== null && served > 0 ? +((cpuAfter - cpuBefore) / served).toFixed(3) : null;
stopApp();
if (cpuProfDir) await new Promise((r) => setTimeout(r, 1500)); // the profile is written on exit

// The loader alone, in this process, after the server has stopped: what the app
// itself costs per request (signature check, session, reads, Response), apart
// from the HTTP server and routing in front of it.
Object.assign(process.env, env);
// The build must open its own client: the one app/db.server.ts (imported above
// for seeding) parked on globalThis belongs to the other module copy's direct-SQL registry.
delete (globalThis as { __retainDb?: unknown }).__retainDb;
const build = (await import(path.resolve(root, arg("server-build", "./build/server/index.js")))) as {
  routes: Record<string, { module: { loader?: (args: { request: Request; params: object; context: object }) => Promise<Response> } }>;
};
const loader = build.routes["routes/proxy.loyalty"]?.module.loader;
let loaderCpuMsPerRequest: number | null = null;
if (loader) {
  const urls = memberIds.map((id) => `http://127.0.0.1:${port}${signedPath(id)}`);
  const callLoader = async (i: number) => {
    const res = await loader({ request: new Request(urls[i % urls.length]), params: {}, context: {} });
    if (res.status !== 200) throw new Error(`loader answered ${res.status}`);
    await res.text();
  };
  // The library logs a line per request; the server above writes it to /dev/null, so this does too.
  const devNull = openSync("/dev/null", "w");
  const stdoutWrite = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (typeof chunk === "string") writeSync(devNull, chunk);
    else writeSync(devNull, chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    for (let i = 0; i < 300; i++) await callLoader(i);
    const calls = 3000;
    const c0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) await callLoader(i);
    const used = process.cpuUsage(c0);
    loaderCpuMsPerRequest = +((used.user + used.system) / 1000 / calls).toFixed(3);
  } finally {
    process.stdout.write = stdoutWrite;
    closeSync(devNull);
  }
}
console.log(
  JSON.stringify({
    bench: "storefront-proxy", engine: currentProvider(), server: serverKind, loadAverage: os.loadavg().map((l) => +l.toFixed(2)), connections, seconds,
    ok: result["2xx"], non2xx: result.non2xx, errors: result.errors, requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, mean: +result.latency.average.toFixed(2) }, serverCpuMsPerRequest: cpuMsPerRequest, loaderCpuMsPerRequest, customers,
  }),
);
await db.$disconnect();
if (!process.env.DATABASE_URL?.startsWith("postgres")) for (const s of ["", "-wal", "-shm"]) rmSync(sqliteFile + s, { force: true });
process.exit(result.non2xx > 0 || result.errors > 0 ? 1 : 0);
