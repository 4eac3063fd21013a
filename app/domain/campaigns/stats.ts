import type { CampaignGroup } from "./assignment";
import { lnGamma, normalQuantile, studentTQuantile } from "./distributions";
import { CampaignError } from "./errors";
import { createSeededRandom } from "./random";

/** One audience member's behaviour during the campaign window. */
export interface CustomerOutcome {
  customerId: string;
  group: CampaignGroup;
  /** Placed at least one order in the window. */
  converted: boolean;
  /** What the customer paid in the window, after discounts, excluding shipping and tax. */
  revenueMinor: number;
  /** Discount (or reward cost) the merchant gave this customer in the window. */
  discountMinor: number;
}

/**
 * Gross margin at full price when the merchant has not told us theirs. 50 % sits in the
 * middle of typical direct-to-consumer gross margins; the UI should ask for the real one.
 */
export const DEFAULT_GROSS_MARGIN_RATE = 0.5;
export const CONFIDENCE_LEVEL = 0.95;
const ALPHA = 1 - CONFIDENCE_LEVEL;
/** Below this many customers in either group no result is called significant. */
export const MIN_GROUP_SIZE = 10;
/**
 * Money metrics need at least this many buying customers in each group: below it the
 * mean of mostly-zero revenue is too skewed for any interval we can compute to be honest.
 */
export const MIN_CONVERSIONS_PER_GROUP = 10;
export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_RESAMPLING_SEED = 20_240_601;

export interface StatsOptions {
  grossMarginRate?: number;
  /** Interval for money metrics: Welch t (default) or percentile bootstrap. */
  revenueMethod?: "welch" | "bootstrap";
  /** Seed for the permutation test and bootstrap, so a report never changes between loads. */
  resamplingSeed?: number;
  resamples?: number;
}

export type NotSignificantReason =
  | "empty_group"
  | "group_too_small"
  | "too_few_conversions"
  | "zero_variance"
  | "interval_includes_zero"
  | "permutation_test_not_significant";

export interface Interval {
  lower: number;
  upper: number;
}

export interface Estimate {
  /** Point estimate; null only when a group is empty. */
  estimate: number | null;
  /** 95 % confidence interval; null when it cannot be computed honestly (see reason). */
  ci: Interval | null;
  standardError: number | null;
  /** Two-sided permutation p-value for "no difference" (exact for conversion); null if a group is empty. */
  pValue: number | null;
  method: "newcombe-wilson" | "welch-t" | "bootstrap-percentile";
  significant: boolean;
  /** Why `significant` is false; null when it is true. */
  reason: NotSignificantReason | null;
}

export interface GroupSummary {
  n: number;
  conversions: number;
  revenueMinor: number;
  discountMinor: number;
  marginMinor: number;
  conversionRate: number | null;
  revenuePerCustomer: number | null;
  marginPerCustomer: number | null;
}

export interface CampaignResults {
  treatment: GroupSummary;
  control: GroupSummary;
  grossMarginRate: number;
  /** p_treatment − p_control. */
  conversionDifference: Estimate;
  /** RPC_treatment − RPC_control (minor units per customer). */
  revenuePerCustomerDifference: Estimate;
  /** (RPC_t − RPC_c) × n_t. */
  incrementalRevenue: Estimate;
  /** Per-customer contribution difference, contribution = m·(revenue + discount) − discount. */
  marginPerCustomerDifference: Estimate;
  /** Contribution difference × n_t: what the campaign earned after goods and discounts. */
  incrementalMargin: Estimate;
  /** Headline: is the incremental margin significant. */
  significant: boolean;
  reason: NotSignificantReason | null;
}

const Z_975 = normalQuantile(1 - ALPHA / 2);

function fail(issue: string): never {
  throw new CampaignError("invalid_outcomes", issue);
}

