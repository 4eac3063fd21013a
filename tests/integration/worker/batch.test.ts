// The worker applies claimed deliveries in short batch transactions (one
// commit for many deliveries). These pin what batching must not change:
// every delivery exactly once, a failing delivery isolated from its
// batch-mates, follow-up jobs once per key, and the time cap on a transaction.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma, { currentProvider, directSql, prepareDatabase } from "~/db.server";
import { noteAcceptPressure } from "~/jobs/accept-pressure.server";
import { claimDeliveries, processClaimedDeliveries, runWorkerOnce, startWorker, workerStats } from "~/jobs/worker.server";
import { withLineItems } from "~/services/sync/order-line-items.server";
import { countOrphanLineItems, createInstalledShop, resetDatabase } from "../../helpers/db";
import { orderVariant, refundVariant, sample } from "../sync/helpers";

const SHOP = "batch-worker.myshopify.com";
const db = prisma;
let seq = 0;

async function enqueue(topic: string, body: unknown, receivedAt = new Date(Date.now() - 60_000 + seq)) {
  seq++;
  await db.webhookInbox.create({
    data: { shop: SHOP, topic, webhookId: `batch-${seq}`, rawBody: typeof body === "string" ? body : JSON.stringify(body), receivedAt, nextAttemptAt: new Date(Date.now() - 60_000) },
  });
}

async function drainInbox() {
  for (let i = 0; i < 100; i++) {
    const claimed = await claimDeliveries(db, "batch-test", 100);
    if (claimed.length === 0) return;
    await processClaimedDeliveries(db, claimed);
  }
}

