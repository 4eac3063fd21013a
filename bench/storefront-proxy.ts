// App-proxy latency: GET /proxy/loyalty (what Shopify forwards from
// /apps/retain/loyalty) on the running built app, 50 connections for ~10 s,
// for a signed-in member with points in an enabled program. Prints one JSON
// line {"bench":"storefront-proxy",…} with p50/p99 and requests/s.
//
//   npx tsx bench/storefront-proxy.ts [--connections 50] [--seconds 10] [--server-build build/server/index.js]
//
// The query is signed like Shopify signs app-proxy requests; the library
// rejects timestamps older than 90 s, so the signed path is refreshed every
// few seconds while autocannon runs.
import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
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
const SHOP = "bench-proxy.myshopify.com";
const SECRET = "bench-proxy-secret-0123456789";
const CUSTOMER = "7001";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : String(process.argv[i + 1]);
}
const connections = Number(arg("connections", "50"));
const seconds = Number(arg("seconds", "10"));
const port = Number(arg("port", "39412"));
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

function signedPath(): string {
  const params = new URLSearchParams({ shop: SHOP, logged_in_customer_id: CUSTOMER, path_prefix: "/apps/retain", timestamp: String(Math.floor(Date.now() / 1000)) });
  params.set("signature", signAppProxyQuery(params, SECRET));
  return `/proxy/loyalty?${params}`;
}

const app = spawn(path.join(root, "node_modules", ".bin", "remix-serve"), [arg("server-build", "./build/server/index.js")], {
  cwd: root, env, stdio: ["ignore", "ignore", "inherit"], detached: true,
});
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

// A correct answer first: the bench must measure the real response, not a 401.
const probe = await fetch(`http://127.0.0.1:${port}${signedPath()}`);
const probeBody = (await probe.json()) as { customer?: { balance?: number } | null };
if (probe.status !== 200 || probeBody.customer?.balance !== 1500) {
  stopApp();
  throw new Error(`probe failed: ${probe.status} ${JSON.stringify(probeBody)}`);
}
// Warm-up (JIT, caches), then the measured run.
await autocannon({ url: `http://127.0.0.1:${port}${signedPath()}`, connections: 10, amount: 200 });

let current = signedPath();
const refresh = setInterval(() => (current = signedPath()), 5000);
const result = await autocannon({
  url: `http://127.0.0.1:${port}`,
  connections,
  duration: seconds,
  requests: [{ method: "GET", setupRequest: (req: Record<string, unknown>) => ({ ...req, path: current }) }],
});
clearInterval(refresh);
stopApp();
console.log(
  JSON.stringify({
    bench: "storefront-proxy", engine: currentProvider(), loadAverage: os.loadavg().map((l) => +l.toFixed(2)), connections, seconds,
    ok: result["2xx"], non2xx: result.non2xx, errors: result.errors, requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, mean: +result.latency.average.toFixed(2) },
  }),
);
await db.$disconnect();
if (!process.env.DATABASE_URL?.startsWith("postgres")) for (const s of ["", "-wal", "-shm"]) rmSync(sqliteFile + s, { force: true });
process.exit(result.non2xx > 0 || result.errors > 0 ? 1 : 0);
