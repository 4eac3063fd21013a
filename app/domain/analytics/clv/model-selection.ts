// Model selection and backtest on a calibration/holdout split. Both
// transaction models are fitted on the calibration window and scored on the
// holdout: per-customer mean absolute error of holdout repeat purchases
// (primary), then the absolute error of the total (tie-break). The backtest
// reproduces the paper's conditional-expectation table (holdout means by
// calibration frequency 0..6, 7+) and the cumulative weekly tracking plot.

import { bgNbdModel, type BgNbdParams } from "./bg-nbd";
import {
  groupPurchaseDays,
  parseCalendarDay,
  splitCalibrationHoldout,
  type CalibrationHoldoutResult,
  type Transaction,
} from "./data-prep";
import type { FitOptions, ModelFit, RfmRow, TransactionModel, TransactionModelName } from "./model-types";
import { paretoNbdModel, type ParetoNbdParams } from "./pareto-nbd";

export interface HoldoutScore {
  model: TransactionModelName;
  /** Mean over customers of |E[X*] − x*|. */
  meanAbsoluteError: number;
  predictedTotal: number;
  actualTotal: number;
  /** (predicted − actual) / actual, 0 when actual is 0 and predicted is 0. */
  totalRelativeError: number;
}

export interface FrequencyBucket {
  /** "0".."6" or "7+". */
  label: string;
  customers: number;
  actualMean: number;
  predictedMean: number;
}

export interface WeeklyTrackingPoint {
  /** Weeks since the first cohort purchase. */
  week: number;
  actualCumulative: number;
  predictedCumulative: number;
}

export interface BacktestReport {
  model: TransactionModelName;
  buckets: FrequencyBucket[];
  /** Σ E[X(T, T+t*] | x, t_x, T] against Σ x*. */
  score: HoldoutScore;
  /** Σ [E[X(T + t*)] − E[X(T)]]: the cohort forecast that ignores individual histories. */
  unconditionalHoldoutTotal: number;
  /** Σ E[X(T)] against Σ x in the calibration window. */
  inSampleTotal: number;
  weekly: WeeklyTrackingPoint[];
}

export interface ModelSelectionResult {
  chosen: TransactionModelName;
  fits: { "bg-nbd": ModelFit<BgNbdParams>; "pareto-nbd": ModelFit<ParetoNbdParams> };
  scores: HoldoutScore[];
  reports: BacktestReport[];
}

export function scoreHoldout<P>(model: TransactionModel<P>, params: P, split: CalibrationHoldoutResult): HoldoutScore {
  let absolute = 0;
  let predictedTotal = 0;
  let actualTotal = 0;
  for (const c of split.customers) {
    const predicted = model.expectedPurchases(params, split.durationHoldout, c.frequency, c.recency, c.T);
    absolute += Math.abs(predicted - c.frequencyHoldout);
    predictedTotal += predicted;
    actualTotal += c.frequencyHoldout;
  }
  const n = split.customers.length;
  return {
    model: model.name,
    meanAbsoluteError: absolute / n,
    predictedTotal,
    actualTotal,
    totalRelativeError: actualTotal > 0 ? (predictedTotal - actualTotal) / actualTotal : predictedTotal > 0 ? Infinity : 0,
  };
}

export function computeFrequencyBuckets<P>(model: TransactionModel<P>, params: P, split: CalibrationHoldoutResult, maxBucket = 7): FrequencyBucket[] {
  const sums = Array.from({ length: maxBucket + 1 }, () => ({ customers: 0, actual: 0, predicted: 0 }));
  for (const c of split.customers) {
    const bucket = sums[Math.min(c.frequency, maxBucket)];
    bucket.customers += 1;
    bucket.actual += c.frequencyHoldout;
    bucket.predicted += model.expectedPurchases(params, split.durationHoldout, c.frequency, c.recency, c.T);
  }
  return sums.map((s, i) => ({
    label: i === maxBucket ? `${maxBucket}+` : String(i),
    customers: s.customers,
    actualMean: s.customers > 0 ? s.actual / s.customers : 0,
    predictedMean: s.customers > 0 ? s.predicted / s.customers : 0,
  }));
}

