import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "~/domain/analytics/errors";
import { computeRetentionMetrics, previousPeriodOf } from "~/domain/analytics/metrics";
import type { AnalyticsOrder } from "~/domain/analytics/types";

let seq = 0;
function order(
  customerId: string | null,
  iso: string,
  totalMinor: number,
  extra: Partial<AnalyticsOrder> = {},
): AnalyticsOrder {
  seq += 1;
  return {
    id: `o${seq}`,
    customerId,
    processedAt: new Date(iso),
    totalMinor,
    refundedMinor: 0,
    cancelled: false,
    test: false,
    ...extra,
  };
}

// Current period P = [2025-03-01, 2025-04-01) UTC, 31 days; previous = [2025-01-29, 2025-03-01).
// Lookback 60 days: active at Mar 1 ⇔ order in [2024-12-31, Mar 1); at Apr 1 ⇔ order in [Jan 31, Apr 1);
// at Jan 29 ⇔ order in [2024-11-30, Jan 29).
const period = { start: new Date("2025-03-01T00:00:00Z"), end: new Date("2025-04-01T00:00:00Z") };
const fixture: AnalyticsOrder[] = [
  order("A", "2025-01-10T12:00:00Z", 10_000),
  order("A", "2025-02-10T12:00:00Z", 5_000),
  order("A", "2025-03-10T12:00:00Z", 8_000, { refundedMinor: 2_000 }),
  order("A", "2025-03-25T12:00:00Z", 50_000, { cancelled: true }),
  order("B", "2025-01-05T12:00:00Z", 4_400),
  order("C", "2025-03-05T12:00:00Z", 3_000),
  order("C", "2025-03-20T12:00:00Z", 2_000),
  order("D", "2024-10-01T12:00:00Z", 7_000),
  order("D", "2025-03-15T12:00:00Z", 1_000),
  order("E", "2025-02-20T12:00:00Z", 6_000),
  order("H", "2025-03-28T12:00:00Z", 4_000),
  order(null, "2025-03-12T12:00:00Z", 2_500),
  order("F", "2025-03-03T12:00:00Z", 99_999, { test: true }),
  order("G", "2025-04-01T00:00:00Z", 1_111), // exactly at the end: outside P
];

