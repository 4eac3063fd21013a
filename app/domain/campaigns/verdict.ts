import { normalQuantile } from "./distributions";
import { CampaignError, assertValidNow } from "./errors";
import {
  CONFIDENCE_LEVEL,
  MIN_CONVERSIONS_PER_GROUP,
  MIN_GROUP_SIZE,
  type CampaignResults,
  type Estimate,
  type NotSignificantReason,
} from "./stats";

export type VerdictKind =
  | "insufficient_data"
  | "significant_gain"
  | "significant_loss"
  | "promising_early"
  | "needs_more_time"
  | "needs_more_time_past_end"
  | "no_detectable_effect"
  | "not_significant_negative"
  | "not_significant_ended";

export type VerdictMetric = "incrementalMargin" | "incrementalRevenue";

/**
 * English templates keyed by verdict; `{effect}`, `{lower}`, `{upper}` are money in minor
 * units that the UI formats, `{days}`/`{daysLeft}` are whole days.
 */
export const VERDICT_MESSAGES: Record<VerdictKind, string> = {
  insufficient_data: "Not enough data yet: {detail}.",
  significant_gain: "Significant: the campaign added about {effect} (95 % CI {lower} to {upper}).",
  significant_loss: "Significant: the campaign lost about {effect} (95 % CI {lower} to {upper}).",
  promising_early:
    "Promising: about {effect} so far (95 % CI {lower} to {upper}), but it is too early to call — check again in about {days} days.",
  needs_more_time: "Not significant yet — about {days} more days at this rate.",
  needs_more_time_past_end:
    "Not significant yet — about {days} more days at this rate, more than the {daysLeft} days left; extend the campaign to get an answer.",
  no_detectable_effect:
    "Not significant: the estimate ({effect}, 95 % CI {lower} to {upper}) is too close to zero for an effect to be detectable at this audience size.",
  not_significant_negative:
    "Not significant: the estimate is below zero ({effect}, 95 % CI {lower} to {upper}); waiting longer is unlikely to show a gain.",
  not_significant_ended:
    "Not significant: the campaign ended without a detectable effect ({effect}, 95 % CI {lower} to {upper}).",
};

const INSUFFICIENT_DETAIL: Record<NotSignificantReason | "not_started", string> = {
  not_started: "the campaign has not started",
  empty_group: "one of the groups has no customers",
  group_too_small: `each group needs at least ${MIN_GROUP_SIZE} customers`,
  too_few_conversions: `each group needs at least ${MIN_CONVERSIONS_PER_GROUP} customers who bought`,
  zero_variance: "every customer in both groups has the same result so far",
  interval_includes_zero: "",
  permutation_test_not_significant: "",
};

export interface VerdictParams {
  metric: VerdictMetric;
  effect?: number;
  lower?: number;
  upper?: number;
  days?: number;
  daysLeft?: number;
  /** Why the data are insufficient (for translated UIs); `detail` is its English text. */
  reason?: NotSignificantReason | "not_started";
  detail?: string;
}

export interface Verdict {
  kind: VerdictKind;
  messageKey: `campaign.verdict.${VerdictKind}`;
  params: VerdictParams;
  significant: boolean;
  /** Extra days the power calculation asks for; null when not applicable. */
  daysRemaining: number | null;
  /** False when the projected days run past the campaign's end date. */
  fitsInWindow: boolean | null;
}

export interface VerdictInput {
  results: CampaignResults;
  startsAt: Date;
  endsAt: Date;
  now: Date;
  metric?: VerdictMetric;
  /** Customers newly enrolled per day, when the audience keeps growing (optional). */
  enrolmentPerDay?: number;
  /** Power for the days-remaining projection (default 80 %). */
  power?: number;
  /** Beyond this projection, "no detectable effect" is said instead of a number of days. */
  maxProjectionDays?: number;
  /**
   * Rule for calls made before `endsAt` (default "haybittle-peto"): merchants look every
   * day, and a 5 % test repeated daily claims far more than 5 % of null campaigns.
   */
  interimRule?: "haybittle-peto" | "none";
}