function validateOutcomes(outcomes: readonly CustomerOutcome[]): void {
  if (!Array.isArray(outcomes)) fail("outcomes: must be an array");
  const seen = new Set<string>();
  outcomes.forEach((o, i) => {
    const where = `outcomes[${i}]`;
    if (typeof o !== "object" || o === null) fail(`${where}: must be an object`);
    if (typeof o.customerId !== "string" || o.customerId.length === 0)
      fail(`${where}.customerId: must be a non-empty string`);
    if (seen.has(o.customerId)) fail(`${where}.customerId: ${o.customerId} appears more than once`);
    seen.add(o.customerId);
    if (o.group !== "treatment" && o.group !== "control")
      fail(`${where}.group: must be "treatment" or "control"`);
    if (typeof o.converted !== "boolean") fail(`${where}.converted: must be a boolean`);
    // Revenue may be negative (refunds inside the window); it must be a real number.
    if (typeof o.revenueMinor !== "number" || !Number.isFinite(o.revenueMinor))
      fail(`${where}.revenueMinor: must be a finite number`);
    if (typeof o.discountMinor !== "number" || !Number.isFinite(o.discountMinor) || o.discountMinor < 0) {
      fail(`${where}.discountMinor: must be a finite number ≥ 0`);
    }
  });
}

function validateOptions(options: StatsOptions): Required<StatsOptions> {
  const issues: string[] = [];
  const m = options.grossMarginRate ?? DEFAULT_GROSS_MARGIN_RATE;
  if (!(typeof m === "number" && m > 0 && m <= 1))
    issues.push(`grossMarginRate: must be in (0, 1], got ${String(m)}`);
  const method = options.revenueMethod ?? "welch";
  if (method !== "welch" && method !== "bootstrap")
    issues.push(`revenueMethod: unknown method ${String(method)}`);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!(Number.isInteger(resamples) && resamples >= 200 && resamples <= 100_000)) {
    issues.push("resamples: must be an integer in [200, 100000]");
  }
  const seed = options.resamplingSeed ?? DEFAULT_RESAMPLING_SEED;
  if (!Number.isInteger(seed)) issues.push("resamplingSeed: must be an integer");
  if (issues.length > 0) throw new CampaignError("invalid_stats_options", issues);
  return { grossMarginRate: m, revenueMethod: method, resamples, resamplingSeed: seed };
}

/** Mean and unbiased variance by Welford's update (stable for large money sums). */
function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  let mean = 0;
  let m2 = 0;
  values.forEach((x, i) => {
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  });
  return { mean, variance: values.length > 1 ? Math.max(0, m2) / (values.length - 1) : 0 };
}

/** Wilson score interval for one proportion (Wilson 1927). */
export function wilsonInterval(successes: number, n: number, z: number = Z_975): Interval {
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  return {
    lower: Math.max(0, (centre - spread) / denominator),
    upper: Math.min(1, (centre + spread) / denominator),
  };
}

function interpret(ci: Interval, nT: number, nC: number): Pick<Estimate, "significant" | "reason"> {
  if (Math.min(nT, nC) < MIN_GROUP_SIZE) return { significant: false, reason: "group_too_small" };
  if (ci.lower > 0 || ci.upper < 0) return { significant: true, reason: null };
  return { significant: false, reason: "interval_includes_zero" };
}

/**
 * Newcombe's hybrid score interval (method 10, Newcombe 1998) for p_t − p_c: it stays
 * inside [−1, 1], behaves at 0 or n conversions, and keeps ~95 % coverage in small groups
 * where the Wald interval does not.
 */
