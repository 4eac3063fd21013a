// Retention metrics for a period and the previous period of equal length.
// Definitions and formulas are in docs/analytics.md; keep the two in step.
import { median, type CleanOrder } from "./clean-orders";
import { AnalyticsInputError } from "./errors";
import { lowerBoundAt as lowerBound, prepareOrders, type PreparedOrders } from "./prepared-orders";
import { assertValidDate, MS_PER_DAY } from "./time";
import { metricOf, nullMetric, ratio, type AnalyticsOrder, type DateRange, type Metric } from "./types";

export const DEFAULT_ACTIVE_LOOKBACK_DAYS = 365;

export interface RetentionMetricsInput {
  orders: readonly AnalyticsOrder[];
  /** The current period [start, end); the previous period is the equal-length span before it. */
  period: DateRange;
  /** A customer is active at instant t if they placed an order in [t − lookback, t). Default 365. */
  activeLookbackDays?: number;
}

export interface PeriodMetrics {
  period: DateRange;
  /** S: customers active at the period start. */
  activeAtStart: number;
  /** E: customers active at the period end. */
  activeAtEnd: number;
  /** N: customers whose first order falls in the period. */
  newCustomers: number;
  /** Active at start, not active at end. */
  lostCustomers: number;
  /** Active at end, not active at start, and not new (came back after a lapse). */
  reactivatedCustomers: number;
  /** Distinct customers with an order in the period. */
  customersWithOrders: number;
  /** Of those, customers with 2+ orders up to the period end. */
  repeatCustomers: number;
  /** Orders in the period, guests included. */
  orders: number;
  /** Orders in the period placed by a known customer. */
  customerOrders: number;
  /** Net revenue (charged − refunded) of all orders in the period, guests included. */
  netRevenueMinor: number;
  /** Refunds on orders placed in the period. */
  refundedMinor: number;
  newCustomerRevenueMinor: number;
  returningCustomerRevenueMinor: number;
  guestRevenueMinor: number;
  /** Customers with at least one order before the period end. */
  customersToDate: number;
  /** Net revenue of all their orders before the period end. */
  customerLifetimeRevenueMinor: number;
  /** (E − N) / S. */
  customerRetentionRate: Metric;
  /** lost / S. */
  churnRate: Metric;
  /** repeatCustomers / customersWithOrders. */
  repeatPurchaseRate: Metric;
  /** customerOrders / customersWithOrders. */
  purchaseFrequency: Metric;
  /** netRevenueMinor / orders (a ratio in minor units, not rounded). */
  averageOrderValueMinor: Metric;
  /** customerLifetimeRevenueMinor / customersToDate. */
  historicalClvMinor: Metric;
  /** Days between a customer's order in the period and their previous order. */
  timeBetweenOrdersMeanDays: Metric;
  timeBetweenOrdersMedianDays: Metric;
}

export type MetricKey = Exclude<keyof PeriodMetrics, "period">;

export interface MetricChange {
  /** current − previous (percentage points × 0.01 for rates). */
  absolute: Metric;
  /** (current − previous) / previous. */
  relative: Metric;
}

export interface RetentionMetricsReport {
  current: PeriodMetrics;
  previous: PeriodMetrics;
  change: Record<MetricKey, MetricChange>;
}

function assertPeriod(period: DateRange): void {
  assertValidDate(period.start, "period start");
  assertValidDate(period.end, "period end");
  if (period.end.getTime() <= period.start.getTime()) {
    throw new AnalyticsInputError(
      "INVALID_RANGE",
      `period end ${period.end.toISOString()} must be after start ${period.start.toISOString()}`,
    );
  }
}

function hasOrderIn(list: readonly CleanOrder[], from: number, to: number): boolean {
  const i = lowerBound(list, from);
  return i < list.length && list[i].at < to;
}

