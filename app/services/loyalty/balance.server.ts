// Balances are derived from ledger rows (docs/loyalty.md), summed in the database.
import type { Prisma, PrismaClient } from "@prisma/client";

export interface StoredBalance {
  pending: number;
  available: number;
  spendable: number;
  debt: number;
}

export async function getStoredBalance(db: PrismaClient | Prisma.TransactionClient, accountId: string): Promise<StoredBalance> {
  const rows = await db.ledgerEntry.groupBy({ by: ["bucket"], where: { accountId }, _sum: { points: true } });
  const sum = (bucket: string) => rows.find((r) => r.bucket === bucket)?._sum.points ?? 0;
  const available = sum("AVAILABLE");
  return { pending: sum("PENDING"), available, spendable: Math.max(0, available), debt: Math.max(0, -available) };
}

export async function getSpendableBalance(db: PrismaClient | Prisma.TransactionClient, accountId: string): Promise<number> {
  return (await getStoredBalance(db, accountId)).spendable;
}
