// Integration tests: migrate one template database, then each test worker
// gets its own copy (a file copy on SQLite, CREATE DATABASE … TEMPLATE on
// PostgreSQL), so workers never share rows. DATABASE_URL picks the engine.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { databaseProvider, resolveDatabaseUrl } from "../../scripts/database-url";

const root = path.resolve(import.meta.dirname, "..", "..");

export const TEMPLATE_SQLITE = path.join(os.tmpdir(), `retain-test-template-${process.pid}.sqlite`);

function migrate(url: string) {
  execFileSync(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/db.ts", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const baseUrl = resolveDatabaseUrl(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "file:./prisma/test.sqlite");
  const provider = databaseProvider(baseUrl);
  if (provider === "sqlite") {
    for (const s of ["", "-wal", "-shm"]) fs.rmSync(TEMPLATE_SQLITE + s, { force: true });
    migrate(`file:${TEMPLATE_SQLITE}`);
    provide("retainTemplate", `file:${TEMPLATE_SQLITE}`);
    return () => {
      for (const s of ["", "-wal", "-shm"]) fs.rmSync(TEMPLATE_SQLITE + s, { force: true });
    };
  }
  const template = `retain_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  migrate(withDatabase(baseUrl, template));
  provide("retainTemplate", withDatabase(baseUrl, template));
  return async () => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    const dbs = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'retain_w%_${process.pid}' OR datname = $1`, [template]);
    for (const row of dbs.rows) await c.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await c.end();
  };
}
