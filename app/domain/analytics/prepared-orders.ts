// Orders validated, cleaned, sorted and grouped once, so a full recompute
// (three metric windows, cohorts, two RFM snapshots) does not repeat the
// million-row clean/sort/group for each report.
import { cleanOrders, groupByCustomer, type CleanOrder } from "./clean-orders";
import type { AnalyticsOrder } from "./types";

export interface PreparedOrders {
  /** Countable orders (no test, no cancelled), sorted by time. */
  readonly clean: readonly CleanOrder[];
  /** Customer orders by customer id, each list in time order. */
  readonly byCustomer: ReadonlyMap<string, readonly CleanOrder[]>;
}

/** Validates and cleans `orders` (same rules and errors as cleanOrders) and groups them by customer. */
export function prepareOrders(orders: readonly AnalyticsOrder[]): PreparedOrders {
  const clean = cleanOrders(orders);
  return { clean, byCustomer: groupByCustomer(clean) };
}

/** Index of the first order at or after `t` in a time-sorted list. */
export function lowerBoundAt(list: readonly CleanOrder[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
