import { describe, expect, it } from "vitest";
import { buildCohorts, buildCohortsPrepared } from "~/domain/analytics/cohorts";
import { AnalyticsInputError } from "~/domain/analytics/errors";
import { computeRetentionMetrics, computeRetentionMetricsPrepared } from "~/domain/analytics/metrics";
import { lowerBoundAt, prepareOrders } from "~/domain/analytics/prepared-orders";
import { compareRfmSnapshots, computeRfm, computeRfmPrepared, type RfmGroup, type RfmSnapshot } from "~/domain/analytics/rfm";
import { createMonthIndexer, formatMonthIndex, localMonthKey, monthIndexOf } from "~/domain/analytics/time";
import type { AnalyticsCustomer, AnalyticsOrder } from "~/domain/analytics/types";
import { groupPurchaseDays } from "~/domain/analytics/clv/data-prep";
import { createMulberry32 } from "~/domain/shared/random";

const DAY = 86_400_000;
const asOf = new Date("2025-06-01T00:00:00Z");

/** A seeded shop: 300 customers, 2,000 orders over two years, some guests, tests, cancellations and refunds. */
function generateShop(seed: number): { customers: AnalyticsCustomer[]; orders: AnalyticsOrder[] } {
  const rng = createMulberry32(seed);
  const customers = Array.from({ length: 300 }, (_, i) => ({ id: `c${String(i).padStart(4, "0")}`, createdAt: new Date(asOf.getTime() - (800 - i) * DAY) }));
  const orders: AnalyticsOrder[] = [];
  for (let i = 0; i < 2000; i += 1) {
    const total = Math.floor(rng() * 20_000);
    orders.push({
      id: `o${i}`,
      customerId: rng() < 0.1 ? null : customers[Math.floor(rng() * customers.length)].id,
      // Some orders after asOf, so the prepared paths must cut them off themselves.
      processedAt: new Date(asOf.getTime() - Math.floor(rng() * 730 * DAY) + 20 * DAY),
      totalMinor: total,
      refundedMinor: rng() < 0.1 ? Math.floor(total / 2) : 0,
      cancelled: rng() < 0.03,
      test: rng() < 0.02,
    });
  }
  return { customers, orders };
}

describe("prepareOrders", () => {
  it("keeps countable orders sorted by time and groups each customer's orders in time order", () => {
    const { orders } = generateShop(11);
    const prepared = prepareOrders(orders);
    expect(prepared.clean.length).toBe(orders.filter((o) => !o.test && !o.cancelled).length);
    for (let i = 1; i < prepared.clean.length; i += 1) expect(prepared.clean[i].at).toBeGreaterThanOrEqual(prepared.clean[i - 1].at);
    let grouped = 0;
    for (const [id, list] of prepared.byCustomer) {
      grouped += list.length;
      for (let i = 0; i < list.length; i += 1) {
        expect(list[i].customerId).toBe(id);
        if (i > 0) expect(list[i].at).toBeGreaterThanOrEqual(list[i - 1].at);
      }
    }
    expect(grouped).toBe(prepared.clean.filter((o) => o.customerId !== null).length);
  });

  it("rejects the same bad input as cleanOrders (duplicate id) with a typed error", () => {
    const { orders } = generateShop(12);
    expect(() => prepareOrders([...orders, { ...orders[0] }])).toThrow(AnalyticsInputError);
  });

  it("lowerBoundAt returns the first index at or after t", () => {
    const list = [10, 20, 20, 30].map((at, i) => ({ id: `x${i}`, customerId: "c", at, netMinor: 0, refundedMinor: 0 }));
    expect([5, 10, 15, 20, 25, 30, 35].map((t) => lowerBoundAt(list, t))).toEqual([0, 0, 1, 1, 3, 3, 4]);
  });
});

describe("prepared entry points equal the one-shot functions", () => {
  const { customers, orders } = generateShop(2026);
  const prepared = prepareOrders(orders);

  it("computeRetentionMetricsPrepared equals computeRetentionMetrics for 30-, 90- and 365-day windows", () => {
    for (const days of [30, 90, 365]) {
      const period = { start: new Date(asOf.getTime() - days * DAY), end: asOf };
      expect(computeRetentionMetricsPrepared(prepared, { period, activeLookbackDays: 365 })).toEqual(
        computeRetentionMetrics({ orders, period, activeLookbackDays: 365 }),
      );
    }
  });

  it("buildCohortsPrepared equals buildCohorts, with orders after asOf left out", () => {
    for (const timeZone of ["America/New_York", "Asia/Kathmandu"]) {
      expect(buildCohortsPrepared(prepared, { timeZone, asOf })).toEqual(buildCohorts({ orders, timeZone, asOf }));
    }
  });

  it("computeRfmPrepared equals computeRfm today and as of 30 days ago, from one preparation", () => {
    for (const at of [asOf, new Date(asOf.getTime() - 30 * DAY)]) {
      expect(computeRfmPrepared(prepared, { customers, asOf: at })).toEqual(computeRfm({ customers, orders, asOf: at }));
    }
  });
});

