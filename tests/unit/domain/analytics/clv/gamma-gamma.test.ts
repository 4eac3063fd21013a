import { describe, expect, it } from "vitest";
import { ClvError } from "~/domain/analytics/clv/errors";
import {
  createExpectedAverageSpend,
  expectedAverageSpend,
  fitGammaGamma,
  gammaGammaExpectedAverageSpend,
  gammaGammaLogLikelihood,
  selectSpendRows,
} from "~/domain/analytics/clv/gamma-gamma";
import { findMismatches, loadCdnowSplit, loadReference, REFERENCE_GG, REFERENCE_GG_LL, relativeError } from "./cdnow-fixture";

const customers = () => loadCdnowSplit().customers;

describe("Gamma-Gamma on the CDNOW sample (946 repeaters)", () => {
  const rows = selectSpendRows(customers());
  const fit = fitGammaGamma(rows);

  it("fits on the 946 repeat buyers", () => {
    expect(rows).toHaveLength(946);
  });

  it("fit matches lifetimes' parameters within 1e-5 relative and LL -4055.9177 within 1e-6", () => {
    expect(fit.converged).toBe(true);
    for (const name of ["p", "q", "gamma"] as const) expect(relativeError(fit.params[name], REFERENCE_GG[name])).toBeLessThan(1e-5);
    expect(Math.abs(fit.logLikelihood - REFERENCE_GG_LL)).toBeLessThan(1e-6);
  });

  it("fit matches Fader-Hardie 2013 published estimates p 6.25, q 3.74, gamma 15.44", () => {
    expect(fit.params.p).toBeCloseTo(6.25, 2);
    expect(fit.params.q).toBeCloseTo(3.74, 2);
    expect(fit.params.gamma).toBeCloseTo(15.44, 2);
  });

  it("LL at the reference parameters equals lifetimes' total to 1e-8", () => {
    expect(Math.abs(gammaGammaLogLikelihood(REFERENCE_GG, rows) - REFERENCE_GG_LL)).toBeLessThan(1e-8);
  });

  it("E[M] for customers 1, 2, 3, 6, 9 matches lifetimes' test suite (24.6539, 18.9100, 35.1704, 71.4647, 27.2819)", () => {
    const byId = new Map(customers().map((c) => [c.customerId, c]));
    const expected: Record<string, number> = { "1": 24.6539, "2": 18.91, "3": 35.1704, "6": 71.4647, "9": 27.2819 };
    for (const [id, value] of Object.entries(expected)) {
      const c = byId.get(id)!;
      expect(expectedAverageSpend(fit.params, c.frequency, c.monetaryValue)).toBeCloseTo(value, 3);
    }
    // Rounded published parameters on the 2-decimal summary zbar (x = 7, zbar = 73.74) give REFERENCE §4's 71.4697.
    expect(expectedAverageSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 7, 73.74)).toBeCloseTo(71.4697, 4);
  });

  it("E[M] matches the reference for every customer (1e-8 rel with reference params, 1e-4 with ours)", () => {
    const byId = new Map(customers().map((c) => [c.customerId, c]));
    const reference = loadReference();
    const compute = (params: typeof REFERENCE_GG) => (row: (typeof reference)[number]) => {
      const c = byId.get(row.customerId)!;
      return expectedAverageSpend(params, c.frequency, c.monetaryValue);
    };
    expect(findMismatches(reference, compute(REFERENCE_GG), (row) => row.ggExpectedAvgSpend, 1e-8, 0)).toEqual([]);
    expect(findMismatches(reference, compute(fit.params), (row) => row.ggExpectedAvgSpend, 1e-4, 0)).toEqual([]);
  });

  it("population mean p*gamma/(q-1) = 35.170371 is what a customer with x = 0 gets", () => {
    expect(expectedAverageSpend(REFERENCE_GG, 0, 0)).toBeCloseTo(35.170371, 6);
  });

  it("E[M] lies between the population mean and the customer's own mean (shrinkage)", () => {
    const population = expectedAverageSpend(REFERENCE_GG, 0, 0);
    for (const row of rows.slice(0, 200)) {
      const m = expectedAverageSpend(REFERENCE_GG, row.frequency, row.monetaryValue);
      expect(m).toBeGreaterThanOrEqual(Math.min(population, row.monetaryValue) - 1e-9);
      expect(m).toBeLessThanOrEqual(Math.max(population, row.monetaryValue) + 1e-9);
    }
  });

  it("rejects q <= 1, zero spend rows and empty input with typed errors", () => {
    expect(() => expectedAverageSpend({ ...REFERENCE_GG, q: 0.9 }, 1, 10)).toThrow(ClvError);
    expect(() => fitGammaGamma([{ frequency: 2, monetaryValue: 0 }])).toThrow(/monetaryValue > 0/);
    expect(() => fitGammaGamma([])).toThrow(ClvError);
  });
});

describe("createExpectedAverageSpend (one parameter set, many customers)", () => {
  it("equals gammaGammaExpectedAverageSpend to the bit for every CDNOW customer", () => {
    const spend = createExpectedAverageSpend(REFERENCE_GG);
    const bad = loadCdnowSplit().customers.filter(
      (c) => !Object.is(spend(c.frequency, c.monetaryValue), gammaGammaExpectedAverageSpend(REFERENCE_GG, c.frequency, c.monetaryValue)),
    );
    expect(bad).toEqual([]);
  });

  it("rejects invalid parameters at the first call and a bad customer on any call, with typed errors", () => {
    expect(() => createExpectedAverageSpend({ ...REFERENCE_GG, q: 0.5 })(1, 10)).toThrow(expect.objectContaining({ reason: "invalid-parameters" }));
    const spend = createExpectedAverageSpend(REFERENCE_GG);
    expect(spend(1, 10)).toBeGreaterThan(0);
    expect(() => spend(1.5, 10)).toThrow(expect.objectContaining({ reason: "invalid-summary" }));
    expect(() => spend(2, -1)).toThrow(expect.objectContaining({ reason: "invalid-summary" }));
  });
});
