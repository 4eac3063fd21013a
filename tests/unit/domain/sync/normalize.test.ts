import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  normalizeGraphqlCustomer, normalizeGraphqlOrder, normalizeRestCustomer, normalizeRestOrder, normalizeRestRefund,
  parseBulkLine, readDeletedCustomerId, SyncInputError, toShopifyId,
} from "~/domain/sync";

const SAMPLES = new URL("../../../../dev/generator/samples/2026-07/", import.meta.url);
const sample = (name: string) => JSON.parse(readFileSync(new URL(name, SAMPLES), "utf8")) as Record<string, unknown>;

describe("normalizeRestOrder on the 2026-07 orders/paid sample", () => {
  const order = normalizeRestOrder(sample("orders/paid.json"));

  it("takes the exact id from admin_graphql_api_id, not the rounded JSON number", () => {
    expect(order.shopifyId).toBe("820982911946154508");
    expect(order.customerShopifyId).toBe("115310627314723954");
    expect(order.lineItems[0].shopifyId).toBe("487817672276298554");
  });

  it("keeps the sample's totals in integer cents (subtotal 404.95, total 404.95, shipping 10.00, discounts 20.00)", () => {
    expect(order.subtotalMinor).toBe(40495);
    expect(order.totalMinor).toBe(40495);
    expect(order.shippingMinor).toBe(1000);
    expect(order.discountsMinor).toBe(2000);
    expect(order.taxMinor).toBe(0);
    expect(order.presentmentTotalMinor).toBe(40495);
    expect(order.currency).toBe("USD");
  });

  it("normalizes statuses, cancellation, test flag and tags", () => {
    expect(order.financialStatus).toBe("VOIDED");
    expect(order.fulfillmentStatus).toBe("UNFULFILLED");
    expect(order.cancelledAt?.toISOString()).toBe("2022-01-01T00:00:00.000Z");
    expect(order.cancelReason).toBe("customer");
    expect(order.test).toBe(true);
    expect(order.tags).toBe("tag1, tag2");
  });

  it("maps five line items with unit prices, quantities and product links", () => {
    expect(order.lineItems.map((l) => l.priceMinor)).toEqual([8999, 1999, 2499, 15999, 11999]);
    expect(order.lineItems.every((l) => l.quantity === 1 && l.discountMinor === 0 && !l.giftCard)).toBe(true);
    expect(order.lineItems[1].productId).toBeNull();
  });

  it("reads discount codes with amounts and a guest order has no customer link", () => {
    const payload = sample("orders/paid.json");
    const guest = normalizeRestOrder({ ...payload, customer: null, discount_codes: [{ code: "SAVE10", amount: "10.00", type: "fixed_amount" }] });
    expect(guest.customerShopifyId).toBeNull();
    expect(guest.discountCodes).toEqual([{ code: "SAVE10", amountMinor: 1000, type: "fixed_amount" }]);
  });

  it("rejects a payload missing updated_at with a typed missing_field error naming the path", () => {
    const payload = sample("orders/paid.json");
    delete payload.updated_at;
    expect(() => normalizeRestOrder(payload)).toThrow(SyncInputError);
    try {
      normalizeRestOrder(payload);
    } catch (e) {
      expect((e as SyncInputError).reason).toBe("missing_field");
      expect((e as SyncInputError).path).toBe("order.updated_at");
    }
  });

  it("rejects a zoneless timestamp and a non-object payload", () => {
    expect(() => normalizeRestOrder({ ...sample("orders/paid.json"), updated_at: "2021-12-31 19:00" })).toThrow(/ISO 8601/);
    expect(() => normalizeRestOrder("nope")).toThrow(SyncInputError);
  });
});

describe("normalizeRestRefund on the 2026-07 refunds/create sample", () => {
  const refund = normalizeRestRefund(sample("refunds/create.json"), "USD");

  it("sums successful refund transactions: 75.00 + 10.00 = 85.00", () => {
    expect(refund.amountMinor).toBe(8500);
    expect(refund.storeCreditMinor).toBe(0);
    expect(refund.shopifyId).toBe("890088186047892319");
  });

  it("lists refunded lines by exact line item id with shop-money subtotals", () => {
    expect(refund.lines).toHaveLength(5);
    expect(refund.lines?.[0]).toEqual({ lineItemId: "487817672276298554", quantity: 1, subtotalMinor: 8999 });
  });

  it("splits store-credit refunds from money back and ignores failed transactions", () => {
    const payload = sample("refunds/create.json");
    const txs = payload.transactions as Record<string, unknown>[];
    payload.transactions = [
      { ...txs[0], amount: "30.00", gateway: "shopify_store_credit" },
      { ...txs[1], amount: "12.50" },
      { ...txs[1], amount: "99.00", status: "failure" },
    ];
    const r = normalizeRestRefund(payload, "USD");
    expect(r.storeCreditMinor).toBe(3000);
    expect(r.amountMinor).toBe(1250);
  });
});

