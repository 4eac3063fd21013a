import { describe, expect, it } from "vitest";
import {
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesUnconditional,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
} from "~/domain/analytics/clv/bg-nbd";
import { ClvError } from "~/domain/analytics/clv/errors";
import { findMismatches, loadCdnowSplit, loadReference, REFERENCE_BGNBD, REFERENCE_BGNBD_LL, relativeError } from "./cdnow-fixture";

const customers = () => loadCdnowSplit().customers;
const rowsById = () => new Map(customers().map((c) => [c.customerId, c]));

describe("BG/NBD on the CDNOW sample", () => {
  const fit = fitBgNbd(customers());

  it("fit matches lifetimes' full-precision parameters within 1e-5 relative and LL within 1e-6", () => {
    expect(fit.converged).toBe(true);
    for (const name of ["r", "alpha", "a", "b"] as const) {
      expect(relativeError(fit.params[name], REFERENCE_BGNBD[name])).toBeLessThan(1e-5);
    }
    expect(Math.abs(fit.logLikelihood - REFERENCE_BGNBD_LL)).toBeLessThan(1e-6);
  });

  it("fit matches Fader-Hardie-Lee 2005 published estimates to 3 decimals (r .243, alpha 4.414, a .793, b 2.426, LL -9582.4)", () => {
    expect(fit.params.r).toBeCloseTo(0.243, 3);
    expect(fit.params.alpha).toBeCloseTo(4.414, 3);
    expect(fit.params.a).toBeCloseTo(0.793, 3);
    expect(fit.params.b).toBeCloseTo(2.426, 3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
  });

  it("total LL at the reference parameters equals lifetimes' LL to 1e-8", () => {
    expect(Math.abs(bgNbdLogLikelihood(REFERENCE_BGNBD, customers()) - REFERENCE_BGNBD_LL)).toBeLessThan(1e-8);
  });

  it("reproduces Hardie's spreadsheet E[X(39) | x=2, t_x=30.43, T=38.86] = 1.226", () => {
    expect(bgNbdExpectedPurchases(fit.params, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    expect(bgNbdExpectedPurchases(REFERENCE_BGNBD, 39, 2, 30.43, 38.86)).toBeCloseTo(1.225907, 6);
    expect(bgNbdExpectedPurchases(REFERENCE_BGNBD, 39, 2, 213 / 7, 272 / 7)).toBeCloseTo(1.2259944, 7);
  });

  it("unconditional E[X(t)] matches the published list 0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576 and lifetimes to 1e-6", () => {
    const ts = [0.1429, 1, 3, 31.8571, 32, 78];
    const lifetimes = [0.007816, 0.053184, 0.150631, 1.040489, 1.043732, 1.857958];
    const published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    ts.forEach((t, i) => {
      const value = bgNbdExpectedPurchasesUnconditional(REFERENCE_BGNBD, t);
      expect(Math.abs(value - lifetimes[i])).toBeLessThan(1e-6);
      expect(Math.abs(value - published[i])).toBeLessThan(5e-4);
    });
  });

  it("per-customer E[X(39)] and P(alive) with reference params match lifetimes for every customer (1e-8 rel, 1e-12 abs)", () => {
    const byId = rowsById();
    const reference = loadReference();
    const expected = findMismatches(
      reference,
      (row) => {
        const c = byId.get(row.customerId)!;
        return bgNbdExpectedPurchases(REFERENCE_BGNBD, 39, c.frequency, c.recency, c.T);
      },
      (row) => row.bgnbdExpectedHoldout,
      1e-8,
      1e-12,
    );
    const alive = findMismatches(
      reference,
      (row) => {
        const c = byId.get(row.customerId)!;
        return bgNbdProbabilityAlive(REFERENCE_BGNBD, c.frequency, c.recency, c.T);
      },
      (row) => row.bgnbdPAlive,
      1e-8,
      1e-12,
    );
    expect(reference).toHaveLength(2357);
    expect(expected).toEqual([]);
    expect(alive).toEqual([]);
  });

  it("per-customer E[X(39)] and P(alive) with our fitted params match lifetimes for every customer (1e-4 rel, 1e-9 abs)", () => {
    const byId = rowsById();
    const reference = loadReference();
    const bad = [
      ...findMismatches(
        reference,
        (row) => {
          const c = byId.get(row.customerId)!;
          return bgNbdExpectedPurchases(fit.params, 39, c.frequency, c.recency, c.T);
        },
        (row) => row.bgnbdExpectedHoldout,
        1e-4,
        1e-9,
      ),
      ...findMismatches(
        reference,
        (row) => {
          const c = byId.get(row.customerId)!;
          return bgNbdProbabilityAlive(fit.params, c.frequency, c.recency, c.T);
        },
        (row) => row.bgnbdPAlive,
        1e-4,
        1e-9,
      ),
    ];
    expect(bad).toEqual([]);
  });

  it("P(alive) is in [0, 1], equals 1 for x = 0, and E[X(t)] grows with t", () => {
    for (const c of customers().slice(0, 300)) {
      const p = bgNbdProbabilityAlive(REFERENCE_BGNBD, c.frequency, c.recency, c.T);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      if (c.frequency === 0) expect(p).toBe(1);
      const e10 = bgNbdExpectedPurchases(REFERENCE_BGNBD, 10, c.frequency, c.recency, c.T);
      const e20 = bgNbdExpectedPurchases(REFERENCE_BGNBD, 20, c.frequency, c.recency, c.T);
      expect(e20).toBeGreaterThanOrEqual(e10);
    }
  });

  it("very frequent buyers (alpha down to 1e-4 weeks, z = t/(alpha+T+t) -> 1) still get finite forecasts increasing in t", () => {
    for (const alpha of [0.1, 0.01, 1e-4]) {
      for (const a of [0.3, 0.8, 2]) {
        const p = { r: 0.5, alpha, a, b: 2.5 };
        const e26 = bgNbdExpectedPurchases(p, 26, 0, 0, 0);
        const e52 = bgNbdExpectedPurchases(p, 52, 0, 0, 0);
        expect(Number.isFinite(e52)).toBe(true);
        expect(e52).toBeGreaterThan(e26);
        expect(bgNbdExpectedPurchasesUnconditional(p, 52)).toBeCloseTo(e52, 9);
      }
    }
  });

  it("a = 1 (removable singularity) gives a finite value between its neighbours", () => {
    const at = (a: number) => bgNbdExpectedPurchases({ ...REFERENCE_BGNBD, a }, 39, 3, 20, 38);
    expect(at(1)).toBeGreaterThan(Math.min(at(0.999), at(1.001)));
    expect(at(1)).toBeLessThan(Math.max(at(0.999), at(1.001)));
  });

  it("rejects bad parameters and summaries with typed errors", () => {
    expect(() => bgNbdProbabilityAlive({ ...REFERENCE_BGNBD, a: -1 }, 1, 1, 2)).toThrow(ClvError);
    expect(() => bgNbdProbabilityAlive(REFERENCE_BGNBD, 2, 5, 3)).toThrow(/recency/);
    expect(() => bgNbdExpectedPurchases(REFERENCE_BGNBD, Number.NaN, 1, 1, 2)).toThrow(/horizon/);
    expect(() => fitBgNbd([])).toThrow(ClvError);
  });
});
