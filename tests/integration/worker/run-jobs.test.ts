// A claim's jobs run one after another and their successes are marked DONE in
// one commit at the end; a failure is recorded at once and does not hold back
// or undo its claim-mates.
import { beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { claimJobs, enqueueJob } from "~/jobs/queue.server";
import { runJobs } from "~/jobs/worker.server";
import { createInstalledShop, resetDatabase } from "../../helpers/db";

const SHOP = "run-jobs.myshopify.com";
const db = prisma;

describe("runJobs", () => {
  beforeEach(async () => {
    await prepareDatabase(db);
    await resetDatabase(db);
    await createInstalledShop(db, SHOP);
  });

  it("every success of a claim ends DONE with its result; a failing job is retried with its error and an unknown type is dead", async () => {
    const now = new Date();
    const past = new Date(now.getTime() - 1000);
    await enqueueJob(db, { type: "loyalty.order-changed", shop: SHOP, payload: { orderShopifyId: "111" }, runAt: past }, past);
    await enqueueJob(db, { type: "loyalty.order-changed", shop: SHOP, payload: {}, runAt: past }, past); // invalid payload: throws
    await enqueueJob(db, { type: "no.such-type", shop: SHOP, runAt: past }, past);
    await enqueueJob(db, { type: "loyalty.order-changed", shop: SHOP, payload: { orderShopifyId: "222" }, runAt: past }, past);

    const claimed = await claimJobs(db, "run-jobs-test", 10, now);
    expect(claimed).toHaveLength(4);
    await runJobs(db, claimed, "run-jobs-test");

    const jobs = await db.job.findMany({ where: { shop: SHOP }, orderBy: { createdAt: "asc" } });
    const byOrder = (id: string) => jobs.find((j) => (j.payload as { orderShopifyId?: string } | null)?.orderShopifyId === id)!;
    for (const done of [byOrder("111"), byOrder("222")]) {
      expect(done.status).toBe("DONE");
      expect(done.finishedAt).not.toBeNull();
      expect(done.lockedBy).toBeNull();
      expect(done.result).toMatchObject({ entriesWritten: 0 });
    }
    const invalid = jobs.find((j) => j.type === "loyalty.order-changed" && (j.payload as object | null) !== null && !("orderShopifyId" in (j.payload as object)))!;
    expect(invalid.status).toBe("QUEUED");
    expect(invalid.lastError).toMatch(/needs payload\.orderShopifyId/);
    expect(invalid.runAt.getTime()).toBeGreaterThan(now.getTime());
    const unknown = jobs.find((j) => j.type === "no.such-type")!;
    expect(unknown.status).toBe("DEAD");
    expect(unknown.lastError).toMatch(/no handler for job type no\.such-type/);
  });
});
