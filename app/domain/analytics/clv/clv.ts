// Customer lifetime value over a monthly grid, the convention of REFERENCE §2
// (lifetimes' customer_lifetime_value with freq "W"):
//   CLV = Σ_{i=1..months} E[M] · (E[X(w·i)] − E[X(w·(i−1))]) / (1 + d)^i
// with w = 4.345 weeks per month and d the monthly discount rate.

import { ClvError } from "./errors";
import type { TransactionModel } from "./model-types";

export const WEEKS_PER_MONTH = 4.345;

export interface ClvOptions {
  /** Number of months summed (default 12). */
  months?: number;
  /** Discount rate per month (default 0.01). */
  discountRate?: number;
}

function resolveOptions(options: ClvOptions): { months: number; discountRate: number } {
  const months = options.months ?? 12;
  const discountRate = options.discountRate ?? 0.01;
  if (!Number.isInteger(months) || months < 1) throw new ClvError("invalid-option", `months must be a whole number >= 1, got ${months}`);
  if (!Number.isFinite(discountRate) || discountRate <= -1) {
    throw new ClvError("invalid-option", `discountRate must be finite and > -1, got ${discountRate}`);
  }
  return { months, discountRate };
}

/**
 * CLV from any cumulative expected-purchases curve t ↦ E[X(t)] (weeks) and an
 * expected spend per transaction. Increments are clamped at 0 so rounding in a
 * flat curve cannot produce a negative month.
 */
export function computeDiscountedValue(
  expectedPurchasesBy: (weeks: number) => number,
  expectedSpend: number,
  options: ClvOptions = {},
): number {
  const { months, discountRate } = resolveOptions(options);
  if (!Number.isFinite(expectedSpend) || expectedSpend < 0) {
    throw new ClvError("invalid-option", `expected spend must be finite and >= 0, got ${expectedSpend}`);
  }
  let total = 0;
  let previous = 0;
  for (let i = 1; i <= months; i++) {
    const cumulative = expectedPurchasesBy(WEEKS_PER_MONTH * i);
    total += (expectedSpend * Math.max(0, cumulative - previous)) / Math.pow(1 + discountRate, i);
    previous = cumulative;
  }
  return total;
}

/**
 * computeDiscountedValue split in two for many customers: the monthly
 * increments of a curve (shared by every customer with that curve) and the
 * discount factors (shared by all) are taken once, and each spend is combined
 * with them in the same operations, so every value equals computeDiscountedValue's.
 */
export interface DiscountSchedule {
  months: number;
  /** max(0, E[X(w·i)] − E[X(w·(i−1))]) for i = 1..months (index 0 unused). */
  incrementsOf(expectedPurchasesBy: (weeks: number) => number): Float64Array;
  /** The CLV for a spend; throws as computeDiscountedValue on a bad spend. */
  valueOf(increments: Float64Array, expectedSpend: number): number;
  /** computeDiscountedValue's spend check, for callers that take increments lazily. */
  assertSpend(expectedSpend: number): void;
}

export function createDiscountSchedule(options: ClvOptions = {}): DiscountSchedule {
  const { months, discountRate } = resolveOptions(options);
  const discounts = new Float64Array(months + 1);
  for (let i = 1; i <= months; i++) discounts[i] = Math.pow(1 + discountRate, i);
  const assertSpend = (expectedSpend: number) => {
    if (!Number.isFinite(expectedSpend) || expectedSpend < 0) {
      throw new ClvError("invalid-option", `expected spend must be finite and >= 0, got ${expectedSpend}`);
    }
  };
  return {
    months,
    assertSpend,
    incrementsOf: (expectedPurchasesBy) => {
      const out = new Float64Array(months + 1);
      let previous = 0;
      for (let i = 1; i <= months; i++) {
        const cumulative = expectedPurchasesBy(WEEKS_PER_MONTH * i);
        out[i] = Math.max(0, cumulative - previous);
        previous = cumulative;
      }
      return out;
    },
    valueOf: (increments, expectedSpend) => {
      assertSpend(expectedSpend);
      let total = 0;
      for (let i = 1; i <= months; i++) total += (expectedSpend * increments[i]) / discounts[i];
      return total;
    },
  };
}

/** computeDiscountedValue for one curve and many spends (see createDiscountSchedule). */
export function createDiscountedValue(expectedPurchasesBy: (weeks: number) => number, options: ClvOptions = {}): (expectedSpend: number) => number {
  const schedule = createDiscountSchedule(options);
  let increments: Float64Array | null = null;
  return (expectedSpend) => {
    // The spend is checked before the curve is read, as computeDiscountedValue does.
    schedule.assertSpend(expectedSpend);
    increments ??= schedule.incrementsOf(expectedPurchasesBy);
    return schedule.valueOf(increments, expectedSpend);
  };
}

/** CLV of one customer from a fitted transaction model and a spend expectation. */
export function computeCustomerClv<P>(
  model: TransactionModel<P>,
  params: P,
  customer: { frequency: number; recency: number; T: number },
  expectedSpend: number,
  options: ClvOptions = {},
): number {
  const { frequency: x, recency: tx, T } = customer;
  return computeDiscountedValue(model.createExpectedPurchasesCurve(params, x, tx, T), expectedSpend, options);
}
