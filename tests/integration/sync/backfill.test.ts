// Bulk backfill from the generator's Shopify-shaped JSONL: matches the
// generator's final orders/customers row for row; an interrupted import
// resumes to the same state; children that come late (not right after their
// parent, across batches) still attach.
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { normalizeRestCustomer, normalizeRestOrder } from "~/domain/sync";
import { handleBulkFinished, importBulkLines, requestBackfill } from "~/services/sync/backfill.server";
import { readLines } from "~/services/sync/lines.server";
import { withLineItems } from "~/services/sync/order-line-items.server";
import { createShop, writeBulkJsonl } from "../../../dev/generator";
import { countOrphanLineItems, createInstalledShop, resetDatabase } from "../../helpers/db";
import { deliver, snapshot } from "./helpers";

const db = prisma;
const dir = mkdtempSync(join(tmpdir(), "retain-backfill-"));
const generated = createShop({ size: 30, seed: 11 });
const ordersFile = join(dir, "orders.jsonl");
const customersFile = join(dir, "customers.jsonl");
let counts: { orders: { objectCount: number; rootObjectCount: number }; customers: { objectCount: number; rootObjectCount: number } };

const fileLines = (file: string) => readLines(createReadStream(file));

async function downloadingRun(shop: string, kind: "BACKFILL_ORDERS" | "BACKFILL_CUSTOMERS", total: number) {
  return db.syncRun.create({ data: { shop, kind, status: "DOWNLOADING", objectsTotal: total, bulkOperationId: `gid://shopify/BulkOperation/${kind}-${shop}` } });
}

beforeAll(async () => {
  await prepareDatabase(db);
  counts = {
    orders: await writeBulkJsonl(generated, { kind: "orders" }, ordersFile),
    customers: await writeBulkJsonl(generated, { kind: "customers" }, customersFile),
  };
});

beforeEach(async () => {
  await resetDatabase(db);
});

