// Replays the real 2026-07 webhook samples (dev/generator/samples) through
// processDelivery and checks the stored rows, plus the varied order stories:
// paid, partially refunded, cancelled, guest, refund-before-order.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { withLineItems } from "~/services/sync/order-line-items.server";
import { PermanentDeliveryError } from "~/services/sync/process-delivery.server";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { deliver, orderVariant, refundVariant, sample, SHOP, snapshot } from "./helpers";

const db = prisma;

beforeAll(async () => {
  await prepareDatabase(db);
});

beforeEach(async () => {
  await resetDatabase(db);
  await createInstalledShop(db, SHOP);
});

describe("order samples", () => {
  for (const topic of ["orders/create", "orders/updated", "orders/paid", "orders/cancelled"]) {
    it(`${topic} sample is stored exactly (ids, cents, statuses, 5 lines)`, async () => {
      await deliver(db, topic, sample(topic));
      const [order] = await withLineItems(db, [await db.order.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: "820982911946154508" } } })]);
      expect(order).toMatchObject({
        name: "#9999", customerShopifyId: "115310627314723954", email: "jon@example.com", test: true,
        financialStatus: "VOIDED", fulfillmentStatus: "UNFULFILLED", currency: "USD", presentmentCurrency: "USD",
        subtotalMinor: 40495, totalMinor: 40495, taxMinor: 0, shippingMinor: 1000, discountsMinor: 2000, giftCardMinor: 0,
        presentmentTotalMinor: 40495, refundedMinor: 0, cancelReason: "customer", sourceName: "web", tags: "tag1, tag2",
      });
      expect(order.cancelledAt?.toISOString()).toBe("2022-01-01T00:00:00.000Z");
      expect(order.lineItems.map((l) => [l.shopifyId, l.priceMinor, l.quantity]).sort()).toEqual([
        ["315789986012684393", 11999, 1], ["487817672276298554", 8999, 1], ["789012345678901234", 1999, 1],
        ["890123456789012345", 2499, 1], ["976318377106520349", 15999, 1],
      ]);
    });
  }

  it("the four order samples share one updated_at: replaying all keeps one row and changes nothing", async () => {
    await deliver(db, "orders/create", sample("orders/create"));
    const before = await snapshot(db);
    for (const t of ["orders/updated", "orders/paid", "orders/cancelled", "orders/create"]) expect((await deliver(db, t, sample(t))).result).toBe("duplicate");
    expect(await snapshot(db)).toEqual(before);
  });

  it("refunds/create sample: 75.00 + 10.00 successful refund transactions = 8500, held (its order_id was rounded past 2^53 by the docs)", async () => {
    const res = await deliver(db, "refunds/create", sample("refunds/create"));
    expect(res.result).toBe("held");
    const refund = await db.refund.findUniqueOrThrow({ where: { shop_shopifyId: { shop: SHOP, shopifyId: "890088186047892319" } } });
    expect(refund).toMatchObject({ amountMinor: 8500, storeCreditMinor: 0, orderShopifyId: "820982911946154500", note: "Things were damaged", appliedAt: null });
    expect((refund.lines as unknown[]).length).toBe(5);
  });
});

