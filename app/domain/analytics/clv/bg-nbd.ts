// BG/NBD model of Fader, Hardie & Lee (2005), "Counting Your Customers the
// Easy Way". Buying: Poisson(λ), λ ~ Gamma(r, α). Dropout: after each repeat
// purchase with probability p, p ~ Beta(a, b).

import { assertPositiveParams, ClvError } from "./errors";
import {
  assertHorizon,
  attachUncertainty,
  compressRfm,
  cumulativeInverseRising,
  createKeyedMemo,
  cumulativeLogRising,
  type CustomerCurve,
  type FitOptions,
  type ModelFit,
  type RfmRow,
  type TransactionModel,
} from "./model-types";
import { minimize } from "./optimizer";
import { hyp2f1, log1pExp, sigmoid } from "./special";
import { assertValidRfm } from "./data-prep";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

const NAMES = ["r", "alpha", "a", "b"] as const;
const toParams = (v: readonly number[]): BgNbdParams => ({ r: v[0], alpha: v[1], a: v[2], b: v[3] });

/**
 * ln L_i = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *        + ln[ (α+T)^{−(r+x)} + δ_{x>0} a/(b+x−1) (α+t_x)^{−(r+x)} ]
 * The last bracket is a log-sum-exp; the gamma/beta ratios are sums of logs
 * because x is a whole number.
 */
export function bgNbdLogLikelihoodPerCustomer(params: BgNbdParams, rows: readonly RfmRow[]): number[] {
  assertPositiveParams("BG/NBD", { ...params });
  const { r, alpha, a, b } = params;
  return rows.map((row, i) => {
    assertValidRfm(row, i);
    const { frequency: x, recency: tx, T } = row;
    let common = r * Math.log(alpha);
    for (let k = 0; k < x; k++) common += Math.log(r + k) + Math.log(b + k) - Math.log(a + b + k);
    const l3 = -(r + x) * Math.log(alpha + T);
    if (x === 0) return common + l3;
    const l4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
    return common + l3 + log1pExp(l4 - l3);
  });
}

export function bgNbdLogLikelihood(params: BgNbdParams, rows: readonly RfmRow[]): number {
  return bgNbdLogLikelihoodPerCustomer(params, rows).reduce((s, v) => s + v, 0);
}

/** Negative total LL and its analytic gradient with respect to log-parameters. */
function createObjective(rows: readonly RfmRow[]) {
  const data = compressRfm(rows);
  const n = data.x.length;
  // The line search asks for f(x) and BFGS then asks for ∇f at the same x:
  // computing both at once and remembering the last point halves the work.
  let lastTheta: readonly number[] = [];
  let last = { value: NaN, gradient: [] as number[] };
  const evaluate = (theta: readonly number[]): { value: number; gradient: number[] } => {
    if (theta.length === lastTheta.length && theta.every((v, i) => v === lastTheta[i])) return last;
    lastTheta = theta.slice();
    last = compute(theta);
    return last;
  };
  const compute = (theta: readonly number[]): { value: number; gradient: number[] } => {
    const r = Math.exp(theta[0]);
    const alpha = Math.exp(theta[1]);
    const a = Math.exp(theta[2]);
    const b = Math.exp(theta[3]);
    const logR = cumulativeLogRising(r, data.maxX);
    const logB = cumulativeLogRising(b, data.maxX);
    const logAB = cumulativeLogRising(a + b, data.maxX);
    const invR = cumulativeInverseRising(r, data.maxX);
    const invB = cumulativeInverseRising(b, data.maxX);
    const invAB = cumulativeInverseRising(a + b, data.maxX);
    const logAlpha = Math.log(alpha);
    const logA = Math.log(a);
    let ll = 0;
    let gr = 0;
    let gAlpha = 0;
    let ga = 0;
    let gb = 0;
    for (let j = 0; j < n; j++) {
      const x = data.x[j];
      const w = data.weight[j];
      const aT = alpha + data.T[j];
      const lnAT = Math.log(aT);
      const l3 = -(r + x) * lnAT;
      const value = logR[x] + r * logAlpha + logB[x] - logAB[x] + l3;
      if (x === 0) {
        ll += w * value;
        gr += w * (logAlpha - lnAT);
        gAlpha += w * (r / alpha - r / aT);
        continue;
      }
      const bx1 = b + x - 1;
      const aTx = alpha + data.tx[j];
      const lnAtx = Math.log(aTx);
      const d = logA - Math.log(bx1) - (r + x) * lnAtx - l3;
      // One exponential serves both log(1 + e^d) and the branch weight σ(d).
      const e = Math.exp(-Math.abs(d));
      const share = d >= 0 ? 1 / (1 + e) : e / (1 + e); // posterior weight of "dropped out at t_x"
      ll += w * (value + Math.max(d, 0) + Math.log1p(e));
      gr += w * (invR[x] + logAlpha - (1 - share) * lnAT - share * lnAtx);
      gAlpha += w * (r / alpha - ((1 - share) * (r + x)) / aT - (share * (r + x)) / aTx);
      ga += w * (-invAB[x] + share / a);
      gb += w * (invB[x] - invAB[x] - share / bx1);
    }
    // Chain rule to log-parameters, and negate for minimisation.
    return { value: -ll, gradient: [-gr * r, -gAlpha * alpha, -ga * a, -gb * b] };
  };
  return evaluate;
}

