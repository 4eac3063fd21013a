// Input and shared output types for the analytics domain. The services layer
// maps database rows to these; nothing here knows about Prisma.

export interface AnalyticsOrder {
  id: string;
  /** null = guest order: excluded from customer metrics, counted in revenue totals. */
  customerId: string | null;
  /** UTC instant. */
  processedAt: Date;
  /** Order revenue in shop-currency minor units (integer), after discounts, as charged. */
  totalMinor: number;
  /** Sum of refunds in minor units (integer, 0 ≤ refundedMinor ≤ totalMinor). */
  refundedMinor: number;
  cancelled: boolean;
  test: boolean;
}

export interface AnalyticsCustomer {
  id: string;
  createdAt: Date;
}

/** Why a ratio has no value. Stable strings so the UI can translate them. */
export type NullReason =
  | "NO_ACTIVE_CUSTOMERS_AT_START"
  | "NO_CUSTOMERS_IN_PERIOD"
  | "NO_ORDERS_IN_PERIOD"
  | "NO_REPEAT_ORDER_GAPS"
  | "NO_CUSTOMERS"
  | "NO_CUSTOMERS_WITH_ORDERS"
  | "NO_CLV_VALUES"
  | "EMPTY_SEGMENT"
  | "NO_ORDERS"
  | "CURRENT_UNDEFINED"
  | "PREVIOUS_UNDEFINED"
  | "PREVIOUS_ZERO";

/** A number that may be undefined (division by zero); never NaN. */
export type Metric =
  | { value: number; reason: null }
  | { value: null; reason: NullReason };

export function metricOf(value: number): Metric {
  return { value, reason: null };
}

export function nullMetric(reason: NullReason): Metric {
  return { value: null, reason };
}

/** numerator / denominator, or null with `reason` when the denominator is 0. */
export function ratio(numerator: number, denominator: number, reason: NullReason): Metric {
  return denominator === 0 ? nullMetric(reason) : metricOf(numerator / denominator);
}

/** A half-open instant range [start, end). */
export interface DateRange {
  start: Date;
  end: Date;
}
