// Money arrives as decimal strings ("404.95") or, in a few REST fields, JSON
// numbers (refund line `subtotal: 89.99`). Both are parsed digit by digit into
// integer minor units so no float arithmetic ever touches an amount.
import { SyncInputError } from "./errors";

// ISO 4217 exponents that differ from 2 (the currencies Shopify supports).
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/** Digits after the decimal point for a currency's minor unit (ISO 4217). */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount into integer minor units of `currency`. Extra
 * fraction digits are accepted only when they are zeros ("1000.0" JPY);
 * anything that would need rounding is rejected, because silently rounding
 * money makes totals drift.
 */
export function parseMoneyMinor(value: unknown, currency: string, path = "amount"): number {
  let text: string;
  if (typeof value === "string") text = value.trim();
  else if (typeof value === "number" && Number.isFinite(value)) text = numberToPlainString(value);
  else throw new SyncInputError("invalid_money", path, `expected a decimal amount, got ${describe(value)}`);
  const match = DECIMAL.exec(text);
  if (!match) throw new SyncInputError("invalid_money", path, `"${text}" is not a decimal amount`);
  const [, sign, whole, fraction = ""] = match;
  const exponent = currencyExponent(currency);
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  const dropped = fraction.slice(exponent);
  if (/[1-9]/.test(dropped)) {
    throw new SyncInputError("invalid_money", path, `"${text}" has more precision than ${currency} allows`);
  }
  const minor = Number(whole + kept);
  if (!Number.isSafeInteger(minor)) throw new SyncInputError("invalid_money", path, `"${text}" is out of range`);
  return sign && minor !== 0 ? -minor : minor;
}

// JSON numbers print in their shortest round-trip form, which is the decimal
// the sender wrote (89.99 -> "89.99"); exponent notation only for huge/tiny.
function numberToPlainString(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, "");
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (typeof value === "string") return `"${value.slice(0, 40)}"`;
  return typeof value;
}
