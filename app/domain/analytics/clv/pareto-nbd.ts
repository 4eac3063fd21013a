// Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) with the closed-form
// likelihood of Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model
// and Related Expressions". Buying: Poisson(λ), λ ~ Gamma(r, α). Lifetime:
// exponential(μ), μ ~ Gamma(s, β).

import { assertValidRfm } from "./data-prep";
import { assertPositiveParams, ClvError } from "./errors";
import {
  assertHorizon,
  attachUncertainty,
  compressRfm,
  createKeyedMemo,
  cumulativeLogRising,
  type CustomerCurve,
  type CompressedRfm,
  type FitOptions,
  type ModelFit,
  type RfmRow,
  type TransactionModel,
} from "./model-types";
import { minimize } from "./optimizer";
import { hyp2f1OneB, log1mExp, logAddExp } from "./special";

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

const NAMES = ["r", "alpha", "s", "beta"] as const;
const toParams = (v: readonly number[]): ParetoNbdParams => ({ r: v[0], alpha: v[1], s: v[2], beta: v[3] });

/**
 * ln of F&H's 2F1(r+s+x, ·; r+s+x+1; z(t)) / (max(α,β)+t)^{r+s+x}, the two
 * pieces of A0. Euler's transformation turns both branches into 2F1(1, ·; ·; z),
 * which is bounded by 1/(1−z) (no overflow for large x) and has a continued
 * fraction that converges fast even when z = |α−β|/(max(α,β)+t) is close to 1.
 */
function logA0Piece(r: number, alpha: number, s: number, beta: number, x: number, t: number): number {
  const k = r + s + x;
  if (alpha >= beta) {
    const z = (alpha - beta) / (alpha + t);
    return -s * Math.log(beta + t) - (r + x) * Math.log(alpha + t) + Math.log(hyp2f1OneB(r + x, k + 1, z));
  }
  const z = (beta - alpha) / (beta + t);
  return (1 - r - x) * Math.log(alpha + t) - (1 + s) * Math.log(beta + t) + Math.log(hyp2f1OneB(s + 1, k + 1, z));
}

/** ln A0 = ln[piece(t_x) − piece(T)]; −Infinity when t_x = T. */
function logA0(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): number {
  const upper = logA0Piece(r, alpha, s, beta, x, tx);
  const lower = logA0Piece(r, alpha, s, beta, x, T);
  return upper + log1mExp(Math.min(0, lower - upper));
}

interface CustomerTerms {
  /** ln L_i */
  logLikelihood: number;
  /** −(r+x) ln(α+T) − s ln(β+T) − ln[...] : ln P(alive) */
  logAlive: number;
}

function customerTerms(p: ParetoNbdParams, x: number, tx: number, T: number, logRising: number): CustomerTerms {
  const { r, alpha, s, beta } = p;
  return termsFromLogA0(p, x, T, logRising, logA0(r, alpha, s, beta, x, tx, T));
}

/** customerTerms with ln A0 given: the fit computes A0's pieces once per distinct (x, t) and combines them here. */
function termsFromLogA0(p: ParetoNbdParams, x: number, T: number, logRising: number, logA0Value: number): CustomerTerms {
  const { r, alpha, s, beta } = p;
  const a1 = logRising + r * Math.log(alpha) + s * Math.log(beta);
  const aliveBranch = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const deadBranch = Math.log(s) - Math.log(r + s + x) + logA0Value;
  const a2 = logAddExp(aliveBranch, deadBranch);
  return { logLikelihood: a1 + a2, logAlive: aliveBranch - a2 };
}

/**
 * The A0 pieces of every customer triple, as indexes into the distinct (x, t)
 * pairs: customers share t_x = 0 (x = 0) and T values (first-purchase days),
 * so there are far fewer distinct pieces than triples. Each piece is the same
 * function of the same arguments, so the likelihood is unchanged to the bit.
 */
interface PieceIndex {
  x: Float64Array;
  t: Float64Array;
  /** Piece index of (x, t_x) and of (x, T) for each triple. */
  upper: Int32Array;
  lower: Int32Array;
}

function indexPieces(data: CompressedRfm): PieceIndex {
  const byX = new Map<number, Map<number, number>>();
  const xs: number[] = [];
  const ts: number[] = [];
  const slot = (x: number, t: number): number => {
    let byT = byX.get(x);
    if (!byT) byX.set(x, (byT = new Map()));
    let k = byT.get(t);
    if (k === undefined) {
      byT.set(t, (k = xs.length));
      xs.push(x);
      ts.push(t);
    }
    return k;
  };
  const n = data.x.length;
  const upper = new Int32Array(n);
  const lower = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    upper[j] = slot(data.x[j], data.tx[j]);
    lower[j] = slot(data.x[j], data.T[j]);
  }
  return { x: Float64Array.from(xs), t: Float64Array.from(ts), upper, lower };
}

