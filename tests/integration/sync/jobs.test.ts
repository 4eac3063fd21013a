// Job handlers and the Data sync read model: install reads shop details and
// queues customers then orders backfills plus the nightly reconcile; status
// reports progress, dead deliveries, held refunds and the last reconcile.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { installShop } from "~/services/sync/install.server";
import { syncJobHandlers, SyncJobError } from "~/services/sync/jobs.server";
import { getSyncStatus } from "~/services/sync/status.server";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { deliver, refundVariant, SHOP } from "./helpers";

const db = prisma;
const now = new Date("2026-05-01T12:00:00Z");

beforeAll(async () => {
  await prepareDatabase(db);
});

beforeEach(async () => {
  await resetDatabase(db);
  await createInstalledShop(db, SHOP);
});

describe("sync jobs", () => {
  it("shop.install stores shop details, starts the customers bulk query, queues orders and the nightly reconcile", async () => {
    const calls: string[] = [];
    const gql = (async (_shop: string, doc: string) => {
      calls.push(/(query|mutation) (\w+)/.exec(doc)?.[2] ?? "?");
      if (doc.includes("ShopDetails")) return { shop: { name: "Toys", email: "o@toys.test", currencyCode: "EUR", ianaTimezone: "Europe/Paris", plan: { displayName: "Basic" } } };
      return { bulkOperationRunQuery: { bulkOperation: { id: "gid://shopify/BulkOperation/1", status: "CREATED" }, userErrors: [] } };
    }) as never;
    await installShop(db, SHOP, now, gql);
    expect(await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).toMatchObject({ name: "Toys", currencyCode: "EUR", ianaTimezone: "Europe/Paris", planName: "Basic" });
    const runs = await db.syncRun.findMany({ where: { shop: SHOP }, orderBy: { kind: "asc" } });
    expect(runs.map((r) => [r.kind, r.status, r.bulkOperationId])).toEqual([
      ["BACKFILL_CUSTOMERS", "RUNNING", "gid://shopify/BulkOperation/1"],
      ["BACKFILL_ORDERS", "PENDING", null],
    ]);
    expect(calls).toEqual(["ShopDetails", "BulkOperationRunQuery"]);
    const reconcile = await db.job.findFirstOrThrow({ where: { type: "sync.reconcile" } });
    expect(reconcile.dedupeKey).toBe(`reconcile:${SHOP}`);
    expect(reconcile.runAt.getTime()).toBe(now.getTime() + 24 * 3600_000);
    // Installing again while they run starts nothing new.
    await installShop(db, SHOP, now, gql);
    expect(await db.syncRun.count({ where: { shop: SHOP } })).toBe(2);
  });

  it("a bulkOperationRunQuery userError fails the run with the message and is rethrown for retry", async () => {
    const gql = (async () => ({ bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: null, message: "A bulk query operation for this app and shop is already in progress" }] } })) as never;
    const { requestBackfill } = await import("~/services/sync/backfill.server");
    await expect(requestBackfill(db, SHOP, "orders", now, gql)).rejects.toMatchObject({ name: "AdminUserError" });
    const run = await db.syncRun.findFirstOrThrow({ where: { shop: SHOP } });
    expect(run.status).toBe("FAILED");
    expect(run.error).toContain("already in progress");
  });

  it("handlers reject bad payloads with a typed SyncJobError", async () => {
    const ctx = { now, workerId: "w", reportProgress: async () => undefined };
    const job = await db.job.create({ data: { type: "sync.backfill", shop: SHOP, payload: { kind: "products" } } });
    await expect(syncJobHandlers["sync.backfill"](db, job, ctx)).rejects.toBeInstanceOf(SyncJobError);
    const noShop = await db.job.create({ data: { type: "sync.reconcile", payload: {} } });
    await expect(syncJobHandlers["sync.reconcile"](db, noShop, ctx)).rejects.toMatchObject({ reason: "missing_shop" });
  });

  it("sync.reconcile-all queues one reconcile per installed shop under the shared dedupe key", async () => {
    await createInstalledShop(db, "gone.myshopify.com", { status: "UNINSTALLED" });
    await db.job.create({ data: { type: "sync.reconcile", shop: SHOP, dedupeKey: `reconcile:${SHOP}`, runAt: new Date(now.getTime() + 3600_000) } });
    const job = await db.job.create({ data: { type: "sync.reconcile-all" } });
    await syncJobHandlers["sync.reconcile-all"](db, job, { now, workerId: "w", reportProgress: async () => undefined });
    const queued = await db.job.findMany({ where: { type: "sync.reconcile", status: "QUEUED" } });
    expect(queued.map((j) => [j.shop, j.runAt.getTime()])).toEqual([[SHOP, now.getTime()]]);
  });
});

describe("getSyncStatus", () => {
  it("reports run progress with rate and ETA, dead deliveries, held refunds and the last reconcile", async () => {
    await db.syncRun.create({ data: { shop: SHOP, kind: "BACKFILL_ORDERS", status: "DOWNLOADING", objectsTotal: 1000, objectsDone: 250, startedAt: new Date(now.getTime() - 50_000) } });
    await db.syncRun.create({ data: { shop: SHOP, kind: "RECONCILE", status: "COMPLETED", repaired: { orders: { missing: 2, older: 1 } }, startedAt: new Date(now.getTime() - 3600_000), finishedAt: new Date(now.getTime() - 3500_000) } });
    await db.webhookInbox.create({ data: { shop: SHOP, topic: "orders/create", webhookId: "dead-1", rawBody: "{}", status: "DEAD", attempts: 8, lastError: "PermanentDeliveryError: order.updated_at: required time is missing" } });
    await deliver(db, "refunds/create", refundVariant(1, 2, ["1.00"]));
    const status = await getSyncStatus(db, SHOP, now);
    expect(status.active).toHaveLength(1);
    expect(status.active[0].progress).toEqual({ objectsDone: 250, objectsTotal: 1000, fraction: 0.25, ratePerSecond: 5, etaSeconds: 150 });
    expect(status.deadCount).toBe(1);
    expect(status.deadDeliveries[0].lastError).toContain("updated_at");
    expect(status.heldRefunds).toBe(1);
    expect(status.lastReconcile?.repaired).toEqual({ orders: { missing: 2, older: 1 } });
    expect(status.counts).toEqual({ customers: 0, orders: 0, refunds: 1 });
  });
});
