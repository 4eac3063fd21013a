// insertMany on PostgreSQL streams rows known to be new with COPY FROM STDIN
// (ADR 014): every value must come back exactly as a parameterized INSERT
// would store it, and a failing COPY must roll its transaction back and leave
// the connection usable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { directSql, prepareDatabase } from "~/db.server";
import { insertMany, type Column } from "~/services/sync/backfill-sql.server";

const SHOP = "copy-in.myshopify.com";
const q = directSql(prisma);
const pg = q.provider === "postgresql";

const REFUND: Column[] = [
  { name: "id", type: "text" }, { name: "shop", type: "text" }, { name: "shopifyId", type: "text" }, { name: "orderShopifyId", type: "text" },
  { name: "amountMinor", type: "int" }, { name: "storeCreditMinor", type: "int" }, { name: "lines", type: "json" }, { name: "note", type: "text" },
  { name: "processedAt", type: "timestamp" },
];
const AWKWARD = ["tab\there", "new\nline\r\n", "back\\slash \\N \\t", "\\N", "", `quotes " ' {} , é 漢 🎉`];

describe.skipIf(!pg)("COPY through insertMany (PostgreSQL)", () => {
  beforeAll(async () => {
    await prepareDatabase(prisma);
    await prisma.refund.deleteMany({ where: { shop: SHOP } });
  });
  afterAll(async () => {
    await prisma.refund.deleteMany({ where: { shop: SHOP } });
  });

  it("is the path a transaction takes for rows without a conflict clause", async () => {
    await q.transaction(async (tx) => {
      expect(typeof tx.copyIn).toBe("function");
    });
    expect(q.copyIn).toBeUndefined(); // outside a transaction there is no connection to stream on
  });

  it("stores tabs, newlines, backslashes, a literal \\N, empty strings, NULLs, JSON, dates and negative numbers exactly", async () => {
    const rows = AWKWARD.map((note, i) => [
      `copy-${i}`, SHOP, `r${i}`, `o${i}`, 50 - 100 * i, i, i % 2 === 0 ? JSON.stringify([{ title: note, quantity: i }]) : null,
      note, i % 3 === 0 ? new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) : "2026-01-02 03:04:05.678 +00:00",
    ]);
    rows.push([`copy-null`, SHOP, "rnull", "onull", 0, 0, null, null, new Date(0)]);
    await q.transaction((tx) => insertMany(tx, "Refund", REFUND, rows));
    const stored = await prisma.refund.findMany({ where: { shop: SHOP }, orderBy: { id: "asc" } });
    expect(stored).toHaveLength(AWKWARD.length + 1);
    for (let i = 0; i < AWKWARD.length; i++) {
      const r = stored.find((s) => s.id === `copy-${i}`)!;
      expect(r.note).toBe(AWKWARD[i]);
      expect(r.amountMinor).toBe(50 - 100 * i);
      expect(r.lines).toEqual(i % 2 === 0 ? [{ title: AWKWARD[i], quantity: i }] : null);
      expect(r.processedAt.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    }
    const n = stored.find((s) => s.id === "copy-null")!;
    expect(n.note).toBeNull();
    expect(n.lines).toBeNull();
  });

  it("a failing COPY (a duplicate key) rolls back the whole transaction and the pool keeps working", async () => {
    const before = await prisma.refund.count({ where: { shop: SHOP } });
    const row = (id: string, shopifyId: string) => [id, SHOP, shopifyId, "o", 1, 0, null, "n", new Date()];
    await expect(
      q.transaction(async (tx) => {
        await insertMany(tx, "Refund", REFUND, [row("copy-fresh", "fresh")]);
        await insertMany(tx, "Refund", REFUND, [row("copy-dup-a", "dup"), row("copy-dup-b", "dup")]); // (shop, shopifyId) is unique
      }),
    ).rejects.toThrow(/duplicate key|unique/i);
    expect(await prisma.refund.count({ where: { shop: SHOP } })).toBe(before);
    // Every pooled connection still answers (the failed one included).
    await Promise.all(Array.from({ length: 12 }, () => q.transaction((tx) => tx.query("SELECT 1 AS one"))));
    await q.transaction((tx) => insertMany(tx, "Refund", REFUND, [row("copy-after", "after")]));
    expect(await prisma.refund.count({ where: { shop: SHOP } })).toBe(before + 1);
  });
});
