import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCohorts } from "~/domain/analytics/cohorts";
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
    id: `c${seq}`,
    customerId,
    processedAt: new Date(iso),
    totalMinor,
    refundedMinor: 0,
    cancelled: false,
    test: false,
    ...extra,
  };
}

const fixture: AnalyticsOrder[] = [
  order("A", "2025-01-05T10:00:00Z", 1_000),
  order("A", "2025-01-20T10:00:00Z", 500),
  order("A", "2025-03-03T10:00:00Z", 2_000, { refundedMinor: 500 }),
  order("B", "2025-01-25T10:00:00Z", 3_000),
  order("C", "2025-02-02T10:00:00Z", 1_000),
  order("C", "2025-02-10T10:00:00Z", 1_000, { cancelled: true }),
  order("C", "2025-03-30T10:00:00Z", 4_000),
  order("T", "2025-01-07T10:00:00Z", 9_000, { test: true }),
  order(null, "2025-01-10T10:00:00Z", 7_000),
  order("D", "2025-04-02T10:00:00Z", 2_000), // after asOf
];

describe("buildCohorts on a hand-computed shop (UTC)", () => {
  const report = buildCohorts({ orders: fixture, timeZone: "UTC", asOf: new Date("2025-04-01T00:00:00Z") });

  it("forms the 2025-01 cohort {A, B} and the 2025-02 cohort {C}; guests, test-only and future customers are out", () => {
    expect(report.cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ["2025-01", 2],
      ["2025-02", 1],
    ]);
    expect(report.customersWithOrders).toBe(3);
    expect(report.lastMonth).toBe("2025-03");
  });

  it("2025-01 cohort: Jan 3 orders/4500, Feb nothing, Mar A alone with 2000 − 500 refunded → LTV 2250, 2250, 3000", () => {
    const jan = report.cohorts[0].months;
    expect(jan.map((m) => m.month)).toEqual(["2025-01", "2025-02", "2025-03"]);
    expect(jan.map((m) => m.activeCustomers)).toEqual([2, 0, 1]);
    expect(jan.map((m) => m.activeShare)).toEqual([1, 0, 0.5]);
    expect(jan.map((m) => m.orders)).toEqual([3, 0, 1]);
    expect(jan.map((m) => m.revenueMinor)).toEqual([4_500, 0, 1_500]);
    expect(jan.map((m) => m.cumulativeRevenueMinor)).toEqual([4_500, 4_500, 6_000]);
    expect(jan.map((m) => m.cumulativeRevenuePerCustomerMinor)).toEqual([2_250, 2_250, 3_000]);
    expect(jan.every((m) => m.complete)).toBe(true);
  });

  it("2025-02 cohort: the cancelled Feb 10 order is ignored; Mar adds 4000 → LTV 1000, 5000", () => {
    const feb = report.cohorts[1].months;
    expect(feb.map((m) => [m.monthIndex, m.orders, m.revenueMinor, m.cumulativeRevenuePerCustomerMinor])).toEqual([
      [0, 1, 1_000, 1_000],
      [1, 1, 4_000, 5_000],
    ]);
  });

  it("blended curve weights by cohort size: k=0 5500/3, k=1 9500/3 with 1/3 active, k=2 Jan cohort only", () => {
    expect(report.blended.map((b) => [b.monthIndex, b.cohorts, b.customers])).toEqual([
      [0, 2, 3],
      [1, 2, 3],
      [2, 1, 2],
    ]);
    expect(report.blended[0].cumulativeRevenuePerCustomerMinor).toBeCloseTo(5_500 / 3, 9);
    expect(report.blended[1].cumulativeRevenuePerCustomerMinor).toBeCloseTo(9_500 / 3, 9);
    expect(report.blended[1].activeShare).toBeCloseTo(1 / 3, 12);
    expect(report.blended[2].cumulativeRevenuePerCustomerMinor).toBe(3_000);
  });

  it("a mid-month asOf marks the current month incomplete and drops it from the blended curve", () => {
    const mid = buildCohorts({ orders: fixture, timeZone: "UTC", asOf: new Date("2025-03-15T00:00:00Z") });
    const jan = mid.cohorts[0].months;
    expect(jan.map((m) => m.complete)).toEqual([true, true, false]);
    expect(jan[2].revenueMinor).toBe(1_500); // A's Mar 3 order is before asOf
    expect(mid.cohorts[1].months[1].orders).toBe(0); // C's Mar 30 order is after asOf
    expect(mid.blended.map((b) => [b.monthIndex, b.cohorts])).toEqual([
      [0, 2],
      [1, 1],
    ]);
  });
});

