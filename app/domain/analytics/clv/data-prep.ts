// Transactions -> per-customer RFM summaries, exactly as in Fader, Hardie & Lee
// (2005): purchases on one calendar day are one transaction (amounts summed),
// time is days/7, frequency counts repeat purchase days only, and monetary
// value is the mean of the repeat purchase days (the first one is left out).

import { ClvError } from "./errors";

export interface Transaction {
  customerId: string;
  /** Calendar date YYYY-MM-DD, no time zone. */
  date: string;
  amount: number;
}

/** Calibration-period summary of one customer. Times are in weeks. */
export interface CustomerSummary {
  customerId: string;
  /** x: repeat purchase days. */
  frequency: number;
  /** t_x: weeks from first to last purchase (0 when x = 0). */
  recency: number;
  /** T: weeks from first purchase to the end of the period. */
  T: number;
  /** Mean amount of the repeat purchase days (0 when x = 0). */
  monetaryValue: number;
  /** Mean amount of all purchase days in the period, first one included (fallback spend). */
  averageOrderValue: number;
  firstPurchaseDate: string;
}

export interface HoldoutCustomerSummary extends CustomerSummary {
  /** Purchase days after the calibration end, up to the observation end. */
  frequencyHoldout: number;
  /** Mean amount of those days (0 when none). */
  monetaryValueHoldout: number;
}

export interface SummaryResult {
  customers: CustomerSummary[];
  observationEnd: string;
}

export interface CalibrationHoldoutResult {
  customers: HoldoutCustomerSummary[];
  calibrationEnd: string;
  observationEnd: string;
  /** Holdout length in weeks. */
  durationHoldout: number;
  /** Customers whose first purchase is after the calibration end (not in the cohort). */
  customersFirstSeenInHoldout: number;
  /** Transactions after the observation end, ignored. */
  transactionsAfterObservationEnd: number;
}

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a YYYY-MM-DD calendar date; throws `invalid-date`. */
export function parseCalendarDay(date: string, context = "date"): number {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new ClvError("invalid-date", `${context}: expected YYYY-MM-DD, got "${date}"`, { date });
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    throw new ClvError("invalid-date", `${context}: "${date}" is not a calendar date`, { date });
  }
  return ms / MS_PER_DAY;
}

const formattedDays = new Map<number, string>();
const FORMATTED_DAYS_KEPT = 100_000;

/** Inverse of parseCalendarDay. */
export function formatCalendarDay(day: number): string {
  // Called once per customer summary and prediction: a shop's few thousand days are formatted once each.
  const whole = Math.round(day);
  let text = formattedDays.get(whole);
  if (text === undefined) {
    text = new Date(whole * MS_PER_DAY).toISOString().slice(0, 10);
    if (formattedDays.size >= FORMATTED_DAYS_KEPT) formattedDays.clear();
    formattedDays.set(whole, text);
  }
  return text;
}

export interface CustomerPurchaseDays {
  customerId: string;
  /** Sorted distinct purchase days and the summed amount of each. */
  days: number[];
  amounts: number[];
}

/** Distinct purchase days per customer (days since 1970-01-01), amounts summed per day. */
export function groupPurchaseDays(transactions: readonly Transaction[]): CustomerPurchaseDays[] {
  if (transactions.length === 0) throw new ClvError("empty-input", "no transactions");
  // Per customer, the raw (day, amount) pairs in transaction order; no Map per customer.
  const byCustomer = new Map<string, { days: number[]; amounts: number[] }>();
  // A shop's million orders fall on a few thousand dates: parse each date once.
  const dayOf = new Map<string, number>();
  transactions.forEach((t, index) => {
    if (typeof t.customerId !== "string" || t.customerId.trim() === "") {
      throw new ClvError("invalid-transaction", `transaction ${index}: customerId must be a non-empty string`, { index });
    }
    let day = dayOf.get(t.date);
    if (day === undefined) {
      day = parseCalendarDay(t.date, `transaction ${index}`);
      dayOf.set(t.date, day);
    }
    if (typeof t.amount !== "number" || !Number.isFinite(t.amount) || t.amount < 0) {
      throw new ClvError("invalid-amount", `transaction ${index}: amount must be a finite number >= 0, got ${t.amount}`, {
        index,
        amount: t.amount,
      });
    }
    const raw = byCustomer.get(t.customerId);
    if (!raw) byCustomer.set(t.customerId, { days: [day], amounts: [t.amount] });
    else {
      raw.days.push(day);
      raw.amounts.push(t.amount);
    }
  });
  const result: CustomerPurchaseDays[] = [];
  for (const [customerId, raw] of byCustomer) result.push({ customerId, ...mergeSameDays(raw.days, raw.amounts) });
  return result;
}

