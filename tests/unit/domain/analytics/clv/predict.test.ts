import { describe, expect, it } from "vitest";
import { bgNbdModel, fitBgNbd } from "~/domain/analytics/clv/bg-nbd";
import { fitGammaGamma, selectSpendRows } from "~/domain/analytics/clv/gamma-gamma";
import { paretoNbdModel } from "~/domain/analytics/clv/pareto-nbd";
import { computeMedianWeeksToNextPurchase, predictCustomers } from "~/domain/analytics/clv/predict";
import { drawParameterSamples, invertPositiveDefinite } from "~/domain/analytics/clv/uncertainty";
import { runClvPipeline } from "~/domain/analytics/clv/pipeline";
import { parseTransactionsCsv } from "~/domain/analytics/clv/transactions-csv";
import { findMismatches, loadCdnowSplit, loadCdnowText, loadReference, REFERENCE_BGNBD, REFERENCE_PNBD } from "./cdnow-fixture";

describe("per-customer predictions and uncertainty on CDNOW", () => {
  const customers = loadCdnowSplit().customers;
  const fit = fitBgNbd(customers);
  const spendFit = fitGammaGamma(selectSpendRows(customers));

  it("standard errors from the numerical Hessian match lifetimes' (BG/NBD r .012557, alpha .378224, a .185734, b .705414) within 1e-3", () => {
    const want = { r: 0.012557, alpha: 0.378224, a: 0.185734, b: 0.705414 };
    for (const [name, value] of Object.entries(want)) {
      expect(Math.abs(fit.standardErrors![name as keyof typeof want] / value - 1)).toBeLessThan(1e-3);
    }
  });

  it("Gamma-Gamma standard errors match lifetimes' (p 1.190055, q .290133, gamma 4.159423) within 1e-3", () => {
    const want = { p: 1.190055, q: 0.290133, gamma: 4.159423 };
    for (const [name, value] of Object.entries(want)) {
      expect(Math.abs(spendFit.standardErrors![name as keyof typeof want] / value - 1)).toBeLessThan(1e-3);
    }
  });

  const predictions = predictCustomers(customers, { model: bgNbdModel, fit, spendFit }, { horizonWeeks: 39, calibrationEnd: "1997-09-30", range: { draws: 40, seed: 7 } });

  it("expected purchases, P(alive), spend and CLV agree with the reference file for every customer (1e-4 rel, 1e-9 abs)", () => {
    const byId = new Map(predictions.map((p) => [p.customerId, p]));
    const reference = loadReference();
    const bad = [
      ...findMismatches(reference, (r) => byId.get(r.customerId)!.expectedPurchases, (r) => r.bgnbdExpectedHoldout, 1e-4, 1e-9),
      ...findMismatches(reference, (r) => byId.get(r.customerId)!.probabilityAlive!, (r) => r.bgnbdPAlive, 1e-4, 1e-9),
      ...findMismatches(reference, (r) => byId.get(r.customerId)!.expectedAverageSpend, (r) => r.ggExpectedAvgSpend, 1e-4, 0),
      ...findMismatches(reference, (r) => byId.get(r.customerId)!.predictedClv, (r) => r.clv12mBgnbdGg, 1e-4, 1e-9),
    ];
    expect(bad).toEqual([]);
  });

  it("next order: the median wait given alive, so P(no purchase within it | alive) = 1/2; dated from the calibration end", () => {
    const c = customers.find((x) => x.customerId === "1")!;
    const p = predictions.find((x) => x.customerId === "1")!;
    const weeks = p.nextOrderInDays! / 7;
    const shape = fit.params.r + c.frequency;
    const rate = fit.params.alpha + c.T;
    expect(Math.pow(rate / (rate + weeks), shape)).toBeCloseTo(0.5, 12);
    expect(p.nextOrderDate).toBe(new Date(Date.UTC(1997, 8, 30 + Math.round(p.nextOrderInDays!))).toISOString().slice(0, 10));
    expect(computeMedianWeeksToNextPurchase(1, 10)).toBeCloseTo(10, 12);
  });

  it("CLV range: clvLow <= CLV <= clvHigh for every customer, and the same seed gives the same range", () => {
    for (const p of predictions) {
      expect(p.clvLow!).toBeLessThanOrEqual(p.predictedClv);
      expect(p.clvHigh!).toBeGreaterThanOrEqual(p.predictedClv);
    }
    const again = predictCustomers(customers.slice(0, 5), { model: bgNbdModel, fit, spendFit }, { range: { draws: 40, seed: 7 } });
    expect(again.map((p) => [p.clvLow, p.clvHigh])).toEqual(predictions.slice(0, 5).map((p) => [p.clvLow, p.clvHigh]));
    const other = predictCustomers(customers.slice(0, 5), { model: bgNbdModel, fit, spendFit }, { range: { draws: 40, seed: 8 } });
    expect(other[0].clvLow).not.toBe(predictions[0].clvLow);
  });

  it("bootstrap draws reproduce the log-parameter covariance (4,000 seeded draws, diagonal within 10 %)", () => {
    const values = [fit.params.r, fit.params.alpha, fit.params.a, fit.params.b];
    const draws = drawParameterSamples(values, fit.covarianceLog!, 4000, 123).map((d) => d.map(Math.log));
    for (let i = 0; i < 4; i++) {
      const mean = draws.reduce((s, d) => s + d[i], 0) / draws.length;
      const variance = draws.reduce((s, d) => s + (d[i] - mean) ** 2, 0) / (draws.length - 1);
      expect(Math.abs(mean - Math.log(values[i]))).toBeLessThan(4 * Math.sqrt(fit.covarianceLog![i][i] / draws.length));
      expect(Math.abs(variance / fit.covarianceLog![i][i] - 1)).toBeLessThan(0.1);
    }
  });

  it("invertPositiveDefinite inverts and rejects a non-positive-definite matrix", () => {
    const inverse = invertPositiveDefinite([
      [4, 2],
      [2, 3],
    ])!;
    expect(inverse[0][0]).toBeCloseTo(3 / 8, 14);
    expect(inverse[0][1]).toBeCloseTo(-2 / 8, 14);
    expect(inverse[1][1]).toBeCloseTo(4 / 8, 14);
    expect(
      invertPositiveDefinite([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
  });

  it("Pareto/NBD predictions use the same surface (reference params: customer 1516 E[X(39)] = 20.114925)", () => {
    const c = customers.find((x) => x.customerId === "1516")!;
    const [p] = predictCustomers([c], { model: paretoNbdModel, fit: { params: REFERENCE_PNBD, logLikelihood: 0, converged: true, iterations: 0, message: "reference" } }, { range: { draws: 0 } });
    expect(p.expectedPurchases).toBeCloseTo(20.114925, 5);
    expect(p.clvLow).toBeNull();
    expect(REFERENCE_BGNBD.r).toBeGreaterThan(0);
  });
});

describe("shared customer curves (the fast path of predictCustomers)", () => {
  const customers = loadCdnowSplit().customers;
  const horizons = [0, 4.345, 39, 52.14];
  for (const [model, params] of [
    [bgNbdModel, REFERENCE_BGNBD],
    [paretoNbdModel, REFERENCE_PNBD],
  ] as const) {
    it(`${model.name}: P(alive) and E[X(t)] equal the per-customer functions to the bit for all 2,357 CDNOW customers`, () => {
      // Twice over the customers, so the second pass reads only remembered pieces.
      const curves = (model.createCustomerCurves as (p: typeof params) => ReturnType<typeof bgNbdModel.createCustomerCurves>)(params);
      const mismatches: string[] = [];
      for (let pass = 0; pass < 2; pass++) {
        for (const c of customers) {
          const shared = curves(c.frequency, c.recency, c.T);
          const alive = (model.probabilityAlive as (p: typeof params, x: number, tx: number, T: number) => number)(params, c.frequency, c.recency, c.T);
          if (!Object.is(shared.probabilityAlive, alive)) mismatches.push(`${c.customerId} P(alive)`);
          const single = (model.createExpectedPurchasesCurve as (p: typeof params, x: number, tx: number, T: number) => (t: number) => number)(params, c.frequency, c.recency, c.T);
          for (const t of horizons) if (!Object.is(shared.expectedPurchases(t), single(t))) mismatches.push(`${c.customerId} E[X(${t})]`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it("rejects invalid parameters and triples with the same typed errors as the per-customer functions", () => {
    expect(() => bgNbdModel.createCustomerCurves({ ...REFERENCE_BGNBD, a: -1 })).toThrow(expect.objectContaining({ reason: "invalid-parameters" }));
    expect(() => paretoNbdModel.createCustomerCurves({ ...REFERENCE_PNBD, beta: 0 })).toThrow(expect.objectContaining({ reason: "invalid-parameters" }));
    expect(() => bgNbdModel.createCustomerCurves(REFERENCE_BGNBD)(1, 5, 2)).toThrow(expect.objectContaining({ reason: "invalid-summary" }));
    expect(() => paretoNbdModel.createCustomerCurves(REFERENCE_PNBD)(0, 1, 2)).toThrow(expect.objectContaining({ reason: "invalid-summary" }));
  });
});

describe("runClvPipeline without predictions", () => {
  it("predict: false fits the same model and parameters and leaves predictions empty", () => {
    const { transactions } = parseTransactionsCsv(loadCdnowText());
    const options = { calibrationEnd: "1997-09-30", model: "bg-nbd" as const, rangeDraws: 0 };
    const full = runClvPipeline(transactions, options);
    const bare = runClvPipeline(transactions, { ...options, predict: false });
    expect(bare.predictions).toEqual([]);
    expect(full.predictions.length).toBe(2357);
    expect({ ...bare, predictions: null }).toEqual({ ...full, predictions: null });
  });
});
