// Compliance webhooks: data_request exports everything held on the customer
// (audit-logged), customers/redact erases PII but keeps anonymous aggregates,
// shop/redact deletes every row of the shop in every table.
import { Prisma } from "@prisma/client";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { currentProvider, prepareDatabase } from "~/db.server";
import { redactShop } from "~/services/sync/gdpr.server";
import { countOrphanLineItems, createInstalledShop, resetDatabase } from "../../helpers/db";
import { deliver, orderVariant, refundVariant, sample, SHOP } from "./helpers";

const db = prisma;
const CUSTOMER = 191167; // the id in the customers/data_request and customers/redact samples

async function seedCustomer() {
  await deliver(db, "customers/create", { ...sample("customers/create"), id: CUSTOMER, admin_graphql_api_id: `gid://shopify/Customer/${CUSTOMER}`, email: "john@example.com", phone: "555-625-1199", first_name: "John", last_name: "Smith" });
  const customer = { id: CUSTOMER, admin_graphql_api_id: `gid://shopify/Customer/${CUSTOMER}` };
  await deliver(db, "orders/paid", orderVariant(299938, { customer, email: "john@example.com" }));
  await deliver(db, "orders/paid", orderVariant(280263, { customer, email: "john@example.com" }));
  await deliver(db, "refunds/create", refundVariant(77, 280263, ["10.00"]));
  // Guest order named only in orders_requested / orders_to_redact.
  await deliver(db, "orders/paid", orderVariant(220458, { customer: null, email: "john@example.com" }));
  // Someone else's order must be untouched.
  await deliver(db, "orders/paid", orderVariant(111, { customer: { id: 42, admin_graphql_api_id: "gid://shopify/Customer/42" }, email: "other@example.com" }));
  await db.customerMetric.create({ data: { shop: SHOP, customerShopifyId: String(CUSTOMER), ordersCount: 2, historicalClvMinor: 80990, frequency: 1, recencyWeeks: 1, ageWeeks: 2, monetaryMinor: 40495, rfmGroup: "CHAMPIONS", computedAt: new Date() } });
}

beforeAll(async () => {
  await prepareDatabase(db);
});

beforeEach(async () => {
  await resetDatabase(db);
  await createInstalledShop(db, SHOP);
});

