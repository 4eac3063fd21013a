import { CurrencyMismatchError, InvalidLoyaltyInputError } from "./errors";
import { RATE_DECIMALS, assertNonNegativeInteger, currencyExponent, formatMoney, roundRatio, toScaledInteger } from "./money";
import type { ProgramSettings } from "./settings";
import { addUtcDays, isValidDate } from "./time";
import type { AmountInclusion, EarnSnapshot, OrderAmounts, RoundingMode } from "./types";

export function validateOrderAmounts(amounts: OrderAmounts, field = "amounts"): void {
  assertNonNegativeInteger(amounts.merchandiseMinor, `${field}.merchandiseMinor`);
  assertNonNegativeInteger(amounts.giftCardMinor, `${field}.giftCardMinor`);
  assertNonNegativeInteger(amounts.shippingMinor, `${field}.shippingMinor`);
  assertNonNegativeInteger(amounts.taxMinor, `${field}.taxMinor`);
  if (amounts.giftCardMinor > amounts.merchandiseMinor) {
    throw new InvalidLoyaltyInputError(`${field}.giftCardMinor`, "cannot exceed merchandiseMinor");
  }
  currencyExponent(amounts.currency);
}

/** The amount points are earned on, under the given inclusion rules. */
export function computeEligibleAmount(include: AmountInclusion, amounts: OrderAmounts): number {
  return (
    amounts.merchandiseMinor -
    (include.giftCards ? 0 : amounts.giftCardMinor) +
    (include.shipping ? amounts.shippingMinor : 0) +
    (include.tax ? amounts.taxMinor : 0)
  );
}

/**
 * points = rounding(eligible / 10^exponent × pointsPerUnit × multiplier), in
 * exact integer arithmetic: 0.1 × 3 must give 0.3 points, not 0.30000000000000004.
 */
export function computeEarnPoints(args: {
  eligibleAmountMinor: number;
  currency: string;
  pointsPerUnit: number;
  tierMultiplier: number;
  rounding: RoundingMode;
}): number {
  assertNonNegativeInteger(args.eligibleAmountMinor, "eligibleAmountMinor");
  const rate = toScaledInteger(args.pointsPerUnit, RATE_DECIMALS, "pointsPerUnit");
  const multiplier = toScaledInteger(args.tierMultiplier, 2, "tierMultiplier");
  const num = BigInt(args.eligibleAmountMinor) * rate * multiplier;
  const den = 10n ** BigInt(currencyExponent(args.currency) + RATE_DECIMALS + 2);
  return roundRatio(num, den, args.rounding);
}

export function resolveTierMultiplier(settings: ProgramSettings, tierId: string | null): number {
  if (tierId === null) return 1;
  const tier = settings.tiers.levels.find((t) => t.id === tierId);
  if (!tier) throw new InvalidLoyaltyInputError("tierId", `unknown tier "${tierId}"`);
  return tier.multiplier;
}

/** Freezes the earn rule in force so later refunds prorate against it, whatever the settings become. */
export function buildEarnSnapshot(settings: ProgramSettings, amounts: OrderAmounts, tierId: string | null): EarnSnapshot {
  validateOrderAmounts(amounts);
  if (amounts.currency !== settings.currency) throw new CurrencyMismatchError(settings.currency, amounts.currency);
  const tierMultiplier = resolveTierMultiplier(settings, tierId);
  const include = { ...settings.earn.include };
  const eligibleAmountMinor = computeEligibleAmount(include, amounts);
  const points = computeEarnPoints({
    eligibleAmountMinor,
    currency: settings.currency,
    pointsPerUnit: settings.earn.pointsPerUnit,
    tierMultiplier,
    rounding: settings.earn.rounding,
  });
  return {
    currency: settings.currency,
    eligibleAmountMinor,
    pointsPerUnit: settings.earn.pointsPerUnit,
    tierId,
    tierMultiplier,
    rounding: settings.earn.rounding,
    include,
    points,
  };
}

export interface EarnPreview {
  points: number;
  spendableAt: Date;
  text: string;
}

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });

/** Live preview for the settings page: "An order of $80.00 earns 80 points, spendable on Dec 22, 2026." */
export function previewEarn(
  settings: ProgramSettings,
  orderAmountMinor: number,
  currency: string,
  now: Date,
  tierId: string | null = null,
): EarnPreview {
  assertNonNegativeInteger(orderAmountMinor, "orderAmountMinor");
  if (!isValidDate(now)) throw new InvalidLoyaltyInputError("now", "must be a valid date");
  if (currency !== settings.currency) throw new CurrencyMismatchError(settings.currency, currency);
  const points = computeEarnPoints({
    eligibleAmountMinor: orderAmountMinor,
    currency,
    pointsPerUnit: settings.earn.pointsPerUnit,
    tierMultiplier: resolveTierMultiplier(settings, tierId),
    rounding: settings.earn.rounding,
  });
  const spendableAt = addUtcDays(now, settings.earn.pendingDays);
  const when = settings.earn.pendingDays === 0 ? "spendable immediately" : `spendable on ${dateFormat.format(spendableAt)}`;
  const text = `An order of ${formatMoney(orderAmountMinor, currency)} earns ${points} ${points === 1 ? "point" : "points"}, ${when}.`;
  return { points, spendableAt, text };
}
