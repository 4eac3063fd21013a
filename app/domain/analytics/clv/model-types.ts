// Shared shapes of the CLV models and a compact form of RFM data for fitting.

import { assertValidRfm } from "./data-prep";
import { ClvError } from "./errors";
import { estimateParameterUncertainty } from "./uncertainty";

/** x, t_x, T of one customer (weeks). */
export interface RfmRow {
  frequency: number;
  recency: number;
  T: number;
}

export interface ModelFit<P> {
  params: P;
  /** Total log-likelihood over customers, the papers' convention. */
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  message: string;
  /** From the numerical Hessian of the LL at the optimum (see uncertainty.ts); absent if not computable. */
  standardErrors?: P;
  /** Covariance of the log-parameters, for the parametric bootstrap. */
  covarianceLog?: number[][];
}

export interface FitOptions {
  /** Starting point in natural parameters (defaults are model specific). */
  initialParams?: readonly number[];
  maxIterations?: number;
  /** Default true; the Hessian costs about 33 extra likelihood evaluations. */
  computeStandardErrors?: boolean;
}

export type TransactionModelName = "bg-nbd" | "pareto-nbd";

/** The common surface of BG/NBD and Pareto/NBD, used by prediction and model selection. */
export interface TransactionModel<P> {
  name: TransactionModelName;
  paramNames: readonly (keyof P & string)[];
  toParams(values: readonly number[]): P;
  fit(rows: readonly RfmRow[], options?: FitOptions): ModelFit<P>;
  logLikelihood(params: P, rows: readonly RfmRow[]): number;
  expectedPurchases(params: P, t: number, x: number, tx: number, T: number): number;
  expectedPurchasesUnconditional(params: P, t: number): number;
  probabilityAlive(params: P, x: number, tx: number, T: number): number;
  /** t ↦ E[X(T, T+t] | x, t_x, T] with the t-independent parts (P(alive)) computed once. */
  createExpectedPurchasesCurve(params: P, x: number, tx: number, T: number): (t: number) => number;
  /**
   * probabilityAlive and createExpectedPurchasesCurve for many customers under
   * one parameter set: the parts that depend on fewer than all of (x, t_x, T)
   * are computed once and shared, so a shop's customers cost a fraction of
   * separate calls. Same functions of the same arguments: same numbers to the bit.
   */
  createCustomerCurves(params: P): (x: number, tx: number, T: number) => CustomerCurve;
  /** P(alive) alone for many customers, as createCustomerCurves(params)(x, t_x, T).probabilityAlive without the curve. */
  createProbabilityAlive(params: P): (x: number, tx: number, T: number) => number;
}

/**
 * Both models' conditional expectation factorises as P(alive | x, t_x, T) × a
 * function of (x, T, t) alone (BG/NBD: the hypergeometric bracket; Pareto/NBD:
 * (r+x)(β+T)/(α+T) × the lifetime factor): t_x enters only through P(alive).
 * The delta-method range relies on it (tests/unit/.../predict-range.test.ts
 * checks it for every model).
 */
export interface CustomerCurve {
  probabilityAlive: number;
  /** t ↦ E[X(T, T+t] | x, t_x, T]. */
  expectedPurchases: (t: number) => number;
}

/**
 * Values of f(key1, key2, t) remembered per (key1, key2), with a short list of
 * the t asked for (a CLV asks for 12 months, the same 12 for everyone).
 */
export function createKeyedMemo(compute: (k1: number, k2: number, t: number) => number): (k1: number, k2: number, t: number) => number {
  const byK1 = new Map<number, Map<number, { ts: number[]; values: number[] }>>();
  return (k1, k2, t) => {
    let byK2 = byK1.get(k1);
    if (!byK2) byK1.set(k1, (byK2 = new Map()));
    let entry = byK2.get(k2);
    if (!entry) byK2.set(k2, (entry = { ts: [], values: [] }));
    const i = entry.ts.indexOf(t);
    if (i >= 0) return entry.values[i];
    // Not remembered when compute throws: the next caller gets the same error.
    const value = compute(k1, k2, t);
    entry.ts.push(t);
    entry.values.push(value);
    return value;
  };
}