describe("buildCohorts timezone bucketing at month boundaries", () => {
  // 2025-01-31T23:30Z is Jan 31 18:30 in New York (UTC−5) but Feb 1 08:30 in Tokyo (UTC+9).
  const orders = [order("X", "2025-01-31T23:30:00Z", 1_000), order("X", "2025-02-28T23:30:00Z", 2_000)];
  const asOf = new Date("2025-04-01T00:00:00Z");

  it("America/New_York puts the customer in the January cohort, second order at k=1 (February)", () => {
    const ny = buildCohorts({ orders, timeZone: "America/New_York", asOf });
    expect(ny.cohorts[0].cohort).toBe("2025-01");
    expect(ny.cohorts[0].months.map((m) => [m.month, m.orders])).toEqual([
      ["2025-01", 1],
      ["2025-02", 1],
      ["2025-03", 0],
    ]);
  });

  it("Asia/Tokyo puts the same customer in the February cohort, second order at k=1 (March)", () => {
    const tokyo = buildCohorts({ orders, timeZone: "Asia/Tokyo", asOf });
    expect(tokyo.cohorts[0].cohort).toBe("2025-02");
    // asOf (00:00Z Apr 1) is 09:00 Apr 1 in Tokyo, so April is reported as a partial month.
    expect(tokyo.cohorts[0].months.map((m) => [m.month, m.orders, m.complete])).toEqual([
      ["2025-02", 1, true],
      ["2025-03", 1, true],
      ["2025-04", 0, false],
    ]);
  });

  it("asOf at local month end in Tokyo (2025-03-31T15:00Z) makes March complete there but not in New York", () => {
    const at = new Date("2025-03-31T15:00:00Z");
    expect(buildCohorts({ orders, timeZone: "Asia/Tokyo", asOf: at }).cohorts[0].months.at(-1)?.complete).toBe(true);
    expect(buildCohorts({ orders, timeZone: "America/New_York", asOf: at }).cohorts[0].months.at(-1)?.complete).toBe(false);
  });

  it("empty shop yields no cohorts and an empty curve", () => {
    const empty = buildCohorts({ orders: [], timeZone: "Europe/Paris", asOf });
    expect(empty).toMatchObject({ customersWithOrders: 0, cohorts: [], blended: [] });
  });

  it("rejects an unknown time zone with INVALID_TIMEZONE", () => {
    expect(() => buildCohorts({ orders, timeZone: "Mars/Olympus", asOf })).toThrow(
      expect.objectContaining({ name: "AnalyticsInputError", reason: "INVALID_TIMEZONE" }),
    );
  });
});

describe("buildCohorts invariants (fast-check, seeded)", () => {
  it("cohort sizes sum to the customers with orders; month-0 share is 1; cumulative revenue never decreases", () => {
    const zones = ["UTC", "America/New_York", "Asia/Tokyo", "Pacific/Chatham", "America/St_Johns"];
    const row = fc.record({
      customerId: fc.option(fc.constantFrom("a", "b", "c", "d", "e", "f", "g"), { nil: null }),
      minutes: fc.integer({ min: 0, max: 60 * 24 * 500 }),
      totalMinor: fc.integer({ min: 0, max: 50_000 }),
      test: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.constantFrom(...zones), (rows, timeZone) => {
        const base = Date.UTC(2024, 0, 1);
        const orders: AnalyticsOrder[] = rows.map((r, i) => ({
          id: `q${i}`,
          customerId: r.customerId,
          processedAt: new Date(base + r.minutes * 60_000),
          totalMinor: r.totalMinor,
          refundedMinor: 0,
          cancelled: false,
          test: r.test,
        }));
        const report = buildCohorts({ orders, timeZone, asOf: new Date(base + 501 * 86_400_000) });
        const expected = new Set(orders.filter((o) => !o.test && o.customerId !== null).map((o) => o.customerId));
        expect(report.cohorts.reduce((sum, c) => sum + c.size, 0)).toBe(expected.size);
        expect(report.customersWithOrders).toBe(expected.size);
        for (const cohort of report.cohorts) {
          expect(cohort.months[0].activeShare).toBe(1);
          for (let k = 1; k < cohort.months.length; k += 1) {
            expect(cohort.months[k].cumulativeRevenueMinor).toBeGreaterThanOrEqual(cohort.months[k - 1].cumulativeRevenueMinor);
          }
        }
      }),
      { seed: 424242, numRuns: 100 },
    );
  });
});
