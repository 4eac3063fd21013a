// PostgreSQL: a direct-SQL transaction asked not to be durable commits without
// waiting for its WAL flush (ADR 010: worker and backfill batches), and only
// that transaction; every other one keeps the server's setting.
import { describe, expect, it } from "vitest";
import prisma, { currentProvider, directSql } from "~/db.server";

const setting = (durable?: boolean) =>
  directSql(prisma).transaction(async (q) => (await q.query<{ synchronous_commit: string }>("SHOW synchronous_commit"))[0].synchronous_commit, durable === undefined ? undefined : { durable });

describe.skipIf(currentProvider() !== "postgresql")("direct-SQL transaction durability on PostgreSQL", () => {
  it("durable: false turns synchronous_commit off inside that transaction only", async () => {
    expect(await setting(false)).toBe("off");
    expect(await setting()).toBe("on");
    expect(await setting(true)).toBe("on");
  });
});
