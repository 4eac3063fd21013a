import { describe, expect, it } from "vitest";
import type { Transaction } from "~/domain/analytics/clv/data-prep";
import { fitBgNbd } from "~/domain/analytics/clv/bg-nbd";
import { fitParetoNbd } from "~/domain/analytics/clv/pareto-nbd";
import type { CustomerPrediction } from "~/domain/analytics/clv/predict";
import { runClvPipeline } from "~/domain/analytics/clv/pipeline";
import { simulateBgNbdTransactions } from "~/domain/analytics/clv/simulate";
import { assessDataSufficiency, computePooledRepeatRate } from "~/domain/analytics/clv/small-data";
import { createMulberry32 } from "~/domain/shared/random";

function expectFiniteNonNegative(predictions: CustomerPrediction[]) {
  for (const p of predictions) {
    for (const value of [p.expectedPurchases, p.expectedAverageSpend, p.predictedClv, p.probabilityAlive, p.nextOrderInDays, p.clvLow, p.clvHigh]) {
      if (value === null) continue;
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
    }
  }
}

/** n customers with a seeded number of repeat days each, spread over 2024. */
function makeTransactions(n: number, seed: number, amount = (rng: () => number) => 5 + Math.round(rng() * 5000) / 100): Transaction[] {
  const rng = createMulberry32(seed);
  const out: Transaction[] = [];
  for (let i = 0; i < n; i++) {
    const first = Math.floor(rng() * 60);
    const repeats = rng() < 0.4 ? 1 + Math.floor(rng() * 5) : 0;
    const days = [first, ...Array.from({ length: repeats }, () => first + 1 + Math.floor(rng() * (300 - first)))];
    for (const d of days) out.push({ customerId: `c${i}`, date: new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10), amount: amount(rng) });
  }
  return out;
}

