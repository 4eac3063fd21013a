// Two worker processes (scripts/worker.ts with different --id) drain one inbox.
// Claiming is one UPDATE … WHERE id IN (SELECT … [FOR UPDATE SKIP LOCKED]) so
// no delivery is claimed twice; this checks it across real processes, on
// whichever engine DATABASE_URL names (CI runs it on PostgreSQL too).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { withLineItems } from "~/services/sync/order-line-items.server";
import { countOrphanLineItems, createInstalledShop, resetDatabase } from "../../helpers/db";
import { orderVariant } from "../sync/helpers";
import { startWorkerProcess, stopTree, type Proc } from "./harness";

const SHOP = "two-workers.myshopify.com";
const N = 600;

describe("two workers share one inbox", () => {
  const workers: Proc[] = [];

  beforeAll(async () => {
    await prepareDatabase(prisma);
    await resetDatabase(prisma);
    await createInstalledShop(prisma, SHOP);
  });
  afterAll(async () => {
    await Promise.all(workers.map(stopTree));
  });

  it("processes each of N deliveries exactly once (attempts 1, no duplicate rows) and both workers take part", async () => {
    // Small batches and a short idle poll so the two interleave: with the
    // default 1 s poll one worker can drain the whole inbox while the other
    // sleeps. The rows become due after both are up, so neither gets a head start.
    const env = { RETAIN_WORKER_BATCH: "10", RETAIN_WORKER_IDLE_MS: "5" };
    workers.push(...(await Promise.all([startWorkerProcess("worker-a", env), startWorkerProcess("worker-b", env)])));

    const base = 8_100_000_000;
    const now = new Date(Date.now() + 1500);
    await prisma.webhookInbox.createMany({
      data: Array.from({ length: N }, (_, i) => ({
        shop: SHOP,
        topic: "orders/create",
        webhookId: `two-workers-${i}`,
        rawBody: JSON.stringify(orderVariant(base + i, { updated_at: "2026-01-01T00:00:00Z" })),
        receivedAt: new Date(now.getTime() + i),
        nextAttemptAt: now,
      })),
    });

    const deadline = Date.now() + 45_000;
    while ((await prisma.webhookInbox.count({ where: { shop: SHOP, status: "DONE" } })) < N) {
      if (Date.now() > deadline) throw new Error("the workers did not drain the inbox in 45 s");
      await new Promise((r) => setTimeout(r, 100));
    }

    const rows = await prisma.webhookInbox.findMany({ where: { shop: SHOP }, select: { attempts: true, status: true, lockedBy: true } });
    expect(rows.filter((r) => r.status !== "DONE" || r.attempts !== 1)).toEqual([]);
    const byWorker = new Map<string, number>();
    // A process's further claim loops (RETAIN_WORKER_LOOPS) claim as "<id>:<n>".
    const processOf = (lockedBy: string | null) => String(lockedBy).replace(/:\d+$/, "");
    for (const r of rows) byWorker.set(processOf(r.lockedBy), (byWorker.get(processOf(r.lockedBy)) ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(["worker-a", "worker-b"]);
    expect(Math.min(...byWorker.values())).toBeGreaterThan(0);

    // Effects once: one order per delivery, each with the sample's line items once.
    const orders = await withLineItems(prisma, await prisma.order.findMany({ where: { shop: SHOP }, select: { id: true, shopifyId: true } }));
    expect(orders).toHaveLength(N);
    expect(new Set(orders.map((o) => o.shopifyId)).size).toBe(N);
    const lines = (orderVariant(1).line_items as unknown[]).length;
    expect(orders.every((o) => o.lineItems.length === lines)).toBe(true);
    expect(await countOrphanLineItems(prisma)).toBe(0);
  }, 90_000);
});