const MS_PER_DAY = 86_400_000;
export const DEFAULT_POWER = 0.8;
export const DEFAULT_MAX_PROJECTION_DAYS = 365;
/**
 * Haybittle–Peto interim boundary: before the end date a result must reach two-sided
 * p < 0.001 (|z| ≥ 3.29) to be called; at the end the ordinary 5 % level applies. The
 * early looks then cost almost none of the 5 % error budget.
 */
export const INTERIM_Z = normalQuantile(1 - 0.001 / 2);

/**
 * Extra days until a two-sided test at the confidence level reaches the requested power
 * if the true effect equals today's estimate. The z statistic grows with √(information),
 * and information grows linearly in days (steady enrolment, or steady per-customer buying),
 * so the total duration needed is elapsed × ((z_{α/2} + z_β) / z_observed)². With an
 * explicit enrolment rate, the extra customers needed are (ratio − 1) × current size.
 */
export function projectDaysRemaining(args: {
  zObserved: number;
  daysElapsed: number;
  power?: number;
  currentSampleSize?: number;
  enrolmentPerDay?: number;
}): number {
  const power = args.power ?? DEFAULT_POWER;
  if (!(power > 0 && power < 1)) throw new CampaignError("invalid_verdict_input", "power: must be in (0, 1)");
  if (!(args.zObserved > 0) || !(args.daysElapsed > 0)) return Number.POSITIVE_INFINITY;
  const zNeeded = normalQuantile(1 - (1 - CONFIDENCE_LEVEL) / 2) + normalQuantile(power);
  const informationRatio = (zNeeded / args.zObserved) ** 2;
  if (informationRatio <= 1) return 0;
  if (args.enrolmentPerDay !== undefined && args.currentSampleSize !== undefined) {
    return ((informationRatio - 1) * args.currentSampleSize) / args.enrolmentPerDay;
  }
  return (informationRatio - 1) * args.daysElapsed;
}

/** Observed z: the smaller of the interval's |d|/SE and the permutation test's z. */
function observedZ(estimate: Estimate): number {
  if (estimate.estimate === null || !(estimate.standardError !== null && estimate.standardError > 0))
    return 0;
  const zInterval = Math.abs(estimate.estimate) / estimate.standardError;
  const zPermutation =
    estimate.pValue === null
      ? Number.POSITIVE_INFINITY
      : normalQuantile(1 - Math.min(estimate.pValue, 1 - 1e-12) / 2);
  return Math.min(zInterval, zPermutation);
}

function moneyParams(metric: VerdictMetric, estimate: Estimate): VerdictParams {
  return {
    metric,
    effect: estimate.estimate ?? undefined,
    lower: estimate.ci?.lower,
    upper: estimate.ci?.upper,
  };
}

function verdictOf(kind: VerdictKind, params: VerdictParams, extra: Partial<Verdict> = {}): Verdict {
  return {
    kind,
    messageKey: `campaign.verdict.${kind}`,
    params,
    significant: kind === "significant_gain" || kind === "significant_loss",
    daysRemaining: null,
    fitsInWindow: null,
    ...extra,
  };
}

function validateInput(input: VerdictInput): void {
  assertValidNow(input.now);
  const issues: string[] = [];
  for (const key of ["startsAt", "endsAt"] as const) {
    const value = input[key];
    if (!(value instanceof Date) || Number.isNaN(value.getTime()))
      issues.push(`${key}: must be a valid Date`);
  }
  if (issues.length === 0 && input.endsAt.getTime() <= input.startsAt.getTime())
    issues.push("endsAt: must be after startsAt");
  if (
    input.enrolmentPerDay !== undefined &&
    !(input.enrolmentPerDay > 0 && Number.isFinite(input.enrolmentPerDay))
  ) {
    issues.push("enrolmentPerDay: must be a positive number");
  }
  if (input.maxProjectionDays !== undefined && !(input.maxProjectionDays > 0))
    issues.push("maxProjectionDays: must be positive");
  if (input.power !== undefined && !(input.power > 0 && input.power < 1))
    issues.push("power: must be in (0, 1)");
  const rule = input.interimRule;
  if (rule !== undefined && rule !== "haybittle-peto" && rule !== "none") {
    issues.push(`interimRule: unknown rule ${String(rule)}`);
  }
  const metric = input.metric ?? "incrementalMargin";
  if (metric !== "incrementalMargin" && metric !== "incrementalRevenue")
    issues.push(`metric: unknown metric ${String(metric)}`);
  else if (typeof input.results?.[metric] !== "object" || input.results[metric] === null) {
    issues.push("results: expected the output of computeCampaignResults");
  }
  if (issues.length > 0) throw new CampaignError("invalid_verdict_input", issues);
}

