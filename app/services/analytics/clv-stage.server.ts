// The shop-level CLV run: orders → per-day transactions in the shop's calendar
// → a calibration/holdout backtest that picks the model → a fit on all history
// → per-customer predictions. The maths lives in app/domain/analytics/clv; this
// file only decides the data preparation and the policy knobs.
import {
  assessDataSufficiency,
  bgNbdModel,
  buildBacktestReport,
  chooseModel,
  ClvError,
  formatCalendarDay,
  paretoNbdModel,
  parseCalendarDay,
  predictCustomers,
  predictCustomersWithFallback,
  runClvPipeline,
  scoreHoldout,
  splitCalibrationHoldout,
  summarizeTransactions,
  WEEKS_PER_MONTH,
  type BacktestReport,
  type BgNbdParams,
  type CustomerPrediction,
  type CustomerSummary,
  type ModelFit,
  type ParetoNbdParams,
  type DataSufficiency,
  type HoldoutScore,
  type Transaction,
  type TransactionModelName,
  type RangeMethod,
} from "~/domain/analytics/clv";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { localDateKey, startOfLocalDay, type AnalyticsOrder } from "~/domain/analytics";
import type { OrderColumns } from "~/domain/analytics/order-columns";
import { selectTransactions, summarizeTransactionColumns, type TransactionColumns } from "~/domain/analytics/clv/data-prep";

/** Share of the history held out to choose the model and show the backtest. */
export const HOLDOUT_SHARE = 0.25;
/** A shorter holdout says nothing about repeat behaviour; the backtest is skipped. */
export const MIN_HOLDOUT_DAYS = 28;
/** Predictions cover 12 months, the CLV horizon. */
export const HORIZON_WEEKS = 12 * WEEKS_PER_MONTH;
export const MONTHLY_DISCOUNT_RATE = 0.01;
/**
 * The CLV range is a parametric bootstrap (see predict.ts) where it fits: it
 * costs customers × draws CLV evaluations (~5 µs each here). Draws shrink with
 * shop size to stay within RANGE_EVALUATION_BUDGET; below MIN_RANGE_DRAWS the
 * 5–95 % quantiles are too noisy, so larger shops (and every sampled fit) get
 * the delta-method range from the same Hessian instead, which costs about four
 * parameter sets in all. Within 20,000 customers the two agree to a few
 * percent of the band's width (tests/unit/.../predict-range.test.ts). The
 * method and draw count used are stored in the snapshot.
 */
export const MAX_RANGE_DRAWS = 200;
export const MIN_RANGE_DRAWS = 20;
export const RANGE_EVALUATION_BUDGET = 400_000;
/**
 * Model fits use a seeded sample of at most this many customers; predictions
 * cover everyone. Standard errors shrink as 1/√n, so past ~20k customers more
 * data barely moves the estimates but multiplies the fit time.
 */
export const FIT_SAMPLE_CUSTOMERS = 20_000;

export function rangeDrawsFor(customers: number): number {
  if (customers === 0) return 0;
  const draws = Math.min(MAX_RANGE_DRAWS, Math.floor(RANGE_EVALUATION_BUDGET / customers));
  return draws < MIN_RANGE_DRAWS ? 0 : draws;
}

/** FNV-1a of the id mixed with the seed, as a uniform number in [0, 1): a stable per-customer coin. */
function customerUniform(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  // XOR yields a signed int32: back to unsigned before scaling to [0, 1).
  return (h >>> 0) / 4294967296;
}

/** All transactions of a seeded random subset of about `target` customers (all of them when fewer). */
export function sampleCustomers(transactions: readonly Transaction[], customers: number, target: number, seed: number): readonly Transaction[] {
  if (customers <= target) return transactions;
  const share = target / customers;
  const keep = new Map<string, boolean>();
  return transactions.filter((t) => {
    let k = keep.get(t.customerId);
    if (k === undefined) keep.set(t.customerId, (k = customerUniform(t.customerId, seed) < share));
    return k;
  });
}

