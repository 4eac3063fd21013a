// Fast paths for bulk reads and writes. Prisma's createMany and findMany cost
// about 1 ms and 35 µs a row here, which is minutes for a 250k-customer shop,
// so analytics reads SQLite through better-sqlite3 directly (the driver the
// Prisma adapter already uses) and writes multi-row INSERTs of literals.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";

/** The main database file when `db` is SQLite, else null (PostgreSQL). */
export async function sqliteFileOf(db: PrismaClient): Promise<string | null> {
  try {
    const rows = await db.$queryRawUnsafe<{ name: string; file: string }[]>("PRAGMA database_list");
    const main = rows.find((r) => r.name === "main");
    return main && main.file ? main.file : null;
  } catch {
    return null;
  }
}

/** A DATETIME column read raw: Prisma's SQLite adapter writes ISO text; integers are epoch ms. */
export function parseSqliteDate(value: unknown): Date {
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value));
  return new Date(Date.parse(String(value)));
}

export type SqlValue = string | number | Date | null;

export class SqlLiteralError extends Error {
  readonly reason = "NON_FINITE_NUMBER" as const;
  constructor(message: string) {
    super(message);
    this.name = "SqlLiteralError";
  }
}

/** A SQL literal. Strings are single-quoted with quotes doubled (standard SQL, both engines). */
export function sqlLiteral(value: SqlValue, sqlite: boolean): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new SqlLiteralError(`cannot store ${value}`);
    return String(value);
  }
  if (value instanceof Date) {
    const iso = value.toISOString();
    // The text form Prisma's SQLite adapter reads back; PostgreSQL takes ISO as is.
    return `'${sqlite ? iso.replace("Z", "+00:00") : iso}'`;
  }
  return `'${value.replace(/\u0000/g, "").replace(/'/g, "''")}'`;
}

const METRIC_COLUMNS = [
  "shop", "customerShopifyId", "ordersCount", "firstOrderAt", "lastOrderAt", "historicalClvMinor", "frequency", "recencyWeeks", "ageWeeks",
  "monetaryMinor", "expectedPurchases", "pAlive", "predictedClvMinor", "clvLowMinor", "clvHighMinor", "nextOrderAt", "rfmRecency",
  "rfmFrequency", "rfmMonetary", "rfmGroup", "previousRfmGroup", "churnRisk", "model", "computedAt",
] as const;

export type MetricRow = { [K in (typeof METRIC_COLUMNS)[number]]: SqlValue };

/** Text form of a DATETIME for SQLite, as Prisma's adapter writes it. */
function sqliteDate(value: Date): string {
  const iso = value.toISOString();
  return `${iso.slice(0, -1)}+00:00`;
}

/**
 * Ids for new metric rows: a per-run random prefix and a zero-padded counter,
 * so a run's ids ascend. Random UUIDs would land all over the primary-key
 * index and make every batch's commit rewrite most of its pages.
 */
export function createMetricIdSource(): () => string {
  const prefix = `cm${randomUUID().replace(/-/g, "").slice(0, 14)}`;
  let next = 0;
  return () => `${prefix}${(next++).toString(36).padStart(8, "0")}`;
}

/** SQLite page cache for the write connection (negative = KiB): holds the metric table's indexes. */
const WRITE_CACHE_KIB = 64 * 1024;

/**
 * Writes a shop's metric rows in batches through better-sqlite3: one prepared
 * UPSERT on (shop, customerShopifyId), one short transaction per batch (the
 * write lock is released between batches so webhooks keep flowing). Existing
 * rows are updated in place and keep their id, so a rerun touches no
 * primary-key pages; rows of customers gone since are left for the caller to
 * delete by computedAt.
 */
export async function writeMetricsSqlite(
  file: string,
  _shop: string,
  batches: readonly (readonly MetricRow[])[],
  onBatch: (done: number) => Promise<void>,
): Promise<void> {
  const { default: Database } = await import("better-sqlite3");
  const conn = new Database(file, { fileMustExist: true });
  try {
    conn.pragma("busy_timeout = 10000");
    // As db.server.ts sets for Prisma's connection: safe under WAL, no fsync per commit.
    conn.pragma("synchronous = NORMAL");
    conn.pragma(`cache_size = -${WRITE_CACHE_KIB}`);
    const columns = ["id", ...METRIC_COLUMNS];
    const updated = METRIC_COLUMNS.filter((c) => c !== "shop" && c !== "customerShopifyId");
    const upsert = conn.prepare(
      `INSERT INTO "CustomerMetric" (${columns.map((c) => `"${c}"`).join(",")}) VALUES (${columns.map(() => "?").join(",")}) ` +
        `ON CONFLICT ("shop","customerShopifyId") DO UPDATE SET ${updated.map((c) => `"${c}"=excluded."${c}"`).join(",")}`,
    );
    const nextId = createMetricIdSource();
    // Many rows share one Date object (computedAt, cached next-order days): format each once.
    const formatted = new WeakMap<Date, string>();
    const date = (v: SqlValue): SqlValue => {
      if (!(v instanceof Date)) return v;
      let text = formatted.get(v);
      if (text === undefined) formatted.set(v, (text = sqliteDate(v)));
      return text;
    };
    const params: SqlValue[] = new Array(METRIC_COLUMNS.length + 1);
    const writeBatch = conn.transaction((batch: readonly MetricRow[]) => {
      for (const row of batch) {
        params[0] = nextId();
        for (let c = 0; c < METRIC_COLUMNS.length; c++) params[c + 1] = date(row[METRIC_COLUMNS[c]]);
        upsert.run(params);
      }
    });
    let done = 0;
    for (const batch of batches) {
      if (batch.length === 0) continue;
      writeBatch.immediate(batch);
      done += batch.length;
      await onBatch(done);
    }
  } finally {
    conn.close();
  }
}

/** One INSERT statement for `rows` (ids are fresh UUIDs). */
export function buildMetricInsert(rows: readonly MetricRow[], sqlite: boolean): string {
  const columns = ["id", ...METRIC_COLUMNS].map((c) => `"${c}"`).join(",");
  const values = rows.map((r) => `(${[sqlLiteral(randomUUID(), sqlite), ...METRIC_COLUMNS.map((c) => sqlLiteral(r[c], sqlite))].join(",")})`);
  return `INSERT INTO "CustomerMetric" (${columns}) VALUES ${values.join(",")}`;
}
