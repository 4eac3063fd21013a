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
