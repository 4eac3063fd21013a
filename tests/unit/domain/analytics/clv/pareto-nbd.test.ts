import { describe, expect, it } from "vitest";
import {
  fitParetoNbd,
  paretoNbdExpectedPurchases,
  paretoNbdExpectedPurchasesUnconditional,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
} from "~/domain/analytics/clv/pareto-nbd";
import { ClvError } from "~/domain/analytics/clv/errors";
import { computeCustomerClv } from "~/domain/analytics/clv/clv";
import { expectedAverageSpend, fitGammaGamma, selectSpendRows } from "~/domain/analytics/clv/gamma-gamma";
import { paretoNbdModel } from "~/domain/analytics/clv/pareto-nbd";
import {
  findMismatches,
  loadCdnowSplit,
  loadReference,
  REFERENCE_PNBD,
  REFERENCE_PNBD_LL,
  REFERENCE_PNBD_REFINED,
  relativeError,
} from "./cdnow-fixture";

const customers = () => loadCdnowSplit().customers;

/** Direct numerical integration of the individual-level likelihood over the lifetime τ (Simpson). */
function integrateLikelihood(p: typeof REFERENCE_PNBD, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const logRising = Array.from({ length: x }, (_, k) => Math.log(r + k)).reduce((a, b) => a + b, 0);
  const c = Math.exp(logRising + r * Math.log(alpha) + s * Math.log(beta));
  const alive = Math.pow(alpha + T, -(r + x)) * Math.pow(beta + T, -s);
  const n = 20_000;
  const h = (T - tx) / n;
  let integral = 0;
  for (let i = 0; i <= n; i++) {
    const tau = tx + i * h;
    const f = s * Math.pow(alpha + tau, -(r + x)) * Math.pow(beta + tau, -(s + 1));
    integral += f * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2);
  }
  return Math.log(c * (alive + (integral * h) / 3));
}

