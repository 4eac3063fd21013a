// Every number, amount and date a merchant reads goes through this module, so
// each page shows them the same way: money from integer minor units in the
// shop's currency, dates in the shop's time zone, both in the admin's language
// ("en" or "ar", as app/i18n resolved it). Intl decides symbols, digits,
// grouping and the currency's minor-unit exponent (JPY 0, USD 2, KWD 3).
// Pure (no React) so loaders, components and tests share it.

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, options);
    } catch {
      // An unknown currency code must not break the page: show a plain number.
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    }
    numberFormats.set(key, f);
  }
  return f;
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, options);
    } catch {
      // An unknown IANA zone (a bad Shop row) falls back to UTC rather than crashing the page.
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" });
    }
    dateFormats.set(key, f);
  }
  return f;
}

const digitsCache = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency from ICU (USD 2, JPY 0, KWD 3); 2 for an unknown code. */
export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

/** Integer minor units → major units (1999 USD → 19.99, 1999 JPY → 1999, 1999 KWD → 1.999). */
export function minorToMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

const isNumber = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

export interface MoneyOptions {
  /** Short form for chart axes and dense cells ("$1.2K"). */
  compact?: boolean;
  /** "+$5.00" / "-$5.00" for differences. */
  signed?: boolean;
}

/** An amount held as integer minor units, in `currency`; "—" when missing. */
export function formatMoney(minor: number | null | undefined, currency: string, locale = "en", options: MoneyOptions = {}): string {
  if (!isNumber(minor)) return "—";
  const digits = currencyDigits(currency);
  return numberFormat(locale, {
    style: "currency",
    currency,
    ...(options.signed ? { signDisplay: "exceptZero" as const } : {}),
    ...(options.compact ? { notation: "compact" as const, minimumFractionDigits: 0, maximumFractionDigits: 1 } : { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  }).format(minor / 10 ** digits);
}

/** A ratio as a percentage (0.125 → "12.5%"); "—" when missing. */
export function formatPercent(ratio: number | null | undefined, locale = "en", fractionDigits = 1): string {
  if (!isNumber(ratio)) return "—";
  return numberFormat(locale, { style: "percent", minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(ratio);
}

/** Signed relative change ("+12.5%"); null when there is nothing to compare with. */
export function formatChange(ratio: number | null | undefined, locale = "en"): string | null {
  if (!isNumber(ratio)) return null;
  return numberFormat(locale, { style: "percent", signDisplay: "exceptZero", maximumFractionDigits: 1 }).format(ratio);
}

export function formatNumber(value: number | null | undefined, locale = "en", fractionDigits = 0): string {
  if (!isNumber(value)) return "—";
  return numberFormat(locale, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);
}

/** A count with a sign ("+25", "−3"), for ledger entries. */
export function formatSignedNumber(value: number | null | undefined, locale = "en"): string {
  if (!isNumber(value)) return "—";
  return numberFormat(locale, { signDisplay: "exceptZero", maximumFractionDigits: 0 }).format(value);
}

function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const d = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The calendar date of an instant in the shop's time zone ("Mar 5, 2026"). */
export function formatDate(value: Date | string | null | undefined, timeZone: string, locale = "en"): string {
  const d = toDate(value);
  return d ? dateFormat(locale, { timeZone, year: "numeric", month: "short", day: "numeric" }).format(d) : "—";
}

/** Date and time of an event (sync runs, deliveries, snapshots) in the shop's time zone. */
export function formatDateTime(value: Date | string | null | undefined, timeZone: string, locale = "en"): string {
  const d = toDate(value);
  return d ? dateFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(d) : "—";
}

/** A calendar day key "YYYY-MM-DD" (already a day, so no time zone shift) → "Mar 5, 2026". */
export function formatDay(day: string | null | undefined, locale = "en", options: { short?: boolean } = {}): string {
  const m = day ? /^(\d{4})-(\d{2})-(\d{2})/.exec(day) : null;
  if (!m) return day ? day : "—";
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return dateFormat(locale, { timeZone: "UTC", ...(options.short ? { month: "short", day: "numeric" } : { year: "numeric", month: "short", day: "numeric" }) }).format(d);
}

/** A month key "YYYY-MM" → "Mar 2026". */
export function formatMonth(monthKey: string, locale = "en"): string {
  const m = /^(\d{4})-(\d{2})$/.exec(monthKey);
  if (!m) return monthKey;
  return dateFormat(locale, { timeZone: "UTC", year: "numeric", month: "short" }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
}

/** "YYYY-MM-DD" of an instant in a time zone: the value a date input needs for "today" in the shop. */
export function dayInTimeZone(value: Date, timeZone: string): string {
  const parts = dateFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(value);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** polaris-viz calls its formatters with string | number | null. */
export type ChartLabelFormatter = (value: string | number | null) => string;

const asNumber = (v: string | number | null): number | null => (v === null || v === "" ? null : typeof v === "number" ? v : Number(v));

/**
 * The same formatting, bound to one page's locale, currency and time zone, with
 * formatters for chart axes and tooltips, so a chart never shows raw numbers.
 */
export function createFormatter(options: { locale: string; currency?: string; timeZone?: string }) {
  const { locale } = options;
  const currency = options.currency ?? "USD";
  const timeZone = options.timeZone ?? "UTC";
  return {
    locale,
    currency,
    timeZone,
    money: (minor: number | null | undefined, o?: MoneyOptions) => formatMoney(minor, currency, locale, o),
    number: (value: number | null | undefined, fractionDigits = 0) => formatNumber(value, locale, fractionDigits),
    percent: (ratio: number | null | undefined, fractionDigits = 1) => formatPercent(ratio, locale, fractionDigits),
    date: (value: Date | string | null | undefined) => formatDate(value, timeZone, locale),
    dateTime: (value: Date | string | null | undefined) => formatDateTime(value, timeZone, locale),
    day: (day: string | null | undefined) => formatDay(day, locale),
    chart: {
      /** Values in minor units → compact money on axes. */
      moneyAxis: ((v) => formatMoney(asNumber(v), currency, locale, { compact: true })) as ChartLabelFormatter,
      /** Values in minor units → full money in tooltips. */
      money: ((v) => formatMoney(asNumber(v), currency, locale)) as ChartLabelFormatter,
      number: ((v) => formatNumber(asNumber(v), locale, Number.isInteger(asNumber(v) ?? 0) ? 0 : 2)) as ChartLabelFormatter,
      /** "YYYY-MM-DD" keys → a short date. */
      day: ((v) => (typeof v === "string" ? formatDay(v, locale, { short: true }) : String(v ?? ""))) as ChartLabelFormatter,
    },
  };
}

export type Formatter = ReturnType<typeof createFormatter>;