/**
 * Sorted distinct days with each day's amounts summed. Same-day amounts are
 * added in their original order starting from 0 (a stable sort keeps them in
 * order), so sums match an accumulate-per-day map exactly.
 */
function mergeSameDays(days: number[], amounts: number[]): { days: number[]; amounts: number[] } {
  let increasing = true;
  for (let i = 1; i < days.length; i++) {
    if (days[i] <= days[i - 1]) {
      increasing = false;
      break;
    }
  }
  // The common case (one order a day, read in time order): 0 + a is a, so no copy is needed.
  if (increasing) return { days, amounts: amounts.map((a) => 0 + a) };
  const order = days.map((_, i) => i).sort((a, b) => days[a] - days[b]);
  const outDays: number[] = [];
  const outAmounts: number[] = [];
  for (const i of order) {
    const last = outDays.length - 1;
    if (last >= 0 && outDays[last] === days[i]) outAmounts[last] += amounts[i];
    else {
      outDays.push(days[i]);
      outAmounts.push(0 + amounts[i]);
    }
  }
  return { days: outDays, amounts: outAmounts };
}

function summarizeWindow(c: { customerId: string; days: ArrayLike<number>; amounts: ArrayLike<number> }, endDay: number): CustomerSummary {
  const first = c.days[0];
  let last = first;
  let repeats = 0;
  let repeatAmount = 0;
  for (let i = 1; i < c.days.length && c.days[i] <= endDay; i++) {
    repeats += 1;
    repeatAmount += c.amounts[i];
    last = c.days[i];
  }
  return {
    customerId: c.customerId,
    frequency: repeats,
    recency: (last - first) / 7,
    T: (endDay - first) / 7,
    monetaryValue: repeats > 0 ? repeatAmount / repeats : 0,
    averageOrderValue: (c.amounts[0] + repeatAmount) / (repeats + 1),
    firstPurchaseDate: formatCalendarDay(first),
  };
}

/**
 * One summary per customer over all transactions up to `observationEnd`
 * (default: the last transaction date). Customers keep first-appearance order.
 */
export function summarizeTransactions(transactions: readonly Transaction[], options: { observationEnd?: string } = {}): SummaryResult {
  const grouped = groupPurchaseDays(transactions);
  // A loop, not Math.max(...spread): a spread of one value per customer overflows the stack past ~100k.
  const lastDay = grouped.reduce((m, c) => Math.max(m, c.days[c.days.length - 1]), -Infinity);
  const endDay = options.observationEnd === undefined ? lastDay : parseCalendarDay(options.observationEnd, "observationEnd");
  const customers = grouped.filter((c) => c.days[0] <= endDay).map((c) => summarizeWindow(c, endDay));
  if (customers.length === 0) {
    throw new ClvError("calibration-out-of-range", `observationEnd ${options.observationEnd} is before every first purchase`);
  }
  return { customers, observationEnd: formatCalendarDay(endDay) };
}

/**
 * Calibration/holdout split: the cohort is every customer whose first purchase
 * is on or before `calibrationEnd`; the holdout runs from the next day to
 * `observationEnd` (default: last transaction date), both ends inclusive.
 */
