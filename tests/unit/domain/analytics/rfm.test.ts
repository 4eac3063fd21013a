import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classifyRfm,
  compareRfmSnapshots,
  computeRfm,
  RFM_GROUPS,
  RFM_RULES,
  scoreQuintiles,
  summarizeRfmSegments,
  type RfmGroup,
} from "~/domain/analytics/rfm";
import type { AnalyticsCustomer, AnalyticsOrder } from "~/domain/analytics/types";

const DAY = 86_400_000;
const asOf = new Date("2025-06-01T00:00:00Z");
const daysBefore = (days: number): Date => new Date(asOf.getTime() - days * DAY);

let seq = 0;
function order(customerId: string | null, at: Date, totalMinor: number, extra: Partial<AnalyticsOrder> = {}): AnalyticsOrder {
  seq += 1;
  return { id: `r${seq}`, customerId, processedAt: at, totalMinor, refundedMinor: 0, cancelled: false, test: false, ...extra };
}
const customer = (id: string, createdAt: Date = new Date("2023-01-01T00:00:00Z")): AnalyticsCustomer => ({ id, createdAt });

describe("scoreQuintiles", () => {
  it("n = 5 distinct values score 1..5 (5 = top 20%)", () => {
    expect(scoreQuintiles([10, 50, 30, 20, 40], "higher-is-better")).toEqual([1, 5, 3, 2, 4]);
    expect(scoreQuintiles([10, 50, 30, 20, 40], "lower-is-better")).toEqual([5, 1, 3, 4, 2]);
  });

  it("n = 10 distinct values put exactly two in each quintile", () => {
    expect(scoreQuintiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "higher-is-better")).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it("ties share the lowest quintile they span: 1 + floor(5·w/n) with w strictly worse", () => {
    // Six one-order customers: w=0 → 1. Two-order: w=6 → 1+floor(3)=4. Three: w=8 → 5. Five: w=9 → 1+floor(4.5)=5.
    expect(scoreQuintiles([1, 1, 1, 1, 1, 1, 2, 2, 3, 5], "higher-is-better")).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    // All equal: nobody is strictly worse, so everybody scores 1.
    expect(scoreQuintiles([7, 7, 7], "higher-is-better")).toEqual([1, 1, 1]);
  });

  it("scores do not depend on input order (seeded shuffles)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 30 }), fc.integer(), (values, salt) => {
        const shuffled = values.map((v, i) => ({ v, k: Math.imul(i + 1, salt | 1) >>> 0 })).sort((a, b) => a.k - b.k).map((x) => x.v);
        const byValue = new Map<number, number>();
        scoreQuintiles(values, "higher-is-better").forEach((s, i) => byValue.set(values[i], s));
        scoreQuintiles(shuffled, "higher-is-better").forEach((s, i) => expect(s).toBe(byValue.get(shuffled[i])));
      }),
      { seed: 7, numRuns: 100 },
    );
  });

  it("a better value never scores lower, and scores stay within 1..5", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 50 }), (values) => {
        const scores = scoreQuintiles(values, "higher-is-better");
        for (let i = 0; i < values.length; i += 1) {
          expect(scores[i]).toBeGreaterThanOrEqual(1);
          expect(scores[i]).toBeLessThanOrEqual(5);
          for (let j = 0; j < values.length; j += 1) {
            if (values[i] > values[j]) expect(scores[i]).toBeGreaterThanOrEqual(scores[j]);
          }
        }
      }),
      { seed: 99, numRuns: 100 },
    );
  });
});