export function compareConversion(xT: number, nT: number, xC: number, nC: number): Estimate {
  const method = "newcombe-wilson" as const;
  if (nT === 0 || nC === 0) {
    return {
      estimate: null,
      ci: null,
      standardError: null,
      pValue: null,
      method,
      significant: false,
      reason: "empty_group",
    };
  }
  const pT = xT / nT;
  const pC = xC / nC;
  const t = wilsonInterval(xT, nT);
  const c = wilsonInterval(xC, nC);
  const d = pT - pC;
  const ci = {
    lower: d - Math.sqrt((pT - t.lower) ** 2 + (c.upper - pC) ** 2),
    upper: d + Math.sqrt((t.upper - pT) ** 2 + (pC - c.lower) ** 2),
  };
  // Unpooled Wald standard error: reported for analysts and the power projection only.
  const standardError = Math.sqrt((pT * (1 - pT)) / nT + (pC * (1 - pC)) / nC);
  return { estimate: d, ci, standardError, pValue: null, method, ...interpret(ci, nT, nC) };
}

/** Welch's unequal-variance t interval for a difference of means. */
export function compareMeansWelch(treatment: readonly number[], control: readonly number[]): Estimate {
  const method = "welch-t" as const;
  const nT = treatment.length;
  const nC = control.length;
  if (nT === 0 || nC === 0) {
    return {
      estimate: null,
      ci: null,
      standardError: null,
      pValue: null,
      method,
      significant: false,
      reason: "empty_group",
    };
  }
  const t = meanAndVariance(treatment);
  const c = meanAndVariance(control);
  const d = t.mean - c.mean;
  if (nT < 2 || nC < 2) {
    return {
      estimate: d,
      ci: null,
      standardError: null,
      pValue: null,
      method,
      significant: false,
      reason: "group_too_small",
    };
  }
  const vT = t.variance / nT;
  const vC = c.variance / nC;
  const se = Math.sqrt(vT + vC);
  if (!(se > 0)) {
    return {
      estimate: d,
      ci: null,
      standardError: 0,
      pValue: null,
      method,
      significant: false,
      reason: "zero_variance",
    };
  }
  // Welch–Satterthwaite degrees of freedom.
  const df = (vT + vC) ** 2 / (vT ** 2 / (nT - 1) + vC ** 2 / (nC - 1));
  const half = studentTQuantile(1 - ALPHA / 2, df) * se;
  const ci = { lower: d - half, upper: d + half };
  return { estimate: d, ci, standardError: se, pValue: null, method, ...interpret(ci, nT, nC) };
}

function quantileSorted(sorted: Float64Array, p: number): number {
  // Linear interpolation between order statistics (type 7).
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap of the difference of means, resampling each group separately
 * (stratified), with a seeded generator.
 */
export function compareMeansBootstrap(
  treatment: readonly number[],
  control: readonly number[],
  seed: number = DEFAULT_RESAMPLING_SEED,
  resamples: number = DEFAULT_RESAMPLES
): Estimate {
  const nT = treatment.length;
  const nC = control.length;
  const method = "bootstrap-percentile" as const;
  const base = { pValue: null, method, significant: false };
  if (nT === 0 || nC === 0)
    return { ...base, estimate: null, ci: null, standardError: null, reason: "empty_group" };
  const d = meanAndVariance(treatment).mean - meanAndVariance(control).mean;
  if (nT < 2 || nC < 2)
    return { ...base, estimate: d, ci: null, standardError: null, reason: "group_too_small" };
  const random = createSeededRandom(seed);
  const diffs = new Float64Array(resamples);
  const resampleMean = (values: readonly number[]): number => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[random.int(values.length)];
    return sum / values.length;
  };
  for (let b = 0; b < resamples; b++) diffs[b] = resampleMean(treatment) - resampleMean(control);
  const se = Math.sqrt(meanAndVariance(Array.from(diffs)).variance);
  if (!(se > 0)) return { ...base, estimate: d, ci: null, standardError: 0, reason: "zero_variance" };
  diffs.sort();
  const ci = { lower: quantileSorted(diffs, ALPHA / 2), upper: quantileSorted(diffs, 1 - ALPHA / 2) };
  return { ...base, estimate: d, ci, standardError: se, ...interpret(ci, nT, nC) };
}

