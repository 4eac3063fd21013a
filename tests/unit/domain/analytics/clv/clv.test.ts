import { describe, expect, it } from "vitest";
import { bgNbdModel } from "~/domain/analytics/clv/bg-nbd";
import { computeCustomerClv, computeDiscountedValue, createDiscountedValue } from "~/domain/analytics/clv/clv";
import { ClvError } from "~/domain/analytics/clv/errors";
import { expectedAverageSpend } from "~/domain/analytics/clv/gamma-gamma";
import { paretoNbdModel } from "~/domain/analytics/clv/pareto-nbd";
import { findMismatches, loadCdnowSplit, loadReference, REFERENCE_BGNBD, REFERENCE_GG, REFERENCE_PNBD } from "./cdnow-fixture";

describe("12-month CLV (REFERENCE §2: 4.345 weeks per month, 1 % monthly discount)", () => {
  const customers = loadCdnowSplit().customers;
  const byId = new Map(customers.map((c) => [c.customerId, c]));
  const reference = loadReference();
  const spend = (id: string) => {
    const c = byId.get(id)!;
    return expectedAverageSpend(REFERENCE_GG, c.frequency, c.monetaryValue);
  };

  it("BG/NBD+GG and Pareto/NBD+GG CLV match lifetimes for every customer (1e-8 rel, 1e-12 abs)", () => {
    const bg = findMismatches(
      reference,
      (row) => computeCustomerClv(bgNbdModel, REFERENCE_BGNBD, byId.get(row.customerId)!, spend(row.customerId)),
      (row) => row.clv12mBgnbdGg,
      1e-8,
      1e-12,
    );
    const pn = findMismatches(
      reference,
      (row) => computeCustomerClv(paretoNbdModel, REFERENCE_PNBD, byId.get(row.customerId)!, spend(row.customerId)),
      (row) => row.clv12mPnbdGg,
      1e-8,
      1e-12,
    );
    expect(bg).toEqual([]);
    expect(pn).toEqual([]);
  });

  it("reproduces the §7 checksums over all 2,357 customers", () => {
    let sums = { bgAlive: 0, pnAlive: 0, bgE: 0, pnE: 0, gg: 0, bgClv: 0, pnClv: 0 };
    for (const c of customers) {
      const m = expectedAverageSpend(REFERENCE_GG, c.frequency, c.monetaryValue);
      sums = {
        bgAlive: sums.bgAlive + bgNbdModel.probabilityAlive(REFERENCE_BGNBD, c.frequency, c.recency, c.T),
        pnAlive: sums.pnAlive + paretoNbdModel.probabilityAlive(REFERENCE_PNBD, c.frequency, c.recency, c.T),
        bgE: sums.bgE + bgNbdModel.expectedPurchases(REFERENCE_BGNBD, 39, c.frequency, c.recency, c.T),
        pnE: sums.pnE + paretoNbdModel.expectedPurchases(REFERENCE_PNBD, 39, c.frequency, c.recency, c.T),
        gg: sums.gg + m,
        bgClv: sums.bgClv + computeCustomerClv(bgNbdModel, REFERENCE_BGNBD, c, m),
        pnClv: sums.pnClv + computeCustomerClv(paretoNbdModel, REFERENCE_PNBD, c, m),
      };
    }
    expect(sums.bgAlive).toBeCloseTo(1917.277656, 5);
    expect(sums.pnAlive).toBeCloseTo(1051.876927, 5);
    expect(sums.bgE).toBeCloseTo(1653.408724, 5);
    expect(sums.pnE).toBeCloseTo(1665.526548, 5);
    expect(sums.gg).toBeCloseTo(83089.607726, 4);
    expect(sums.bgClv).toBeCloseTo(71507.953316, 4);
    expect(sums.pnClv).toBeCloseTo(72316.309616, 4);
  });

  it("the five reference customers of §5 (1, 2, 3, 1516, 1901)", () => {
    const want: Record<string, [number, number]> = {
      "1": [36.273977, 43.074804],
      "2": [4.640936, 3.88501],
      "3": [8.344481, 4.521246],
      "1516": [972.045414, 958.963644],
    };
    for (const [id, [bg, pn]] of Object.entries(want)) {
      expect(computeCustomerClv(bgNbdModel, REFERENCE_BGNBD, byId.get(id)!, spend(id))).toBeCloseTo(bg, 5);
      expect(computeCustomerClv(paretoNbdModel, REFERENCE_PNBD, byId.get(id)!, spend(id))).toBeCloseTo(pn, 5);
    }
    expect(Math.abs(computeCustomerClv(bgNbdModel, REFERENCE_BGNBD, byId.get("1901")!, spend("1901")) - 1.573e-7)).toBeLessThan(1e-10);
    expect(Math.abs(computeCustomerClv(paretoNbdModel, REFERENCE_PNBD, byId.get("1901")!, spend("1901")) - 1.431e-4)).toBeLessThan(1e-7);
  });

  it("discounting: zero rate sums the raw increments; a higher rate never raises CLV", () => {
    const curve = (t: number) => 0.1 * t;
    expect(computeDiscountedValue(curve, 10, { discountRate: 0 })).toBeCloseTo(10 * 0.1 * 4.345 * 12, 10);
    expect(computeDiscountedValue(curve, 10, { discountRate: 0.05 })).toBeLessThan(computeDiscountedValue(curve, 10, { discountRate: 0.01 }));
  });

  it("rejects bad options with typed errors", () => {
    expect(() => computeDiscountedValue(() => 1, 10, { months: 0 })).toThrow(ClvError);
    expect(() => computeDiscountedValue(() => 1, 10, { discountRate: -1 })).toThrow(ClvError);
    expect(() => computeDiscountedValue(() => 1, Number.NaN)).toThrow(ClvError);
  });
});

describe("createDiscountedValue (one curve, many spends)", () => {
  it("equals computeDiscountedValue to the bit for every CDNOW customer's curve and several spends and rates", () => {
    const customers = loadCdnowSplit().customers;
    const mismatches: string[] = [];
    for (const options of [{}, { discountRate: 0.05, months: 24 }]) {
      for (const c of customers.slice(0, 400)) {
        const curve = bgNbdModel.createExpectedPurchasesCurve(REFERENCE_BGNBD, c.frequency, c.recency, c.T);
        const value = createDiscountedValue(curve, options);
        for (const spend of [0, 12.5, c.monetaryValue, 1e6]) {
          if (!Object.is(value(spend), computeDiscountedValue(curve, spend, options))) mismatches.push(`${c.customerId} ${spend}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("rejects a negative spend and bad options with the same typed errors", () => {
    expect(() => createDiscountedValue(() => 1)(-1)).toThrow(expect.objectContaining({ reason: "invalid-option" }));
    expect(() => createDiscountedValue(() => 1, { months: 0 })).toThrow(expect.objectContaining({ reason: "invalid-option" }));
  });
});
