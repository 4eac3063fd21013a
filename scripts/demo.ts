// npm run demo: migrate the embedded SQLite database, build and start Retain
// against the local Shopify simulator, install a demo shop, fill it through
// the real webhook endpoints, and print the URL to open.
//   npm run demo -- [--customers 600] [--seed 7] [--port 3000] [--no-build]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "600" },
    seed: { type: "string", default: "7" },
    port: { type: "string", default: "3000" },
    "sim-port": { type: "string", default: "4100" },
    "shell-port": { type: "string", default: "4200" },
    "no-build": { type: "boolean", default: false },
    "exit-when-ready": { type: "boolean", default: false },
  },
});

const databaseUrl = process.env.DATABASE_URL ?? "file:./prisma/demo.sqlite";
if (!databaseUrl.startsWith("file:")) {
  console.error("npm run demo uses the embedded SQLite database; unset DATABASE_URL or point it at a file: URL.");
  process.exit(2);
}

function step(message: string) {
  console.log(`\n▸ ${message}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  execFileSync(cmd, args, { cwd: root, stdio: "inherit", env });
}

step(`Migrating ${databaseUrl}`);
const dbFile = path.resolve(root, databaseUrl.replace(/^file:/, ""));
for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbFile + suffix, { force: true }); // a fresh demo shop each time
run(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/db.ts", "deploy"], { ...process.env, DATABASE_URL: databaseUrl });

if (!values["no-build"] || !fs.existsSync(path.join(root, "build", "server", "index.js"))) {
  step("Building the app (remix vite:build)");
  run(path.join(root, "node_modules", ".bin", "remix"), ["vite:build"]);
}

// Loaded only now: `db.ts deploy` regenerates the Prisma client for SQLite when the last one was
// generated for PostgreSQL (e.g. after `npm test` on PostgreSQL), and a client loaded before that
// would refuse the SQLite adapter.
const { PrismaClient } = await import("@prisma/client");
const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
const { DEMO_API_SECRET, DEMO_SHOP, startStack } = await import("../dev/stack");
const { seedShopThroughWebhooks } = await import("../dev/demo-seed");

step("Starting the Shopify simulator, the admin shell and Retain");
const stack = await startStack({
  appPort: Number(values.port),
  simPort: Number(values["sim-port"]),
  shellPort: Number(values["shell-port"]),
  databaseUrl,
});
const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
// A failure below must not leave the app, its worker and the simulator running on their ports.
process.on("uncaughtException", (err) => {
  console.error(err);
  void stack.stop().finally(() => process.exit(1));
});
process.on("unhandledRejection", (err) => {
  console.error(err);
  void stack.stop().finally(() => process.exit(1));
});

step(`Installing Retain on ${DEMO_SHOP} (token exchange with the simulator)`);
await stack.install(DEMO_SHOP);

const customers = Number(values.customers);
step(`Generating ${customers} customers and their orders, delivered as signed webhooks`);
const summary = await seedShopThroughWebhooks({
  sim: stack.sim,
  shop: DEMO_SHOP,
  appUrl: stack.appUrl,
  secret: DEMO_API_SECRET,
  generator: { size: customers, seed: Number(values.seed) },
});
console.log(`  ${summary.sent} deliveries, ${summary.ok} accepted, p99 ${summary.latencyMs.p99.toFixed(1)} ms`);

step("Waiting for the worker to process the inbox");
const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });
for (;;) {
  const pending = await db.webhookInbox.count({ where: { status: { in: ["PENDING", "PROCESSING"] } } });
  if (pending === 0) break;
  process.stdout.write(`  ${pending} deliveries left…\r`);
  await new Promise((r) => setTimeout(r, 500));
}
const [c, o, dead] = await Promise.all([
  db.customer.count(),
  db.order.count(),
  db.webhookInbox.count({ where: { status: "DEAD" } }),
]);
await db.$disconnect();
console.log(`  ${c} customers and ${o} orders stored${dead ? `, ${dead} dead deliveries (see Data sync)` : ""}`);

const url = stack.shell.openAppUrl(DEMO_SHOP);
console.log(`\n✔ Retain is running.\n\n  Open ${url}\n  Arabic: ${stack.shell.openAppUrl(DEMO_SHOP, { locale: "ar" })}\n\n  (Ctrl-C stops the demo)\n`);
if (values["exit-when-ready"]) await shutdown();