/**
 * Cumulative repeat purchases (distinct customer-days) of the calibration
 * cohort, week by week from the first cohort purchase to the observation end,
 * against the model's unconditional forecast Σ_i E[X(elapsed_i)].
 */
export function computeWeeklyTracking<P>(
  model: TransactionModel<P>,
  params: P,
  transactions: readonly Transaction[],
  calibrationEnd: string,
  observationEnd: string,
): WeeklyTrackingPoint[] {
  const calibrationEndDay = parseCalendarDay(calibrationEnd, "calibrationEnd");
  const observationEndDay = parseCalendarDay(observationEnd, "observationEnd");
  const cohort = groupPurchaseDays(transactions).filter((c) => c.days[0] <= calibrationEndDay);
  const start = cohort.reduce((m, c) => Math.min(m, c.days[0]), Infinity);
  const weeks = Math.ceil((observationEndDay - start + 1) / 7);
  const actualPerWeek = new Array<number>(weeks + 1).fill(0);
  const firstDayCounts = new Map<number, number>();
  for (const c of cohort) {
    firstDayCounts.set(c.days[0], (firstDayCounts.get(c.days[0]) ?? 0) + 1);
    for (const day of c.days.slice(1)) if (day <= observationEndDay) actualPerWeek[Math.floor((day - start) / 7) + 1] += 1;
  }
  const points: WeeklyTrackingPoint[] = [];
  let actual = 0;
  for (let w = 1; w <= weeks; w++) {
    actual += actualPerWeek[w];
    let predicted = 0;
    // Same convention as T: purchases up to and including the last day of week w,
    // which is (start + 7w − 1 − first)/7 weeks after acquisition.
    for (const [first, count] of firstDayCounts) {
      const elapsed = (start + 7 * w - 1 - first) / 7;
      if (elapsed > 0) predicted += count * model.expectedPurchasesUnconditional(params, elapsed);
    }
    points.push({ week: w, actualCumulative: actual, predictedCumulative: predicted });
  }
  return points;
}

export function buildBacktestReport<P>(
  model: TransactionModel<P>,
  params: P,
  split: CalibrationHoldoutResult,
  transactions: readonly Transaction[],
): BacktestReport {
  let unconditional = 0;
  let inSample = 0;
  for (const c of split.customers) {
    const atT = model.expectedPurchasesUnconditional(params, c.T);
    inSample += atT;
    unconditional += model.expectedPurchasesUnconditional(params, c.T + split.durationHoldout) - atT;
  }
  return {
    model: model.name,
    buckets: computeFrequencyBuckets(model, params, split),
    score: scoreHoldout(model, params, split),
    unconditionalHoldoutTotal: unconditional,
    inSampleTotal: inSample,
    weekly: computeWeeklyTracking(model, params, transactions, split.calibrationEnd, split.observationEnd),
  };
}

/** Pick the model with the lower holdout MAE (tie-break: smaller total error). */
export function chooseModel(scores: readonly HoldoutScore[]): TransactionModelName {
  const ranked = [...scores].sort(
    (a, b) => a.meanAbsoluteError - b.meanAbsoluteError || Math.abs(a.totalRelativeError) - Math.abs(b.totalRelativeError),
  );
  return ranked[0].model;
}

export function selectModel(
  transactions: readonly Transaction[],
  options: { calibrationEnd: string; observationEnd?: string; fit?: FitOptions },
): ModelSelectionResult {
  const split = splitCalibrationHoldout(transactions, options);
  const rows: RfmRow[] = split.customers;
  const fitOptions = { computeStandardErrors: false, ...options.fit };
  const bg = bgNbdModel.fit(rows, fitOptions);
  const pn = paretoNbdModel.fit(rows, fitOptions);
  const reports = [
    buildBacktestReport(bgNbdModel, bg.params, split, transactions),
    buildBacktestReport(paretoNbdModel, pn.params, split, transactions),
  ];
  const scores = reports.map((r) => r.score);
  return { chosen: chooseModel(scores), fits: { "bg-nbd": bg, "pareto-nbd": pn }, scores, reports };
}
