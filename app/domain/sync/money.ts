// Money arrives as decimal strings ("404.95") or, in a few REST fields, JSON
// numbers (refund line `subtotal: 89.99`). Both are parsed digit by digit into
// integer minor units so no float arithmetic ever touches an amount.
import { SyncInputError } from "./errors";

// ISO 4217 exponents that differ from 2 (the currencies Shopify supports).
const EXPONENTS = new Map<string, number>(Object.entries({
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
}));
const UPPER_CODE = /^[A-Z]{3}$/;

/** Digits after the decimal point for a currency's minor unit (ISO 4217). */
export function currencyExponent(currency: string): number {
  const exponent = EXPONENTS.get(currency);
  if (exponent !== undefined) return exponent;
  // Codes arrive upper-case; only another spelling needs the copy.
  return UPPER_CODE.test(currency) ? 2 : (EXPONENTS.get(currency.toUpperCase()) ?? 2);
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount into integer minor units of `currency`. Extra
 * fraction digits are accepted only when they are zeros ("1000.0" JPY);
 * anything that would need rounding is rejected, because silently rounding
 * money makes totals drift.
 */
export function parseMoneyMinor(value: unknown, currency: string, path = "amount"): number {
  if (typeof value === "string") {
    const minor = plainDecimalMinor(value, currencyExponent(currency));
    if (minor !== null) return minor;
  }
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

/**
 * The common case read digit by digit, without a regular expression or
 * substrings (a backfill parses ~6 amounts per order): an optional "-", 1+
 * digits, optionally "." and 1+ digits, nothing else, at most 15 significant
 * digits with the minor unit (so every step is exact in a double). Anything
 * else, including every amount that is an error, gives null and takes the
 * general path, which decides it (same result: tests/unit/domain/sync/money.test.ts).
 */
function plainDecimalMinor(text: string, exponent: number): number | null {
  const n = text.length;
  let i = 0;
  const negative = n > 0 && text.charCodeAt(0) === 45; // "-"
  if (negative) i = 1;
  const wholeStart = i;
  let value = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
  }
  const wholeDigits = i - wholeStart;
  if (wholeDigits === 0 || wholeDigits + exponent > 15) return null;
  let scale = exponent;
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return null; // "."
    i++;
    if (i === n) return null;
    for (; i < n; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      if (scale > 0) {
        value = value * 10 + d;
        scale--;
      } else if (d !== 0) return null; // needs rounding: the general path refuses it
    }
  }
  for (; scale > 0; scale--) value *= 10;
  return negative && value !== 0 ? -value : value;
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
