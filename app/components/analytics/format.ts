// Display formatting for analytics pages. Amounts arrive as integer minor
// units with their currency; Intl decides the symbol, digits and grouping.
import type { KpiKind, MetricJson } from "./types";

const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, options);
    } catch {
      // An unknown currency code must not break the page: show a plain number.
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    }
    cache.set(key, f);
  }
  return f;
}

/** Minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number | null | undefined, currency: string, locale = "en", options: { compact?: boolean } = {}): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return "—";
  const digits = minorDigits(currency);
  const major = minor / 10 ** digits;
  return numberFormat(locale, {
    style: "currency",
    currency,
    ...(options.compact ? { notation: "compact", maximumFractionDigits: 1 } : { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  }).format(major);
}

export function formatPercent(ratio: number | null | undefined, locale = "en", fractionDigits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return numberFormat(locale, { style: "percent", minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(ratio);
}

export function formatNumber(value: number | null | undefined, locale = "en", fractionDigits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return numberFormat(locale, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);
}

/** A KPI value by its kind; undefined metrics render as an em dash (the reason goes in a tooltip). */
export function formatKpi(kind: KpiKind, metric: MetricJson, currency: string, locale = "en"): string {
  if (metric.value === null) return "—";
  switch (kind) {
    case "money":
      return formatMoney(Math.round(metric.value), currency, locale);
    case "rate":
      return formatPercent(metric.value, locale);
    case "decimal":
      return formatNumber(metric.value, locale, 2);
    case "days":
      return formatNumber(metric.value, locale, 1);
    default:
      return formatNumber(metric.value, locale);
  }
}

/** Signed relative change, e.g. "+12.5%"; null when there is nothing to compare with. */
export function formatChange(relative: MetricJson, locale = "en"): string | null {
  if (relative.value === null) return null;
  return numberFormat(locale, { style: "percent", signDisplay: "exceptZero", maximumFractionDigits: 1 }).format(relative.value);
}

/** A calendar date in the shop's time zone. */
export function formatDate(iso: string | null | undefined, timeZone: string, locale = "en"): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  try {
    return new Intl.DateTimeFormat(locale, { timeZone, year: "numeric", month: "short", day: "numeric" }).format(d);
  } catch {
    return iso.slice(0, 10);
  }
}

/** "2026-03" → "Mar 2026" in the viewer's language. */
export function formatMonth(monthKey: string, locale = "en"): string {
  const m = /^(\d{4})-(\d{2})$/.exec(monthKey);
  if (!m) return monthKey;
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "short" }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
}

/**
 * Background for a heatmap cell. The blue ramp skips the middle lightness band
 * where neither dark nor white text reaches 4.5:1: light half (97%→60%) with
 * dark text, dark half (42%→25%) with white text.
 */
export function heatColor(share: number): { background: string; color: string } {
  const s = Math.max(0, Math.min(1, share));
  const dark = s >= 0.5;
  const lightness = dark ? 42 - (s - 0.5) * 34 : 97 - s * 74;
  return { background: `hsl(212 80% ${lightness.toFixed(0)}%)`, color: dark ? "#ffffff" : "#1a1a1a" };
}

/** Date and time of an event (sync runs, deliveries), in the UI locale. */
export function formatDateTime(value: Date | string | null | undefined, locale = "en", timeZone?: string): string {
  if (!value) return "—";
  const d = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", ...(timeZone ? { timeZone } : {}) }).format(d);
}
