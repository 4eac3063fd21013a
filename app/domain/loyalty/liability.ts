import { summarizeBalance } from "./balance";
import { InvalidLoyaltyInputError } from "./errors";
import { roundRatio, toScaledInteger } from "./money";
import type { ProgramSettings } from "./settings";
import { addUtcMonths, isValidDate, listMonthEnds } from "./time";
import type { LedgerEntry } from "./types";

export interface CustomerLedger {
  customerId: string;
  entries: readonly LedgerEntry[];
}

/** Points that left the program historically by expiry and by redemption (net of rolled-back redemptions). */
export interface BreakageHistory {
  expiredPoints: number;
  redeemedPoints: number;
}

export interface PointValuation {
  basis: "configured" | "cheapest-reward" | "none";
  /** Minor units per point, or null when nothing gives points a value. */
  pointValueMinor: number | null;
  rewardId?: string;
  num: bigint;
  den: bigint;
}

export interface LiabilityPoint {
  at: Date;
  pendingPoints: number;
  spendablePoints: number;
  outstandingPoints: number;
  debtPoints: number;
}

export interface LiabilityReport extends LiabilityPoint {
  customersWithDebt: number;
  valuation: Omit<PointValuation, "num" | "den">;
  outstandingValueMinor: number | null;
  breakageRate: number | null;
  expectedBreakagePoints: number | null;
  /** Value of the points expected to be redeemed: (outstanding − expected breakage) × point value. */
  expectedLiabilityMinor: number | null;
  trend: LiabilityPoint[];
}

/**
 * Value of a point: the merchant's configured value, else the fixed-amount
 * reward that gives the most money per point (the cheapest in points per unit
 * of currency: the most a point can cost the shop). Percent and free-shipping
 * rewards have no fixed value and are not used.
 */
export function resolvePointValue(settings: ProgramSettings): PointValuation {
  if (settings.pointValueMinor !== null) {
    const num = toScaledInteger(settings.pointValueMinor, 4, "pointValueMinor");
    return { basis: "configured", pointValueMinor: settings.pointValueMinor, num, den: 10_000n };
  }
  let best: { id: string; amount: number; cost: number } | null = null;
  for (const r of settings.rewards) {
    if (!r.enabled || r.type !== "FIXED_AMOUNT") continue;
    // a/b > c/d ⇔ a·d > c·b (exact, no floating ties)
    if (!best || r.amountMinor * best.cost > best.amount * r.costPoints) best = { id: r.id, amount: r.amountMinor, cost: r.costPoints };
  }
  if (!best) return { basis: "none", pointValueMinor: null, num: 0n, den: 1n };
  return {
    basis: "cheapest-reward",
    pointValueMinor: best.amount / best.cost,
    rewardId: best.id,
    num: BigInt(best.amount),
    den: BigInt(best.cost),
  };
}

export function measureBreakageHistory(ledgers: readonly CustomerLedger[], from?: Date, to?: Date): BreakageHistory {
  const lo = from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const hi = to?.getTime() ?? Number.POSITIVE_INFINITY;
  let expiredPoints = 0;
  let redeemedPoints = 0;
  for (const ledger of ledgers) {
    for (const e of ledger.entries) {
      const t = e.occurredAt.getTime();
      if (t < lo || t > hi) continue;
      if (e.type === "EXPIRY") expiredPoints -= e.points;
      else if (e.type === "REDEEM" || e.type === "REDEMPTION_COMPENSATION") redeemedPoints -= e.points;
    }
  }
  return { expiredPoints, redeemedPoints };
}

function measureOutstanding(ledgers: readonly CustomerLedger[], at: Date): LiabilityPoint & { customersWithDebt: number } {
  let pendingPoints = 0;
  let spendablePoints = 0;
  let debtPoints = 0;
  let customersWithDebt = 0;
  for (const ledger of ledgers) {
    const b = summarizeBalance(ledger.entries, at);
    pendingPoints += b.pending;
    spendablePoints += b.spendable;
    debtPoints += b.debt;
    if (b.debt > 0) customersWithDebt += 1;
  }
  // A customer's debt is not netted against others' points: it cannot be collected, only repaid by that customer's future earnings.
  return { at, pendingPoints, spendablePoints, outstandingPoints: pendingPoints + spendablePoints, debtPoints, customersWithDebt };
}

export interface LiabilityOptions {
  now: Date;
  history: BreakageHistory | null;
  /** First month of the trend; default 11 months before `now` (12 points). */
  trendFrom?: Date;
}

export function buildLiabilityReport(
  settings: ProgramSettings,
  ledgers: readonly CustomerLedger[],
  options: LiabilityOptions,
): LiabilityReport {
  const { now, history } = options;
  if (!isValidDate(now)) throw new InvalidLoyaltyInputError("now", "must be a valid date");
  const trendFrom = options.trendFrom ?? addUtcMonths(now, -11);
  if (!isValidDate(trendFrom) || trendFrom > now) throw new InvalidLoyaltyInputError("trendFrom", "must be a valid date not after now");
  if (history && (!Number.isSafeInteger(history.expiredPoints) || history.expiredPoints < 0 || !Number.isSafeInteger(history.redeemedPoints) || history.redeemedPoints < 0)) {
    throw new InvalidLoyaltyInputError("history", "expiredPoints and redeemedPoints must be non-negative integers");
  }

  const current = measureOutstanding(ledgers, now);
  const trend = listMonthEnds(trendFrom, now).map((end) => {
    const { customersWithDebt: _ignored, ...point } = measureOutstanding(ledgers, end > now ? now : end);
    return point;
  });

  const value = resolvePointValue(settings);
  const { num, den, ...valuation } = value;
  const priced = (points: number) => (value.basis === "none" ? null : roundRatio(BigInt(points) * num, den, "round"));

  const observed = history ? history.expiredPoints + history.redeemedPoints : 0;
  const breakageRate = history && observed > 0 ? history.expiredPoints / observed : null;
  const expectedBreakagePoints =
    history && observed > 0
      ? roundRatio(BigInt(current.outstandingPoints) * BigInt(history.expiredPoints), BigInt(observed), "round")
      : null;

  return {
    ...current,
    valuation,
    outstandingValueMinor: priced(current.outstandingPoints),
    breakageRate,
    expectedBreakagePoints,
    expectedLiabilityMinor: expectedBreakagePoints === null ? null : priced(current.outstandingPoints - expectedBreakagePoints),
    trend,
  };
}