describe("bulk backfill", () => {
  it("orders JSONL matches the generator's final orders row for row (totals, statuses, lines, refunds)", async () => {
    const shop = "bf-a.myshopify.com";
    await createInstalledShop(db, shop);
    const run = await downloadingRun(shop, "BACKFILL_ORDERS", counts.orders.rootObjectCount);
    const res = await importBulkLines(db, run, fileLines(ordersFile), { batchLines: 37 });
    expect(res.finished).toBe(true);
    expect(res.run.objectsDone).toBe(counts.orders.rootObjectCount);
    expect(res.run.linesDone).toBe(counts.orders.objectCount);

    const source = [...generated.orders()].map((p) => normalizeRestOrder(p));
    const rows = await withLineItems(db, await db.order.findMany({ where: { shop } }));
    expect(await countOrphanLineItems(db)).toBe(0);
    expect(rows.length).toBe(source.length);
    expect(source.length).toBeGreaterThan(20);
    const byId = new Map(rows.map((r) => [r.shopifyId, r]));
    for (const o of source) {
      const row = byId.get(o.shopifyId)!;
      expect(row, o.shopifyId).toBeDefined();
      expect({
        name: row.name, email: row.email, customer: row.customerShopifyId, created: row.shopifyCreatedAt.getTime(), updated: row.shopifyUpdatedAt.getTime(),
        processed: row.processedAt.getTime(), cancelled: row.cancelledAt?.getTime() ?? null, test: row.test, fin: row.financialStatus, ful: row.fulfillmentStatus,
        currency: row.currency, pcur: row.presentmentCurrency, subtotal: row.subtotalMinor, total: row.totalMinor, tax: row.taxMinor, shipping: row.shippingMinor,
        discounts: row.discountsMinor, ptotal: row.presentmentTotalMinor, codes: (row.discountCodes as Array<{ code: string }>).map((c) => c.code),
        refunded: row.refundedMinor, tags: row.tags, cancelReason: row.cancelReason, source: row.sourceName,
      }).toEqual({
        name: o.name, email: o.email, customer: o.customerShopifyId, created: o.createdAt.getTime(), updated: o.updatedAt.getTime(),
        processed: o.processedAt.getTime(), cancelled: o.cancelledAt?.getTime() ?? null, test: o.test, fin: o.financialStatus, ful: o.fulfillmentStatus,
        currency: o.currency, pcur: o.presentmentCurrency, subtotal: o.subtotalMinor, total: o.totalMinor, tax: o.taxMinor, shipping: o.shippingMinor,
        discounts: o.discountsMinor, ptotal: o.presentmentTotalMinor, codes: o.discountCodes.map((c) => c.code),
        refunded: o.refunds.reduce((s, r) => s + r.amountMinor + r.storeCreditMinor, 0), tags: o.tags, cancelReason: o.cancelReason, source: o.sourceName,
      });
      const lines = row.lineItems.map((l) => [l.shopifyId, l.productId, l.variantId, l.title, l.sku, l.quantity, l.priceMinor, l.discountMinor, l.giftCard]).sort();
      expect(lines).toEqual(o.lineItems.map((l) => [l.shopifyId, l.productId, l.variantId, l.title, l.sku, l.quantity, l.priceMinor, l.discountMinor, l.giftCard]).sort());
    }
    const refunds = source.reduce((s, o) => s + o.refunds.length, 0);
    expect(await db.refund.count({ where: { shop } })).toBe(refunds);
  });

  it("customers JSONL matches the generator's final customers", async () => {
    const shop = "bf-c.myshopify.com";
    await createInstalledShop(db, shop);
    const run = await downloadingRun(shop, "BACKFILL_CUSTOMERS", counts.customers.rootObjectCount);
    await importBulkLines(db, run, fileLines(customersFile), { batchLines: 16 });
    const source = [...generated.customers()].map((p) => normalizeRestCustomer(p));
    const rows = await db.customer.findMany({ where: { shop } });
    expect(rows.length).toBe(source.length);
    const byId = new Map(rows.map((r) => [r.shopifyId, r]));
    for (const c of source) {
      const row = byId.get(c.shopifyId)!;
      expect([row.email, row.firstName, row.lastName, row.phone, row.tags, row.emailMarketing, row.shopifyUpdatedAt?.getTime()]).toEqual([
        c.email, c.firstName, c.lastName, c.phone, c.tags, c.emailMarketing, c.updatedAt.getTime(),
      ]);
    }
  });

  it("interrupting after 2 batches and resuming gives the same rows as one uninterrupted import", async () => {
    const a = "bf-full.myshopify.com";
    const b = "bf-resumed.myshopify.com";
    await createInstalledShop(db, a);
    await createInstalledShop(db, b);
    await importBulkLines(db, await downloadingRun(a, "BACKFILL_ORDERS", counts.orders.rootObjectCount), fileLines(ordersFile), { batchLines: 25 });
    const runB = await downloadingRun(b, "BACKFILL_ORDERS", counts.orders.rootObjectCount);
    const first = await importBulkLines(db, runB, fileLines(ordersFile), { batchLines: 25, stopAfterBatches: 2 });
    expect(first.finished).toBe(false);
    expect(first.run.linesDone).toBe(50);
    // A new attempt (as after a crash) reads the persisted resume point.
    const resumed = await importBulkLines(db, await db.syncRun.findUniqueOrThrow({ where: { id: runB.id } }), fileLines(ordersFile), { batchLines: 25 });
    expect(resumed.finished).toBe(true);
    expect(resumed.run.objectsDone).toBe(counts.orders.rootObjectCount);
    const strip = (s: unknown, shop: string) => JSON.parse(JSON.stringify(s).replaceAll(shop, "SHOP"));
    expect(strip(await snapshot(db, b), b)).toEqual(strip(await snapshot(db, a), a));
  });

  it("line items that arrive after later orders (across batches) still attach to their order", async () => {
    const lines = readFileSync(ordersFile, "utf8").trim().split("\n");
    // Move every order's children to after the next order's line.
    const out: string[] = [];
    let pending: string[] = [];
    for (const line of lines) {
      if (line.includes('"__parentId"')) pending.push(line);
      else {
        out.push(line);
        if (out.length > 1) {
          out.push(...pending);
          pending = [];
        }
      }
    }
    out.push(...pending);
    const late = join(dir, "late.jsonl");
    writeFileSync(late, out.join("\n") + "\n");
    const a = "bf-straight.myshopify.com";
    const b = "bf-late.myshopify.com";
    await createInstalledShop(db, a);
    await createInstalledShop(db, b);
    await importBulkLines(db, await downloadingRun(a, "BACKFILL_ORDERS", 0), fileLines(ordersFile), { batchLines: 1000 });
    await importBulkLines(db, await downloadingRun(b, "BACKFILL_ORDERS", 0), fileLines(late), { batchLines: 3 });
    const strip = (s: unknown, shop: string) => JSON.parse(JSON.stringify(s).replaceAll(shop, "SHOP"));
    expect(strip(await snapshot(db, b), b)).toEqual(strip(await snapshot(db, a), a));
  });

  it("merges with webhooks: a held refund is applied to its backfilled order, a newer webhook order is not overwritten", async () => {
    const shop = "bf-merge.myshopify.com";
    await createInstalledShop(db, shop);
    const finals = [...generated.orders()];
    const withRefund = finals.find((o) => (o.refunds as unknown[]).length > 0)!;
    const refund = (withRefund.refunds as Record<string, unknown>[])[0];
    const newer = finals.find((o) => o !== withRefund)!;
    // A refund the bulk summary also carries arrives first by webhook (detailed, held).
    expect((await deliver(db, "refunds/create", refund, { shop })).result).toBe("held");
    // An order updated after the bulk snapshot was taken.
    await deliver(db, "orders/updated", { ...newer, updated_at: "2099-01-01T00:00:00Z", tags: "after-snapshot" }, { shop });
    await importBulkLines(db, await downloadingRun(shop, "BACKFILL_ORDERS", counts.orders.rootObjectCount), fileLines(ordersFile), { batchLines: 100 });
    const source = normalizeRestOrder(withRefund);
    const row = await db.order.findFirstOrThrow({ where: { shop, shopifyId: source.shopifyId } });
    expect(row.refundedMinor).toBe(source.refunds.reduce((s, r) => s + r.amountMinor + r.storeCreditMinor, 0));
    expect(await db.refund.count({ where: { shop, appliedAt: null } })).toBe(0);
    const detailed = await db.refund.findFirstOrThrow({ where: { shop, shopifyId: normalizeRestOrder(withRefund).refunds[0].shopifyId } });
    expect(detailed.lines).not.toBeNull(); // the webhook's detail survived the bulk summary
    expect((await db.order.findFirstOrThrow({ where: { shop, shopifyId: String(newer.id) } })).tags).toBe("after-snapshot");
  });

  it("bulk-finished flow: polls while RUNNING, imports when COMPLETED, then starts the pending orders backfill", async () => {
    const shop = "bf-flow.myshopify.com";
    await createInstalledShop(db, shop);
    const now = new Date("2026-03-01T00:00:00Z");
    const ops: Record<string, { status: string; url: string | null; rootObjectCount: number; objectCount: number }> = {};
    let next = 1;
    const gql = (async (_shop: string, doc: string, vars: Record<string, unknown>) => {
      if (doc.includes("bulkOperationRunQuery")) {
        const id = `gid://shopify/BulkOperation/${next++}`;
        const isOrders = String(vars.query).includes("orders");
        ops[id] = { status: "RUNNING", url: isOrders ? "orders" : "customers", rootObjectCount: isOrders ? counts.orders.rootObjectCount : counts.customers.rootObjectCount, objectCount: 0 };
        expect(vars.groupObjects).toBe(false);
        return { bulkOperationRunQuery: { bulkOperation: { id, status: "CREATED" }, userErrors: [] } };
      }
      const op = ops[String(vars.id)];
      return { bulkOperation: { id: vars.id, errorCode: null, partialDataUrl: null, ...op } };
    }) as never;
    const customersRun = await requestBackfill(db, shop, "customers", now, gql);
    const ordersRun = await requestBackfill(db, shop, "orders", now, gql);
    expect(customersRun.status).toBe("RUNNING");
    expect(ordersRun.status).toBe("PENDING"); // one bulk query at a time
    const opId = customersRun.bulkOperationId!;
    const fetchLines = (url: string) => fileLines(url === "orders" ? ordersFile : customersFile);
    expect((await handleBulkFinished(db, shop, { bulkOperationId: opId, source: "poll" }, now, { gql, fetchLines })).status).toBe("waiting");
    ops[opId].status = "COMPLETED";
    expect((await handleBulkFinished(db, shop, { bulkOperationId: opId, source: "webhook" }, now, { gql, fetchLines })).status).toBe("completed");
    expect((await handleBulkFinished(db, shop, { bulkOperationId: opId, source: "poll" }, now, { gql, fetchLines })).status).toBe("already-completed");
    const done = await db.syncRun.findUniqueOrThrow({ where: { id: customersRun.id } });
    expect(done).toMatchObject({ status: "COMPLETED", objectsDone: counts.customers.rootObjectCount, objectsTotal: counts.customers.rootObjectCount });
    const orders = await db.syncRun.findUniqueOrThrow({ where: { id: ordersRun.id } });
    expect(orders.status).toBe("RUNNING");
    ops[orders.bulkOperationId!].status = "COMPLETED";
    await handleBulkFinished(db, shop, { bulkOperationId: orders.bulkOperationId!, source: "poll" }, now, { gql, fetchLines });
    expect(await db.order.count({ where: { shop } })).toBe(counts.orders.rootObjectCount);
    const poll = await db.job.findFirst({ where: { type: "sync.bulk-finished", shop } });
    expect(poll).not.toBeNull();
  });
});
