// Small-data policy. Below a minimum cohort the model fits are not
// trustworthy (and may not converge), so we say so plainly and fall back to a
// pooled historical rate that is always finite and never negative.

import { computeDiscountedValue, type ClvOptions } from "./clv";
import type { CustomerSummary } from "./data-prep";

export const MIN_CUSTOMERS = 200;
export const MIN_REPEATERS = 20;

export type DataSufficiency =
  | { status: "ok"; have: { customers: number; repeaters: number } }
  | {
      status: "insufficient-data";
      threshold: { customers: number; repeaters: number };
      have: { customers: number; repeaters: number };
      reason: string;
    };

export function assessDataSufficiency(
  customers: readonly Pick<CustomerSummary, "frequency">[],
  threshold: { customers: number; repeaters: number } = { customers: MIN_CUSTOMERS, repeaters: MIN_REPEATERS },
): DataSufficiency {
  const have = { customers: customers.length, repeaters: customers.filter((c) => c.frequency > 0).length };
  const short = [
    have.customers < threshold.customers && `${have.customers} customers (need ${threshold.customers})`,
    have.repeaters < threshold.repeaters && `${have.repeaters} repeat buyers (need ${threshold.repeaters})`,
  ].filter((s): s is string => Boolean(s));
  if (short.length === 0) return { status: "ok", have };
  return { status: "insufficient-data", threshold, have, reason: `too little history: ${short.join(", ")}` };
}

/**
 * Pooled repeat-purchase rate per week of observed customer time: Σx / ΣT.
 * 0 when nobody has any observed time (everything on one day).
 */
export function computePooledRepeatRate(customers: readonly Pick<CustomerSummary, "frequency" | "T">[]): number {
  const exposure = customers.reduce((s, c) => s + c.T, 0);
  const repeats = customers.reduce((s, c) => s + c.frequency, 0);
  return exposure > 0 ? repeats / exposure : 0;
}

export interface FallbackPrediction {
  expectedPurchases: number;
  /** Mean weeks between purchases at the pooled rate, null when the rate is 0. */
  meanWeeksBetweenPurchases: number | null;
  expectedSpend: number;
  predictedClv: number;
}

/**
 * Historical-average fallback for one customer: the pooled rate over the
 * horizon, spend = the customer's own average order value.
 */
export function predictWithHistoricalAverage(
  customer: Pick<CustomerSummary, "averageOrderValue">,
  pooledRate: number,
  horizonWeeks: number,
  clvOptions: ClvOptions = {},
): FallbackPrediction {
  const expectedSpend = Number.isFinite(customer.averageOrderValue) && customer.averageOrderValue > 0 ? customer.averageOrderValue : 0;
  return {
    expectedPurchases: pooledRate * horizonWeeks,
    meanWeeksBetweenPurchases: pooledRate > 0 ? 1 / pooledRate : null,
    expectedSpend,
    predictedClv: computeDiscountedValue((t) => pooledRate * t, expectedSpend, clvOptions),
  };
}