describe("RFM_RULES", () => {
  it("every (R, FM) cell of the grid matches exactly one rule", () => {
    for (let r = 1; r <= 5; r += 1) {
      for (let fm = 1; fm <= 5; fm += 0.5) {
        const matches = RFM_RULES.filter((x) => r >= x.recency[0] && r <= x.recency[1] && fm >= x.fm[0] && fm <= x.fm[1]);
        expect(matches.map((x) => x.group), `R=${r} FM=${fm}`).toHaveLength(1);
      }
    }
  });

  it("every rule in the table is reachable from some (R, F, M) and all 10 ordering groups occur", () => {
    const reached = new Set<RfmGroup>();
    for (let r = 1; r <= 5; r += 1) for (let f = 1; f <= 5; f += 1) for (let m = 1; m <= 5; m += 1) reached.add(classifyRfm(r, f, m));
    expect([...reached].sort()).toEqual(RFM_RULES.map((x) => x.group).sort());
    expect(new Set(RFM_RULES.map((x) => x.group)).size).toBe(RFM_GROUPS.length - 1);
  });

  it.each([
    [5, 5, 5, "CHAMPIONS"],
    [5, 4, 4, "CHAMPIONS"],
    [4, 5, 3, "LOYAL"],
    [5, 3, 3, "ACTIVE"],
    [3, 2, 3, "NEEDS_ATTENTION"],
    [5, 1, 1, "NEW"],
    [4, 1, 3, "PROMISING"],
    [2, 2, 2, "ALMOST_LOST"],
    [1, 3, 3, "AT_RISK"],
    [2, 5, 5, "PREVIOUSLY_LOYAL"],
    [1, 1, 2, "DORMANT"],
  ] as const)("R=%i F=%i M=%i → %s", (r, f, m, group) => {
    expect(classifyRfm(r, f, m)).toBe(group);
  });

  it("rejects scores outside 1..5", () => {
    expect(() => classifyRfm(6, 1, 1)).toThrow(expect.objectContaining({ name: "AnalyticsInputError" }));
    expect(() => classifyRfm(3, 2.5, 1)).toThrow(expect.objectContaining({ reason: "INVALID_AMOUNT" }));
  });
});