describe("GDPR", () => {
  it("customers/data_request sample: exports customer, orders (incl. requested guest order), refunds and metrics; audit-logged; idempotent per request id", async () => {
    await seedCustomer();
    const res = await deliver(db, "customers/data_request", sample("customers/data_request"));
    expect(res.result).toMatch(/^exported:/);
    const exp = await db.dataExport.findFirstOrThrow({ where: { shop: SHOP } });
    expect(exp).toMatchObject({ customerShopifyId: "191167", requestId: "9999" });
    const payload = exp.payload as Record<string, any>;
    expect(payload.customer.email).toBe("john@example.com");
    expect(payload.orders.map((o: { shopifyId: string }) => o.shopifyId).sort()).toEqual(["220458", "280263", "299938"]);
    expect(payload.orders[0].lineItems.length).toBe(5);
    expect(payload.refunds.map((r: { shopifyId: string }) => r.shopifyId)).toEqual(["77"]);
    expect(payload.customerMetric[0].rfmGroup).toBe("CHAMPIONS");
    const audit = await db.auditLog.findFirstOrThrow({ where: { shop: SHOP, action: "gdpr.data_request" } });
    expect(audit.subject).toBe("customer:191167");
    await deliver(db, "customers/data_request", sample("customers/data_request"));
    expect(await db.dataExport.count()).toBe(1);
  });

  it("customers/redact sample: erases email, names, phone and order emails; keeps amounts, dates and aggregates", async () => {
    await seedCustomer();
    await deliver(db, "customers/data_request", sample("customers/data_request"));
    const revenueBefore = await db.order.aggregate({ where: { shop: SHOP }, _sum: { totalMinor: true, refundedMinor: true } });
    await deliver(db, "customers/redact", sample("customers/redact"));
    const c = await db.customer.findFirstOrThrow({ where: { shopifyId: "191167" } });
    expect([c.email, c.firstName, c.lastName, c.phone, c.tags]).toEqual([null, null, null, null, ""]);
    expect(c.redactedAt).not.toBeNull();
    const orders = await db.order.findMany({ where: { shop: SHOP }, orderBy: { shopifyId: "asc" } });
    expect(orders.map((o) => [o.shopifyId, o.email])).toEqual([["111", "other@example.com"], ["220458", null], ["280263", null], ["299938", null]]);
    const revenueAfter = await db.order.aggregate({ where: { shop: SHOP }, _sum: { totalMinor: true, refundedMinor: true } });
    expect(revenueAfter).toEqual(revenueBefore);
    expect(await db.customerMetric.count({ where: { customerShopifyId: "191167" } })).toBe(1);
    expect(await db.dataExport.count({ where: { customerShopifyId: "191167" } })).toBe(0);
    expect(await db.auditLog.count({ where: { action: "gdpr.customer_redact" } })).toBe(1);
    // A late customers/update or order delivery never brings the PII back.
    await deliver(db, "customers/update", { ...sample("customers/update"), id: CUSTOMER, admin_graphql_api_id: `gid://shopify/Customer/${CUSTOMER}`, email: "john@example.com", updated_at: "2030-01-01T00:00:00Z" });
    await deliver(db, "orders/updated", orderVariant(299938, { customer: { id: CUSTOMER }, email: "john@example.com", updated_at: "2030-01-01T00:00:00Z" }));
    expect((await db.customer.findFirstOrThrow({ where: { shopifyId: "191167" } })).email).toBeNull();
    expect((await db.order.findFirstOrThrow({ where: { shopifyId: "299938" } })).email).toBeNull();
  });

  it("shop/redact sample: deletes the shop's rows in every table, other shops untouched", async () => {
    await seedCustomer();
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", accessToken: "tok" } });
    await db.auditLog.create({ data: { shop: SHOP, actor: "system", action: "x" } });
    await db.webhookInbox.create({ data: { shop: SHOP, topic: "shop/redact", webhookId: "redact-1", rawBody: "{}" } });
    await createInstalledShop(db, "other.myshopify.com");
    await deliver(db, "orders/create", orderVariant(9), { shop: "other.myshopify.com" });
    await deliver(db, "shop/redact", sample("shop/redact"), { webhookId: "redact-1" });
    for (const model of Prisma.dmmf.datamodel.models) {
      if (!model.fields.some((f) => f.name === "shop")) continue;
      const key = model.name.charAt(0).toLowerCase() + model.name.slice(1);
      const count = await (db as unknown as Record<string, { count(a: unknown): Promise<number> }>)[key].count({ where: { shop: SHOP } });
      expect([model.name, count]).toEqual([model.name, model.name === "WebhookInbox" ? 1 : 0]);
    }
    expect(await db.order.count({ where: { shop: "other.myshopify.com" } })).toBe(1);
    // Line items go through their orders (no shop index): the other shop's stay.
    expect(await db.orderLineItem.count({ where: { shop: "other.myshopify.com" } })).toBe((orderVariant(9).line_items as unknown[]).length);
    expect(await countOrphanLineItems(db)).toBe(0);
    expect(await db.shop.count({ where: { shop: "other.myshopify.com" } })).toBe(1);
  });

  // Row locks and snapshots are PostgreSQL's; on SQLite the redact's write lock keeps every other writer out.
  it.skipIf(currentProvider() !== "postgresql")("shop/redact racing a transaction that rewrites an order's lines leaves no line without its order (PostgreSQL)", async () => {
    await deliver(db, "orders/create", orderVariant(501));
    const [order] = await db.order.findMany({ where: { shop: SHOP } });
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // As the worker's updateOrder does: the order's row first, then its lines replaced.
    const writer = db.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE "Order" SET "tags" = 'rewritten' WHERE "id" = ${order.id}`;
      await tx.$executeRaw`DELETE FROM "OrderLineItem" WHERE "orderId" = ${order.id}`;
      await tx.orderLineItem.create({ data: { shop: SHOP, orderId: order.id, shopifyId: "777", quantity: 1, priceMinor: 100 } });
      locked();
      await gate;
    }, { timeout: 20_000 });
    await holding;
    const redact = redactShop(db, SHOP, null);
    await new Promise((r) => setTimeout(r, 300)); // the redact is now waiting on the order's row
    release();
    await writer;
    const counts = await redact;
    expect(counts.Order).toBe(1);
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(0);
    expect(await countOrphanLineItems(db)).toBe(0);
  });
});
