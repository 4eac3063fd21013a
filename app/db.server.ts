// The one Prisma client. DATABASE_URL picks the driver adapter: SQLite through
// better-sqlite3 (embedded default) or PostgreSQL through pg.
import { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { databaseProvider, resolveDatabaseUrl, type DatabaseProvider } from "../scripts/database-url";
import { serializeSqliteClient, sqliteGuardOf } from "./lib/sqlite-serial.server";
import { createSqliteAdapter, sqliteConnectionOf } from "./lib/sqlite-adapter.server";
import { getDirectSql, registerDirectSql, type DirectSql } from "./lib/direct-sql.server";

export type Db = PrismaClient;

export function createPrismaClient(rawUrl: string | undefined = process.env.DATABASE_URL): PrismaClient {
  const url = resolveDatabaseUrl(rawUrl);
  if (databaseProvider(url) === "postgresql") {
    // One pool shared by Prisma and direct SQL (app/lib/direct-sql.server.ts).
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    registerDirectSql(client, { provider: "postgresql", pool });
    return client;
  }
  const factory = createSqliteAdapter(url);
  const base = new PrismaClient({ adapter: factory });
  const client = serializeSqliteClient(base);
  registerDirectSql(client, { provider: "sqlite", connection: () => sqliteConnectionOf(factory), guard: sqliteGuardOf(client)!, client });
  return client;
}

/** Direct SQL on this client's connection (hot paths only; see app/lib/direct-sql.server.ts). */
export function directSql(db: PrismaClient): DirectSql {
  return getDirectSql(db);
}

export function currentProvider(): DatabaseProvider {
  return databaseProvider(resolveDatabaseUrl(process.env.DATABASE_URL));
}

/**
 * Opens the connection up front (a failing DATABASE_URL surfaces at start-up,
 * not on the first request). SQLite connection settings are applied by the
 * adapter itself (app/lib/sqlite-adapter.server.ts).
 */
export async function prepareDatabase(db: PrismaClient): Promise<void> {
  await db.$queryRawUnsafe("SELECT 1");
}

/**
 * Raw SQL is written with PostgreSQL's $n placeholders, each used once and in
 * order; SQLite gets plain "?" placeholders bound positionally.
 */
export function portableSql(sql: string): string {
  return currentProvider() === "sqlite" ? sql.replace(/\$\d+/g, "?") : sql;
}

declare global {
  // eslint-disable-next-line no-var
  var __retainDb: PrismaClient | undefined;
}

// Reused across Vite dev reloads so connections are not leaked.
const prisma: PrismaClient = globalThis.__retainDb ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalThis.__retainDb = prisma;

export default prisma;