/**
 * Two-sided Monte Carlo permutation p-value for "the campaign changed nothing": how often
 * a random relabelling of the same customers gives a mean difference at least as large.
 * Its false-positive rate is 5 % whatever the shape of the data, which the Welch interval
 * cannot promise for skewed revenue with a small control group. Only the smaller group is
 * drawn (partial Fisher–Yates), so a resample costs O(min(nT, nC)).
 */
export function permutationPValue(
  treatment: readonly number[],
  control: readonly number[],
  seed: number = DEFAULT_RESAMPLING_SEED,
  resamples: number = DEFAULT_RESAMPLES
): number | null {
  const nT = treatment.length;
  const nC = control.length;
  if (nT === 0 || nC === 0) return null;
  const pooled = Float64Array.from([...treatment, ...control]);
  const n = pooled.length;
  let total = 0;
  for (const x of pooled) total += x;
  let sumT = 0;
  for (const x of treatment) sumT += x;
  const difference = (sumTreatment: number) => sumTreatment / nT - (total - sumTreatment) / nC;
  const observed = Math.abs(difference(sumT));
  // Ties between relabellings are common (many zeros); count them as "as extreme".
  const tolerance = 1e-9 * (Math.abs(total) / n + observed + 1);
  const k = Math.min(nT, nC);
  const drawTreatment = nT <= nC;
  // mulberry32 inlined (same generator as ~/domain/shared/random): this loop is the hot path.
  let state = seed >>> 0;
  let extreme = 0;
  for (let b = 0; b < resamples; b++) {
    let sumDrawn = 0;
    for (let i = 0; i < k; i++) {
      state = (state + 0x6d2b79f5) | 0;
      let r = Math.imul(state ^ (state >>> 15), state | 1);
      r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
      const j = i + Math.floor((((r ^ (r >>> 14)) >>> 0) / 4294967296) * (n - i));
      const swap = pooled[i];
      pooled[i] = pooled[j];
      pooled[j] = swap;
      sumDrawn += pooled[i];
    }
    const sumTreatment = drawTreatment ? sumDrawn : total - sumDrawn;
    if (Math.abs(difference(sumTreatment)) >= observed - tolerance) extreme += 1;
  }
  return (extreme + 1) / (resamples + 1);
}

const lnFactorial = (k: number): number => lnGamma(k + 1);

/**
 * Exact permutation p-value for a difference in conversion rates: with all customers'
 * 0/1 outcomes fixed and only the labels shuffled, the treatment's conversions follow a
 * hypergeometric law, so the Monte Carlo test is replaced by its exact sum.
 */
export function conversionPermutationPValue(xT: number, nT: number, xC: number, nC: number): number | null {
  if (nT === 0 || nC === 0) return null;
  const total = xT + xC;
  const n = nT + nC;
  const difference = (x: number) => x / nT - (total - x) / nC;
  const observed = Math.abs(difference(xT));
  const lnDenominator = lnFactorial(n) - lnFactorial(total) - lnFactorial(n - total);
  let p = 0;
  for (let x = Math.max(0, total - nC); x <= Math.min(total, nT); x++) {
    if (Math.abs(difference(x)) < observed - 1e-12) continue;
    const lnCount =
      lnFactorial(nT) -
      lnFactorial(x) -
      lnFactorial(nT - x) +
      (lnFactorial(nC) - lnFactorial(total - x) - lnFactorial(nC - total + x));
    p += Math.exp(lnCount - lnDenominator);
  }
  return Math.min(1, p);
}

/**
 * Adds the permutation p-value and the data-sufficiency guards to an interval estimate.
 * "Significant" needs the interval to exclude zero and the permutation test to agree.
 */
function withPermutation(estimate: Estimate, pValue: number | null, fewBuyers: boolean): Estimate {
  const result = { ...estimate, pValue };
  const open = result.reason === null || result.reason === "interval_includes_zero";
  if (fewBuyers && open) return { ...result, significant: false, reason: "too_few_conversions" };
  if (result.significant && pValue !== null && pValue >= ALPHA) {
    return { ...result, significant: false, reason: "permutation_test_not_significant" };
  }
  return result;
}

