// Starts the offline loop once for the browser tests: a fresh database, the
// simulator, the admin shell and the built app, with a small demo shop filled
// through the real webhook endpoints (the same seeder as `npm run demo`).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { DEMO_API_SECRET, DEMO_SHOP, startStack } from "../../dev/stack";
import { seedShopThroughWebhooks } from "../../dev/demo-seed";
import { databaseProvider, resolveDatabaseUrl } from "../../scripts/database-url";
import { waitForAnalytics, waitForInboxDrained } from "./support/wait";

const root = path.resolve(import.meta.dirname, "../..");

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = resolveDatabaseUrl(process.env.DATABASE_URL);
  if (databaseProvider(base) === "sqlite") {
    const file = path.join(os.tmpdir(), `retain-e2e-${process.pid}.sqlite`);
    const remove = async () => {
      for (const s of ["", "-wal", "-shm"]) fs.rmSync(file + s, { force: true });
    };
    await remove();
    return { url: `file:${file}`, drop: remove };
  }
  const name = `retain_e2e_${process.pid}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  // Dropped after the run: one database per run would otherwise pile up on the server.
  const drop = async () => {
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  return { url: u.toString(), drop };
}

export default async function globalSetup() {
  const { url: databaseUrl, drop } = await freshDatabase();
  execFileSync(path.join(root, "node_modules/.bin/tsx"), ["scripts/db.ts", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "ignore", "inherit"],
  });
  fs.mkdirSync(path.join(root, "tests/artifacts"), { recursive: true });
  const stack = await startStack({
    appPort: Number(process.env.E2E_APP_PORT ?? 3190),
    databaseUrl,
    logFile: path.join(root, "tests/artifacts/e2e-app.log"),
  });
  await stack.install(DEMO_SHOP);
  const summary = await seedShopThroughWebhooks({
    sim: stack.sim,
    shop: DEMO_SHOP,
    appUrl: stack.appUrl,
    secret: DEMO_API_SECRET,
    generator: { size: 150, seed: 11 },
  });
  if (summary.ok !== summary.sent) throw new Error(`seeding: only ${summary.ok} of ${summary.sent} deliveries accepted`);
  await waitForInboxDrained(databaseUrl, 120_000);
  // The worker recomputes analytics (debounced) after the last order; pages read those rows.
  await waitForAnalytics(databaseUrl, DEMO_SHOP, 180_000);

  process.env.E2E_ADMIN_URL = stack.shell.url;
  process.env.E2E_APP_URL = stack.appUrl;
  process.env.E2E_SIM_URL = stack.sim.url;
  process.env.E2E_DATABASE_URL = databaseUrl;
  process.env.E2E_SHOP = DEMO_SHOP;
  return async () => {
    await stack.stop();
    await drop();
  };
}
