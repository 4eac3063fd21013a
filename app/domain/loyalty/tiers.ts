import { InvalidLoyaltyInputError } from "./errors";
import type { ProgramSettings, Tier } from "./settings";
import { addUtcMonths, isValidDate } from "./time";
import type { EntryType, LedgerEntry } from "./types";

export interface TierMetrics {
  /** Eligible spend over the rolling 12 months, minor units. */
  spendMinor: number;
  /** Points earned over the rolling 12 months, net of reversals. */
  points: number;
}

export interface TierStatus {
  basis: "spend" | "points";
  value: number;
  current: Tier | null;
  next: Tier | null;
  /** 0..1 from the current tier's threshold (or 0) to the next one; 1 at the top tier. */
  progress: number;
  /** Spend (minor units) or points still needed for the next tier; 0 at the top. */
  remainingToNext: number;
}

/** Earning that counts towards a points-based tier: orders, bonuses, and their reversals (not admin adjustments). */
const TIER_POINT_TYPES: ReadonlySet<EntryType> = new Set([
  "PENDING_EARN",
  "SIGNUP_BONUS",
  "BIRTHDAY_BONUS",
  "CAMPAIGN_BONUS",
  "REFUND_REVERSAL",
  "VOID",
]);

/** Window (now − 12 months, now]. */
export function rollingWindowStart(now: Date): Date {
  return addUtcMonths(now, -12);
}

/**
 * Tier metrics from the ledger alone: eligible spend of awarded orders minus
 * eligible refunds, and earned points net of reversals, inside the rolling window.
 */
export function measureTierMetrics(entries: readonly LedgerEntry[], now: Date): TierMetrics {
  if (!isValidDate(now)) throw new InvalidLoyaltyInputError("now", "must be a valid date");
  const from = rollingWindowStart(now).getTime();
  const to = now.getTime();
  let spendMinor = 0;
  let points = 0;
  const refundsSeen = new Set<string>();
  for (const e of entries) {
    const t = e.occurredAt.getTime();
    if (t <= from || t > to) continue;
    if (TIER_POINT_TYPES.has(e.type)) points += e.points;
    if (e.type === "PENDING_EARN" && e.ruleSnapshot.earn) spendMinor += e.ruleSnapshot.earn.eligibleAmountMinor;
    if (e.refund && !refundsSeen.has(e.idempotencyKey)) {
      refundsSeen.add(e.idempotencyKey);
      spendMinor -= e.refund.refundedMinor;
    }
  }
  return { spendMinor: Math.max(0, spendMinor), points: Math.max(0, points) };
}

/** Highest tier whose threshold is met, the next one, and progress towards it. */
export function computeTierStatus(settings: ProgramSettings, metrics: TierMetrics): TierStatus {
  const basis = settings.tiers.basis;
  const value = basis === "spend" ? metrics.spendMinor : metrics.points;
  if (!Number.isFinite(value) || value < 0) throw new InvalidLoyaltyInputError(`metrics.${basis === "spend" ? "spendMinor" : "points"}`, "must be a non-negative number");
  const levels = settings.tiers.levels; // validated ascending by threshold
  let index = -1;
  levels.forEach((t, i) => {
    if (value >= t.threshold) index = i;
  });
  const current = index >= 0 ? levels[index] : null;
  const next = levels[index + 1] ?? null;
  if (!next) return { basis, value, current, next, progress: 1, remainingToNext: 0 };
  const lower = current?.threshold ?? 0;
  const progress = Math.min(1, Math.max(0, (value - lower) / (next.threshold - lower)));
  return { basis, value, current, next, progress, remainingToNext: next.threshold - value };
}

export interface TierRecalculation {
  previousTierId: string | null;
  tierId: string | null;
  direction: "up" | "down" | "same";
  status: TierStatus;
}

/**
 * Re-evaluates the tier at `now` (nightly job or after an order). Spend can
 * be passed in when the caller measures it from orders; otherwise it comes
 * from the ledger's awards.
 */
export function recalculateTier(
  settings: ProgramSettings,
  entries: readonly LedgerEntry[],
  now: Date,
  previousTierId: string | null,
  spendMinor?: number,
): TierRecalculation {
  const measured = measureTierMetrics(entries, now);
  const status = computeTierStatus(settings, { ...measured, spendMinor: spendMinor ?? measured.spendMinor });
  const tierId = status.current?.id ?? null;
  const rank = (id: string | null) => (id === null ? -1 : settings.tiers.levels.findIndex((t) => t.id === id));
  const before = rank(previousTierId);
  const after = rank(tierId);
  return { previousTierId, tierId, direction: after > before ? "up" : after < before ? "down" : "same", status };
}
