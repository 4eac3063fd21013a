// The backfill's parser thread encodes orders as database rows
// (app/services/sync/backfill-rows.server.ts); the writer decodes them again
// for orders already stored. Encoding must lose nothing.
import { describe, expect, it } from "vitest";
import { prepareBulkBatch } from "~/domain/sync/backfill-batch";
import type { NormalizedOrder } from "~/domain/sync/types";
import { decodeOrder, encodeOrder, LINE_TABLE, lineValues, ORDER_COL, ORDER_TABLE } from "~/services/sync/backfill-rows.server";
import { createShop, renderBulkOrder } from "../../../dev/generator";

function generatedOrders(): Array<{ gid: string; order: NormalizedOrder }> {
  const shop = createShop({ size: 60, seed: 41 });
  const texts: string[] = [];
  for (const item of shop) {
    if (item.type === "order") for (const line of renderBulkOrder(item.order, shop.config.endMs - 1, shop.config)) texts.push(JSON.stringify(line));
  }
  const batch = prepareBulkBatch("orders", texts, texts.map((_, i) => i + 1));
  if (batch.kind !== "orders") throw new Error("expected orders");
  return batch.orders;
}

const edgeCase: NormalizedOrder = {
  shopifyId: "9", name: null, customerShopifyId: null, email: null,
  processedAt: new Date("2025-03-01T10:00:00.123Z"), createdAt: new Date("2025-03-01T09:59:59.000Z"), updatedAt: new Date("2025-03-02T00:00:00.000Z"),
  cancelledAt: new Date("2025-03-03T12:00:00.000Z"), cancelReason: "customer", test: true, financialStatus: null, fulfillmentStatus: null,
  currency: "EUR", presentmentCurrency: null, subtotalMinor: 0, totalMinor: 0, taxMinor: 0, shippingMinor: 0, discountsMinor: 0, giftCardMinor: 2500,
  presentmentTotalMinor: null, discountCodes: [{ code: "WELCOME", amountMinor: null, type: null }], sourceName: null, tags: "",
  lineItems: [{ shopifyId: "1", productId: null, variantId: null, title: "Gift card", sku: null, quantity: 1, priceMinor: 2500, discountMinor: 0, giftCard: true }],
  refunds: [{ shopifyId: "5", orderShopifyId: "9", amountMinor: 100, storeCreditMinor: 0, lines: null, note: null, processedAt: new Date("2025-03-04T00:00:00.000Z") }],
};

describe("backfill row encoding", () => {
  it("decodeOrder(encodeOrder(o)) is o for every generated order and an all-edges order (guest, test, cancelled, gift card, nulls)", () => {
    const orders = generatedOrders();
    expect(orders.length).toBeGreaterThan(50);
    for (const { gid, order } of [...orders, { gid: "gid://shopify/Order/9", order: edgeCase }]) {
      const encoded = encodeOrder("a.myshopify.com", gid, order);
      expect(encoded.row).toHaveLength(ORDER_TABLE.length);
      for (const l of encoded.lines) expect(l).toHaveLength(LINE_TABLE.length);
      expect(decodeOrder(encoded)).toEqual(order);
    }
  });

  it("the COPY-text format (PostgreSQL) carries the same line items: decodeOrder and lineValues give them back exactly", () => {
    const tricky: NormalizedOrder = {
      ...edgeCase,
      lineItems: [
        ...edgeCase.lineItems,
        { shopifyId: "2", productId: "77", variantId: "78", title: "Tab\there, new\nline, back\\slash, \\N", sku: "A\tB", quantity: 3, priceMinor: -5, discountMinor: 10, giftCard: false },
      ],
    };
    for (const { gid, order } of [...generatedOrders(), { gid: "gid://shopify/Order/9", order: tricky }]) {
      const values = encodeOrder("a.myshopify.com", gid, order, "values");
      const copy = encodeOrder("a.myshopify.com", gid, order, "copy");
      expect(copy.lines).toEqual([]);
      expect(copy.linesCopy!.split("\n").filter(Boolean)).toHaveLength(order.lineItems.length);
      expect(decodeOrder(copy)).toEqual(order);
      // Same values apart from the order row id drawn for each encoding.
      const withoutOrderId = (rows: unknown[][]) => rows.map((r) => [r[0], ...r.slice(2)]);
      expect(withoutOrderId(lineValues(copy))).toEqual(withoutOrderId(values.lines));
      for (const l of lineValues(copy)) expect(l[1]).toBe(copy.row[ORDER_COL.id]);
    }
  });

  it("writes values in the form Prisma stores on SQLite: ISO dates with +00:00, booleans 0/1, JSON text, line items pointing at the order row", () => {
    const e = encodeOrder("a.myshopify.com", "gid://shopify/Order/9", edgeCase);
    expect(e.row[ORDER_COL.shopifyId]).toBe("9");
    expect(e.row[6]).toBe("2025-03-01T10:00:00.123+00:00");
    expect(e.row[11]).toBe(1);
    expect(e.row[24]).toBe('[{"code":"WELCOME","amountMinor":null,"type":null}]');
    expect(e.lines[0][1]).toBe(e.row[ORDER_COL.id]);
    expect(e.lines[0][10]).toBe(1);
    expect(e.lines[0][0]).toBe("a.myshopify.com");
  });
});