export function splitCalibrationHoldout(
  transactions: readonly Transaction[],
  options: { calibrationEnd: string; observationEnd?: string },
): CalibrationHoldoutResult {
  const grouped = groupPurchaseDays(transactions);
  const calibrationEndDay = parseCalendarDay(options.calibrationEnd, "calibrationEnd");
  // A loop, not Math.max(...spread): a spread of one value per customer overflows the stack past ~100k.
  const lastDay = grouped.reduce((m, c) => Math.max(m, c.days[c.days.length - 1]), -Infinity);
  const observationEndDay =
    options.observationEnd === undefined ? Math.max(lastDay, calibrationEndDay) : parseCalendarDay(options.observationEnd, "observationEnd");
  if (observationEndDay < calibrationEndDay) {
    throw new ClvError("calibration-out-of-range", `observationEnd ${options.observationEnd} is before calibrationEnd ${options.calibrationEnd}`);
  }
  const cohort = grouped.filter((c) => c.days[0] <= calibrationEndDay);
  if (cohort.length === 0) {
    throw new ClvError("calibration-out-of-range", `calibrationEnd ${options.calibrationEnd} is before every first purchase`, {
      calibrationEnd: options.calibrationEnd,
    });
  }
  let afterEnd = 0;
  const customers = cohort.map((c): HoldoutCustomerSummary => {
    let holdoutDays = 0;
    let holdoutAmount = 0;
    c.days.forEach((day, i) => {
      if (day > observationEndDay) afterEnd += 1;
      else if (day > calibrationEndDay) {
        holdoutDays += 1;
        holdoutAmount += c.amounts[i];
      }
    });
    return {
      ...summarizeWindow(c, calibrationEndDay),
      frequencyHoldout: holdoutDays,
      monetaryValueHoldout: holdoutDays > 0 ? holdoutAmount / holdoutDays : 0,
    };
  });
  return {
    customers,
    calibrationEnd: formatCalendarDay(calibrationEndDay),
    observationEnd: formatCalendarDay(observationEndDay),
    durationHoldout: (observationEndDay - calibrationEndDay) / 7,
    customersFirstSeenInHoldout: grouped.length - cohort.length,
    transactionsAfterObservationEnd: afterEnd,
  };
}

/** Checks one RFM row (used by the models); throws `invalid-summary`. */
export function assertValidRfm(row: { frequency: number; recency: number; T: number }, index: number): void {
  const { frequency: x, recency: tx, T } = row;
  // Fast path first: this runs for every customer on every fit.
  if (Number.isInteger(x) && x >= 0 && tx >= 0 && T >= 0 && T < Infinity && tx <= T + 1e-9 && (x > 0 || tx === 0)) return;
  const bad = (why: string) => new ClvError("invalid-summary", `customer ${index}: ${why}`, { index, frequency: x, recency: tx, T });
  if (!Number.isInteger(x) || x < 0) throw bad(`frequency must be a whole number >= 0, got ${x}`);
  if (!Number.isFinite(tx) || tx < 0) throw bad(`recency must be finite and >= 0, got ${tx}`);
  if (!Number.isFinite(T) || T < 0) throw bad(`T must be finite and >= 0, got ${T}`);
  if (tx > T + 1e-9) throw bad(`recency ${tx} is after T ${T}`);
  throw bad(`recency must be 0 when frequency is 0, got ${tx}`);
}

/**
 * Transactions as columns: one row per transaction, customers as indexes into
 * distinct ids, dates as days since 1970-01-01 (parseCalendarDay). A shop's
 * million orders summarise without a million transaction objects.
 */
export interface TransactionColumns {
  length: number;
  /** Index into customerIds (distinct, non-empty strings). */
  customer: Int32Array;
  customerIds: readonly string[];
  /** Whole days since 1970-01-01 of the calendar date. */
  day: Float64Array;
  amount: Float64Array;
}

