// Data for the app home: the shop and how much of it Retain holds.
import type { PrismaClient } from "@prisma/client";

export async function getHomeSummary(db: PrismaClient, shop: string) {
  const [shopRow, customers, orders] = await Promise.all([
    db.shop.findUnique({ where: { shop } }),
    db.customer.count({ where: { shop, deletedAt: null } }),
    db.order.count({ where: { shop } }),
  ]);
  return {
    shop,
    shopName: shopRow?.name ?? shop,
    currencyCode: shopRow?.currencyCode ?? "USD",
    timeZone: shopRow?.ianaTimezone ?? "UTC",
    customers,
    orders,
  };
}
