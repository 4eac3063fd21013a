// Retention metrics → the KPI cards' JSON (plain numbers, ISO dates).
import {
  computeRetentionMetrics,
  computeRetentionMetricsPrepared,
  type AnalyticsOrder,
  type DateRange,
  type Metric,
  type PreparedOrders,
  type RetentionMetricsReport,
} from "~/domain/analytics";
import { KPI_KEYS, type KpiReportJson, type MetricJson } from "~/components/analytics/types";

function asMetric(value: number | Metric): MetricJson {
  return typeof value === "number" ? { value, reason: null } : value;
}

export function toKpiReport(report: RetentionMetricsReport): KpiReportJson {
  return {
    range: { start: report.current.period.start.toISOString(), end: report.current.period.end.toISOString() },
    previous: { start: report.previous.period.start.toISOString(), end: report.previous.period.end.toISOString() },
    kpis: KPI_KEYS.map((key) => ({
      key,
      current: asMetric(report.current[key]),
      previous: asMetric(report.previous[key]),
      relative: report.change[key].relative,
    })),
  };
}

/** Lookback for "active": a year, or the period length when a custom range is longer. */
function lookbackDaysFor(period: DateRange): number {
  const days = Math.ceil((period.end.getTime() - period.start.getTime()) / 86_400_000);
  return Math.max(365, days);
}

export function computeKpis(orders: readonly AnalyticsOrder[], period: DateRange): KpiReportJson {
  return toKpiReport(computeRetentionMetrics({ orders, period, activeLookbackDays: lookbackDaysFor(period) }));
}

/** computeKpis on orders prepared once (prepareOrders) for several periods. */
export function computeKpisPrepared(prepared: PreparedOrders, period: DateRange): KpiReportJson {
  return toKpiReport(computeRetentionMetricsPrepared(prepared, { period, activeLookbackDays: lookbackDaysFor(period) }));
}