/** Row i as a Transaction (date formatted back to YYYY-MM-DD). */
function transactionAt(columns: TransactionColumns, i: number): Transaction {
  return { customerId: columns.customerIds[columns.customer[i]], date: formatCalendarDay(columns.day[i]), amount: columns.amount[i] };
}

/** The transactions of the customers `keep` accepts (by customer index), in row order. */
export function selectTransactions(columns: TransactionColumns, keep: (customer: number) => boolean): Transaction[] {
  const out: Transaction[] = [];
  for (let i = 0; i < columns.length; i++) if (keep(columns.customer[i])) out.push(transactionAt(columns, i));
  return out;
}

/**
 * summarizeTransactions(transactions, { observationEnd }).customers for the
 * transactions these columns hold: same validation, same first-appearance
 * order, same-day amounts added in row order, so the same numbers to the bit.
 */
export function summarizeTransactionColumns(columns: TransactionColumns, options: { observationEnd: string }): CustomerSummary[] {
  const n = columns.length;
  if (n === 0) throw new ClvError("empty-input", "no transactions");
  const { customer, day, amount, customerIds } = columns;
  // Slots in order of first appearance; rows bucketed per slot in row order.
  const slotOf = new Int32Array(customerIds.length).fill(-1);
  const slotCustomer: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = customer[i];
    const id = customerIds[c];
    if (typeof id !== "string" || id.trim() === "") {
      throw new ClvError("invalid-transaction", `transaction ${i}: customerId must be a non-empty string`, { index: i });
    }
    if (!Number.isInteger(day[i])) throw new ClvError("invalid-date", `transaction ${i}: day must be a whole number, got ${day[i]}`, { index: i });
    const a = amount[i];
    if (!Number.isFinite(a) || a < 0) {
      throw new ClvError("invalid-amount", `transaction ${i}: amount must be a finite number >= 0, got ${a}`, { index: i, amount: a });
    }
    let slot = slotOf[c];
    if (slot < 0) {
      slot = slotOf[c] = slotCustomer.length;
      slotCustomer.push(c);
      counts.push(0);
    }
    counts[slot] += 1;
  }
  const start = new Float64Array(slotCustomer.length + 1);
  for (let s = 0; s < slotCustomer.length; s++) start[s + 1] = start[s] + counts[s];
  const fill = start.slice(0, slotCustomer.length);
  const days = new Float64Array(n);
  const amounts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = fill[slotOf[customer[i]]]++;
    days[at] = day[i];
    amounts[at] = amount[i];
  }
  const endDay = parseCalendarDay(options.observationEnd, "observationEnd");
  const customers: CustomerSummary[] = [];
  for (let s = 0; s < slotCustomer.length; s++) {
    const from = start[s];
    const to = start[s + 1];
    const slotDays = days.subarray(from, to);
    let merged: { days: ArrayLike<number>; amounts: ArrayLike<number> };
    let increasing = true;
    for (let k = 1; k < slotDays.length; k++) {
      if (slotDays[k] <= slotDays[k - 1]) {
        increasing = false;
        break;
      }
    }
    if (increasing) {
      // As mergeSameDays' common case: 0 + a (turns a -0 into 0), in place.
      const slotAmounts = amounts.subarray(from, to);
      for (let k = 0; k < slotAmounts.length; k++) slotAmounts[k] = 0 + slotAmounts[k];
      merged = { days: slotDays, amounts: slotAmounts };
    } else {
      merged = mergeSameDays(Array.from(slotDays), Array.from(amounts.subarray(from, to)));
    }
    if (merged.days[0] > endDay) continue;
    customers.push(summarizeWindow({ customerId: customerIds[slotCustomer[s]], ...merged }, endDay));
  }
  if (customers.length === 0) {
    throw new ClvError("calibration-out-of-range", `observationEnd ${options.observationEnd} is before every first purchase`);
  }
  return customers;
}
