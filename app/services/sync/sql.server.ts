// Raw statements for the sync hot path, written once for both engines: $n
// placeholders and casts that only PostgreSQL gets. The per-delivery path runs
// them through direct SQL (app/lib/direct-sql.server.ts, 10–50 µs a statement
// on SQLite instead of ~0.5–1 ms through Prisma's raw query); callers that hold
// a Prisma transaction (backfill, reconciliation, GDPR) still pass it, and
// `sqlOf` runs the same SQL through it.
import { randomBytes } from "node:crypto";
import type { DirectQueries, SqlParam } from "~/lib/direct-sql.server";
import { currentProvider, portableSql } from "~/db.server";
import type { Tx } from "./tx.server";

export type { DirectQueries, SqlParam };

let providerKnown = false;
let providerUrl: string | undefined;
let providerIsPg = false;

/** currentProvider() parses DATABASE_URL on every call; the hot path asks several times per statement. */
export function isPostgres(): boolean {
  const url = process.env.DATABASE_URL;
  if (!providerKnown || url !== providerUrl) {
    providerKnown = true;
    providerUrl = url;
    providerIsPg = currentProvider() === "postgresql";
  }
  return providerIsPg;
}

/** A date parameter: Date on SQLite (the adapter writes Prisma's ISO text), ISO text + cast on PostgreSQL. */
export function dateParam(d: Date): Date | string {
  return isPostgres() ? d.toISOString() : d;
}
export const TS = () => (isPostgres() ? "::timestamp(3)" : "");
export const JSONB = () => (isPostgres() ? "::jsonb" : "");

export async function selectRows<T>(tx: Tx, sql: string, ...params: unknown[]): Promise<T[]> {
  return tx.$queryRawUnsafe<T[]>(portableSql(sql), ...params);
}

export async function execute(tx: Tx, sql: string, ...params: unknown[]): Promise<number> {
  return tx.$executeRawUnsafe(portableSql(sql), ...params);
}

/** Raw DATETIME values come back as Date (PostgreSQL) or ISO text (SQLite). */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

/** A JSON column read raw: parsed jsonb on PostgreSQL, text on SQLite. */
export function fromJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : (value ?? null);
}

export function isDirect(tx: Tx | DirectQueries): tx is DirectQueries {
  return typeof (tx as Partial<DirectQueries>).execute === "function" && "provider" in tx;
}

const wrapped = new WeakMap<object, DirectQueries>();

/** The same query interface over a Prisma transaction (SQLite gets 0/1 booleans and "?" placeholders). */
export function sqlOf(tx: Tx | DirectQueries): DirectQueries {
  if (isDirect(tx)) return tx;
  let q = wrapped.get(tx);
  if (q) return q;
  const provider = isPostgres() ? "postgresql" : "sqlite";
  const params = (ps: readonly SqlParam[]) =>
    ps.map((v) => (v === undefined ? null : typeof v === "boolean" && provider === "sqlite" ? (v ? 1 : 0) : v instanceof Date ? dateParam(v) : v));
  const execute = (sql: string, ps: readonly SqlParam[] = []) => tx.$executeRawUnsafe(portableSql(sql), ...params(ps));
  const made: DirectQueries = {
    provider,
    query: <T>(sql: string, ps: readonly SqlParam[] = []) => tx.$queryRawUnsafe<T[]>(portableSql(sql), ...params(ps)),
    execute,
    executeEach: async (sql, lists) => {
      let changes = 0;
      for (const ps of lists) changes += await execute(sql, ps);
      return changes;
    },
  };
  wrapped.set(tx, made);
  return made;
}

// This process's tag in row ids, so two processes' ids never collide.
const PROCESS_TAG = [...randomBytes(8)].map((b) => (b % 36).toString(36)).join("");
let lastMs = 0;
let counter = 0;

/**
 * A row id that sorts by creation time (cuid-like: "c", milliseconds and a
 * per-millisecond counter in base 36, then the process tag). Rows written by
 * the hot paths then append to the right edge of their primary-key and
 * parent-id indexes; random UUIDs dirtied a different index page per row,
 * which made every commit (and WAL checkpoint) write many times the data.
 */
export function newSortableId(): string {
  const now = Math.max(Date.now(), lastMs);
  if (now === lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  return `c${now.toString(36).padStart(9, "0")}${counter.toString(36).padStart(4, "0")}${PROCESS_TAG}`;
}