/** Distinct (x, t_x, T) triples with their counts: many customers share them. */
export interface CompressedRfm {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  maxX: number;
  customers: number;
}

export function compressRfm(rows: readonly RfmRow[]): CompressedRfm {
  if (rows.length === 0) throw new ClvError("empty-input", "no customers to fit");
  // Nested maps keyed by number avoid building a string key per customer.
  const index = new Map<number, Map<number, Map<number, number>>>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    assertValidRfm(row, i);
    let byRecency = index.get(row.frequency);
    if (!byRecency) index.set(row.frequency, (byRecency = new Map()));
    let byT = byRecency.get(row.recency);
    if (!byT) byRecency.set(row.recency, (byT = new Map()));
    const at = byT.get(row.T);
    if (at !== undefined) {
      weight[at] += 1;
      continue;
    }
    byT.set(row.T, x.length);
    x.push(row.frequency);
    tx.push(row.recency);
    T.push(row.T);
    weight.push(1);
  }
  return {
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    weight: Float64Array.from(weight),
    maxX: x.reduce((m, v) => Math.max(m, v), 0),
    customers: rows.length,
  };
}

/** Σ_{k<x} ln(v + k) = ln Γ(v + x) − ln Γ(v) for integer x, for every x up to maxX. */
export function cumulativeLogRising(v: number, maxX: number): Float64Array {
  const out = new Float64Array(maxX + 1);
  for (let k = 0; k < maxX; k++) out[k + 1] = out[k] + Math.log(v + k);
  return out;
}

/** Σ_{k<x} 1/(v + k), the derivative of cumulativeLogRising. */
export function cumulativeInverseRising(v: number, maxX: number): Float64Array {
  const out = new Float64Array(maxX + 1);
  for (let k = 0; k < maxX; k++) out[k + 1] = out[k] + 1 / (v + k);
  return out;
}

export function assertHorizon(t: number): void {
  if (!Number.isFinite(t) || t < 0) throw new ClvError("invalid-option", `horizon t must be finite and >= 0, got ${t}`);
}

/** |ln θ| beyond this (θ < 1e-6 or > 1e6 in weeks/dollars) means the optimiser ran to a boundary. */
const BOUNDARY_LOG = 13.8;
const MAX_LOG_STANDARD_ERROR = 5;

/**
 * Adds standard errors and the log-parameter covariance to a fit when the
 * Hessian allows, and marks fits whose parameters ran off to a boundary or
 * whose likelihood is flat (the data do not identify the model) as not converged.
 */
export function attachUncertainty<P>(
  fit: ModelFit<P>,
  names: readonly (keyof P & string)[],
  logLikelihood: (values: number[]) => number,
  options: FitOptions,
): ModelFit<P> {
  const values = names.map((name) => fit.params[name] as number);
  const atBoundary = values.some((v) => Math.abs(Math.log(v)) > BOUNDARY_LOG);
  const result = atBoundary
    ? { ...fit, converged: false, message: `${fit.message}; parameters at a boundary: the data do not identify the model` }
    : fit;
  if (options.computeStandardErrors === false) return result;
  const uncertainty = estimateParameterUncertainty(logLikelihood, values);
  if (!uncertainty) {
    return { ...result, converged: false, message: `${result.message}; likelihood is flat or not concave here: no standard errors` };
  }
  const standardErrors = Object.fromEntries(names.map((name, i) => [name, uncertainty.standardErrors[i]])) as P;
  const withErrors = { ...result, standardErrors, covarianceLog: uncertainty.covarianceLog };
  // A log-parameter uncertain by more than a factor e^5 ≈ 150 is not estimated by these data.
  const vague = names.filter((_, i) => Math.sqrt(uncertainty.covarianceLog[i][i]) > MAX_LOG_STANDARD_ERROR);
  if (vague.length > 0) {
    return { ...withErrors, converged: false, message: `${result.message}; ${vague.join(", ")} not identified (standard error > e^5 fold)` };
  }
  return withErrors;
}
