// Runs in each integration worker before its test files: point DATABASE_URL at
// this worker's own copy of the migrated template.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    retainTemplate: string;
  }
}

const template = inject("retainTemplate");
const worker = process.env.VITEST_POOL_ID ?? "1";
const parentPid = process.ppid;

if (!process.env.RETAIN_WORKER_DB_READY) {
  if (template.startsWith("file:")) {
    const file = path.join(os.tmpdir(), `retain-test-w${worker}-${parentPid}.sqlite`);
    for (const s of ["", "-wal", "-shm"]) fs.rmSync(file + s, { force: true });
    fs.copyFileSync(template.slice("file:".length), file);
    process.env.DATABASE_URL = `file:${file}`;
  } else {
    const u = new URL(template);
    const name = `retain_w${worker}_${u.pathname.split("_").pop()}`;
    const admin = new pg.Client({ connectionString: template.replace(u.pathname, "/postgres") });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${u.pathname.slice(1)}`);
    await admin.end();
    u.pathname = `/${name}`;
    process.env.DATABASE_URL = u.toString();
  }
  process.env.RETAIN_WORKER_DB_READY = "1";
}
process.env.NODE_ENV = "test";
process.env.RETAIN_WORKER = "off";
process.env.SHOPIFY_API_KEY ??= "test-api-key-0123456789abcdef";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret-0123456789abcdef";
process.env.SHOPIFY_APP_URL ??= "http://127.0.0.1:39999";