describe("computeRfm on a hand-scored shop", () => {
  // Five buyers with distinct R, F, M so each score is 1 + (number of buyers strictly worse).
  const orders: AnalyticsOrder[] = [
    ...[1, 20, 40, 60, 80].map((d) => order("c1", daysBefore(d), 10_000)), // R 1 day, F 5, M 50000 → 5,5,5
    order("c2", daysBefore(10), 1_000), // R 10, F 1, M 1000 → 4,1,1
    order("c2", daysBefore(2), 90_000, { cancelled: true }),
    ...[30, 50, 70].map((d, i) => order("c3", daysBefore(d), [5_000, 7_000, 8_000][i])), // R 30, F 3, M 20000 → 3,3,3
    order("c3", new Date(asOf.getTime() + DAY), 1_000_000), // after asOf: ignored
    ...[100, 150, 200, 250].map((d) => order("c4", daysBefore(d), 10_000)), // R 100, F 4, M 40000 → 2,4,4
    order("c5", daysBefore(400), 3_000),
    order("c5", daysBefore(500), 4_000, { refundedMinor: 2_000 }), // R 400, F 2, M 5000 net → 1,2,2
    order("p3", daysBefore(5), 8_000, { test: true }),
    order(null, daysBefore(3), 4_000),
  ];
  const customers = [
    customer("c1"),
    customer("c2"),
    customer("c3"),
    customer("c4"),
    // c5 missing from the list on purpose: their orders still make them a customer.
    customer("p1"),
    customer("p2", new Date(asOf.getTime() + DAY)), // created after asOf
    customer("p3"),
  ];
  const snapshot = computeRfm({ customers, orders, asOf });
  const byId = new Map(snapshot.customers.map((c) => [c.customerId, c]));

  it("assigns the hand-derived scores and groups", () => {
    const rows = snapshot.customers.map((c) => [c.customerId, c.scores?.r, c.scores?.f, c.scores?.m, c.group]);
    expect(rows).toEqual([
      ["c1", 5, 5, 5, "CHAMPIONS"],
      ["c2", 4, 1, 1, "PROMISING"],
      ["c3", 3, 3, 3, "NEEDS_ATTENTION"],
      ["c4", 2, 4, 4, "PREVIOUSLY_LOYAL"],
      ["c5", 1, 2, 2, "DORMANT"],
      ["p1", undefined, undefined, undefined, "PROSPECTS"],
      ["p3", undefined, undefined, undefined, "PROSPECTS"],
    ]);
  });

  it("nets refunds, ignores cancelled/test/future orders and measures recency in whole days", () => {
    expect(byId.get("c5")).toMatchObject({ frequency: 2, monetaryMinor: 5_000, recencyDays: 400 });
    expect(byId.get("c2")).toMatchObject({ frequency: 1, monetaryMinor: 1_000, recencyDays: 10 });
    expect(byId.get("c3")).toMatchObject({ frequency: 3, monetaryMinor: 20_000 });
    expect(byId.get("p3")).toMatchObject({ frequency: 0, monetaryMinor: 0, recencyDays: null, scores: null });
    expect(byId.has("p2")).toBe(false);
  });

  it("segment summaries: size, share of 7, revenue, average CLV over members with a value", () => {
    const clv = new Map([
      ["c1", 90_000],
      ["c3", 15_000],
      ["c4", 30_000],
      ["p1", 500],
    ]);
    const summary = new Map(summarizeRfmSegments(snapshot, clv).map((s) => [s.group, s]));
    expect([...summary.keys()]).toEqual([...RFM_GROUPS]);
    expect(summary.get("CHAMPIONS")).toMatchObject({ customers: 1, orders: 5, revenueMinor: 50_000, averageClv: { value: 90_000 } });
    expect(summary.get("CHAMPIONS")?.share.value).toBeCloseTo(1 / 7, 12);
    expect(summary.get("PROMISING")?.averageClv).toEqual({ value: null, reason: "NO_CLV_VALUES" });
    expect(summary.get("LOYAL")).toMatchObject({ customers: 0, revenueMinor: 0, averageClv: { value: null, reason: "EMPTY_SEGMENT" } });
    expect(summary.get("PROSPECTS")).toMatchObject({
      customers: 2,
      customersWithClv: 1,
      averageClv: { value: 500 },
      averageRecencyDays: { value: null, reason: "NO_ORDERS" },
    });
    expect(summary.get("PREVIOUSLY_LOYAL")?.averageRecencyDays.value).toBe(100);
  });

  it("rejects a non-finite CLV with INVALID_CLV", () => {
    expect(() => summarizeRfmSegments(snapshot, new Map([["c1", Number.NaN]]))).toThrow(
      expect.objectContaining({ reason: "INVALID_CLV" }),
    );
  });

  it("empty shop: everyone (nobody) is a prospect, shares are null, no crash", () => {
    const empty = computeRfm({ customers: [customer("x")], orders: [], asOf });
    expect(empty.customers.map((c) => c.group)).toEqual(["PROSPECTS"]);
    const none = summarizeRfmSegments(computeRfm({ customers: [], orders: [], asOf }));
    expect(none.every((s) => s.customers === 0 && s.share.reason === "NO_CUSTOMERS")).toBe(true);
  });

  it("lists customers in id order whether the customer list arrives sorted, reversed or shuffled, with unlisted buyers merged in", () => {
    const expected = computeRfm({ customers, orders, asOf }).customers.map((c) => c.customerId);
    expect(expected).toEqual([...expected].sort());
    expect(expected).toContain("c5"); // a buyer missing from the list
    for (const list of [[...customers].reverse(), [customers[3], customers[0], customers[6], customers[1], customers[5], customers[2], customers[4]]]) {
      expect(computeRfm({ customers: list, orders, asOf })).toEqual(snapshot);
    }
  });

  it("rejects duplicate customer ids", () => {
    expect(() => computeRfm({ customers: [customer("a"), customer("a")], orders: [], asOf })).toThrow(
      expect.objectContaining({ reason: "DUPLICATE_CUSTOMER_ID" }),
    );
  });
});

