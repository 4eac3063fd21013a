import { describe, expect, it } from "vitest";
import prisma from "~/db.server";

describe("database client isolation", () => {
  it("a write outside a transaction is never lost when a concurrent transaction rolls back", async () => {
    const shop = `iso-${Date.now()}.myshopify.com`;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = prisma
      .$transaction(async (tx) => {
        await tx.shop.create({ data: { shop: `${shop}-tx` } });
        await gate;
        throw new Error("roll back");
      })
      .catch((e: Error) => e.message);
    // Issued while the transaction is open; must not join it.
    const outside = prisma.shop.create({ data: { shop } });
    setTimeout(release, 20);
    expect(await failing).toBe("roll back");
    await outside;
    expect(await prisma.shop.findUnique({ where: { shop } })).not.toBeNull();
    expect(await prisma.shop.findUnique({ where: { shop: `${shop}-tx` } })).toBeNull();
  });

  it("a read outside a transaction never sees that transaction's uncommitted rows", async () => {
    const shop = `iso-read-${Date.now()}.myshopify.com`;
    let created!: () => void;
    const rowWritten = new Promise<void>((r) => (created = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = prisma
      .$transaction(async (t) => {
        await t.shop.create({ data: { shop } });
        created();
        await gate;
        throw new Error("roll back");
      })
      .catch(() => undefined);
    await rowWritten;
    // Another request reads while the transaction is open: it must wait and then see nothing.
    const read = prisma.shop.findUnique({ where: { shop } });
    setTimeout(release, 20);
    await tx;
    expect(await read).toBeNull();
  });
});
