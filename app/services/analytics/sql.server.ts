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
  return new Date(parseSqliteDateMs(value));
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const ADAPTER_DATE_SHAPE = "0000-00-00T00:00:00.000";
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Digits and separators where "YYYY-MM-DDTHH:MM:SS.mmm" has them. */
function isAdapterDate(value: string): boolean {
  for (let i = 0; i < ADAPTER_DATE_SHAPE.length; i++) {
    const want = ADAPTER_DATE_SHAPE.charCodeAt(i);
    const c = value.charCodeAt(i);
    if (want === 48 ? c < 48 || c > 57 : c !== want) return false;
  }
  return true;
}

/**
 * parseSqliteDate as epoch ms (NaN when unreadable). The adapter's own form,
 * "YYYY-MM-DDTHH:MM:SS.mmm+00:00", is read digit by digit (Date.parse costs
 * more than the rest of a million-row read); anything else goes to Date.parse.
 */
export function parseSqliteDateMs(value: unknown): number {
  if (typeof value === "number" || typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.length === 29 && value.endsWith("+00:00") && isAdapterDate(value)) {
    const year = digit(value, 0) * 1000 + digit(value, 1) * 100 + digit(value, 2) * 10 + digit(value, 3);
    const month = digit(value, 5) * 10 + digit(value, 6);
    const day = digit(value, 8) * 10 + digit(value, 9);
    const hour = digit(value, 11) * 10 + digit(value, 12);
    const minute = digit(value, 14) * 10 + digit(value, 15);
    const second = digit(value, 17) * 10 + digit(value, 18);
    const ms = digit(value, 20) * 100 + digit(value, 21) * 10 + digit(value, 22);
    // Only in-range fields take the fast path; Date.UTC would roll e.g. month 13 over where Date.parse says NaN.
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59 && year >= 1000) {
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    }
  }
  return Date.parse(String(value));
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
  batches: Iterable<readonly MetricRow[]>,
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
    // computedAt and next-order days repeat across rows: format each instant
    // once. First/last order instants are mostly distinct: formatted directly.
    const formatted = new Map<number, string>();
    const sharedDate = (v: SqlValue): SqlValue => {
      if (!(v instanceof Date)) return v;
      const ms = v.getTime();
      let text = formatted.get(ms);
      if (text === undefined) formatted.set(ms, (text = sqliteDate(v)));
      return text;
    };
    const ownDate = (v: SqlValue): SqlValue => (v instanceof Date ? sqliteDate(v) : v);
    const params: SqlValue[] = new Array(METRIC_COLUMNS.length + 1);
    // Columns in METRIC_COLUMNS order, spelled out: a loop over column names
    // with a formatter each costs more than the SQLite upsert itself here.
    const fill = (row: MetricRow): void => {
      params[0] = nextId();
      params[1] = row.shop;
      params[2] = row.customerShopifyId;
      params[3] = row.ordersCount;
      params[4] = ownDate(row.firstOrderAt);
      params[5] = ownDate(row.lastOrderAt);
      params[6] = row.historicalClvMinor;
      params[7] = row.frequency;
      params[8] = row.recencyWeeks;
      params[9] = row.ageWeeks;
      params[10] = row.monetaryMinor;
      params[11] = row.expectedPurchases;
      params[12] = row.pAlive;
      params[13] = row.predictedClvMinor;
      params[14] = row.clvLowMinor;
      params[15] = row.clvHighMinor;
      params[16] = sharedDate(row.nextOrderAt);
      params[17] = row.rfmRecency;
      params[18] = row.rfmFrequency;
      params[19] = row.rfmMonetary;
      params[20] = row.rfmGroup;
      params[21] = row.previousRfmGroup;
      params[22] = row.churnRisk;
      params[23] = row.model;
      params[24] = sharedDate(row.computedAt);
    };
    const writeBatch = conn.transaction((batch: readonly MetricRow[]) => {
      for (const row of batch) {
        fill(row);
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