function logRisingOf(r: number, x: number): number {
  let sum = 0;
  for (let k = 0; k < x; k++) sum += Math.log(r + k);
  return sum;
}

export function paretoNbdLogLikelihoodPerCustomer(params: ParetoNbdParams, rows: readonly RfmRow[]): number[] {
  assertPositiveParams("Pareto/NBD", { ...params });
  return rows.map((row, i) => {
    assertValidRfm(row, i);
    return customerTerms(params, row.frequency, row.recency, row.T, logRisingOf(params.r, row.frequency)).logLikelihood;
  });
}

export function paretoNbdLogLikelihood(params: ParetoNbdParams, rows: readonly RfmRow[]): number {
  return paretoNbdLogLikelihoodPerCustomer(params, rows).reduce((s, v) => s + v, 0);
}

/**
 * Fit by maximum likelihood over log-parameters. The gradient is numerical
 * (central differences): derivatives of 2F1 in its parameters have no cheap
 * closed form.
 */
export function fitParetoNbd(rows: readonly RfmRow[], options: FitOptions = {}): ModelFit<ParetoNbdParams> {
  const data = compressRfm(rows);
  const pieces = indexPieces(data);
  const pieceValues = new Float64Array(pieces.x.length);
  // The (x, T) pieces also carry the alive branch, which depends on (x, T) only.
  const isLower = new Uint8Array(pieces.x.length);
  for (let j = 0; j < pieces.lower.length; j++) isLower[pieces.lower[j]] = 1;
  const aliveBranches = new Float64Array(pieces.x.length);
  const a1ByX = new Float64Array(data.maxX + 1);
  const deadByX = new Float64Array(data.maxX + 1);
  const negLogLikelihood = (theta: readonly number[]): number => {
    const { r, alpha, s, beta } = toParams(theta.map(Math.exp));
    const rising = cumulativeLogRising(r, data.maxX);
    const logAlpha = Math.log(alpha);
    const logBeta = Math.log(beta);
    const logS = Math.log(s);
    // termsFromLogA0's parts that depend on x alone, in its own operations.
    for (let x = 0; x <= data.maxX; x++) {
      a1ByX[x] = rising[x] + r * logAlpha + s * logBeta;
      deadByX[x] = logS - Math.log(r + s + x);
    }
    for (let k = 0; k < pieceValues.length; k++) {
      const x = pieces.x[k];
      const t = pieces.t[k];
      pieceValues[k] = logA0Piece(r, alpha, s, beta, x, t);
      if (isLower[k] === 1) aliveBranches[k] = -(r + x) * Math.log(alpha + t) - s * Math.log(beta + t);
    }
    let ll = 0;
    for (let j = 0; j < data.x.length; j++) {
      // customerTerms of this triple from the shared parts: the same numbers to the bit.
      const x = data.x[j];
      const upper = pieceValues[pieces.upper[j]];
      const lower = pieceValues[pieces.lower[j]];
      const logA0Value = upper + log1mExp(Math.min(0, lower - upper));
      const a2 = logAddExp(aliveBranches[pieces.lower[j]], deadByX[x] + logA0Value);
      ll += data.weight[j] * (a1ByX[x] + a2);
    }
    return -ll;
  };
  const meanT = rows.reduce((s, row) => s + row.T, 0) / rows.length;
  const start = options.initialParams ?? [1, Math.max(meanT, 1), 1, Math.max(meanT, 1)];
  const result = minimize(negLogLikelihood, start.map((v) => Math.log(v)), { maxIterations: options.maxIterations, gradientStep: 1e-5, boundary: 13.8 });
  if (!Number.isFinite(result.value)) throw new ClvError("numeric-failure", `Pareto/NBD fit failed: ${result.message}`);
  const fit: ModelFit<ParetoNbdParams> = {
    params: toParams(result.x.map(Math.exp)),
    logLikelihood: -result.value,
    converged: result.converged,
    iterations: result.iterations,
    message: `${result.message} (${result.evaluations} evaluations)`,
  };
  return attachUncertainty(fit, NAMES, (values) => -negLogLikelihood(values.map(Math.log)), options);
}

