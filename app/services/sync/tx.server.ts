// Transaction helpers shared by the sync services.
import type { Prisma, PrismaClient } from "@prisma/client";
import type { DirectQueries } from "~/lib/direct-sql.server";
import { isPostgres, sqlOf } from "./sql.server";

export type Tx = Prisma.TransactionClient;

// Keys each open transaction already holds: a batch locks all of its resources
// up front (sorted, one statement), so the per-resource calls inside are free.
const held = new WeakMap<object, Set<string>>();

/**
 * Serializes work on one resource across workers. PostgreSQL takes a
 * transaction-scoped advisory lock on the key's hash, so an order, its
 * refunds and its line items are never written by two transactions at once
 * (an order landing while its refund is being stored would otherwise leave
 * the refund held). SQLite already runs one writer at a time.
 */
export async function lockResource(tx: Tx | DirectQueries, key: string): Promise<void> {
  if (!isPostgres()) return;
  const keys = held.get(tx);
  if (keys?.has(key)) return;
  await sqlOf(tx).execute(`SELECT pg_advisory_xact_lock(hashtext($1))`, [key]);
  if (keys) keys.add(key);
  else held.set(tx, new Set([key]));
}

/** Many locks in one statement, in sorted order so two batches can never deadlock. */
export async function lockResources(tx: Tx | DirectQueries, keys: string[]): Promise<void> {
  if (!isPostgres() || keys.length === 0) return;
  const sorted = [...new Set(keys)].sort();
  await sqlOf(tx).execute(
    `SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT unnest(string_to_array($1, E'\\n')) AS k ORDER BY 1) AS keys`,
    [sorted.join("\n")],
  );
  const set = held.get(tx) ?? new Set<string>();
  for (const k of sorted) set.add(k);
  held.set(tx, set);
}

export const orderLockKey = (shop: string, orderShopifyId: string) => `sync:order:${shop}:${orderShopifyId}`;
export const customerLockKey = (shop: string, customerShopifyId: string) => `sync:customer:${shop}:${customerShopifyId}`;

/** Interactive transaction with a timeout generous enough for a 500-row batch. */
export function inTransaction<T>(db: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(fn, { maxWait: 10_000, timeout: 60_000 });
}

/** enqueueJob takes a client; inside a transaction the transaction client stands in. */
export function asClient(tx: Tx): PrismaClient {
  return tx as unknown as PrismaClient;
}
