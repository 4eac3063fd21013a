// Shared helpers for integration tests (each worker has its own database).
import { Prisma, type PrismaClient } from "@prisma/client";
import { currentProvider } from "~/db.server";

/** Empties every table; children first so foreign keys never object. */
export async function resetDatabase(db: PrismaClient): Promise<void> {
  const tables = Object.values(Prisma.ModelName);
  if (currentProvider() === "postgresql") {
    await db.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t}"`).join(", ")} CASCADE`);
    return;
  }
  const childrenFirst = ["OrderLineItem", "CampaignAssignment", "CampaignCode"];
  for (const t of [...childrenFirst, ...tables.filter((x) => !childrenFirst.includes(x))]) {
    await db.$executeRawUnsafe(`DELETE FROM "${t}"`);
  }
}

/**
 * Line items whose order row does not exist. There is no foreign key between
 * the tables (ADR 015): the sync engine keeps them together, and the suites
 * that write orders assert this stays 0.
 */
export async function countOrphanLineItems(db: PrismaClient): Promise<number> {
  const [row] = await db.$queryRawUnsafe<Array<{ n: unknown }>>(
    `SELECT COUNT(*) AS "n" FROM "OrderLineItem" l WHERE NOT EXISTS (SELECT 1 FROM "Order" o WHERE o."id" = l."orderId")`,
  );
  return Number(row.n);
}

export async function createInstalledShop(db: PrismaClient, shop = "test-shop.myshopify.com", overrides: Partial<Prisma.ShopCreateInput> = {}) {
  return db.shop.create({ data: { shop, name: "Test Shop", currencyCode: "USD", ianaTimezone: "America/New_York", ...overrides } });
}