export function paretoNbdProbabilityAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  assertPositiveParams("Pareto/NBD", { ...params });
  assertValidRfm({ frequency: x, recency: tx, T }, 0);
  return Math.exp(customerTerms(params, x, tx, T, logRisingOf(params.r, x)).logAlive);
}

/** [1 − ((β+T)/(β+T+t))^{s−1}] / (s−1), with its s → 1 limit ln(1 + t/(β+T)). */
function lifetimeFactor(s: number, beta: number, T: number, t: number): number {
  const l = Math.log1p(t / (beta + T));
  if (Math.abs(s - 1) < 1e-12) return l;
  return -Math.expm1(-(s - 1) * l) / (s - 1);
}

/** E[X(T, T+t] | x, t_x, T] = P(alive) (r+x)(β+T)/(α+T) · lifetimeFactor. */
export function paretoNbdExpectedPurchases(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  assertHorizon(t);
  return createParetoNbdExpectedPurchasesCurve(params, x, tx, T)(t);
}

export function createParetoNbdExpectedPurchasesCurve(params: ParetoNbdParams, x: number, tx: number, T: number): (t: number) => number {
  const { r, alpha, s, beta } = params;
  const scale = (paretoNbdProbabilityAlive(params, x, tx, T) * (r + x) * (beta + T)) / (alpha + T);
  return (t) => {
    assertHorizon(t);
    return t === 0 ? 0 : scale * lifetimeFactor(s, beta, T, t);
  };
}

/** E[X(t)] = rβ/α · [1 − (β/(β+t))^{s−1}] / (s−1) for a new customer. */
export function paretoNbdExpectedPurchasesUnconditional(params: ParetoNbdParams, t: number): number {
  assertPositiveParams("Pareto/NBD", { ...params });
  assertHorizon(t);
  const { r, alpha, s, beta } = params;
  return ((r * beta) / alpha) * lifetimeFactor(s, beta, 0, t);
}

/**
 * P(alive) for many customers: A0's pieces depend on (x, t) and ln Γ-ratios on
 * x only, so they are computed once per distinct value and shared.
 */
export function createParetoNbdProbabilityAlive(params: ParetoNbdParams): (x: number, tx: number, T: number) => number {
  assertPositiveParams("Pareto/NBD", { ...params });
  const { r, alpha, s, beta } = params;
  const piece = createKeyedMemo((x, t) => logA0Piece(r, alpha, s, beta, x, t));
  const rising: number[] = [];
  return (x, tx, T) => {
    assertValidRfm({ frequency: x, recency: tx, T }, 0);
    const upper = piece(x, tx, 0);
    const lower = piece(x, T, 0);
    // As logA0 and paretoNbdProbabilityAlive, from the shared pieces.
    const logA0Value = upper + log1mExp(Math.min(0, lower - upper));
    const logRising = (rising[x] ??= logRisingOf(r, x));
    return Math.exp(termsFromLogA0(params, x, T, logRising, logA0Value).logAlive);
  };
}

/** Curves for many customers, with P(alive)'s pieces shared (above). */
export function createParetoNbdCustomerCurves(params: ParetoNbdParams): (x: number, tx: number, T: number) => CustomerCurve {
  const aliveOf = createParetoNbdProbabilityAlive(params);
  const { r, alpha, s, beta } = params;
  return (x, tx, T) => {
    const alive = aliveOf(x, tx, T);
    // As createParetoNbdExpectedPurchasesCurve.
    const scale = (alive * (r + x) * (beta + T)) / (alpha + T);
    return {
      probabilityAlive: alive,
      expectedPurchases: (t) => {
        assertHorizon(t);
        return t === 0 ? 0 : scale * lifetimeFactor(s, beta, T, t);
      },
    };
  };
}

export const paretoNbdModel: TransactionModel<ParetoNbdParams> = {
  name: "pareto-nbd",
  paramNames: NAMES,
  toParams,
  fit: fitParetoNbd,
  logLikelihood: paretoNbdLogLikelihood,
  expectedPurchases: paretoNbdExpectedPurchases,
  expectedPurchasesUnconditional: paretoNbdExpectedPurchasesUnconditional,
  probabilityAlive: paretoNbdProbabilityAlive,
  createExpectedPurchasesCurve: createParetoNbdExpectedPurchasesCurve,
  createCustomerCurves: createParetoNbdCustomerCurves,
  createProbabilityAlive: createParetoNbdProbabilityAlive,
};