describe("computeRetentionMetrics on a hand-computed shop", () => {
  const report = computeRetentionMetrics({ orders: fixture, period, activeLookbackDays: 60 });
  const cur = report.current;
  const prev = report.previous;

  it("counts S, E, N, lost and reactivated as derived by hand", () => {
    // S at Mar 1: A (Feb 10), B (Jan 5), E (Feb 20); D's last order (Oct 1) is outside the window.
    expect(cur.activeAtStart).toBe(3);
    // E at Apr 1: A, C, D, E (Feb 20 ≥ Jan 31), H; B (Jan 5) has lapsed.
    expect(cur.activeAtEnd).toBe(5);
    expect(cur.newCustomers).toBe(2); // C, H
    expect(cur.lostCustomers).toBe(1); // B
    expect(cur.reactivatedCustomers).toBe(1); // D
  });

  it("CRR = (E − N)/S = (5 − 2)/3 = 1 and churn = lost/S = 1/3 (a reactivation keeps them from summing to 1)", () => {
    expect(cur.customerRetentionRate).toEqual({ value: 1, reason: null });
    expect(cur.churnRate.value).toBeCloseTo(1 / 3, 12);
  });

  it("repeat purchase rate 3/4 and purchase frequency 5/4 over customers ordering in P", () => {
    // Ordering in P: A(1), C(2), D(1), H(1). Lifetime ≥ 2 by Apr 1: A, C, D; H has one order.
    expect(cur.customersWithOrders).toBe(4);
    expect(cur.repeatCustomers).toBe(3);
    expect(cur.repeatPurchaseRate.value).toBe(0.75);
    expect(cur.customerOrders).toBe(5);
    expect(cur.purchaseFrequency.value).toBe(1.25);
  });

  it("nets refunds, excludes test/cancelled, keeps guests in revenue: AOV = 18500/6", () => {
    // A 8000−2000 + C 3000+2000 + D 1000 + H 4000 + guest 2500 = 18500 over 6 orders.
    expect(cur.orders).toBe(6);
    expect(cur.netRevenueMinor).toBe(18_500);
    expect(cur.refundedMinor).toBe(2_000);
    expect(cur.averageOrderValueMinor.value).toBeCloseTo(18_500 / 6, 9);
    expect(cur.newCustomerRevenueMinor).toBe(9_000); // C 5000 + H 4000
    expect(cur.returningCustomerRevenueMinor).toBe(7_000); // A 6000 + D 1000
    expect(cur.guestRevenueMinor).toBe(2_500);
    expect(Number.isInteger(cur.netRevenueMinor)).toBe(true);
  });

  it("historical CLV net of refunds = 48400/6 over customers with an order before the end", () => {
    // A 21000, B 4400, C 5000, D 8000, E 6000, H 4000 (G's order is at the end instant, excluded).
    expect(cur.customersToDate).toBe(6);
    expect(cur.customerLifetimeRevenueMinor).toBe(48_400);
    expect(cur.historicalClvMinor.value).toBeCloseTo(48_400 / 6, 9);
  });

  it("time between orders: gaps ending in P are 28 (A), 15 (C), 165 (D) days → median 28, mean 208/3", () => {
    expect(cur.timeBetweenOrdersMedianDays.value).toBe(28);
    expect(cur.timeBetweenOrdersMeanDays.value).toBeCloseTo(208 / 3, 9);
  });

  it("previous period [Jan 29, Mar 1) matches its own hand derivation", () => {
    expect(prev.period).toEqual({ start: new Date("2025-01-29T00:00:00Z"), end: period.start });
    // S at Jan 29: A (Jan 10), B (Jan 5). E at Mar 1: A, B, E. N: E (Feb 20).
    expect([prev.activeAtStart, prev.activeAtEnd, prev.newCustomers]).toEqual([2, 3, 1]);
    expect(prev.customerRetentionRate.value).toBe(1); // (3 − 1)/2
    expect(prev.churnRate.value).toBe(0);
    expect(prev.repeatPurchaseRate.value).toBe(0.5); // A repeat, E single
    expect(prev.averageOrderValueMinor.value).toBe(5_500); // (5000 + 6000)/2
    expect(prev.historicalClvMinor.value).toBe(8_100); // (15000 + 4400 + 7000 + 6000)/4
    expect(prev.timeBetweenOrdersMedianDays.value).toBe(31); // A: Jan 10 → Feb 10
  });

  it("change = current − previous, relative null when the previous value is 0", () => {
    expect(report.change.orders).toEqual({ absolute: { value: 4, reason: null }, relative: { value: 2, reason: null } });
    expect(report.change.churnRate.absolute.value).toBeCloseTo(1 / 3, 12);
    expect(report.change.churnRate.relative).toEqual({ value: null, reason: "PREVIOUS_ZERO" });
    expect(report.change.customerRetentionRate.absolute.value).toBe(0);
    expect(report.change.averageOrderValueMinor.relative.value).toBeCloseTo((18_500 / 6 - 5_500) / 5_500, 12);
  });
});

