import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "~/domain/analytics/errors";
import { prepareOrderColumns, stableSortByTime, type OrderColumns } from "~/domain/analytics/order-columns";
import { prepareOrders } from "~/domain/analytics/prepared-orders";
import type { AnalyticsOrder } from "~/domain/analytics/types";
import { createMulberry32 } from "~/domain/shared/random";

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);

/** Seeded orders with many same-instant ties, guests, tests, cancellations and refunds, and the same orders as columns. */
function generate(seed: number, count: number, spreadMs: number): { orders: AnalyticsOrder[]; columns: OrderColumns } {
  const rng = createMulberry32(seed);
  const customerIds = Array.from({ length: 40 }, (_, i) => `gid-${i}`);
  const columns: OrderColumns = {
    length: count,
    customer: new Int32Array(count),
    customerIds,
    at: new Float64Array(count),
    totalMinor: new Float64Array(count),
    refundedMinor: new Float64Array(count),
    cancelled: new Uint8Array(count),
    test: new Uint8Array(count),
  };
  const orders: AnalyticsOrder[] = [];
  for (let i = 0; i < count; i++) {
    const c = rng() < 0.1 ? -1 : Math.floor(rng() * customerIds.length);
    // Coarse times: ties at the same millisecond are common.
    const at = BASE + Math.floor(rng() * 50) * Math.floor(spreadMs / 50);
    const total = Math.floor(rng() * 10_000);
    const refunded = rng() < 0.2 ? Math.floor(total / 3) : 0;
    const cancelled = rng() < 0.05;
    const test = rng() < 0.05;
    columns.customer[i] = c;
    columns.at[i] = at;
    columns.totalMinor[i] = total;
    columns.refundedMinor[i] = refunded;
    columns.cancelled[i] = cancelled ? 1 : 0;
    columns.test[i] = test ? 1 : 0;
    orders.push({ id: `o${i}`, customerId: c < 0 ? null : customerIds[c], processedAt: new Date(at), totalMinor: total, refundedMinor: refunded, cancelled, test });
  }
  return { orders, columns };
}

const strip = (o: { customerId: string | null; at: number; netMinor: number; refundedMinor: number }) => ({
  customerId: o.customerId,
  at: o.at,
  netMinor: o.netMinor,
  refundedMinor: o.refundedMinor,
});

describe("prepareOrderColumns", () => {
  for (const [label, spread] of [
    ["one radix pass (times within a minute)", 60_000],
    ["two radix passes (within a month)", 30 * DAY],
    ["three radix passes (within ten years)", 3650 * DAY],
  ] as const) {
    it(`equals prepareOrders on the same orders, ties in input order: ${label}`, () => {
      const { orders, columns } = generate(7, 3000, spread);
      const want = prepareOrders(orders);
      const got = prepareOrderColumns(columns);
      expect(got.clean.map(strip)).toEqual(want.clean.map(strip));
      expect([...got.byCustomer.keys()]).toEqual([...want.byCustomer.keys()]);
      for (const [id, list] of want.byCustomer) expect(got.byCustomer.get(id)!.map(strip)).toEqual(list.map(strip));
    });
  }

  it("rejects a refund above the total, a fractional amount and an invalid time with typed errors", () => {
    const bad = (patch: (c: OrderColumns) => void) => {
      const { columns } = generate(3, 10, DAY);
      patch(columns);
      return () => prepareOrderColumns(columns);
    };
    expect(bad((c) => (c.refundedMinor[2] = c.totalMinor[2] + 1))).toThrow(expect.objectContaining({ reason: "REFUND_EXCEEDS_TOTAL" }));
    expect(bad((c) => (c.totalMinor[1] = 1.5))).toThrow(expect.objectContaining({ reason: "INVALID_AMOUNT" }));
    expect(bad((c) => (c.at[0] = NaN))).toThrow(AnalyticsInputError);
  });

  it("stableSortByTime orders fractional times by comparison, ties by row", () => {
    const at = Float64Array.from([3.5, 1.25, 3.5, 0.5, 1.25]);
    expect([...stableSortByTime(Uint32Array.from([0, 1, 2, 3, 4]), at)]).toEqual([3, 1, 4, 0, 2]);
  });
});