/** Digits after the decimal point of a currency's minor unit (2 for USD, 0 for JPY). */
export function currencyExponent(currencyCode: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Shop-local calendar days (days since 1970-01-01) from fromMs's day until the
 * first one starting after toMs, and the index of the day an instant falls in
 * by binary search over their starts (one Intl call per day in range instead
 * of one per order); -1 outside the table.
 */
function createLocalDayTable(timeZone: string, fromMs: number, toMs: number): { days: number[]; indexOf: (instantMs: number) => number } {
  const days: number[] = [];
  const starts: number[] = [];
  let day = parseCalendarDay(localDateKey(new Date(fromMs), timeZone));
  for (;;) {
    const start = startOfLocalDay(formatCalendarDay(day), timeZone).getTime();
    days.push(day);
    starts.push(start);
    if (start > toMs) break;
    day += 1;
  }
  const indexOf = (instantMs: number): number => {
    if (instantMs < starts[0] || instantMs >= starts[starts.length - 1]) return -1;
    let lo = 0;
    let hi = starts.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= instantMs) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return { days, indexOf };
}

/** instant → shop-local "YYYY-MM-DD". */
export function createLocalDayKeyer(timeZone: string, fromMs: number, toMs: number): (instantMs: number) => string {
  const { days, indexOf } = createLocalDayTable(timeZone, fromMs, toMs);
  const keys = days.map(formatCalendarDay);
  return (instantMs: number): string => {
    const i = indexOf(instantMs);
    return i === -1 ? localDateKey(new Date(instantMs), timeZone) : keys[i];
  };
}

/**
 * instant → shop-local calendar day as days since 1970-01-01, i.e.
 * parseCalendarDay of createLocalDayKeyer's key, without the string.
 */
export function createLocalDayNumberer(timeZone: string, fromMs: number, toMs: number): (instantMs: number) => number {
  const { days, indexOf } = createLocalDayTable(timeZone, fromMs, toMs);
  return (instantMs: number): number => {
    const i = indexOf(instantMs);
    return i === -1 ? parseCalendarDay(localDateKey(new Date(instantMs), timeZone)) : days[i];
  };
}

/**
 * buildTransactions on order columns: the same rows (counted customer orders,
 * in column order), days as numbers, customers as indexes into the columns' ids.
 */
export function buildTransactionColumns(orders: OrderColumns, timeZone: string, currencyCode: string): TransactionColumns {
  const scale = 10 ** currencyExponent(currencyCode);
  const counted = (i: number) => orders.customer[i] >= 0 && orders.test[i] === 0 && orders.cancelled[i] === 0;
  let minMs = Infinity;
  let maxMs = -Infinity;
  let count = 0;
  for (let i = 0; i < orders.length; i++) {
    if (!counted(i)) continue;
    count += 1;
    const ms = orders.at[i];
    if (ms < minMs) minMs = ms;
    if (ms > maxMs) maxMs = ms;
  }
  const columns: TransactionColumns = {
    length: count,
    customer: new Int32Array(count),
    customerIds: orders.customerIds,
    day: new Float64Array(count),
    amount: new Float64Array(count),
  };
  if (count === 0) return columns;
  const dayOf = createLocalDayNumberer(timeZone, minMs, maxMs);
  let k = 0;
  for (let i = 0; i < orders.length; i++) {
    if (!counted(i)) continue;
    columns.customer[k] = orders.customer[i];
    columns.day[k] = dayOf(orders.at[i]);
    columns.amount[k] = (orders.totalMinor[i] - orders.refundedMinor[i]) / scale;
    k += 1;
  }
  return columns;
}

/**
 * One transaction per counted customer order (test and cancelled left out),
 * dated by the shop-local calendar day, amount = net of refunds in major
 * units. Same-day orders are merged later by the engine's data preparation.
 */
export function buildTransactions(orders: readonly AnalyticsOrder[], timeZone: string, currencyCode: string): Transaction[] {
  const scale = 10 ** currencyExponent(currencyCode);
  let minMs = Infinity;
  let maxMs = -Infinity;
  for (const o of orders) {
    if (o.customerId === null || o.test || o.cancelled) continue;
    const ms = o.processedAt.getTime();
    if (ms < minMs) minMs = ms;
    if (ms > maxMs) maxMs = ms;
  }
  if (minMs === Infinity) return [];
  const dayOf = createLocalDayKeyer(timeZone, minMs, maxMs);
  const out: Transaction[] = [];
  for (const o of orders) {
    if (o.customerId === null || o.test || o.cancelled) continue;
    out.push({ customerId: o.customerId, date: dayOf(o.processedAt.getTime()), amount: (o.totalMinor - o.refundedMinor) / scale });
  }
  return out;
}

/**
 * summarizeTransactions for any number of customers. The engine once spread a
 * per-customer array into Math.max, which overflowed the call stack past
 * ~100k customers, so this summarised in groups; it now folds with a loop, so
 * one call gives the same summaries (each depends only on its own customer and
 * the observation end) without grouping a million transactions twice.
 */
export function summarizeInChunks(transactions: readonly Transaction[], observationEnd: string): CustomerSummary[] {
  return summarizeTransactions(transactions, { observationEnd }).customers;
}

export interface FitSummary {
  params: Record<string, number>;
  standardErrors: Record<string, number> | null;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  message: string;
}

export interface BacktestSummary {
  status: "ok" | "skipped";
  reason: string | null;
  calibrationEnd: string | null;
  observationEnd: string | null;
  holdoutWeeks: number | null;
  cohortCustomers: number;
  scores: HoldoutScore[];
  chosen: TransactionModelName | null;
  fits: Partial<Record<TransactionModelName, FitSummary>>;
  /** The chosen model's report: predicted vs actual by calibration frequency and week by week. */
  report: BacktestReport | null;
}

export interface ShopClvResult {
  status: "ok" | "insufficient-data" | "model-not-identified" | "no-data" | "failed";
  reason: string | null;
  sufficiency: DataSufficiency | null;
  model: TransactionModelName | "historical-average" | null;
  selectionRule: string | null;
  fit: FitSummary | null;
  spend: { model: "gamma-gamma"; fit: FitSummary } | { model: "average-order-value"; note: string | null } | null;
  calibrationEnd: string | null;
  horizonWeeks: number;
  discountRate: number;
  rangeDraws: number;
  /** How clvLow/clvHigh were made; null when there is no range. */
  rangeMethod: RangeMethod | null;
  currencyExponent: number;
  backtest: BacktestSummary;
  predictions: CustomerPrediction[];
  /** Milliseconds per step. */
  timings: Record<string, number>;
  /** Where it ran: "worker" when startClvWorker's thread answered. */
  thread?: "worker";
}

function summarizeFit(fit: {
  params: object;
  standardErrors?: object;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  message: string;
}): FitSummary {
  return {
    params: { ...(fit.params as Record<string, number>) },
    standardErrors: fit.standardErrors ? { ...(fit.standardErrors as Record<string, number>) } : null,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    message: fit.message,
  };
}

function emptyBacktest(reason: string): BacktestSummary {
  return {
    status: "skipped",
    reason,
    calibrationEnd: null,
    observationEnd: null,
    holdoutWeeks: null,
    cohortCustomers: 0,
    scores: [],
    chosen: null,
    fits: {},
    report: null,
  };
}

/** Fit both models on the first ~75 % of the history and score them on the rest. */
export function runBacktest(transactions: readonly Transaction[], today: string): BacktestSummary {
  const firstDay = transactions.reduce((m, t) => Math.min(m, parseCalendarDay(t.date)), Infinity);
  const todayDay = parseCalendarDay(today);
  const span = todayDay - firstDay;
  const holdoutDays = Math.floor(span * HOLDOUT_SHARE);
  if (holdoutDays < MIN_HOLDOUT_DAYS) {
    return emptyBacktest(`history of ${span} days is too short for a ${MIN_HOLDOUT_DAYS}-day holdout`);
  }
  const calibrationEnd = formatCalendarDay(todayDay - holdoutDays);
  const split = splitCalibrationHoldout(transactions, { calibrationEnd, observationEnd: today });
  const sufficiency = assessDataSufficiency(split.customers);
  if (sufficiency.status !== "ok") {
    return { ...emptyBacktest(`calibration cohort: ${sufficiency.reason}`), calibrationEnd, observationEnd: today, cohortCustomers: split.customers.length };
  }
  const noSe = { computeStandardErrors: false };
  const bg = bgNbdModel.fit(split.customers, noSe);
  const pn = paretoNbdModel.fit(split.customers, noSe);
  const scores = [scoreHoldout(bgNbdModel, bg.params, split), scoreHoldout(paretoNbdModel, pn.params, split)];
  // A model whose fit ran to a boundary is not identified by these data; prefer the other.
  const chosen = bg.converged !== pn.converged ? (bg.converged ? "bg-nbd" : "pareto-nbd") : chooseModel(scores);
  const report =
    chosen === "bg-nbd"
      ? buildBacktestReport(bgNbdModel, bg.params, split, transactions)
      : buildBacktestReport(paretoNbdModel, pn.params, split, transactions);
  return {
    status: "ok",
    reason: null,
    calibrationEnd,
    observationEnd: today,
    holdoutWeeks: split.durationHoldout,
    cohortCustomers: split.customers.length,
    scores,
    chosen,
    fits: { "bg-nbd": summarizeFit(bg), "pareto-nbd": summarizeFit(pn) },
    report,
  };
}

export interface ShopClvOptions {
  timeZone: string;
  currencyCode: string;
  now: Date;
  rangeDraws?: number;
  seed?: number;
}

/** Never throws for data reasons: an engine error becomes status "failed" with the reason. */
export function runShopClv(orders: readonly AnalyticsOrder[], options: ShopClvOptions): ShopClvResult {
  const started = performance.now();
  const transactions = buildTransactions(orders, options.timeZone, options.currencyCode);
  return runShopClvOnTransactions(transactions, options, performance.now() - started);
}

/** What the CLV run needs from the shop's transactions, whether held as objects or as columns. */
interface ClvSource {
  /** Transactions held. */
  length: number;
  /** Distinct customers among them. */
  customerCount(): number;
  /** Transactions of a seeded sample of about `target` customers (all of them when fewer), as sampleCustomers. */
  sample(customers: number, target: number, seed: number): { transactions: readonly Transaction[]; sampled: boolean };
  /** Every customer's summary up to `today`, as summarizeInChunks. */
  summarizeEveryone(today: string): CustomerSummary[];
}

/**
 * runShopClv on transactions already built by buildTransactions, so a caller
 * can drop its order rows before the CLV run (a million of them for a large shop).
 */
export function runShopClvOnTransactions(transactions: readonly Transaction[], options: ShopClvOptions, prepareMs = 0): ShopClvResult {
  return runShopClvOn(
    {
      length: transactions.length,
      customerCount: () => {
        // A loop into a Set, without an intermediate million-element id array.
        const distinct = new Set<string>();
        for (const t of transactions) distinct.add(t.customerId);
        return distinct.size;
      },
      sample: (customers, target, seed) => {
        const fitSet = sampleCustomers(transactions, customers, target, seed);
        return { transactions: fitSet, sampled: fitSet !== transactions };
      },
      summarizeEveryone: (today) => summarizeInChunks(transactions, today),
    },
    options,
    prepareMs,
  );
}

/**
 * runShopClvOnTransactions on transaction columns (buildTransactionColumns):
 * the same result, without an object per transaction. Only the fit sample is
 * materialised as Transaction objects.
 */
export function runShopClvOnColumns(columns: TransactionColumns, options: ShopClvOptions, prepareMs = 0): ShopClvResult {
  let seen: Uint8Array | null = null;
  return runShopClvOn(
    {
      length: columns.length,
      customerCount: () => {
        seen = new Uint8Array(columns.customerIds.length);
        let distinct = 0;
        for (let i = 0; i < columns.length; i++) {
          const c = columns.customer[i];
          if (seen[c] === 0) {
            seen[c] = 1;
            distinct += 1;
          }
        }
        return distinct;
      },
      sample: (customers, target, seed) => {
        if (customers <= target) return { transactions: selectTransactions(columns, () => true), sampled: false };
        const share = target / customers;
        // The same per-customer coin as sampleCustomers, tossed once per customer.
        const keep = new Uint8Array(columns.customerIds.length);
        const ids = columns.customerIds;
        for (let c = 0; c < ids.length; c++) if (seen === null || seen[c] === 1) keep[c] = customerUniform(ids[c], seed) < share ? 1 : 0;
        return { transactions: selectTransactions(columns, (c) => keep[c] === 1), sampled: true };
      },
      summarizeEveryone: (today) => summarizeTransactionColumns(columns, { observationEnd: today }),
    },
    options,
    prepareMs,
  );
}

function runShopClvOn(source: ClvSource, options: ShopClvOptions, prepareMs: number): ShopClvResult {
  const timings: Record<string, number> = {};
  const exponent = currencyExponent(options.currencyCode);
  const base = {
    horizonWeeks: HORIZON_WEEKS,
    discountRate: MONTHLY_DISCOUNT_RATE,
    currencyExponent: exponent,
    timings,
  };
  // Calibration runs to the last instant before `now`, in the shop's calendar.
  const today = localDateKey(new Date(options.now.getTime() - 1), options.timeZone);
  let started = performance.now();
  timings.prepare = prepareMs;
  if (source.length === 0) {
    return {
      ...base,
      status: "no-data",
      reason: "no customer orders yet",
      sufficiency: null,
      model: null,
      selectionRule: null,
      fit: null,
      spend: null,
      calibrationEnd: null,
      rangeDraws: 0,
      rangeMethod: null,
      backtest: emptyBacktest("no customer orders yet"),
      predictions: [],
    };
  }
  try {
    const customerCount = source.customerCount();
    const seed = options.seed ?? 1;
    const { transactions: fitSet, sampled } = source.sample(customerCount, FIT_SAMPLE_CUSTOMERS, seed);
    started = performance.now();
    const backtest = runBacktest(fitSet, today);
    timings.backtest = performance.now() - started;

    started = performance.now();
    const rangeDraws = sampled ? 0 : (options.rangeDraws ?? rangeDrawsFor(customerCount));
    const rangeMethod: RangeMethod = rangeDraws > 0 ? "bootstrap" : "delta";
    const pipelineOptions = {
      calibrationEnd: today,
      horizonWeeks: HORIZON_WEEKS,
      model: backtest.chosen ?? ("auto" as const),
      discountRate: MONTHLY_DISCOUNT_RATE,
      rangeDraws,
      rangeMethod,
      seed,
    };
    // Fitted on a sample, the pipeline's own predictions (of the sample) would be thrown away.
    let result = runClvPipeline(fitSet, { ...pipelineOptions, predict: !sampled });
    timings.fit = performance.now() - started;
    started = performance.now();
    let predictions = result.predictions;
    if (sampled) {
      // Fitted on the sample; predict every customer with those parameters.
      const everyone = source.summarizeEveryone(today);
      const predictionOptions = { horizonWeeks: HORIZON_WEEKS, clv: { discountRate: MONTHLY_DISCOUNT_RATE }, calibrationEnd: today, range: { method: rangeMethod, draws: rangeDraws, seed } };
      const predictEveryone = (fitted: typeof result): CustomerPrediction[] =>
        fitted.model === "pareto-nbd"
          ? predictCustomers(everyone, { model: paretoNbdModel, fit: fitted.fit as ModelFit<ParetoNbdParams>, spendFit: fitted.spendFit }, predictionOptions)
          : predictCustomers(everyone, { model: bgNbdModel, fit: fitted.fit as ModelFit<BgNbdParams>, spendFit: fitted.spendFit }, predictionOptions);
      if (result.status === "ok" && result.fit) {
        try {
          predictions = predictEveryone(result);
        } catch (error) {
          if (!(error instanceof ClvError && error.reason === "numeric-failure")) throw error;
          // Rare: rerun the pipeline with its predictions, which decide (as they
          // always did) between its historical-average fallback and a failed run.
          result = runClvPipeline(fitSet, pipelineOptions);
          predictions = result.status === "ok" && result.fit ? predictEveryone(result) : predictCustomersWithFallback(everyone, predictionOptions);
        }
      } else {
        predictions = predictCustomersWithFallback(everyone, predictionOptions);
      }
    }
    timings.predict = performance.now() - started;
    const spend: ShopClvResult["spend"] = result.spendFit
      ? { model: "gamma-gamma", fit: summarizeFit(result.spendFit) }
      : { model: "average-order-value", note: result.spendNote };
    return {
      ...base,
      status: result.status,
      reason: result.sufficiency.status === "ok" ? null : result.sufficiency.reason,
      sufficiency: result.sufficiency,
      model: result.model,
      selectionRule:
        (backtest.chosen && result.status === "ok"
          ? `lower holdout mean absolute error of repeat purchases (holdout from ${backtest.calibrationEnd})`
          : result.selectionRule) + (sampled ? `; fitted on a seeded sample of ${new Set(fitSet.map((t) => t.customerId)).size} of ${customerCount} customers` : ""),
      fit: result.fit ? summarizeFit(result.fit) : null,
      spend,
      calibrationEnd: result.calibrationEnd,
      rangeDraws: result.status === "ok" && result.fit?.covarianceLog ? rangeDraws : 0,
      rangeMethod: result.status === "ok" && result.fit?.covarianceLog ? rangeMethod : null,
      backtest,
      predictions,
    };
  } catch (err) {
    if (!(err instanceof ClvError)) throw err;
    return {
      ...base,
      status: "failed",
      reason: `${err.reason}: ${err.message}`,
      sufficiency: null,
      model: null,
      selectionRule: null,
      fit: null,
      spend: null,
      calibrationEnd: today,
      rangeDraws: 0,
      rangeMethod: null,
      backtest: emptyBacktest(`engine error: ${err.reason}`),
      predictions: [],
    };
  }
}

/**
 * Below this many orders in the shop the CLV stage runs inline: a thread's
 * start (loading the engine's sources) costs more than it saves on a small shop.
 */
export const WORKER_MIN_TRANSACTIONS = 100_000;

type ClvWorkerRequest = { columns: TransactionColumns; options: ShopClvOptions };
type ClvWorkerReply = { result: ShopClvResult; predictions: PackedPredictions } | { error: { name: string; message: string } };

const PREDICTION_NUMBERS = [
  "frequency", "recency", "T", "monetaryValue", "expectedPurchases", "probabilityAlive", "nextOrderInDays", "expectedAverageSpend", "predictedClv", "clvLow", "clvHigh",
] as const;

/**
 * Predictions as typed columns for the trip between threads: a quarter of a
 * million objects cost the receiving thread about a second to deserialize;
 * these arrays are copied in milliseconds. Nulls are kept in a mask, so values
 * and nulls come back exactly.
 */
export interface PackedPredictions {
  length: number;
  /** Index into the transaction columns' customerIds. */
  customer: Int32Array;
  /** PREDICTION_NUMBERS, field-major: values[f * length + i]. */
  values: Float64Array;
  /** 1 where the field is null, same layout. */
  nulls: Uint8Array;
  /** nextOrderDate as days since 1970-01-01 (NaN when null). */
  nextOrderDay: Float64Array;
}

export function packPredictions(predictions: readonly CustomerPrediction[], customerIds: readonly string[]): PackedPredictions {
  const n = predictions.length;
  const indexOf = new Map<string, number>();
  customerIds.forEach((id, i) => indexOf.set(id, i));
  const packed: PackedPredictions = {
    length: n,
    customer: new Int32Array(n),
    values: new Float64Array(n * PREDICTION_NUMBERS.length),
    nulls: new Uint8Array(n * PREDICTION_NUMBERS.length),
    nextOrderDay: new Float64Array(n),
  };
  const days = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const p = predictions[i];
    const c = indexOf.get(p.customerId);
    if (c === undefined) throw new Error(`prediction for unknown customer ${p.customerId}`);
    packed.customer[i] = c;
    PREDICTION_NUMBERS.forEach((field, f) => {
      const v = p[field];
      if (v === null) packed.nulls[f * n + i] = 1;
      else packed.values[f * n + i] = v;
    });
    let day = NaN;
    if (p.nextOrderDate !== null) {
      day = days.get(p.nextOrderDate) ?? parseCalendarDay(p.nextOrderDate);
      days.set(p.nextOrderDate, day);
    }
    packed.nextOrderDay[i] = day;
  }
  return packed;
}