/** Plain-language verdict on a campaign's results, as a template key plus numbers. */
export function judgeCampaign(input: VerdictInput): Verdict {
  validateInput(input);
  const metric = input.metric ?? "incrementalMargin";
  const estimate = input.results[metric];
  const perCustomer =
    metric === "incrementalMargin"
      ? input.results.marginPerCustomerDifference
      : input.results.revenuePerCustomerDifference;
  const elapsedMs = Math.min(input.now.getTime(), input.endsAt.getTime()) - input.startsAt.getTime();
  if (elapsedMs <= 0)
    return verdictOf("insufficient_data", {
      metric,
      reason: "not_started",
      detail: INSUFFICIENT_DETAIL.not_started,
    });

  const ended = input.now.getTime() >= input.endsAt.getTime();
  const daysElapsed = elapsedMs / MS_PER_DAY;
  const daysLeft = Math.max(0, Math.ceil((input.endsAt.getTime() - input.now.getTime()) / MS_PER_DAY));
  if (estimate.significant) {
    const z = observedZ(perCustomer);
    if (ended || (input.interimRule ?? "haybittle-peto") === "none" || z >= INTERIM_Z) {
      const gain = (estimate.estimate ?? 0) > 0;
      return verdictOf(gain ? "significant_gain" : "significant_loss", moneyParams(metric, estimate));
    }
    // Same √information growth as the projection below, towards the interim boundary.
    const toBoundary = z > 0 ? daysElapsed * ((INTERIM_Z / z) ** 2 - 1) : Number.POSITIVE_INFINITY;
    const days = Math.max(1, Math.min(daysLeft, Math.ceil(toBoundary)));
    return verdictOf(
      "promising_early",
      { ...moneyParams(metric, estimate), days, daysLeft },
      { daysRemaining: days, fitsInWindow: true }
    );
  }
  const undecided =
    estimate.reason === "interval_includes_zero" || estimate.reason === "permutation_test_not_significant";
  if (!undecided || estimate.estimate === null) {
    const reason = estimate.reason ?? "empty_group";
    return verdictOf("insufficient_data", {
      ...moneyParams(metric, estimate),
      reason,
      detail: INSUFFICIENT_DETAIL[reason],
    });
  }
  const params = moneyParams(metric, estimate);
  if (ended) return verdictOf("not_significant_ended", params);
  if (estimate.estimate <= 0) return verdictOf("not_significant_negative", params);

  const days = projectDaysRemaining({
    zObserved: observedZ(perCustomer),
    daysElapsed,
    power: input.power,
    currentSampleSize: input.results.treatment.n + input.results.control.n,
    enrolmentPerDay: input.enrolmentPerDay,
  });
  const maxDays = input.maxProjectionDays ?? DEFAULT_MAX_PROJECTION_DAYS;
  if (!(days <= maxDays)) return verdictOf("no_detectable_effect", params);
  const wholeDays = Math.max(1, Math.ceil(days));
  return verdictOf(
    wholeDays <= daysLeft ? "needs_more_time" : "needs_more_time_past_end",
    { ...params, days: wholeDays, daysLeft },
    { daysRemaining: wholeDays, fitsInWindow: wholeDays <= daysLeft }
  );
}

/** Fills a verdict's template; the caller supplies money formatting (currency, locale). */
export function renderVerdictMessage(verdict: Verdict, formatMoney: (minor: number) => string): string {
  const p = verdict.params;
  const values: Record<string, string> = {
    effect:
      p.effect === undefined
        ? ""
        : formatMoney(verdict.kind === "significant_loss" ? Math.abs(p.effect) : p.effect),
    lower: p.lower === undefined ? "" : formatMoney(p.lower),
    upper: p.upper === undefined ? "" : formatMoney(p.upper),
    days: p.days === undefined ? "" : String(p.days),
    daysLeft: p.daysLeft === undefined ? "" : String(p.daysLeft),
    detail: p.detail ?? "",
  };
  return VERDICT_MESSAGES[verdict.kind].replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}