describe("Pareto/NBD on the CDNOW sample", () => {
  const fit = fitParetoNbd(customers());

  it("fit reaches lifetimes' refined optimum: LL within 1e-2 of -9594.9762, parameters within 2e-3 relative", () => {
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.logLikelihood - REFERENCE_PNBD_LL)).toBeLessThan(1e-2);
    for (const name of ["r", "alpha", "s", "beta"] as const) {
      expect(relativeError(fit.params[name], REFERENCE_PNBD_REFINED[name])).toBeLessThan(2e-3);
    }
  });

  it("fit matches the published Pareto/NBD estimates to 2 decimals (r .55, alpha 10.58, s .61, beta 11.67)", () => {
    expect(fit.params.r).toBeCloseTo(0.55, 2);
    expect(fit.params.alpha).toBeCloseTo(10.58, 2);
    expect(fit.params.s).toBeCloseTo(0.61, 2);
    expect(fit.params.beta).toBeCloseTo(11.67, 2);
  });

  it("closed-form LL at lifetimes' parameters equals -9594.976178992249 to 1e-8", () => {
    expect(Math.abs(paretoNbdLogLikelihood(REFERENCE_PNBD, customers()) - REFERENCE_PNBD_LL)).toBeLessThan(1e-8);
  });

  it("closed-form LL agrees with direct numerical integration over the lifetime to 1e-8, for alpha > beta and alpha < beta", () => {
    const far = { r: 0.5, alpha: 40, s: 0.8, beta: 0.5 };
    for (const params of [REFERENCE_PNBD, far, { ...far, alpha: 0.5, beta: 40 }]) {
      for (const [x, tx, T] of [
        [0, 0, 38],
        [2, 30.43, 38.86],
        [26, 30.86, 31],
        [21, 4.71, 29.29],
      ]) {
        const closed = paretoNbdLogLikelihood(params, [{ frequency: x, recency: tx, T }]);
        expect(Math.abs(closed - integrateLikelihood(params, x, tx, T))).toBeLessThan(1e-8);
      }
    }
  });

  it("reproduces the BTYD walkthrough: E[X(52) | 26, 30.86, 31] = 25.46 and P(alive) = 0.9979", () => {
    expect(paretoNbdExpectedPurchases(REFERENCE_PNBD, 52, 26, 30.86, 31)).toBeCloseTo(25.456494, 5);
    expect(paretoNbdExpectedPurchases(fit.params, 52, 26, 30.86, 31)).toBeCloseTo(25.46, 2);
    expect(paretoNbdProbabilityAlive(REFERENCE_PNBD, 26, 30.86, 31)).toBeCloseTo(0.997918, 6);
    const btyd = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
    expect(paretoNbdProbabilityAlive(btyd, 26, 30.86, 31)).toBeCloseTo(0.9979, 4);
  });

  it("per-customer E[X(39)] and P(alive) with lifetimes' params match the reference for every customer (1e-8 rel, 1e-12 abs)", () => {
    const byId = new Map(customers().map((c) => [c.customerId, c]));
    const reference = loadReference();
    const bad = [
      ...findMismatches(
        reference,
        (row) => {
          const c = byId.get(row.customerId)!;
          return paretoNbdExpectedPurchases(REFERENCE_PNBD, 39, c.frequency, c.recency, c.T);
        },
        (row) => row.pnbdExpectedHoldout,
        1e-8,
        1e-12,
      ),
      ...findMismatches(
        reference,
        (row) => {
          const c = byId.get(row.customerId)!;
          return paretoNbdProbabilityAlive(REFERENCE_PNBD, c.frequency, c.recency, c.T);
        },
        (row) => row.pnbdPAlive,
        1e-8,
        1e-12,
      ),
    ];
    expect(bad).toEqual([]);
  });

  it("per-customer E[X(39)] and P(alive) with our fitted params match the reference for every customer (1e-3 rel, 1e-6 abs)", () => {
    const byId = new Map(customers().map((c) => [c.customerId, c]));
    const reference = loadReference();
    const bad = [
      ...findMismatches(
        reference,
        (row) => {
          const c = byId.get(row.customerId)!;
          return paretoNbdExpectedPurchases(fit.params, 39, c.frequency, c.recency, c.T);
        },
        (row) => row.pnbdExpectedHoldout,
        1e-3,
        1e-6,
      ),
      ...findMismatches(
        reference,
        (row) => {
          const c = byId.get(row.customerId)!;
          return paretoNbdProbabilityAlive(fit.params, c.frequency, c.recency, c.T);
        },
        (row) => row.pnbdPAlive,
        1e-3,
        1e-6,
      ),
    ];
    expect(bad).toEqual([]);
  });

  it("12-month CLV from our fitted Pareto/NBD + Gamma-Gamma matches the reference for every customer (1e-3 rel, 1e-6 abs)", () => {
    const spend = fitGammaGamma(selectSpendRows(customers()), { computeStandardErrors: false }).params;
    const byId = new Map(customers().map((c) => [c.customerId, c]));
    const bad = findMismatches(
      loadReference(),
      (row) => {
        const c = byId.get(row.customerId)!;
        return computeCustomerClv(paretoNbdModel, fit.params, c, expectedAverageSpend(spend, c.frequency, c.monetaryValue));
      },
      (row) => row.clv12mPnbdGg,
      1e-3,
      1e-6,
    );
    expect(bad).toEqual([]);
  });

  it("unconditional E[X(t)] is 0 at t = 0, increasing, and has the s = 1 limit ln(1 + t/beta) r beta/alpha", () => {
    expect(paretoNbdExpectedPurchasesUnconditional(REFERENCE_PNBD, 0)).toBe(0);
    expect(paretoNbdExpectedPurchasesUnconditional(REFERENCE_PNBD, 78)).toBeGreaterThan(paretoNbdExpectedPurchasesUnconditional(REFERENCE_PNBD, 39));
    const p = { r: 0.5, alpha: 10, s: 1, beta: 12 };
    expect(paretoNbdExpectedPurchasesUnconditional(p, 39)).toBeCloseTo(((0.5 * 12) / 10) * Math.log1p(39 / 12), 12);
  });

  it("closed form stays accurate for alpha/beta = 1e5 (z = 0.99999), checked against integration in log-time", () => {
    // Substituting u = ln(beta + tau) makes the integrand smooth where beta is tiny.
    const p = { r: 0.4, alpha: 50, s: 0.7, beta: 5e-4 };
    for (const [x, tx, T] of [
      [0, 0, 30],
      [3, 10, 30],
    ]) {
      const { r, alpha, s, beta } = p;
      const lower = Math.log(beta + tx);
      const upper = Math.log(beta + T);
      const n = 200_000;
      const h = (upper - lower) / n;
      let integral = 0;
      for (let i = 0; i <= n; i++) {
        const u = lower + i * h;
        const tau = Math.exp(u) - beta;
        const f = s * Math.pow(alpha + tau, -(r + x)) * Math.exp(-(s + 1) * u) * Math.exp(u);
        integral += f * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2);
      }
      let logRising = 0;
      for (let k = 0; k < x; k++) logRising += Math.log(r + k);
      const alive = Math.pow(alpha + T, -(r + x)) * Math.pow(beta + T, -s);
      const direct = logRising + r * Math.log(alpha) + s * Math.log(beta) + Math.log(alive + (integral * h) / 3);
      expect(Math.abs(paretoNbdLogLikelihood(p, [{ frequency: x, recency: tx, T }]) - direct)).toBeLessThan(1e-7);
    }
  });

  it("stays finite for widely separated alpha and beta (|alpha - beta| / max = 0.999)", () => {
    const p = { r: 0.5, alpha: 1000, s: 0.6, beta: 1 };
    const ll = paretoNbdLogLikelihood(p, customers().slice(0, 200));
    expect(Number.isFinite(ll)).toBe(true);
    const alive = paretoNbdProbabilityAlive({ r: 0.5, alpha: 1, s: 0.6, beta: 1000 }, 5, 10, 38);
    expect(alive).toBeGreaterThan(0);
    expect(alive).toBeLessThanOrEqual(1);
  });

  it("rejects bad parameters with a typed error", () => {
    expect(() => paretoNbdProbabilityAlive({ ...REFERENCE_PNBD, s: 0 }, 1, 1, 2)).toThrow(ClvError);
  });
});