describe("computeRetentionMetrics edge cases", () => {
  it("empty shop: every ratio is null with a reason, never NaN", () => {
    const report = computeRetentionMetrics({ orders: [], period });
    const c = report.current;
    expect(c.customerRetentionRate).toEqual({ value: null, reason: "NO_ACTIVE_CUSTOMERS_AT_START" });
    expect(c.churnRate.reason).toBe("NO_ACTIVE_CUSTOMERS_AT_START");
    expect(c.repeatPurchaseRate.reason).toBe("NO_CUSTOMERS_IN_PERIOD");
    expect(c.purchaseFrequency.reason).toBe("NO_CUSTOMERS_IN_PERIOD");
    expect(c.averageOrderValueMinor.reason).toBe("NO_ORDERS_IN_PERIOD");
    expect(c.historicalClvMinor.reason).toBe("NO_CUSTOMERS_WITH_ORDERS");
    expect(c.timeBetweenOrdersMedianDays.reason).toBe("NO_REPEAT_ORDER_GAPS");
    expect(report.change.averageOrderValueMinor.relative.reason).toBe("CURRENT_UNDEFINED");
    expect(report.change.orders.relative.reason).toBe("PREVIOUS_ZERO");
    expect(JSON.stringify(report)).not.toMatch(/NaN|null,"reason":null/);
  });

  it("guest-only shop: revenue and AOV counted, customer metrics null", () => {
    const orders = [order(null, "2025-03-02T00:00:00Z", 1_000), order(null, "2025-03-03T00:00:00Z", 3_000)];
    const c = computeRetentionMetrics({ orders, period }).current;
    expect(c.netRevenueMinor).toBe(4_000);
    expect(c.guestRevenueMinor).toBe(4_000);
    expect(c.averageOrderValueMinor.value).toBe(2_000);
    expect(c.customersWithOrders).toBe(0);
    expect(c.purchaseFrequency.value).toBeNull();
  });

  it("an order exactly at the period start is in the period and makes no one active at start", () => {
    const c = computeRetentionMetrics({ orders: [order("Z", "2025-03-01T00:00:00Z", 500)], period }).current;
    expect([c.orders, c.newCustomers, c.activeAtStart, c.activeAtEnd]).toEqual([1, 1, 0, 1]);
  });

  it("previousPeriodOf gives the equal-length span just before", () => {
    const prev = previousPeriodOf({ start: new Date("2025-03-10T00:00:00Z"), end: new Date("2025-03-17T00:00:00Z") });
    expect(prev).toEqual({ start: new Date("2025-03-03T00:00:00Z"), end: new Date("2025-03-10T00:00:00Z") });
  });

  it.each([
    ["INVALID_RANGE", { orders: [], period: { start: period.end, end: period.start } }],
    ["INVALID_DATE", { orders: [], period: { start: new Date("nope"), end: period.end } }],
    ["INVALID_LOOKBACK", { orders: [], period, activeLookbackDays: 0 }],
    ["REFUND_EXCEEDS_TOTAL", { orders: [order("A", "2025-03-02T00:00:00Z", 100, { refundedMinor: 101 })], period }],
    ["INVALID_AMOUNT", { orders: [order("A", "2025-03-02T00:00:00Z", 10.5)], period }],
    ["INVALID_AMOUNT", { orders: [order("A", "2025-03-02T00:00:00Z", -1)], period }],
    ["INVALID_DATE", { orders: [order("A", "2025-13-45", 100)], period }],
    ["DUPLICATE_ORDER_ID", { orders: [{ ...fixture[0] }, { ...fixture[0] }], period }],
  ] as const)("rejects bad input with AnalyticsInputError(%s)", (reason, input) => {
    expect(() => computeRetentionMetrics(input)).toThrow(AnalyticsInputError);
    expect(() => computeRetentionMetrics(input)).toThrow(expect.objectContaining({ reason }));
  });
});

describe("computeRetentionMetrics invariants (fast-check, seeded)", () => {
  const orderArb = fc.record({
    customerId: fc.option(fc.constantFrom("a", "b", "c", "d", "e", "f"), { nil: null }),
    dayOffset: fc.integer({ min: -400, max: 60 }),
    totalMinor: fc.integer({ min: 0, max: 100_000 }),
    refundShare: fc.double({ min: 0, max: 1, noNaN: true }),
    cancelled: fc.boolean(),
    test: fc.boolean(),
  });

  it("new + returning + guest revenue = net revenue; rates are finite or null; churn ∈ [0, 1]", () => {
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 40 }), (rows) => {
        const orders: AnalyticsOrder[] = rows.map((r, i) => ({
          id: `p${i}`,
          customerId: r.customerId,
          processedAt: new Date(period.start.getTime() + r.dayOffset * 86_400_000),
          totalMinor: r.totalMinor,
          refundedMinor: Math.floor(r.totalMinor * r.refundShare),
          cancelled: r.cancelled,
          test: r.test,
        }));
        const { current, previous } = computeRetentionMetrics({ orders, period });
        for (const m of [current, previous]) {
          expect(m.newCustomerRevenueMinor + m.returningCustomerRevenueMinor + m.guestRevenueMinor).toBe(m.netRevenueMinor);
          for (const value of Object.values(m)) {
            if (typeof value === "number") expect(Number.isFinite(value)).toBe(true);
            else if ("reason" in value) expect(value.value === null || Number.isFinite(value.value)).toBe(true);
          }
          if (m.churnRate.value !== null) {
            expect(m.churnRate.value).toBeGreaterThanOrEqual(0);
            expect(m.churnRate.value).toBeLessThanOrEqual(1);
          }
          expect(m.activeAtStart - m.lostCustomers + m.newCustomers + m.reactivatedCustomers).toBe(m.activeAtEnd);
        }
      }),
      { seed: 20250301, numRuns: 100 },
    );
  });
});

describe("active-customer window", () => {
  it("rejects a lookback shorter than the period, which would make new customers inactive at the end", () => {
    expect(() => computeRetentionMetrics({ orders: [], period, activeLookbackDays: 30 })).toThrow(
      expect.objectContaining({ reason: "INVALID_LOOKBACK" }),
    );
  });
});