function scale(estimate: Estimate, factor: number): Estimate {
  return {
    ...estimate,
    estimate: estimate.estimate === null ? null : estimate.estimate * factor,
    ci:
      estimate.ci === null ? null : { lower: estimate.ci.lower * factor, upper: estimate.ci.upper * factor },
    standardError: estimate.standardError === null ? null : estimate.standardError * factor,
  };
}

function summarizeGroup(rows: readonly CustomerOutcome[], margins: readonly number[]): GroupSummary {
  const n = rows.length;
  let conversions = 0;
  let revenue = 0;
  let discount = 0;
  let margin = 0;
  rows.forEach((r, i) => {
    if (r.converted) conversions += 1;
    revenue += r.revenueMinor;
    discount += r.discountMinor;
    margin += margins[i];
  });
  return {
    n,
    conversions,
    revenueMinor: revenue,
    discountMinor: discount,
    marginMinor: margin,
    conversionRate: n > 0 ? conversions / n : null,
    revenuePerCustomer: n > 0 ? revenue / n : null,
    marginPerCustomer: n > 0 ? margin / n : null,
  };
}

/**
 * Contribution of one customer after cost of goods and discount. Goods cost
 * (1 − m)·(revenue + discount), because a discount does not make them cheaper to supply,
 * so contribution = m·(revenue + discount) − discount.
 */
export function contributionMinor(
  revenueMinor: number,
  discountMinor: number,
  grossMarginRate: number
): number {
  return grossMarginRate * (revenueMinor + discountMinor) - discountMinor;
}

/** Per-group and incremental results of a holdout campaign, with 95 % intervals. */
export function computeCampaignResults(
  outcomes: readonly CustomerOutcome[],
  options: StatsOptions = {}
): CampaignResults {
  validateOutcomes(outcomes);
  const opts = validateOptions(options);
  const rowsT = outcomes.filter((o) => o.group === "treatment");
  const rowsC = outcomes.filter((o) => o.group === "control");
  const marginT = rowsT.map((o) => contributionMinor(o.revenueMinor, o.discountMinor, opts.grossMarginRate));
  const marginC = rowsC.map((o) => contributionMinor(o.revenueMinor, o.discountMinor, opts.grossMarginRate));
  const treatment = summarizeGroup(rowsT, marginT);
  const control = summarizeGroup(rowsC, marginC);
  const nT = treatment.n;
  const fewBuyers = Math.min(treatment.conversions, control.conversions) < MIN_CONVERSIONS_PER_GROUP;

  // Each metric gets its own seed so the three permutation tests are independent.
  const seed = opts.resamplingSeed;
  const money = (t: number[], c: number[], offset: number): Estimate => {
    const interval =
      opts.revenueMethod === "bootstrap"
        ? compareMeansBootstrap(t, c, seed + 100 + offset, opts.resamples)
        : compareMeansWelch(t, c);
    return withPermutation(interval, permutationPValue(t, c, seed + offset, opts.resamples), fewBuyers);
  };
  const conversionDifference = withPermutation(
    compareConversion(treatment.conversions, nT, control.conversions, control.n),
    conversionPermutationPValue(treatment.conversions, nT, control.conversions, control.n),
    false
  );
  const revenuePerCustomerDifference = money(
    rowsT.map((o) => o.revenueMinor),
    rowsC.map((o) => o.revenueMinor),
    1
  );
  const marginPerCustomerDifference = money(marginT, marginC, 2);
  const incrementalMargin = scale(marginPerCustomerDifference, nT);
  return {
    treatment,
    control,
    grossMarginRate: opts.grossMarginRate,
    conversionDifference,
    revenuePerCustomerDifference,
    incrementalRevenue: scale(revenuePerCustomerDifference, nT),
    marginPerCustomerDifference,
    incrementalMargin,
    significant: incrementalMargin.significant,
    reason: incrementalMargin.reason,
  };
}