describe("customers", () => {
  it("maps customers/create with minimal PII and upper-case state", () => {
    const c = normalizeRestCustomer(sample("customers/create.json"));
    expect(c).toMatchObject({ shopifyId: "706405506930370084", email: "bob@biller.com", firstName: "Bob", lastName: "Biller", phone: null, state: "DISABLED", tags: "" });
    expect(c.updatedAt.toISOString()).toBe("2022-01-01T00:00:00.000Z");
  });

  it("maps GraphQL consent and tag arrays to the same shape as REST", () => {
    const rest = normalizeRestCustomer({ id: 5, updated_at: "2024-01-01T00:00:00Z", tags: "vip, b", email_marketing_consent: { state: "subscribed" } });
    const gql = normalizeGraphqlCustomer({ id: "gid://shopify/Customer/5", updatedAt: "2024-01-01T00:00:00Z", tags: ["vip", "b"], emailMarketingConsent: { marketingState: "SUBSCRIBED" } });
    expect(gql).toEqual(rest);
  });

  it("reads the id of customers/delete", () => {
    expect(readDeletedCustomerId(sample("customers/delete.json"))).toBe("706405506930370084");
  });
});

describe("GraphQL/bulk orders", () => {
  const head = {
    id: "gid://shopify/Order/11", name: "#1001", email: "a@b.c", createdAt: "2024-03-01T10:00:00Z", updatedAt: "2024-03-02T10:00:00Z",
    processedAt: "2024-03-01T10:00:00Z", cancelledAt: null, test: false, displayFinancialStatus: "PARTIALLY_REFUNDED",
    displayFulfillmentStatus: "FULFILLED", currencyCode: "USD", presentmentCurrencyCode: "EUR",
    subtotalPriceSet: { shopMoney: { amount: "90.00", currencyCode: "USD" }, presentmentMoney: { amount: "80.00", currencyCode: "EUR" } },
    totalPriceSet: { shopMoney: { amount: "100.00", currencyCode: "USD" }, presentmentMoney: { amount: "90.00", currencyCode: "EUR" } },
    totalTaxSet: { shopMoney: { amount: "5.00", currencyCode: "USD" } },
    totalShippingPriceSet: { shopMoney: { amount: "5.00", currencyCode: "USD" } },
    totalDiscountsSet: { shopMoney: { amount: "10.00", currencyCode: "USD" } },
    discountCodes: ["WELCOME"], customer: { id: "gid://shopify/Customer/7" },
    refunds: [{ id: "gid://shopify/Refund/3", createdAt: "2024-03-02T10:00:00Z", totalRefundedSet: { shopMoney: { amount: "20.00", currencyCode: "USD" } } }],
  };
  const line = {
    id: "gid://shopify/LineItem/21", title: "Mug", quantity: 2, sku: "MUG", variant: { id: "gid://shopify/ProductVariant/31" },
    product: { id: "gid://shopify/Product/41" }, originalUnitPriceSet: { shopMoney: { amount: "50.00", currencyCode: "USD" } },
    discountAllocations: [{ allocatedAmountSet: { shopMoney: { amount: "10.00", currencyCode: "USD" } } }], __parentId: "gid://shopify/Order/11",
  };

  it("maps an Order line and its LineItem children", () => {
    const o = normalizeGraphqlOrder(head, [line]);
    expect(o).toMatchObject({ shopifyId: "11", customerShopifyId: "7", totalMinor: 10000, presentmentTotalMinor: 9000, financialStatus: "PARTIALLY_REFUNDED", fulfillmentStatus: "FULFILLED" });
    expect(o.lineItems[0]).toEqual({ shopifyId: "21", productId: "41", variantId: "31", title: "Mug", sku: "MUG", quantity: 2, priceMinor: 5000, discountMinor: 1000, giftCard: false });
    expect(o.refunds[0]).toMatchObject({ shopifyId: "3", orderShopifyId: "11", amountMinor: 2000, lines: null });
    expect(o.discountCodes).toEqual([{ code: "WELCOME", amountMinor: null, type: null }]);
  });

  it("parses JSONL lines with their gid type and parent", () => {
    const b = parseBulkLine(JSON.stringify(line), 2);
    expect(b).toMatchObject({ type: "LineItem", parentGid: "gid://shopify/Order/11" });
    expect(() => parseBulkLine("{not json", 7)).toThrow(/line 7/);
    expect(() => parseBulkLine(JSON.stringify({ id: 5 }), 1)).toThrow(SyncInputError);
  });

  it("refuses a gid of the wrong type", () => {
    expect(() => toShopifyId("gid://shopify/Customer/1", "x", "Order")).toThrow(SyncInputError);
  });
});
