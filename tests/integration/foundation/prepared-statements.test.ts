// PostgreSQL: direct SQL prepares each hot-path statement once per connection
// (a named statement), unless DATABASE_PREPARED_STATEMENTS=off (for poolers
// that cannot keep them). Observed through pg_prepared_statements on the
// connection of one transaction.
import { afterEach, describe, expect, it } from "vitest";
import prisma, { currentProvider, directSql } from "~/db.server";

const named = async (probe: string) =>
  directSql(prisma).transaction(async (q) => {
    await q.query(probe);
    const [row] = await q.query<{ n: number }>(`SELECT COUNT(*)::int AS "n" FROM pg_prepared_statements WHERE "statement" = $1 AND "name" LIKE 'retain_%'`, [probe]);
    return Number(row.n);
  });

describe.skipIf(currentProvider() !== "postgresql")("prepared statements on PostgreSQL", () => {
  afterEach(() => {
    delete process.env.DATABASE_PREPARED_STATEMENTS;
  });

  it("a direct-SQL statement is prepared on its connection under a retain_ name", async () => {
    expect(await named(`SELECT 1 AS "prepared_probe_on"`)).toBe(1);
  });

  it("DATABASE_PREPARED_STATEMENTS=off sends it unnamed", async () => {
    process.env.DATABASE_PREPARED_STATEMENTS = "off";
    expect(await named(`SELECT 1 AS "prepared_probe_off"`)).toBe(0);
  });

  it("a query with { prepared: false } is planned each time, unnamed", async () => {
    const probe = `SELECT 1 AS "prepared_probe_unprepared"`;
    const n = await directSql(prisma).transaction(async (q) => {
      await q.query(probe, [], { prepared: false });
      const [row] = await q.query<{ n: number }>(`SELECT COUNT(*)::int AS "n" FROM pg_prepared_statements WHERE "statement" = $1`, [probe]);
      return Number(row.n);
    });
    expect(n).toBe(0);
  });
});
