// Raw statements for the per-delivery hot path. A Prisma model query costs
// 1-3 ms here (query compiler + client extensions); the same statement raw is
// ~0.5 ms, and every order delivery runs several. Written once for both
// engines: $n placeholders (portableSql turns them into "?" on SQLite) and
// casts that only PostgreSQL gets.
import { currentProvider, portableSql } from "~/db.server";
import type { Tx } from "./tx.server";

export function isPostgres(): boolean {
  return currentProvider() === "postgresql";
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
