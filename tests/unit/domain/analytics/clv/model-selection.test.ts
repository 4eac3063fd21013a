import { describe, expect, it } from "vitest";
import { parseTransactionsCsv } from "~/domain/analytics/clv/transactions-csv";
import { chooseModel, selectModel } from "~/domain/analytics/clv/model-selection";
import { loadCdnowText } from "./cdnow-fixture";

// REFERENCE §6: conditional expectations by calibration frequency (lifetimes' fits).
const TABLE = [
  { label: "0", customers: 1411, actual: 0.2367, bg: 0.2251, pn: 0.1384 },
  { label: "1", customers: 439, actual: 0.697, bg: 0.5231, pn: 0.5995 },
  { label: "2", customers: 214, actual: 1.3925, bg: 1.0441, pn: 1.1958 },
  { label: "3", customers: 100, actual: 1.56, bg: 1.5203, pn: 1.7139 },
  { label: "4", customers: 62, actual: 2.5323, bg: 2.1639, pn: 2.3983 },
  { label: "5", customers: 38, actual: 2.9474, bg: 2.6538, pn: 2.9072 },
  { label: "6", customers: 29, actual: 3.8621, bg: 3.504, pn: 3.8186 },
  { label: "7+", customers: 64, actual: 6.3594, bg: 6.1572, pn: 6.4031 },
];

describe("model selection and backtest on CDNOW (calibration to 1997-09-30, holdout to 1998-06-30)", () => {
  const transactions = parseTransactionsCsv(loadCdnowText()).transactions;
  const result = selectModel(transactions, { calibrationEnd: "1997-09-30", observationEnd: "1998-06-30" });
  const bg = result.reports.find((r) => r.model === "bg-nbd")!;
  const pn = result.reports.find((r) => r.model === "pareto-nbd")!;

  it("reproduces the conditional-expectation table of REFERENCE §6 (counts, actual means, model means within 1e-3 relative)", () => {
    TABLE.forEach((row, i) => {
      expect(bg.buckets[i].label).toBe(row.label);
      expect(bg.buckets[i].customers).toBe(row.customers);
      expect(bg.buckets[i].actualMean).toBeCloseTo(row.actual, 4);
      expect(Math.abs(bg.buckets[i].predictedMean - row.bg)).toBeLessThan(1e-3 * row.bg);
      expect(Math.abs(pn.buckets[i].predictedMean - row.pn)).toBeLessThan(1e-3 * row.pn);
    });
  });

  it("holdout totals match §6: actual 1,882; BG/NBD 1653.41 (-12.15 %), Pareto/NBD 1665.53 (-11.50 %); unconditional 1666.65 and 1745.11", () => {
    expect(bg.score.actualTotal).toBe(1882);
    expect(bg.score.predictedTotal).toBeCloseTo(1653.41, 1);
    expect(bg.score.totalRelativeError).toBeCloseTo(-0.1215, 3);
    expect(pn.score.predictedTotal).toBeCloseTo(1665.53, 1);
    expect(pn.score.totalRelativeError).toBeCloseTo(-0.115, 3);
    expect(bg.unconditionalHoldoutTotal).toBeCloseTo(1666.65, 1);
    expect(Math.abs(pn.unconditionalHoldoutTotal - 1745.11)).toBeLessThan(1e-3 * 1745.11);
  });

  it("in-sample check over weeks 1-39 matches §6: BG/NBD Σ E[X(T)] = 2493.96, Pareto/NBD 2524.91", () => {
    expect(bg.inSampleTotal).toBeCloseTo(2493.96, 1);
    expect(Math.abs(pn.inSampleTotal - 2524.91)).toBeLessThan(1e-3 * 2524.91);
  });

  it("weekly tracking: 78 weeks; week 39 equals the calibration totals and week 78 the calibration + holdout totals", () => {
    expect(bg.weekly).toHaveLength(78);
    expect(bg.weekly[38].actualCumulative).toBe(2457);
    expect(bg.weekly[77].actualCumulative).toBe(2457 + 1882);
    expect(bg.weekly[38].predictedCumulative).toBeCloseTo(bg.inSampleTotal, 6);
    expect(bg.weekly[77].predictedCumulative).toBeCloseTo(bg.inSampleTotal + bg.unconditionalHoldoutTotal, 6);
    for (let w = 1; w < 78; w++) {
      expect(bg.weekly[w].actualCumulative).toBeGreaterThanOrEqual(bg.weekly[w - 1].actualCumulative);
      expect(bg.weekly[w].predictedCumulative).toBeGreaterThanOrEqual(bg.weekly[w - 1].predictedCumulative);
    }
  });

  it("chooses the model with the lower holdout MAE (Pareto/NBD on CDNOW: 0.7545 vs 0.7855)", () => {
    expect(bg.score.meanAbsoluteError).toBeCloseTo(0.7855, 3);
    expect(pn.score.meanAbsoluteError).toBeCloseTo(0.7545, 3);
    expect(result.chosen).toBe("pareto-nbd");
    expect(chooseModel([{ ...bg.score, meanAbsoluteError: 0.1 }, pn.score])).toBe("bg-nbd");
  });
});
