// JSON shapes shared by the analytics services (which write and read them)
// and the admin pages (which render them). Dates are ISO strings: these cross
// the loader boundary and live in ShopSnapshot.payload.

/** ready: a snapshot exists; syncing: first backfill running; computing: orders but no snapshot yet; empty: nothing synced. */
export type DataState = "ready" | "syncing" | "computing" | "empty";

export type MetricJson = { value: number; reason: null } | { value: null; reason: string };

export const STANDARD_RANGES = ["30d", "90d", "365d"] as const;
export type StandardRange = (typeof STANDARD_RANGES)[number];
export const RANGE_DAYS: Record<StandardRange, number> = { "30d": 30, "90d": 90, "365d": 365 };

/** The KPI cards: one value now, one for the previous period of equal length. */
export const KPI_KEYS = [
  "netRevenueMinor",
  "orders",
  "averageOrderValueMinor",
  "customersWithOrders",
  "newCustomers",
  "customerRetentionRate",
  "churnRate",
  "repeatPurchaseRate",
  "purchaseFrequency",
  "historicalClvMinor",
  "returningCustomerRevenueMinor",
  "timeBetweenOrdersMedianDays",
] as const;
export type KpiKey = (typeof KPI_KEYS)[number];
export type KpiKind = "money" | "count" | "rate" | "decimal" | "days";
export const KPI_KIND: Record<KpiKey, KpiKind> = {
  netRevenueMinor: "money",
  orders: "count",
  averageOrderValueMinor: "money",
  customersWithOrders: "count",
  newCustomers: "count",
  customerRetentionRate: "rate",
  churnRate: "rate",
  repeatPurchaseRate: "rate",
  purchaseFrequency: "decimal",
  historicalClvMinor: "money",
  returningCustomerRevenueMinor: "money",
  timeBetweenOrdersMedianDays: "days",
};
/** For these a rise is bad news (the card colours the change accordingly). */
export const LOWER_IS_BETTER: ReadonlySet<KpiKey> = new Set(["churnRate", "timeBetweenOrdersMedianDays"]);

export interface KpiValue {
  key: KpiKey;
  current: MetricJson;
  previous: MetricJson;
  /** (current − previous) / previous, null with a reason when undefined. */
  relative: MetricJson;
}

export interface KpiReportJson {
  range: { start: string; end: string };
  previous: { start: string; end: string };
  kpis: KpiValue[];
}

export interface CohortCellJson {
  k: number;
  activeShare: number;
  orders: number;
  revenueMinor: number;
  cumulativePerCustomerMinor: number;
  complete: boolean;
}

export interface CohortJson {
  cohort: string;
  size: number;
  months: CohortCellJson[];
}

export interface SegmentJson {
  group: string;
  customers: number;
  share: number | null;
  orders: number;
  revenueMinor: number;
  averageClvMinor: number | null;
  averageRecencyDays: number | null;
}

export interface MovementJson {
  /** The groups are compared with the groups rebuilt as of this instant. */
  since: string;
  basisDays: number;
  unchanged: number;
  moved: number;
  entered: number;
  left: number;
  /** Non-zero transitions between different groups, largest first. */
  flows: { from: string; to: string; customers: number }[];
}

export interface FitJson {
  params: Record<string, number>;
  standardErrors: Record<string, number> | null;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  message: string;
}

export interface BacktestJson {
  status: "ok" | "skipped";
  reason: string | null;
  calibrationEnd: string | null;
  observationEnd: string | null;
  holdoutWeeks: number | null;
  cohortCustomers: number;
  chosen: string | null;
  scores: { model: string; meanAbsoluteError: number; predictedTotal: number; actualTotal: number; totalRelativeError: number | null }[];
  fits: Record<string, FitJson>;
  buckets: { label: string; customers: number; actualMean: number; predictedMean: number }[];
  weekly: { week: number; actualCumulative: number; predictedCumulative: number }[];
}

export interface ClvJson {
  /** model-not-identified: the fit ran to a boundary, so the historical-average fallback is shown. */
  status: "ok" | "insufficient-data" | "model-not-identified" | "no-data" | "failed";
  reason: string | null;
  /** The small-data threshold and what the shop has, for the banner. */
  threshold: { customers: number; repeaters: number } | null;
  have: { customers: number; repeaters: number } | null;
  model: string | null;
  selectionRule: string | null;
  fit: FitJson | null;
  spend: { model: "gamma-gamma"; fit: FitJson } | { model: "average-order-value"; note: string | null } | null;
  calibrationEnd: string | null;
  horizonWeeks: number;
  discountRate: number;
  rangeDraws: number;
  /** How the per-customer CLV range was made (absent in snapshots before it existed: bootstrap when rangeDraws > 0). */
  rangeMethod?: "bootstrap" | "delta" | null;
  backtest: BacktestJson;
  /** Histogram of predicted 12-month CLV (minor units); the last bucket is open-ended. */
  distribution: { fromMinor: number; toMinor: number | null; customers: number }[];
  totalPredictedClvMinor: number;
  churn: { thresholds: { high: number; medium: number }; counts: Record<"LOW" | "MEDIUM" | "HIGH" | "UNKNOWN", number> };
}

export interface AnalyticsSnapshotPayload {
  version: 1;
  asOf: string;
  timeZone: string;
  currencyCode: string;
  counts: {
    ordersRead: number;
    customers: number;
    customersWithOrders: number;
    futureOrders: number;
    clampedOrders: number;
    deletedCustomerOrders: number;
  };
  kpis: Record<StandardRange, KpiReportJson>;
  cohorts: { lastMonth: string; cohorts: CohortJson[]; blended: { k: number; activeShare: number; cumulativePerCustomerMinor: number; customers: number }[] };
  segments: SegmentJson[];
  movement: MovementJson;
  clv: ClvJson;
  /** Milliseconds per stage of the run that wrote this snapshot. */
  timings: Record<string, number>;
}
