// One place that validates orders and applies the exclusion rules shared by
// every metric: test and cancelled orders are dropped, refunds are netted.
import { AnalyticsInputError } from "./errors";
import { assertValidDate } from "./time";
import type { AnalyticsOrder } from "./types";

export interface CleanOrder {
  /** Absent when prepared from columns (prepareOrderColumns), whose rows are unique by the database's key. */
  id?: string;
  customerId: string | null;
  /** processedAt in epoch milliseconds. */
  at: number;
  /** totalMinor − refundedMinor, an integer ≥ 0. */
  netMinor: number;
  refundedMinor: number;
}

function assertMinor(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AnalyticsInputError("INVALID_AMOUNT", `${what} must be a non-negative integer of minor units, got ${value}`);
  }
}

/**
 * Validates every order (test and cancelled ones too: bad data is bad data),
 * then returns the countable ones sorted by time.
 */
export function cleanOrders(orders: readonly AnalyticsOrder[]): CleanOrder[] {
  const seen = new Set<string>();
  const kept: CleanOrder[] = [];
  for (const order of orders) {
    if (typeof order.id !== "string" || order.id.length === 0) {
      throw new AnalyticsInputError("INVALID_AMOUNT", "order id must be a non-empty string");
    }
    if (seen.has(order.id)) {
      throw new AnalyticsInputError("DUPLICATE_ORDER_ID", `order ${order.id} appears more than once`);
    }
    seen.add(order.id);
    assertValidDate(order.processedAt, `order ${order.id} processedAt`);
    assertMinor(order.totalMinor, `order ${order.id} totalMinor`);
    assertMinor(order.refundedMinor, `order ${order.id} refundedMinor`);
    if (order.refundedMinor > order.totalMinor) {
      throw new AnalyticsInputError(
        "REFUND_EXCEEDS_TOTAL",
        `order ${order.id} refunds ${order.refundedMinor} of a ${order.totalMinor} total`,
      );
    }
    if (order.test || order.cancelled) continue;
    kept.push({
      id: order.id,
      customerId: order.customerId,
      at: order.processedAt.getTime(),
      netMinor: order.totalMinor - order.refundedMinor,
      refundedMinor: order.refundedMinor,
    });
  }
  // No tie-break needed: every metric treats orders at the same instant alike
  // (a 0-day gap, the same first-order month), so their relative order never shows.
  return kept.sort((a, b) => a.at - b.at);
}

/** Customer orders grouped by customer, each list in time order (input must be sorted). */
export function groupByCustomer(orders: readonly CleanOrder[]): Map<string, CleanOrder[]> {
  const byCustomer = new Map<string, CleanOrder[]>();
  for (const order of orders) {
    if (order.customerId === null) continue;
    const list = byCustomer.get(order.customerId);
    if (list) list.push(order);
    else byCustomer.set(order.customerId, [order]);
  }
  return byCustomer;
}

export function median(sorted: ArrayLike<number>): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