describe("compareRfmSnapshots", () => {
  it("counts from→to transitions, entries and exits by hand", () => {
    const previous = new Map<string, RfmGroup>([
      ["a", "CHAMPIONS"],
      ["b", "NEW"],
      ["c", "AT_RISK"],
      ["d", "DORMANT"],
    ]);
    const current = new Map<string, RfmGroup>([
      ["a", "LOYAL"],
      ["b", "NEW"],
      ["c", "CHAMPIONS"],
      ["e", "NEW"],
    ]);
    const movement = compareRfmSnapshots(previous, current);
    expect(movement.matrix.CHAMPIONS.LOYAL).toBe(1);
    expect(movement.matrix.NEW.NEW).toBe(1);
    expect(movement.matrix.AT_RISK.CHAMPIONS).toBe(1);
    expect(movement.matrix.DORMANT.NONE).toBe(1);
    expect(movement.matrix.NONE.NEW).toBe(1);
    expect({ ...movement, matrix: undefined }).toEqual({ matrix: undefined, unchanged: 1, moved: 2, entered: 1, left: 1 });
    const total = Object.values(movement.matrix).reduce((sum, row) => sum + Object.values(row).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(5);
  });

  it("a NEW customer who stops buying drifts to a lapsed group between two snapshots of the same data", () => {
    const orders = [
      order("n", new Date("2025-01-10T00:00:00Z"), 1_000),
      ...["a", "b", "c", "d"].flatMap((id, i) => [
        order(id, new Date(Date.UTC(2024, 6 + i, 1)), 5_000),
        order(id, new Date(Date.UTC(2025, 3, 1 + i)), 5_000),
      ]),
    ];
    const customers = ["n", "a", "b", "c", "d", "z"].map((id) => customer(id));
    const january = computeRfm({ customers, orders, asOf: new Date("2025-01-15T00:00:00Z") });
    const may = computeRfm({ customers, orders, asOf: new Date("2025-05-01T00:00:00Z") });
    // Jan 15: n bought 5 days ago, most recent of five buyers → R5 with low FM → NEW.
    expect(january.customers.find((c) => c.customerId === "n")?.group).toBe("NEW");
    // May 1: n's order is the oldest of five → R1, still low FM → DORMANT.
    expect(may.customers.find((c) => c.customerId === "n")?.group).toBe("DORMANT");
    const movement = compareRfmSnapshots(january, may);
    expect(movement.matrix.NEW.DORMANT).toBe(1);
    expect(movement.matrix.PROSPECTS.PROSPECTS).toBe(1); // z never ordered
  });
});

describe("RFM invariants (fast-check, seeded)", () => {
  it("groups partition all customers: each appears once, with one of the 11 groups; buyers never PROSPECTS", () => {
    const ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const row = fc.record({
      customerId: fc.option(fc.constantFrom(...ids), { nil: null }),
      daysAgo: fc.integer({ min: -30, max: 800 }),
      totalMinor: fc.integer({ min: 0, max: 80_000 }),
      cancelled: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 50 }), fc.subarray(ids), (rows, listed) => {
        const orders = rows.map((r, i) => ({
          id: `z${i}`,
          customerId: r.customerId,
          processedAt: daysBefore(r.daysAgo),
          totalMinor: r.totalMinor,
          refundedMinor: 0,
          cancelled: r.cancelled,
          test: false,
        }));
        const snapshot = computeRfm({ customers: listed.map((id) => customer(id)), orders, asOf });
        const buyers = new Set(orders.filter((o) => !o.cancelled && o.customerId && o.processedAt < asOf).map((o) => o.customerId));
        const everyone = new Set([...listed, ...buyers]);
        expect(snapshot.customers.map((c) => c.customerId)).toEqual([...everyone].sort());
        const counts = summarizeRfmSegments(snapshot).reduce((sum, s) => sum + s.customers, 0);
        expect(counts).toBe(everyone.size);
        for (const c of snapshot.customers) {
          expect(RFM_GROUPS).toContain(c.group);
          expect(c.group === "PROSPECTS").toBe(!buyers.has(c.customerId));
        }
      }),
      { seed: 1105, numRuns: 100 },
    );
  });
});
