import { InvalidLoyaltyInputError } from "./errors";
import type { RoundingMode } from "./types";

/** Decimal places allowed in rates; rates are turned into integers so points are computed exactly. */
export const RATE_DECIMALS = 4;

const exponentCache = new Map<string, number>();

/** Minor-unit exponent of an ISO 4217 currency (USD 2, JPY 0, KWD 3), from the runtime's ICU data. */
export function currencyExponent(currency: string): number {
  const cached = exponentCache.get(currency);
  if (cached !== undefined) return cached;
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new InvalidLoyaltyInputError("currency", `"${currency}" is not an ISO 4217 code`);
  }
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits;
  const exponent = digits ?? 2;
  exponentCache.set(currency, exponent);
  return exponent;
}

/** `1.25` with 4 decimals → 12500n. Refuses values that need more precision than `decimals`. */
export function toScaledInteger(value: number, decimals: number, field: string): bigint {
  const scaled = value * 10 ** decimals;
  const rounded = Math.round(scaled);
  if (!Number.isFinite(value) || Math.abs(scaled - rounded) > 1e-6) {
    throw new InvalidLoyaltyInputError(field, `must be a finite number with at most ${decimals} decimals`);
  }
  return BigInt(rounded);
}

export function hasAtMostDecimals(value: number, decimals: number): boolean {
  if (!Number.isFinite(value)) return false;
  const scaled = value * 10 ** decimals;
  return Math.abs(scaled - Math.round(scaled)) <= 1e-6;
}

/** Rounds the non-negative fraction num/den to an integer; "round" is half-up. */
export function roundRatio(num: bigint, den: bigint, mode: RoundingMode): number {
  if (den <= 0n || num < 0n) throw new RangeError("roundRatio needs num ≥ 0 and den > 0");
  let q: bigint;
  if (mode === "floor") q = num / den;
  else if (mode === "ceil") q = (num + den - 1n) / den;
  else q = (2n * num + den) / (2n * den);
  return Number(q);
}

export function formatMoney(amountMinor: number, currency: string, locale = "en-US"): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amountMinor / 10 ** exponent);
}

export function assertNonNegativeInteger(value: unknown, field: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidLoyaltyInputError(field, "must be a non-negative integer");
  }
}

export function assertPositiveInteger(value: unknown, field: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidLoyaltyInputError(field, "must be a positive integer");
  }
}