export function fitBgNbd(rows: readonly RfmRow[], options: FitOptions = {}): ModelFit<BgNbdParams> {
  const evaluate = createObjective(rows);
  const meanT = rows.reduce((s, row) => s + row.T, 0) / rows.length;
  const start = options.initialParams ?? [1, Math.max(meanT, 1), 1, 1];
  const result = minimize(
    (theta) => evaluate(theta).value,
    start.map((v) => Math.log(v)),
    { gradient: (theta) => evaluate(theta).gradient, maxIterations: options.maxIterations, boundary: 13.8 },
  );
  const params = toParams(result.x.map(Math.exp));
  if (!Number.isFinite(result.value)) {
    throw new ClvError("numeric-failure", `BG/NBD fit failed: ${result.message}`);
  }
  const fit: ModelFit<BgNbdParams> = {
    params,
    logLikelihood: -result.value,
    converged: result.converged,
    iterations: result.iterations,
    message: `${result.message} (${result.evaluations} evaluations)`,
  };
  return attachUncertainty(fit, NAMES, (values) => -evaluate(values.map(Math.log)).value, options);
}

/** 1 − ((α+T)/(α+T+t))^{r+x} 2F1(r+x, b+x; a+b+x−1; z), via Euler's transformation. */
function bracketTerm(params: BgNbdParams, t: number, x: number, T: number, a: number): number {
  const { r, alpha, b } = params;
  const oneMinusZ = (alpha + T) / (alpha + T + t);
  const z = t / (alpha + T + t);
  // (1−z)^{r+x} 2F1(r+x, b+x; c; z) = (1−z)^{a−1} 2F1(a+b−1−r, a−1; c; z): bounded terms for any x.
  const f = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - Math.pow(oneMinusZ, a - 1) * f);
}

/** (a+b+x−1)/(a−1) · bracket; at a = 1 the limit is taken by a symmetric average. */
function scaledBracket(params: BgNbdParams, t: number, x: number, T: number): number {
  const { a } = params;
  if (Math.abs(a - 1) < 1e-6) return 0.5 * (bracketTerm(params, t, x, T, 1 - 1e-6) + bracketTerm(params, t, x, T, 1 + 1e-6));
  return bracketTerm(params, t, x, T, a);
}

/** P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}). */
export function bgNbdProbabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  assertPositiveParams("BG/NBD", { ...params });
  assertValidRfm({ frequency: x, recency: tx, T }, 0);
  return probabilityAliveChecked(params, x, tx, T);
}

/** bgNbdProbabilityAlive once params and the triple are known to be valid. */
function probabilityAliveChecked(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const d = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return sigmoid(-d);
}

/** E[X(T, T+t] | x, t_x, T]: expected purchases in the next t weeks. */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  assertHorizon(t);
  return createBgNbdExpectedPurchasesCurve(params, x, tx, T)(t);
}

/** E[X(t)] for a customer just acquired at time 0. */
export function bgNbdExpectedPurchasesUnconditional(params: BgNbdParams, t: number): number {
  assertPositiveParams("BG/NBD", { ...params });
  assertHorizon(t);
  if (t === 0) return 0;
  return Math.max(0, scaledBracket(params, t, 0, 0));
}

export function createBgNbdExpectedPurchasesCurve(params: BgNbdParams, x: number, tx: number, T: number): (t: number) => number {
  const alive = bgNbdProbabilityAlive(params, x, tx, T);
  return (t) => {
    assertHorizon(t);
    return t === 0 ? 0 : Math.max(0, scaledBracket(params, t, x, T) * alive);
  };
}

/**
 * Curves for many customers: the bracket depends on (x, T, t) only, not t_x,
 * and a shop's customers share far fewer (x, T) pairs than triples.
 */
/** P(alive) for many customers under one parameter set (checked once). */
export function createBgNbdProbabilityAlive(params: BgNbdParams): (x: number, tx: number, T: number) => number {
  assertPositiveParams("BG/NBD", { ...params });
  return (x, tx, T) => {
    assertValidRfm({ frequency: x, recency: tx, T }, 0);
    return probabilityAliveChecked(params, x, tx, T);
  };
}

export function createBgNbdCustomerCurves(params: BgNbdParams): (x: number, tx: number, T: number) => CustomerCurve {
  const aliveOf = createBgNbdProbabilityAlive(params);
  const bracket = createKeyedMemo((x, T, t) => scaledBracket(params, t, x, T));
  return (x, tx, T) => {
    const alive = aliveOf(x, tx, T);
    return {
      probabilityAlive: alive,
      // As createBgNbdExpectedPurchasesCurve, with the bracket shared.
      expectedPurchases: (t) => {
        assertHorizon(t);
        return t === 0 ? 0 : Math.max(0, bracket(x, T, t) * alive);
      },
    };
  };
}

export const bgNbdModel: TransactionModel<BgNbdParams> = {
  name: "bg-nbd",
  paramNames: NAMES,
  toParams,
  fit: fitBgNbd,
  logLikelihood: bgNbdLogLikelihood,
  expectedPurchases: bgNbdExpectedPurchases,
  expectedPurchasesUnconditional: bgNbdExpectedPurchasesUnconditional,
  probabilityAlive: bgNbdProbabilityAlive,
  createExpectedPurchasesCurve: createBgNbdExpectedPurchasesCurve,
  createCustomerCurves: createBgNbdCustomerCurves,
  createProbabilityAlive: createBgNbdProbabilityAlive,
};
