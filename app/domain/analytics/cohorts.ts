// Monthly acquisition cohorts × months since first order, bucketed by the
// shop's calendar (an order at 23:30 UTC on Jan 31 is February in Tokyo).
import { AnalyticsInputError } from "./errors";
import { lowerBoundAt, prepareOrders, type PreparedOrders } from "./prepared-orders";
import {
  addMonths,
  assertTimeZone,
  assertValidDate,
  createMonthIndexer,
  formatMonthIndex,
  localMonthKey,
  localMonthRange,
  monthIndexOf,
  monthsBetween,
} from "./time";
import type { AnalyticsOrder } from "./types";

export interface CohortInput {
  orders: readonly AnalyticsOrder[];
  /** IANA zone of the shop, e.g. "America/New_York". */
  timeZone: string;
  /** Only orders strictly before this instant count; months after it are not reported. */
  asOf: Date;
}

export interface CohortMonth {
  /** k: months since the cohort month (0 = the acquisition month). */
  monthIndex: number;
  /** Shop-local calendar month "YYYY-MM". */
  month: string;
  /** Cohort customers with at least one order in this month. */
  activeCustomers: number;
  /** activeCustomers / cohort size. */
  activeShare: number;
  orders: number;
  /** Net revenue (after refunds) of the cohort's orders in this month. */
  revenueMinor: number;
  /** Net revenue in months 0..k. */
  cumulativeRevenueMinor: number;
  /** cumulativeRevenueMinor / cohort size: the LTV curve (a ratio, not rounded). */
  cumulativeRevenuePerCustomerMinor: number;
  /** False for the month that contains `asOf` unless `asOf` is that month's end. */
  complete: boolean;
}

export interface Cohort {
  /** Acquisition month "YYYY-MM" (month of the first non-test, non-cancelled order). */
  cohort: string;
  size: number;
  months: CohortMonth[];
}

export interface BlendedCohortMonth {
  monthIndex: number;
  /** Cohorts for which month k is complete. */
  cohorts: number;
  customers: number;
  activeShare: number;
  cumulativeRevenuePerCustomerMinor: number;
}

export interface CohortReport {
  timeZone: string;
  /** Last shop-local month with data (the month of the last instant before asOf). */
  lastMonth: string;
  /** Customers with at least one counted order before asOf; equals the sum of cohort sizes. */
  customersWithOrders: number;
  cohorts: Cohort[];
  /** Size-weighted average over cohorts whose month k is complete. */
  blended: BlendedCohortMonth[];
}

export function buildCohorts(input: CohortInput): CohortReport {
  const { orders, ...options } = input;
  return buildCohortsPrepared(prepareOrders(orders), options);
}

/** buildCohorts on orders already cleaned and grouped by prepareOrders. */
export function buildCohortsPrepared(prepared: PreparedOrders, input: Omit<CohortInput, "orders">): CohortReport {
  assertTimeZone(input.timeZone);
  assertValidDate(input.asOf, "asOf");
  const asOf = input.asOf.getTime();
  if (!Number.isFinite(asOf)) throw new AnalyticsInputError("INVALID_DATE", "asOf is not finite");

  const lastMonth = localMonthKey(new Date(asOf - 1), input.timeZone);
  const lastMonthComplete = localMonthRange(lastMonth, input.timeZone).end.getTime() <= asOf;

  const { clean } = prepared;
  const counted = lowerBoundAt(clean, asOf);
  const monthOf =
    counted === 0
      ? (ms: number) => monthIndexOf(localMonthKey(new Date(ms), input.timeZone))
      : createMonthIndexer(input.timeZone, clean[0].at, clean[counted - 1].at);

  // cohort → month index → accumulators
  interface Cell { active: number; orders: number; revenue: number }
  const cohorts = new Map<string, { size: number; cells: Map<number, Cell> }>();
  let customersWithOrders = 0;
  for (const list of prepared.byCustomer.values()) {
    const n = lowerBoundAt(list, asOf);
    if (n === 0) continue;
    customersWithOrders += 1;
    const cohortIndex = monthOf(list[0].at);
    const cohortKey = formatCohortKey(cohortIndex);
    const cohort = cohorts.get(cohortKey) ?? { size: 0, cells: new Map<number, Cell>() };
    cohorts.set(cohortKey, cohort);
    cohort.size += 1;
    // Orders are time-sorted, so month indices never decrease: a new k is a new active month.
    let lastK = -1;
    for (let i = 0; i < n; i += 1) {
      const k = monthOf(list[i].at) - cohortIndex;
      let cell = cohort.cells.get(k);
      if (!cell) {
        cell = { active: 0, orders: 0, revenue: 0 };
        cohort.cells.set(k, cell);
      }
      cell.orders += 1;
      cell.revenue += list[i].netMinor;
      if (k !== lastK) {
        lastK = k;
        cell.active += 1;
      }
    }
  }

  const result: Cohort[] = [];
  for (const cohortKey of [...cohorts.keys()].sort()) {
    const { size, cells } = cohorts.get(cohortKey)!;
    const span = monthsBetween(cohortKey, lastMonth);
    const months: CohortMonth[] = [];
    let cumulative = 0;
    for (let k = 0; k <= span; k += 1) {
      const cell = cells.get(k) ?? { active: 0, orders: 0, revenue: 0 };
      cumulative += cell.revenue;
      months.push({
        monthIndex: k,
        month: addMonths(cohortKey, k),
        activeCustomers: cell.active,
        activeShare: cell.active / size,
        orders: cell.orders,
        revenueMinor: cell.revenue,
        cumulativeRevenueMinor: cumulative,
        cumulativeRevenuePerCustomerMinor: cumulative / size,
        complete: k < span || lastMonthComplete,
      });
    }
    result.push({ cohort: cohortKey, size, months });
  }

  return {
    timeZone: input.timeZone,
    lastMonth,
    customersWithOrders,
    cohorts: result,
    blended: blendCohorts(result),
  };
}

const cohortKeyCache = new Map<number, string>();
/** "YYYY-MM" of a month index, cached: one string per month rather than per customer. */
function formatCohortKey(index: number): string {
  let key = cohortKeyCache.get(index);
  if (key === undefined) cohortKeyCache.set(index, (key = formatMonthIndex(index)));
  return key;
}

function blendCohorts(cohorts: readonly Cohort[]): BlendedCohortMonth[] {
  const blended: BlendedCohortMonth[] = [];
  for (let k = 0; ; k += 1) {
    let count = 0;
    let customers = 0;
    let active = 0;
    let revenue = 0;
    for (const cohort of cohorts) {
      const month = cohort.months[k];
      if (!month || !month.complete) continue;
      count += 1;
      customers += cohort.size;
      active += month.activeCustomers;
      revenue += month.cumulativeRevenueMinor;
    }
    if (count === 0) return blended;
    blended.push({
      monthIndex: k,
      cohorts: count,
      customers,
      activeShare: active / customers,
      cumulativeRevenuePerCustomerMinor: revenue / customers,
    });
  }
}