describe("small-data policy and degenerate inputs", { timeout: 30_000 }, () => {
  it("below 200 customers or 20 repeaters reports insufficient-data with threshold and have", () => {
    expect(assessDataSufficiency(Array.from({ length: 199 }, () => ({ frequency: 1 })))).toMatchObject({
      status: "insufficient-data",
      threshold: { customers: 200, repeaters: 20 },
      have: { customers: 199, repeaters: 199 },
    });
    expect(assessDataSufficiency(Array.from({ length: 500 }, (_, i) => ({ frequency: i < 19 ? 2 : 0 }))).status).toBe("insufficient-data");
    expect(assessDataSufficiency(Array.from({ length: 500 }, (_, i) => ({ frequency: i < 20 ? 2 : 0 }))).status).toBe("ok");
  });

  it("one customer with one purchase: historical-average fallback, all values finite, CLV 0", () => {
    const result = runClvPipeline([{ customerId: "a", date: "2024-01-01", amount: 10 }]);
    expect(result.status).toBe("insufficient-data");
    expect(result.model).toBe("historical-average");
    expect(result.predictions).toHaveLength(1);
    expect(result.predictions[0]).toMatchObject({ expectedPurchases: 0, predictedClv: 0, expectedAverageSpend: 10, probabilityAlive: null });
    expectFiniteNonNegative(result.predictions);
  });

  it("300 customers, 0 repeaters: insufficient-data, pooled rate 0, finite zero forecasts", () => {
    const tx = Array.from({ length: 300 }, (_, i) => ({ customerId: `c${i}`, date: `2024-0${1 + (i % 9)}-15`, amount: 20 }));
    const result = runClvPipeline(tx);
    expect(result.status).toBe("insufficient-data");
    expect(result.sufficiency).toMatchObject({ have: { customers: 300, repeaters: 0 } });
    expect(result.predictions.every((p) => p.expectedPurchases === 0 && p.predictedClv === 0)).toBe(true);
    expectFiniteNonNegative(result.predictions);
  });

  it("everything on one day (T = 0 for all, same-day rows merged): finite fallback, no NaN", () => {
    const tx = Array.from({ length: 600 }, (_, i) => ({ customerId: `c${i % 300}`, date: "2024-05-05", amount: 10 }));
    const result = runClvPipeline(tx);
    expect(result.status).toBe("insufficient-data");
    expect(computePooledRepeatRate(result.customers)).toBe(0);
    expect(result.predictions[0]).toMatchObject({ frequency: 0, T: 0, expectedAverageSpend: 20, predictedClv: 0, nextOrderInDays: null });
    expectFiniteNonNegative(result.predictions);
  });

  it("fallback with some history: pooled rate Σx/ΣT times the horizon, spend = own average order value", () => {
    const tx = makeTransactions(150, 3);
    const result = runClvPipeline(tx, { horizonWeeks: 10 });
    expect(result.status).toBe("insufficient-data");
    const rate = computePooledRepeatRate(result.customers);
    expect(rate).toBeGreaterThan(0);
    for (const p of result.predictions) expect(p.expectedPurchases).toBeCloseTo(rate * 10, 12);
    expectFiniteNonNegative(result.predictions);
  });

  const simulated = (seed: number) =>
    simulateBgNbdTransactions(
      { r: 0.25, alpha: 4, a: 0.8, b: 2.5 },
      { p: 6, q: 3.7, gamma: 15 },
      { customers: 400, startDate: "2024-01-01", acquisitionDays: 84, days: 273, seed },
    );

  it("all amounts zero on enough data: the model fits, spend falls back, CLV is exactly 0 and finite", () => {
    const result = runClvPipeline(
      simulated(5).map((t) => ({ ...t, amount: 0 })),
      { model: "bg-nbd", rangeDraws: 10 },
    );
    expect(result.status).toBe("ok");
    expect(result.spendFit).toBeNull();
    expect(result.spendNote).toMatch(/0 repeat buyers with positive spend/);
    expect(result.predictions.every((p) => p.predictedClv === 0)).toBe(true);
    expectFiniteNonNegative(result.predictions);
  });

  it("enough data (400 simulated BG/NBD customers): a fitted model, finite non-negative predictions, clvLow <= clv <= clvHigh", () => {
    const result = runClvPipeline(simulated(11), { model: "bg-nbd", rangeDraws: 20, seed: 4 });
    expect(result.status).toBe("ok");
    expect(result.model).toBe("bg-nbd");
    expect(result.spendFit).not.toBeNull();
    expectFiniteNonNegative(result.predictions);
    for (const p of result.predictions) {
      expect(p.clvLow!).toBeLessThanOrEqual(p.predictedClv);
      expect(p.clvHigh!).toBeGreaterThanOrEqual(p.predictedClv);
    }
  });

  it("data without churn (repeat days spread evenly): no NaN; a boundary fit is reported as model-not-identified with the fallback", () => {
    const result = runClvPipeline(makeTransactions(400, 5), { model: "bg-nbd", rangeDraws: 10 });
    expectFiniteNonNegative(result.predictions);
    // BG/NBD runs to a = 0 (no dropout) on these data.
    expect(result.status).toBe("model-not-identified");
    expect(result.model).toBe("historical-average");
    expect(result.fit!.converged).toBe(false);
    expect(result.selectionRule).toMatch(/did not converge.*boundary/);
  });

  it("auto on the same data: neither model is identified, the fallback is used and the reason names both models", () => {
    const result = runClvPipeline(makeTransactions(400, 5), { rangeDraws: 10, calibrationEnd: "2024-09-30" });
    expect(result.status).toBe("model-not-identified");
    expect(result.selectionRule).toMatch(/neither model converged \(bg-nbd: .*pareto-nbd: /);
    expectFiniteNonNegative(result.predictions);
  });

  it("direct fits on 0 repeaters do not return NaN and say the model is not identified", () => {
    const zeros = Array.from({ length: 300 }, (_, i) => ({ frequency: 0, recency: 0, T: 10 + (i % 20) }));
    for (const fit of [fitBgNbd(zeros), fitParetoNbd(zeros)]) {
      expect(Number.isFinite(fit.logLikelihood)).toBe(true);
      expect(Object.values(fit.params).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      expect(fit.converged).toBe(false);
      expect(fit.message).toMatch(/boundary|flat|not identified/);
    }
  });
});