describe("compareRfmSnapshots", () => {
  it("the sorted-snapshot merge walk counts the same transitions as the id-map path", () => {
    const { customers, orders } = generateShop(77);
    const before = computeRfm({ customers: customers.slice(0, 250), orders, asOf: new Date(asOf.getTime() - 90 * DAY) });
    const after = computeRfm({ customers: customers.slice(20), orders, asOf });
    const asMap = (s: RfmSnapshot) => new Map<string, RfmGroup>(s.customers.map((c) => [c.customerId, c.group]));
    const merged = compareRfmSnapshots(before, after);
    expect(merged).toEqual(compareRfmSnapshots(asMap(before), asMap(after)));
    expect(merged.entered + merged.left + merged.moved + merged.unchanged).toBe(new Set([...asMap(before).keys(), ...asMap(after).keys()]).size);
  });

  it("snapshots built out of id order still compare correctly (map fallback)", () => {
    const snap = (pairs: [string, RfmGroup][]): RfmSnapshot => ({
      asOf,
      customers: pairs.map(([customerId, group]) => ({ customerId, group, scores: null, recencyDays: null, frequency: 0, monetaryMinor: 0 })),
    });
    const m = compareRfmSnapshots(snap([["b", "NEW"], ["a", "LOYAL"]]), snap([["a", "LOYAL"], ["c", "NEW"]]));
    expect({ unchanged: m.unchanged, moved: m.moved, entered: m.entered, left: m.left }).toEqual({ unchanged: 1, moved: 0, entered: 1, left: 1 });
    expect(m.matrix.NEW.NONE).toBe(1);
    expect(m.matrix.NONE.NEW).toBe(1);
  });
});

describe("month indices", () => {
  it("monthIndexOf and formatMonthIndex are inverses ('2025-01' = 2025 × 12)", () => {
    expect(monthIndexOf("2025-01")).toBe(24_300);
    expect(formatMonthIndex(24_300 + 13)).toBe("2026-02");
    for (const key of ["0001-12", "1999-12", "2000-01", "2026-11"]) expect(formatMonthIndex(monthIndexOf(key))).toBe(key);
  });

  it("createMonthIndexer agrees with localMonthKey around New York's DST and month ends", () => {
    const tz = "America/New_York";
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2025, 0, 1);
    const indexOf = createMonthIndexer(tz, from, to);
    const rng = createMulberry32(5);
    const instants = [Date.UTC(2024, 2, 1, 4, 59, 59, 999), Date.UTC(2024, 2, 1, 5), Date.UTC(2024, 10, 1, 3, 59), Date.UTC(2024, 10, 1, 4)];
    for (let i = 0; i < 200; i += 1) instants.push(from + Math.floor(rng() * (to - from)));
    // Outside the precomputed range it falls back to Intl.
    instants.push(from - 40 * DAY, to + 40 * DAY);
    for (const t of instants) expect(formatMonthIndex(indexOf(t))).toBe(localMonthKey(new Date(t), tz));
  });
});

describe("groupPurchaseDays", () => {
  it("merges same-day amounts in transaction order and sorts days when transactions arrive out of order", () => {
    const grouped = groupPurchaseDays([
      { customerId: "a", date: "2025-01-03", amount: 0.1 },
      { customerId: "b", date: "2025-01-01", amount: 5 },
      { customerId: "a", date: "2025-01-01", amount: 0.2 },
      { customerId: "a", date: "2025-01-03", amount: 0.7 },
      { customerId: "a", date: "2025-01-03", amount: 0.3 },
    ]);
    expect(grouped.map((g) => g.customerId)).toEqual(["a", "b"]);
    const day = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8))) / DAY;
    expect(grouped[0].days).toEqual([day("2025-01-01"), day("2025-01-03")]);
    // (0 + 0.1) + 0.7 + 0.3, left to right, as an accumulate-per-day map adds them.
    expect(grouped[0].amounts).toEqual([0.2, 0.1 + 0.7 + 0.3]);
    expect(grouped[1].amounts).toEqual([5]);
  });
});
