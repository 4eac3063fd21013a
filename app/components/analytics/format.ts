// Analytics-only display helpers (KPI values by kind, heatmap colours). All
// generic money/number/date formatting lives in app/lib/format.ts.
import { formatChange as formatRatioChange, formatMoney, formatNumber, formatPercent } from "~/lib/format";
import type { KpiKind, MetricJson } from "./types";

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
  return formatRatioChange(relative.value, locale);
}

/**
 * Background for a heatmap cell. The blue ramp skips the middle lightness band
 * where neither dark nor white text reaches 4.5:1: light half (97%→60%) with
 * dark text, dark half (42%→25%) with white text.
 */
export function heatColor(share: number): { background: string; color: string } {
  const s = Math.max(0, Math.min(1, share));
  const dark = s >= 0.5;
  const lightness = Math.round(dark ? 42 - (s - 0.5) * 34 : 97 - s * 74);
  return { background: `hsl(212 80% ${lightness}%)`, color: dark ? "#ffffff" : "#1a1a1a" };
}
