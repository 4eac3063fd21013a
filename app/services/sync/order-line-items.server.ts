// Line items are keyed by their order's row id, with no Prisma relation or
// foreign key between the tables (ADR 015). These are the two places that
// need to follow that link: reading orders with their lines, and deleting a
// shop's orders with their lines.
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

/**
 * Deletes the shop's orders, then the line items of exactly those orders (by
 * key, in statements that start after the orders' delete). On PostgreSQL a
 * transaction still writing one of those orders' lines holds the order's row
 * (every writer of lines locks or updates it first), so the orders' delete
 * waits for it and the lines' delete then sees its lines: no line outlives its
 * order. An order committed meanwhile is not seen, and keeps its lines.
 */
export async function deleteShopOrders(tx: Tx, shop: string): Promise<{ orders: number; lines: number }> {
  const ids = (await tx.$queryRaw<Array<{ id: string }>>`DELETE FROM "Order" WHERE "shop" = ${shop} RETURNING "id"`).map((r) => r.id);
  let lines = 0;
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
    lines += (await tx.orderLineItem.deleteMany({ where: { orderId: { in: ids.slice(start, start + IDS_PER_QUERY) } } })).count;
  }
  return { orders: ids.length, lines };
}
