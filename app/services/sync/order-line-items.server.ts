// Line items are keyed by their order's row id, with no Prisma relation or
// foreign key between the tables (ADR 015). These are the two places that
// need to follow that link: reading orders with their lines, and deleting a
// shop's lines before its orders.
import type { OrderLineItem, PrismaClient } from "@prisma/client";
import type { Tx } from "./tx.server";

// Stay far below SQLite's 32,766 bound parameters per statement.
const IDS_PER_QUERY = 10_000;

/** The orders, each with its line items (sorted by Shopify id), in their given order. */
export async function withLineItems<T extends { id: string }>(db: PrismaClient | Tx, orders: readonly T[]): Promise<Array<T & { lineItems: OrderLineItem[] }>> {
  const byOrder = new Map<string, OrderLineItem[]>(orders.map((o) => [o.id, []]));
  for (let start = 0; start < orders.length; start += IDS_PER_QUERY) {
    const ids = orders.slice(start, start + IDS_PER_QUERY).map((o) => o.id);
    const lines = await db.orderLineItem.findMany({ where: { orderId: { in: ids } }, orderBy: [{ orderId: "asc" }, { shopifyId: "asc" }] });
    for (const line of lines) byOrder.get(line.orderId)!.push(line);
  }
  return orders.map((o) => ({ ...o, lineItems: byOrder.get(o.id)! }));
}

/** Deletes the line items of every order of the shop (run before deleting the orders). */
export async function deleteShopLineItems(tx: Tx, shop: string): Promise<number> {
  return tx.$executeRaw`DELETE FROM "OrderLineItem" WHERE "orderId" IN (SELECT "id" FROM "Order" WHERE "shop" = ${shop})`;
}