describe("order stories", () => {
  it("paid: a live order with customer link and downstream jobs queued", async () => {
    await deliver(db, "orders/paid", orderVariant(5001));
    const o = await db.order.findFirstOrThrow({ where: { shopifyId: "5001" } });
    expect(o).toMatchObject({ financialStatus: "PAID", cancelledAt: null, test: false, customerShopifyId: "115310627314723954" });
    const jobs = await db.job.findMany({ where: { shop: SHOP }, orderBy: { type: "asc" } });
    expect(jobs.map((j) => [j.type, j.dedupeKey])).toEqual([
      ["analytics.recompute", `analytics:${SHOP}`],
      ["loyalty.order-changed", `loyalty-order:${SHOP}:5001`],
    ]);
    expect(jobs[1].payload).toEqual({ orderShopifyId: "5001" });
  });

  it("partially refunded: refundedMinor is the sum of the order's refunds", async () => {
    await deliver(db, "orders/paid", orderVariant(5002, { updated_at: "2024-01-01T10:00:00Z" }));
    await deliver(db, "refunds/create", refundVariant(7001, 5002, ["20.00"]));
    await deliver(db, "refunds/create", refundVariant(7002, 5002, ["5.50"]));
    await deliver(db, "orders/updated", orderVariant(5002, { updated_at: "2024-01-02T10:00:00Z", financial_status: "partially_refunded" }));
    const o = await db.order.findFirstOrThrow({ where: { shopifyId: "5002" } });
    expect(o.refundedMinor).toBe(2550);
    expect(o.financialStatus).toBe("PARTIALLY_REFUNDED");
    expect(await db.refund.count({ where: { appliedAt: null } })).toBe(0);
  });

  it("a refund that arrives before its order is held, then applied when the order lands", async () => {
    expect((await deliver(db, "refunds/create", refundVariant(7003, 5003, ["12.00"]))).result).toBe("held");
    expect(await db.refund.count({ where: { appliedAt: null } })).toBe(1);
    await deliver(db, "orders/create", orderVariant(5003));
    const o = await db.order.findFirstOrThrow({ where: { shopifyId: "5003" } });
    expect(o.refundedMinor).toBe(1200);
    expect(await db.refund.count({ where: { appliedAt: null } })).toBe(0);
  });

  it("store-credit refunds count in refundedMinor and are kept apart", async () => {
    await deliver(db, "orders/create", orderVariant(5004));
    const r = refundVariant(7004, 5004, ["30.00", "10.00"]);
    r.transactions[0].gateway = "shopify_store_credit";
    await deliver(db, "refunds/create", r);
    expect(await db.refund.findFirstOrThrow({ where: { shopifyId: "7004" } })).toMatchObject({ amountMinor: 1000, storeCreditMinor: 3000 });
    expect((await db.order.findFirstOrThrow({ where: { shopifyId: "5004" } })).refundedMinor).toBe(4000);
  });

  it("orders/cancelled after orders/paid and the reverse converge to the newest state", async () => {
    const paid = orderVariant(5005, { updated_at: "2024-01-01T10:00:00Z" });
    const cancelled = orderVariant(5005, { updated_at: "2024-01-01T11:00:00Z", cancelled_at: "2024-01-01T11:00:00Z", cancel_reason: "customer", financial_status: "voided" });
    await deliver(db, "orders/paid", paid);
    await deliver(db, "orders/cancelled", cancelled);
    const a = await snapshot(db);
    await resetDatabase(db);
    await createInstalledShop(db, SHOP);
    await deliver(db, "orders/cancelled", cancelled);
    expect((await deliver(db, "orders/paid", paid)).result).toBe("stale");
    expect(await snapshot(db)).toEqual(a);
    expect(a.orders[0]).toMatchObject({ financialStatus: "VOIDED", cancelReason: "customer" });
  });

  it("guest order: no customer link, email kept", async () => {
    await deliver(db, "orders/create", orderVariant(5006, { customer: null, email: "guest@example.com" }));
    expect(await db.order.findFirstOrThrow({ where: { shopifyId: "5006" } })).toMatchObject({ customerShopifyId: null, email: "guest@example.com" });
  });

  it("a payload missing required fields is a PermanentDeliveryError (parked DEAD), nothing stored", async () => {
    const bad = orderVariant(5007);
    delete bad.updated_at;
    await expect(deliver(db, "orders/create", bad)).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(deliver(db, "orders/create", "{not json")).rejects.toMatchObject({ reason: "invalid_payload" });
    await expect(deliver(db, "orders/deleted", {})).rejects.toMatchObject({ reason: "unknown_topic" });
    expect(await db.order.count()).toBe(0);
  });
});

describe("customer samples", () => {
  it("customers/create then a newer update applies; an older one is ignored; delete is sticky", async () => {
    await deliver(db, "customers/create", sample("customers/create"));
    const update = { ...sample("customers/update"), email: "new@biller.com", updated_at: "2022-02-01T00:00:00Z", tags: "vip", email_marketing_consent: { state: "subscribed" } };
    await deliver(db, "customers/update", update);
    expect((await deliver(db, "customers/update", sample("customers/update"))).result).toBe("stale");
    const c = await db.customer.findFirstOrThrow({ where: { shopifyId: "706405506930370084" } });
    expect(c).toMatchObject({ email: "new@biller.com", firstName: "Bob", lastName: "Biller", tags: "vip", emailMarketing: "SUBSCRIBED", state: "DISABLED", deletedAt: null });
    await deliver(db, "customers/delete", sample("customers/delete"));
    await deliver(db, "customers/update", { ...update, updated_at: "2022-03-01T00:00:00Z" });
    expect((await db.customer.findFirstOrThrow({ where: { shopifyId: "706405506930370084" } })).deletedAt).not.toBeNull();
  });
});

describe("lifecycle samples", () => {
  it("app/uninstalled marks the shop, deletes sessions, cancels queued jobs and keeps data", async () => {
    await deliver(db, "orders/create", orderVariant(5010));
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", accessToken: "tok", scope: "read_orders" } });
    await deliver(db, "app/uninstalled", sample("app/uninstalled"));
    expect(await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).toMatchObject({ status: "UNINSTALLED" });
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.job.count({ where: { shop: SHOP, status: "QUEUED" } })).toBe(0);
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("a stale app/uninstalled triggered before the latest reinstall is ignored", async () => {
    await db.shop.update({ where: { shop: SHOP }, data: { reinstalledAt: new Date("2026-01-02T00:00:00Z") } });
    const res = await deliver(db, "app/uninstalled", sample("app/uninstalled"), { triggeredAt: new Date("2026-01-01T00:00:00Z") });
    expect(res.result).toBe("stale");
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).status).toBe("INSTALLED");
  });

  it("app/scopes_update updates Shop.scopes and the session scope", async () => {
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", accessToken: "tok", scope: "read_orders" } });
    await deliver(db, "app/scopes_update", { id: 1, previous: ["read_orders"], current: ["read_orders", "read_customers"], updated_at: "2026-01-01T00:00:00Z" });
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).scopes).toBe("read_orders,read_customers");
    expect((await db.session.findFirstOrThrow({ where: { shop: SHOP } })).scope).toBe("read_orders,read_customers");
  });

  it("bulk_operations/finish sample queues sync.bulk-finished for that operation", async () => {
    await deliver(db, "bulk_operations/finish", sample("bulk_operations/finish"));
    const job = await db.job.findFirstOrThrow({ where: { type: "sync.bulk-finished" } });
    expect(job.dedupeKey).toBe(`bulk:${SHOP}:gid://shopify/BulkOperation/147595010`);
    expect(job.payload).toMatchObject({ bulkOperationId: "gid://shopify/BulkOperation/147595010", status: "completed" });
  });
});