describe("batched delivery processing", () => {
  beforeEach(async () => {
    await prepareDatabase(db);
    await resetDatabase(db);
    await createInstalledShop(db, SHOP);
  });
  afterEach(() => {
    delete process.env.RETAIN_WORKER_TX_MS;
  });

  it("a delivery that fails in the database fails alone: its batch-mates before and after it are DONE, it is retried with its error", async () => {
    await enqueue("orders/create", orderVariant(9_100_001));
    // Two line items with one id break the (orderId, shopifyId) unique index on insert.
    const poison = orderVariant(9_100_002);
    poison.line_items = [poison.line_items[0], poison.line_items[0]];
    await enqueue("orders/create", poison);
    await enqueue("orders/create", orderVariant(9_100_003));
    await enqueue("customers/create", { ...sample("customers/create"), id: 9_200_001, admin_graphql_api_id: "gid://shopify/Customer/9200001" });

    const claimed = await claimDeliveries(db, "batch-test", 100);
    expect(claimed).toHaveLength(4);
    await processClaimedDeliveries(db, claimed);

    const rows = await db.webhookInbox.findMany({ where: { shop: SHOP }, orderBy: { receivedAt: "asc" }, select: { status: true, attempts: true, lastError: true } });
    expect(rows.map((r) => r.status)).toEqual(["DONE", "PENDING", "DONE", "DONE"]);
    expect(rows[1].attempts).toBe(1);
    expect(rows[1].lastError).toMatch(/unique|constraint/i);
    const orders = await db.order.findMany({ where: { shop: SHOP }, select: { shopifyId: true }, orderBy: { shopifyId: "asc" } });
    expect(orders.map((o) => o.shopifyId)).toEqual(["9100001", "9100003"]);
    expect(await db.customer.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("versions read once per batch stay current inside it: an order created, updated and sent stale again in one batch ends at its newest version; a redacted customer's order gets no email", async () => {
    const redactedCustomer = 9_300_001;
    await db.customer.create({ data: { shop: SHOP, shopifyId: String(redactedCustomer), redactedAt: new Date() } });
    const customer = { ...(sample("orders/paid").customer as Record<string, unknown>), id: redactedCustomer, admin_graphql_api_id: `gid://shopify/Customer/${redactedCustomer}` };
    await enqueue("orders/create", orderVariant(9_100_010, { updated_at: "2026-01-01T00:00:00Z", tags: "v1" }));
    await enqueue("orders/updated", orderVariant(9_100_010, { updated_at: "2026-01-02T00:00:00Z", tags: "v2" }));
    await enqueue("orders/paid", orderVariant(9_100_010, { updated_at: "2026-01-01T12:00:00Z", tags: "stale" }));
    await enqueue("orders/create", orderVariant(9_100_011, { customer, email: "someone@example.com" }));

    const claimed = await claimDeliveries(db, "batch-test", 100);
    expect(claimed).toHaveLength(4);
    await processClaimedDeliveries(db, claimed);

    expect((await db.webhookInbox.findMany({ where: { shop: SHOP } })).every((r) => r.status === "DONE")).toBe(true);
    const orders = await withLineItems(db, await db.order.findMany({ where: { shop: SHOP }, orderBy: { shopifyId: "asc" } }));
    expect(orders.map((o) => [o.shopifyId, o.tags])).toEqual([["9100010", "v2"], ["9100011", orders[1].tags]]);
    expect(orders[0].shopifyUpdatedAt.toISOString()).toBe("2026-01-02T00:00:00.000Z");
    expect(orders[0].lineItems.length).toBe(orderVariant(9_100_010).line_items.length);
    expect(orders[1].customerShopifyId).toBe(String(redactedCustomer));
    expect(orders[1].email).toBeNull();
  });

  it("malformed bodies are parked DEAD before any transaction; the rest of the claim is applied", async () => {
    await enqueue("orders/create", "{not json");
    await enqueue("orders/create", { id: 1 });
    await enqueue("orders/create", orderVariant(9_100_010));
    await drainInbox();
    const rows = await db.webhookInbox.findMany({ where: { shop: SHOP }, orderBy: { receivedAt: "asc" }, select: { status: true } });
    expect(rows.map((r) => r.status)).toEqual(["DEAD", "DEAD", "DONE"]);
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("each delivery is applied exactly once: effects and DONE marks commit together, a second pass finds nothing", async () => {
    for (let i = 0; i < 30; i++) await enqueue("orders/create", orderVariant(9_300_000 + i));
    await enqueue("refunds/create", refundVariant(9_400_000, 9_300_000));
    await enqueue("orders/paid", orderVariant(9_300_001, { updated_at: "2030-01-01T00:00:00Z" }));
    await drainInbox();
    const rows = await db.webhookInbox.findMany({ where: { shop: SHOP }, select: { status: true, attempts: true, processedAt: true } });
    expect(rows.every((r) => r.status === "DONE" && r.attempts === 1 && r.processedAt !== null)).toBe(true);
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(30);
    const lines = (orderVariant(1).line_items as unknown[]).length;
    expect(await db.orderLineItem.count({ where: { shop: SHOP } })).toBe(30 * lines);
    const refunded = await db.order.findFirstOrThrow({ where: { shop: SHOP, shopifyId: "9300000" }, select: { refundedMinor: true } });
    expect(refunded.refundedMinor).toBe(8500);
    const updated = await db.order.findFirstOrThrow({ where: { shop: SHOP, shopifyId: "9300001" }, select: { shopifyUpdatedAt: true } });
    expect(updated.shopifyUpdatedAt.toISOString()).toBe("2030-01-01T00:00:00.000Z");
    expect(await claimDeliveries(db, "batch-test", 100)).toEqual([]);
  });

  it("follow-up jobs are written once per key: one analytics recompute per shop, one loyalty job per changed order", async () => {
    for (let i = 0; i < 5; i++) await enqueue("orders/create", orderVariant(9_500_000 + i));
    // A newer version of an order in the same batch: still one loyalty job for it.
    await enqueue("orders/updated", orderVariant(9_500_000, { updated_at: "2030-01-01T00:00:00Z" }));
    await drainInbox();
    const jobs = await db.job.findMany({ where: { shop: SHOP, status: "QUEUED" }, select: { type: true, dedupeKey: true, payload: true } });
    expect(jobs.filter((j) => j.type === "analytics.recompute")).toHaveLength(1);
    const loyalty = jobs.filter((j) => j.type === "loyalty.order-changed");
    expect(loyalty.map((j) => (j.payload as { orderShopifyId: string }).orderShopifyId).sort()).toEqual(["9500000", "9500001", "9500002", "9500003", "9500004"]);
  });

  it("a batch transaction stops taking deliveries once its time budget has passed (RETAIN_WORKER_TX_MS)", async () => {
    process.env.RETAIN_WORKER_TX_MS = "0.000001";
    // Orders alternate with customers: no two new orders in a row, which PostgreSQL would insert as one step.
    for (let i = 0; i < 6; i++) {
      if (i % 2 === 0) await enqueue("orders/create", orderVariant(9_600_000 + i));
      else await enqueue("customers/create", { ...sample("customers/create"), id: 9_610_000 + i, admin_graphql_api_id: `gid://shopify/Customer/${9_610_000 + i}` });
    }
    const before = workerStats();
    await runWorkerOnce(db, "batch-test");
    const after = workerStats();
    // Every transaction takes at least one delivery, and none takes a second one past the budget.
    expect(after.transactions - before.transactions).toBe(6);
    expect(after.batchedDeliveries - before.batchedDeliveries).toBe(6);
    expect(await db.webhookInbox.count({ where: { shop: SHOP, status: "DONE" } })).toBe(6);
  });

  it("new orders in a row go in as applyOrder puts each (on PostgreSQL in one statement, one step of the time budget): line items, a refund that came first, a redacted customer's email, one loyalty job each", async () => {
    const redacted = 9_700_900;
    await db.customer.create({ data: { shop: SHOP, shopifyId: String(redacted), redactedAt: new Date() } });
    await enqueue("refunds/create", refundVariant(9_710_000, 9_700_003));
    await drainInbox(); // held: its order has not come yet
    process.env.RETAIN_WORKER_TX_MS = "0.000001";
    const customer = { ...(sample("orders/paid").customer as Record<string, unknown>), id: redacted, admin_graphql_api_id: `gid://shopify/Customer/${redacted}` };
    for (let i = 0; i < 8; i++) await enqueue("orders/create", orderVariant(9_700_000 + i, i === 5 ? { customer, email: "gone@example.com" } : {}));
    const before = workerStats();
    await runWorkerOnce(db, "batch-test");
    const after = workerStats();
    expect(after.batchedDeliveries - before.batchedDeliveries).toBe(8);
    expect(after.transactions - before.transactions).toBe(currentProvider() === "postgresql" ? 1 : 8);

    const orders = await withLineItems(db, await db.order.findMany({ where: { shop: SHOP }, orderBy: { shopifyId: "asc" } }));
    expect(await countOrphanLineItems(db)).toBe(0);
    expect(orders.map((o) => o.shopifyId)).toEqual(Array.from({ length: 8 }, (_, i) => String(9_700_000 + i)));
    const sampleOrder = orderVariant(1);
    for (const o of orders) {
      // (The sample's line item ids are beyond JavaScript's safe integers once parsed here: compare titles.)
      expect(o.lineItems.map((l) => l.title).sort()).toEqual((sampleOrder.line_items as Array<{ title: string }>).map((l) => l.title).sort());
      expect(new Set(o.lineItems.map((l) => l.shopifyId)).size).toBe(o.lineItems.length);
      expect(o.totalMinor).toBeGreaterThan(0);
      expect(o.email).toBe(o.shopifyId === "9700005" ? null : sampleOrder.email);
      expect(o.refundedMinor).toBe(o.shopifyId === "9700003" ? 8500 : 0);
    }
    const refund = await db.refund.findFirstOrThrow({ where: { shop: SHOP, shopifyId: "9710000" } });
    expect(refund.appliedAt).not.toBeNull();
    // Queued with the batch (runWorkerOnce may already have run them).
    const loyalty = await db.job.findMany({ where: { shop: SHOP, type: "loyalty.order-changed" }, select: { payload: true } });
    expect(loyalty.map((j) => (j.payload as { orderShopifyId: string }).orderShopifyId).sort()).toEqual(orders.map((o) => o.shopifyId));
  });

  it("while the web process is saturated, runs of new orders are at most 8 long (PostgreSQL): 12 new orders take two steps, one by one on SQLite", async () => {
    process.env.RETAIN_WORKER_TX_MS = "0.000001";
    // Just received (a backlog older than 10 s would stop the worker from yielding at all).
    for (let i = 0; i < 12; i++) await enqueue("orders/create", orderVariant(9_800_000 + i), new Date());
    const before = workerStats();
    noteAcceptPressure();
    await runWorkerOnce(db, "batch-test");
    const after = workerStats();
    expect(after.batchedDeliveries - before.batchedDeliveries).toBe(12);
    expect(after.transactions - before.transactions).toBe(currentProvider() === "postgresql" ? 2 : 12);
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(12);
  });

  it("the worker loop drains the inbox; on SQLite its connection leaves WAL checkpoints to its thread while it runs and takes them back when stopped", async () => {
    for (let i = 0; i < 20; i++) await enqueue("orders/create", orderVariant(9_700_000 + i));
    const direct = directSql(db);
    const autocheckpoint = async () => Number(Object.values((await direct.query<Record<string, unknown>>("PRAGMA wal_autocheckpoint"))[0])[0]);
    const handle = startWorker(db, { workerId: "batch-loop", idleMs: 10 });
    const deadline = Date.now() + 20_000;
    while ((await db.webhookInbox.count({ where: { shop: SHOP, status: "DONE" } })) < 20) {
      if (Date.now() > deadline) throw new Error("the worker loop did not drain 20 deliveries in 20 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    if (direct.provider === "sqlite") expect(await autocheckpoint()).toBe(0);
    await handle.stop();
    if (direct.provider === "sqlite") expect(await autocheckpoint()).toBe(1000);
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(20);
  });

  it("several claim loops in one process (RETAIN_WORKER_LOOPS) split the inbox: every delivery applied once, each loop claiming under its own id", async () => {
    process.env.RETAIN_WORKER_BATCH = "5";
    try {
      for (let i = 0; i < 60; i++) await enqueue("orders/create", orderVariant(9_800_000 + i));
      const handle = startWorker(db, { workerId: "batch-loops", idleMs: 10, loops: 3 });
      const deadline = Date.now() + 30_000;
      while ((await db.webhookInbox.count({ where: { shop: SHOP, status: "DONE" } })) < 60) {
        if (Date.now() > deadline) throw new Error("three loops did not drain 60 deliveries in 30 s");
        await new Promise((r) => setTimeout(r, 20));
      }
      await handle.stop();
    } finally {
      delete process.env.RETAIN_WORKER_BATCH;
    }
    const done = await db.webhookInbox.findMany({ where: { shop: SHOP, status: "DONE" }, select: { attempts: true, lockedBy: true } });
    expect(done).toHaveLength(60);
    expect(done.every((d) => d.attempts === 1)).toBe(true);
    const claimers = new Set(done.map((d) => d.lockedBy));
    expect(claimers.size).toBeGreaterThan(1);
    for (const id of claimers) expect(["batch-loops", "batch-loops:1", "batch-loops:2"]).toContain(id);
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(60);
  });
});
