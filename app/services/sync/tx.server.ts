// Transaction helpers shared by the sync services.
import type { Prisma, PrismaClient } from "@prisma/client";
import { currentProvider } from "~/db.server";

export type Tx = Prisma.TransactionClient;

/**
 * Serializes work on one resource across workers. PostgreSQL takes a
 * transaction-scoped advisory lock on the key's hash, so an order, its
 * refunds and its line items are never written by two transactions at once
 * (an order landing while its refund is being stored would otherwise leave
 * the refund held). SQLite already runs one writer at a time.
 */
export async function lockResource(tx: Tx, key: string): Promise<void> {
  if (currentProvider() !== "postgresql") return;
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, key);
}

/** Many locks in one statement, in sorted order so two batches can never deadlock. */
export async function lockResources(tx: Tx, keys: string[]): Promise<void> {
  if (currentProvider() !== "postgresql" || keys.length === 0) return;
  const joined = [...new Set(keys)].sort().join("\n");
  await tx.$executeRawUnsafe(
    `SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT unnest(string_to_array($1, E'\\n')) AS k ORDER BY 1) AS keys`,
    joined,
  );
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