export function unpackPredictions(packed: PackedPredictions, customerIds: readonly string[]): CustomerPrediction[] {
  const n = packed.length;
  const field = (f: number, i: number): number | null => (packed.nulls[f * n + i] === 1 ? null : packed.values[f * n + i]);
  const out: CustomerPrediction[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const day = packed.nextOrderDay[i];
    out[i] = {
      customerId: customerIds[packed.customer[i]],
      frequency: field(0, i)!,
      recency: field(1, i)!,
      T: field(2, i)!,
      monetaryValue: field(3, i)!,
      expectedPurchases: field(4, i)!,
      probabilityAlive: field(5, i),
      nextOrderInDays: field(6, i),
      nextOrderDate: Number.isNaN(day) ? null : formatCalendarDay(day),
      expectedAverageSpend: field(7, i)!,
      predictedClv: field(8, i)!,
      clvLow: field(9, i),
      clvHigh: field(10, i),
    };
  }
  return out;
}

/**
 * Worker-thread side: answers one request with runShopClvOnColumns. Called by
 * the boot script of startClvWorker; does nothing on the main thread.
 */
export function serveClvWorker(): void {
  if (isMainThread || !parentPort) return;
  const port = parentPort;
  port.once("message", (request: ClvWorkerRequest) => {
    let reply: ClvWorkerReply;
    try {
      const options = { ...request.options, now: new Date(request.options.now) };
      const result = runShopClvOnColumns(request.columns, options);
      reply = { result: { ...result, predictions: [] }, predictions: packPredictions(result.predictions, request.columns.customerIds) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { error: { name: e.name, message: e.message } };
    }
    port.postMessage(reply);
  });
}

/** Young-generation size of the CLV thread (V8's default semi-spaces are 16 MB). */
export const CLV_THREAD_YOUNG_GENERATION_MB = 96;

/** A CLV worker thread, started ahead of its one run so its start overlaps the caller's load. */
export interface ClvWorker {
  run(columns: TransactionColumns, options: ShopClvOptions): Promise<ShopClvResult>;
  close(): void;
}

/**
 * runShopClvOnColumns on a worker thread, so the recompute's other reports
 * (metrics, cohorts, RFM) run on the second core meanwhile. The thread loads
 * the TypeScript sources through tsx's loader, as the job worker process does.
 * The columns are copied, not transferred: if the thread cannot start (or
 * dies before answering) the same run happens inline and gives the same result.
 */
export function startClvWorker(): ClvWorker {
  const entry = new URL(import.meta.url).href;
  const boot = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(entry)}); }).then((m) => m.serveClvWorker())`;
  let worker: Worker | null = null;
  let failed = false;
  let onFailure: (() => void) | null = null;
  let onReply: ((reply: ClvWorkerReply) => void) | null = null;
  const fail = () => {
    failed = true;
    onFailure?.();
  };
  try {
    // The CLV stage allocates many short-lived objects (a prediction per
    // customer, curves per (x, t_x, T)); a larger young generation turns most
    // of V8's scavenges into no-ops.
    worker = new Worker(boot, { eval: true, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: CLV_THREAD_YOUNG_GENERATION_MB } });
    worker.on("message", (reply: ClvWorkerReply) => onReply?.(reply));
    worker.on("error", fail);
    worker.on("exit", fail);
  } catch {
    failed = true;
  }
  const close = () => {
    const w = worker;
    worker = null;
    onFailure = null;
    onReply = null;
    void w?.terminate();
  };
  return {
    close,
    run(columns, options) {
      const inline = () => runShopClvOnColumns(columns, options);
      return new Promise<ShopClvResult>((resolve, reject) => {
        let settled = false;
        const settle = (then: () => void) => {
          if (settled) return;
          settled = true;
          close();
          then();
        };
        const fallBack = () =>
          settle(() => {
            try {
              resolve(inline());
            } catch (err) {
              reject(err);
            }
          });
        if (failed || !worker) {
          fallBack();
          return;
        }
        onFailure = fallBack;
        onReply = (reply) => {
          if ("result" in reply) settle(() => resolve({ ...reply.result, predictions: unpackPredictions(reply.predictions, columns.customerIds), thread: "worker" }));
          // Not a data problem (runShopClvOnColumns reports those in its result):
          // rerun inline, which throws the same error with its own class.
          else fallBack();
        };
        const request: ClvWorkerRequest = { columns, options };
        worker.postMessage(request);
      });
    },
  };
}