function computePeriod(
  clean: readonly CleanOrder[],
  byCustomer: ReadonlyMap<string, readonly CleanOrder[]>,
  period: DateRange,
  lookbackMs: number,
): PeriodMetrics {
  const start = period.start.getTime();
  const end = period.end.getTime();

  let orders = 0;
  let customerOrders = 0;
  let netRevenueMinor = 0;
  let refundedMinor = 0;
  let guestRevenueMinor = 0;
  // `clean` is time-sorted: visit only the period's slice, in the same order.
  const sliceEnd = lowerBound(clean, end);
  for (let j = lowerBound(clean, start); j < sliceEnd; j += 1) {
    const order = clean[j];
    orders += 1;
    netRevenueMinor += order.netMinor;
    refundedMinor += order.refundedMinor;
    if (order.customerId === null) guestRevenueMinor += order.netMinor;
    else customerOrders += 1;
  }

  let activeAtStart = 0;
  let activeAtEnd = 0;
  let newCustomers = 0;
  let lostCustomers = 0;
  let reactivatedCustomers = 0;
  let customersWithOrders = 0;
  let repeatCustomers = 0;
  let newCustomerRevenueMinor = 0;
  let returningCustomerRevenueMinor = 0;
  let customersToDate = 0;
  let customerLifetimeRevenueMinor = 0;
  const gapList: number[] = [];

  for (const list of byCustomer.values()) {
    const firstAt = list[0].at;
    if (firstAt >= end) continue;
    customersToDate += 1;
    const isNew = firstAt >= start;
    const wasActive = hasOrderIn(list, start - lookbackMs, start);
    const isActive = hasOrderIn(list, end - lookbackMs, end);
    if (wasActive) activeAtStart += 1;
    if (isActive) activeAtEnd += 1;
    if (isNew) newCustomers += 1;
    if (wasActive && !isActive) lostCustomers += 1;
    if (isActive && !wasActive && !isNew) reactivatedCustomers += 1;

    const firstInPeriod = lowerBound(list, start);
    const firstAfterPeriod = lowerBound(list, end);
    if (firstAfterPeriod > firstInPeriod) {
      customersWithOrders += 1;
      if (firstAfterPeriod >= 2) repeatCustomers += 1;
    }
    for (let i = 0; i < firstAfterPeriod; i += 1) {
      const order = list[i];
      customerLifetimeRevenueMinor += order.netMinor;
      if (i < firstInPeriod) continue;
      if (isNew) newCustomerRevenueMinor += order.netMinor;
      else returningCustomerRevenueMinor += order.netMinor;
      if (i > 0) gapList.push((order.at - list[i - 1].at) / MS_PER_DAY);
    }
  }

  // A typed-array sort is numeric and several times faster than a comparator sort.
  const gapsDays = Float64Array.from(gapList).sort();
  const gapSum = gapsDays.reduce((sum, g) => sum + g, 0);

  return {
    period: { start: new Date(start), end: new Date(end) },
    activeAtStart,
    activeAtEnd,
    newCustomers,
    lostCustomers,
    reactivatedCustomers,
    customersWithOrders,
    repeatCustomers,
    orders,
    customerOrders,
    netRevenueMinor,
    refundedMinor,
    newCustomerRevenueMinor,
    returningCustomerRevenueMinor,
    guestRevenueMinor,
    customersToDate,
    customerLifetimeRevenueMinor,
    customerRetentionRate: ratio(activeAtEnd - newCustomers, activeAtStart, "NO_ACTIVE_CUSTOMERS_AT_START"),
    churnRate: ratio(lostCustomers, activeAtStart, "NO_ACTIVE_CUSTOMERS_AT_START"),
    repeatPurchaseRate: ratio(repeatCustomers, customersWithOrders, "NO_CUSTOMERS_IN_PERIOD"),
    purchaseFrequency: ratio(customerOrders, customersWithOrders, "NO_CUSTOMERS_IN_PERIOD"),
    averageOrderValueMinor: ratio(netRevenueMinor, orders, "NO_ORDERS_IN_PERIOD"),
    historicalClvMinor: ratio(customerLifetimeRevenueMinor, customersToDate, "NO_CUSTOMERS_WITH_ORDERS"),
    timeBetweenOrdersMeanDays: ratio(gapSum, gapsDays.length, "NO_REPEAT_ORDER_GAPS"),
    timeBetweenOrdersMedianDays:
      gapsDays.length === 0 ? nullMetric("NO_REPEAT_ORDER_GAPS") : metricOf(median(gapsDays)),
  };
}

function valueOf(field: number | Metric): number | null {
  return typeof field === "number" ? field : field.value;
}

function changeOf(current: number | Metric, previous: number | Metric): MetricChange {
  const cur = valueOf(current);
  const prev = valueOf(previous);
  if (cur === null) {
    return { absolute: nullMetric("CURRENT_UNDEFINED"), relative: nullMetric("CURRENT_UNDEFINED") };
  }
  if (prev === null) {
    return { absolute: nullMetric("PREVIOUS_UNDEFINED"), relative: nullMetric("PREVIOUS_UNDEFINED") };
  }
  return {
    absolute: metricOf(cur - prev),
    relative: prev === 0 ? nullMetric("PREVIOUS_ZERO") : metricOf((cur - prev) / prev),
  };
}

/** The period just before `period`, of equal length. */
export function previousPeriodOf(period: DateRange): DateRange {
  assertPeriod(period);
  const length = period.end.getTime() - period.start.getTime();
  return { start: new Date(period.start.getTime() - length), end: new Date(period.start.getTime()) };
}

/** Retention metrics for `period`, the previous period of equal length, and the change between them. */
export function computeRetentionMetrics(input: RetentionMetricsInput): RetentionMetricsReport {
  const { orders, ...options } = input;
  return computeRetentionMetricsPrepared(prepareOrders(orders), options);
}

/** computeRetentionMetrics on orders already cleaned and grouped by prepareOrders (one pass for many windows). */
export function computeRetentionMetricsPrepared(
  prepared: PreparedOrders,
  input: Omit<RetentionMetricsInput, "orders">,
): RetentionMetricsReport {
  assertPeriod(input.period);
  const lookbackDays = input.activeLookbackDays ?? DEFAULT_ACTIVE_LOOKBACK_DAYS;
  if (!Number.isSafeInteger(lookbackDays) || lookbackDays <= 0) {
    throw new AnalyticsInputError("INVALID_LOOKBACK", `activeLookbackDays must be a positive integer, got ${lookbackDays}`);
  }
  const lookbackMs = lookbackDays * MS_PER_DAY;
  // Otherwise a customer acquired early in the period could be inactive at its
  // end, and E − N would no longer count retained customers.
  if (lookbackMs < input.period.end.getTime() - input.period.start.getTime()) {
    throw new AnalyticsInputError(
      "INVALID_LOOKBACK",
      `activeLookbackDays (${lookbackDays}) must cover the period length`,
    );
  }
  const { clean, byCustomer } = prepared;
  const current = computePeriod(clean, byCustomer, input.period, lookbackMs);
  const previous = computePeriod(clean, byCustomer, previousPeriodOf(input.period), lookbackMs);

  const change = {} as Record<MetricKey, MetricChange>;
  for (const key of Object.keys(current) as (keyof PeriodMetrics)[]) {
    if (key === "period") continue;
    change[key] = changeOf(current[key], previous[key]);
  }
  return { current, previous, change };
}
