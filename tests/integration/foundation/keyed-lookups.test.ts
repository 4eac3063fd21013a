// rowsByKeysSql (ADR 013): a lookup of a few thousand keys stays a probe of the
// (shop, key) index per key, also on a table that grew without statistics (as
// during a bulk import), where PostgreSQL costs `= ANY(list)` as a full scan.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { directSql, prepareDatabase } from "~/db.server";
import { listParam, rowsByKeysSql } from "~/lib/direct-sql.server";

const SHOP = "keyed-lookups.myshopify.com";
const ROWS = 30_000;
const q = directSql(prisma);

async function plan(sql: string, keys: string[]): Promise<string> {
  if (q.provider === "postgresql") {
    const rows = await q.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, [SHOP, listParam(q, keys)], { prepared: false });
    return JSON.stringify(rows[0]["QUERY PLAN"]);
  }
  const rows = await q.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, [SHOP, listParam(q, keys)]);
  return rows.map((r) => r.detail).join("\n");
}

describe("keyed lookups (rowsByKeysSql)", () => {
  beforeAll(async () => {
    await prepareDatabase(prisma);
    await prisma.refund.deleteMany({ where: { shop: SHOP } });
    // Inserted set-wise and never analyzed here, like rows a backfill has just written.
    await q.execute(
      q.provider === "postgresql"
        ? `INSERT INTO "Refund" ("id", "shop", "shopifyId", "orderShopifyId", "amountMinor", "processedAt")
           SELECT 'kl-' || i, $1, (8000000000 + i)::text, (9000000000 + i / 2)::text, 100, now() FROM generate_series(1, ${ROWS}) AS i`
        : `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${ROWS})
           INSERT INTO "Refund" ("id", "shop", "shopifyId", "orderShopifyId", "amountMinor", "processedAt")
           SELECT 'kl-' || i, $1, CAST(8000000000 + i AS TEXT), CAST(9000000000 + i / 2 AS TEXT), 100, '2026-01-01 00:00:00.000 +00:00' FROM s`,
      [SHOP],
    );
  });
  afterAll(async () => {
    await prisma.refund.deleteMany({ where: { shop: SHOP } });
  });

  const keys = Array.from({ length: 2000 }, (_, i) => String(9000000000 + 5 * i));

  it("2,000 order keys against 30,000 unanalyzed refunds: an index probe per key, no table scan, every match returned once", async () => {
    const sql = rowsByKeysSql(q, "Refund", "orderShopifyId", `r."id", r."orderShopifyId"`);
    const p = await plan(sql, keys);
    if (q.provider === "postgresql") {
      // The shape, whatever the statistics say: a loop over the keys with an index probe of Refund inside.
      expect(p).toMatch(/"Node Type":"Nested Loop"/);
      expect(p).toMatch(/"Node Type":"Index (Only )?Scan"[^}]*"Relation Name":"Refund"/);
      expect(p).not.toMatch(/"Node Type":"(Seq Scan|Bitmap Heap Scan)"[^}]*"Relation Name":"Refund"/);
    } else {
      expect(p).toMatch(/SEARCH r USING INDEX/);
      expect(p).not.toMatch(/SCAN r\b/);
    }
    const rows = await q.query<{ id: string; orderShopifyId: string }>(sql, [SHOP, listParam(q, [...keys, keys[0]])]);
    // Refund i belongs to order 9000000000 + floor(i / 2), i = 1…30,000: order m has refunds 2m and 2m + 1,
    // order 0 only refund 1. The keys are m = 0, 5, …, 9,995 (the first key twice): 1 + 1,999 × 2 rows.
    expect(rows).toHaveLength(1 + 1999 * 2);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it("firstOnly returns each key that has a row, once", async () => {
    const sql = rowsByKeysSql(q, "Refund", "orderShopifyId", `r."orderShopifyId" AS "key"`, { firstOnly: true });
    const rows = await q.query<{ key: string }>(sql, [SHOP, listParam(q, ["9000000001", "9000000001", "9000000002", "1"])]);
    expect(rows.map((r) => r.key).sort()).toEqual(["9000000001", "9000000002"]);
  });
});
