import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma, { currentProvider } from "~/db.server";

const root = path.resolve(import.meta.dirname, "../../..");

describe("migrations", () => {
  it(`every committed migration is applied on ${currentProvider()}`, async () => {
    const dir = currentProvider() === "postgresql" ? "prisma/postgres/migrations" : "prisma/migrations";
    const committed = fs
      .readdirSync(path.join(root, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const applied = await prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL ORDER BY "migration_name"`,
    );
    expect(committed.length).toBeGreaterThan(0);
    expect(applied.map((r) => r.migration_name)).toEqual(committed);
  });

  it("the tables answer queries through the Prisma client (money as integer minor units)", async () => {
    const shop = `mig-${Date.now()}.myshopify.com`;
    await prisma.shop.create({ data: { shop } });
    const order = await prisma.order.create({
      data: {
        shop,
        shopifyId: "1",
        processedAt: new Date("2026-01-01T00:00:00Z"),
        shopifyCreatedAt: new Date("2026-01-01T00:00:00Z"),
        shopifyUpdatedAt: new Date("2026-01-01T00:00:00Z"),
        currency: "USD",
        totalMinor: 123456789,
      },
    });
    const line = await prisma.orderLineItem.create({ data: { shop, orderId: order.id, shopifyId: "11", quantity: 2, priceMinor: 1999 } });
    expect(order.totalMinor).toBe(123456789);
    expect(Number.isInteger(line.priceMinor)).toBe(true);
  });
});
