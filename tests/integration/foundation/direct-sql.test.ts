import { describe, expect, it } from "vitest";
import prisma, { directSql } from "~/db.server";
import { toDate } from "~/services/sync/sql.server";

const TS = () => (directSql(prisma).provider === "postgresql" ? "::timestamp(3)" : "");

describe("direct SQL on the app's connection", () => {
  it("SQLite connections cut the WAL file back to 64 MB when it restarts (checkpoints run once a second, bulk imports grow it)", async () => {
    const q = directSql(prisma);
    if (q.provider !== "sqlite") return;
    const [row] = await q.query<{ journal_size_limit: number | bigint }>(`PRAGMA journal_size_limit`);
    expect(Number(row.journal_size_limit)).toBe(64 * 1024 * 1024);
  });

  it("SQLite refuses placeholders out of order (they bind by position: $2 before $1 would swap values silently)", async () => {
    const q = directSql(prisma);
    if (q.provider !== "sqlite") return;
    await expect(q.query(`SELECT $2 AS "b", $1 AS "a"`, ["a", "b"])).rejects.toThrow(/placeholders must appear in order/);
    await expect(q.query(`SELECT $1 AS "a", $1 AS "again"`, ["a"])).rejects.toThrow(/placeholders must appear in order/);
    expect(await q.query(`SELECT $1 AS "a", $2 AS "b"`, ["a", "b"])).toEqual([{ a: "a", b: "b" }]);
  });

  it("a date written directly reads back through Prisma as the same instant", async () => {
    const shop = `direct-date-${Date.now()}.myshopify.com`;
    const at = new Date("2026-03-04T05:06:07.089Z");
    const sql = directSql(prisma);
    const changed = await sql.execute(`INSERT INTO "Shop" ("shop", "installedAt", "status", "updatedAt") VALUES ($1, $2${TS()}, $3, $4${TS()})`, [shop, at, "INSTALLED", at]);
    expect(changed).toBe(1);
    const viaPrisma = await prisma.shop.findUniqueOrThrow({ where: { shop } });
    expect(viaPrisma.installedAt.toISOString()).toBe(at.toISOString());
    const [row] = await sql.query<{ installedAt: unknown }>(`SELECT "installedAt" FROM "Shop" WHERE "shop" = $1`, [shop]);
    expect(toDate(row.installedAt)?.toISOString()).toBe(at.toISOString());
    await prisma.shop.delete({ where: { shop } });
  });

  it("a failed direct transaction leaves nothing behind", async () => {
    const shop = `direct-rollback-${Date.now()}.myshopify.com`;
    const sql = directSql(prisma);
    await expect(
      sql.transaction(async (tx) => {
        await tx.execute(`INSERT INTO "Shop" ("shop", "updatedAt") VALUES ($1, $2${TS()})`, [shop, new Date()]);
        expect(await tx.query(`SELECT 1 AS one FROM "Shop" WHERE "shop" = $1`, [shop])).toHaveLength(1);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await prisma.shop.findUnique({ where: { shop } })).toBeNull();
  });

  it("a direct write issued while a Prisma transaction is open is not lost when that transaction rolls back", async () => {
    const shop = `direct-iso-${Date.now()}.myshopify.com`;
    let opened!: () => void;
    const isOpen = new Promise<void>((r) => (opened = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = prisma
      .$transaction(async (tx) => {
        await tx.shop.create({ data: { shop: `${shop}-tx` } });
        opened();
        await gate;
        throw new Error("roll back");
      })
      .catch((e: Error) => e.message);
    await isOpen;
    const outside = directSql(prisma).execute(`INSERT INTO "Shop" ("shop", "updatedAt") VALUES ($1, $2${TS()})`, [shop, new Date()]);
    setTimeout(release, 20);
    expect(await failing).toBe("roll back");
    expect(await outside).toBe(1);
    expect(await prisma.shop.findUnique({ where: { shop } })).not.toBeNull();
    expect(await prisma.shop.findUnique({ where: { shop: `${shop}-tx` } })).toBeNull();
    await prisma.shop.delete({ where: { shop } });
  });
});
