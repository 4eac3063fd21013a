import { describe, expect, it } from "vitest";
import { prepareBulkBatch } from "~/domain/sync/backfill-batch";
import { SyncInputError } from "~/domain/sync";

const money = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" }, presentmentMoney: { amount, currencyCode: "USD" } });
const order = (n: number) => JSON.stringify({
  id: `gid://shopify/Order/${n}`, name: `#${n}`, email: null, createdAt: "2024-06-01T00:00:00Z", updatedAt: "2024-06-02T00:00:00Z",
  processedAt: "2024-06-01T00:00:00Z", cancelledAt: null, test: false, displayFinancialStatus: "PAID", displayFulfillmentStatus: "FULFILLED",
  currencyCode: "USD", presentmentCurrencyCode: "USD", subtotalPriceSet: money("10.00"), totalPriceSet: money("12.00"), totalTaxSet: money("1.00"),
  totalShippingPriceSet: money("1.00"), totalDiscountsSet: money("0.00"), discountCodes: [], customer: null, refunds: [],
});
const line = (n: number, parent: number, giftCard = false) => JSON.stringify({
  id: `gid://shopify/LineItem/${n}`, title: "T", quantity: 2, sku: null, variant: null, product: null, isGiftCard: giftCard,
  originalUnitPriceSet: money("5.00"), discountAllocations: [], __parentId: `gid://shopify/Order/${parent}`,
});

describe("prepareBulkBatch", () => {
  it("folds each order's LineItem children into it and passes on children of earlier batches' orders", () => {
    const batch = prepareBulkBatch("orders", [line(7, 1), order(2), line(8, 2), line(9, 2, true)], [10, 11, 12, 13]);
    if (batch.kind !== "orders") throw new Error("kind");
    expect(batch.roots).toBe(1);
    expect(batch.orders.map((o) => [o.gid, o.order.lineItems.map((l) => l.shopifyId)])).toEqual([["gid://shopify/Order/2", ["8", "9"]]]);
    expect(batch.orders[0].order.giftCardMinor).toBe(1000);
    expect(batch.late.map(([gid, kids]) => [gid, kids.map((k) => k.id)])).toEqual([["gid://shopify/Order/1", ["gid://shopify/LineItem/7"]]]);
  });

  it("a malformed line raises SyncInputError naming its JSONL line number", () => {
    let caught: unknown;
    try {
      prepareBulkBatch("orders", [order(1), "{not json"], [41, 42]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SyncInputError);
    expect((caught as SyncInputError).reason).toBe("invalid_json");
    expect((caught as SyncInputError).path).toBe("line 42");
  });

  it("rejects texts and line numbers of different lengths", () => {
    expect(() => prepareBulkBatch("customers", ["{}"], [])).toThrow(RangeError);
  });
});
