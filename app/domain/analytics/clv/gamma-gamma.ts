// Gamma-Gamma model of monetary value (Fader & Hardie 2013 note; Colombo &
// Jiang 1999). A customer's transaction values are Gamma(p, ν) with
// ν ~ Gamma(q, γ); spend is assumed independent of the purchase process.

import { assertPositiveParams, ClvError } from "./errors";
import { attachUncertainty, type FitOptions, type ModelFit } from "./model-types";
import { minimize } from "./optimizer";
import { digamma, lgamma } from "./special";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** x repeat purchases with mean value zbar (monetaryValue). */
export interface SpendRow {
  frequency: number;
  monetaryValue: number;
}

function assertSpendRow(row: SpendRow, index: number): void {
  if (!Number.isInteger(row.frequency) || row.frequency < 1) {
    throw new ClvError("invalid-summary", `customer ${index}: Gamma-Gamma needs frequency >= 1, got ${row.frequency}`, { index });
  }
  if (!Number.isFinite(row.monetaryValue) || row.monetaryValue <= 0) {
    throw new ClvError("invalid-summary", `customer ${index}: Gamma-Gamma needs monetaryValue > 0, got ${row.monetaryValue}`, {
      index,
    });
  }
}

/** Rows the model can learn from: repeat buyers with a positive mean spend. */
export function selectSpendRows<T extends SpendRow>(rows: readonly T[]): T[] {
  return rows.filter((row) => row.frequency > 0 && row.monetaryValue > 0 && Number.isFinite(row.monetaryValue));
}

/**
 * ln f(zbar | p, q, γ, x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ
 *   + (px−1) ln zbar + px ln x − (px+q) ln(γ + x zbar)
 */
export function gammaGammaLogLikelihoodPerCustomer(params: GammaGammaParams, rows: readonly SpendRow[]): number[] {
  assertPositiveParams("Gamma-Gamma", { ...params });
  const { p, q, gamma } = params;
  return rows.map((row, i) => {
    assertSpendRow(row, i);
    const x = row.frequency;
    const m = row.monetaryValue;
    const px = p * x;
    return (
      lgamma(px + q) - lgamma(px) - lgamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(m) + px * Math.log(x) - (px + q) * Math.log(gamma + x * m)
    );
  });
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, rows: readonly SpendRow[]): number {
  return gammaGammaLogLikelihoodPerCustomer(params, rows).reduce((s, v) => s + v, 0);
}

/** Fit on repeat buyers only (rows must have frequency >= 1 and monetaryValue > 0; see selectSpendRows). */
export function fitGammaGamma(rows: readonly SpendRow[], options: FitOptions = {}): ModelFit<GammaGammaParams> {
  if (rows.length === 0) throw new ClvError("empty-input", "Gamma-Gamma needs at least one repeat buyer with positive spend");
  rows.forEach(assertSpendRow);
  const x = rows.map((r) => r.frequency);
  const logM = rows.map((r) => Math.log(r.monetaryValue));
  const logX = x.map(Math.log);
  const xm = rows.map((r) => r.frequency * r.monetaryValue);
  // The gamma-function terms depend on x only: evaluate them once per distinct x.
  const distinctX = [...new Set(x)];
  const slot = x.map((v) => distinctX.indexOf(v));
  let lastTheta: readonly number[] = [];
  let last = { value: NaN, gradient: [] as number[] };
  // Value and analytic gradient together, remembered for the point last asked.
  const evaluate = (theta: readonly number[]) => {
    if (theta.length === lastTheta.length && theta.every((v, i) => v === lastTheta[i])) return last;
    const [p, q, gamma] = theta.map(Math.exp);
    const logGamma = Math.log(gamma);
    const lgq = lgamma(q);
    const dgq = digamma(q);
    const lgRatio = distinctX.map((v) => lgamma(p * v + q) - lgamma(p * v));
    const dgSum = distinctX.map((v) => digamma(p * v + q));
    const dgPx = distinctX.map((v) => digamma(p * v));
    let ll = 0;
    let gp = 0;
    let gq = 0;
    let gg = 0;
    for (let i = 0; i < rows.length; i++) {
      const k = slot[i];
      const px = p * x[i];
      const lnGXM = Math.log(gamma + xm[i]);
      ll += lgRatio[k] - lgq + q * logGamma + (px - 1) * logM[i] + px * logX[i] - (px + q) * lnGXM;
      gp += x[i] * (dgSum[k] - dgPx[k] + logM[i] + logX[i] - lnGXM);
      gq += dgSum[k] - dgq + logGamma - lnGXM;
      gg += q / gamma - (px + q) / (gamma + xm[i]);
    }
    lastTheta = theta.slice();
    last = { value: -ll, gradient: [-gp * p, -gq * q, -gg * gamma] };
    return last;
  };
  const start = options.initialParams ?? [1, 1, 1];
  const result = minimize(
    (theta) => evaluate(theta).value,
    start.map((v) => Math.log(v)),
    { gradient: (theta) => evaluate(theta).gradient, maxIterations: options.maxIterations },
  );
  if (!Number.isFinite(result.value)) throw new ClvError("numeric-failure", `Gamma-Gamma fit failed: ${result.message}`);
  const [p, q, gamma] = result.x.map(Math.exp);
  const fit: ModelFit<GammaGammaParams> = {
    params: { p, q, gamma },
    logLikelihood: -result.value,
    converged: result.converged,
    iterations: result.iterations,
    message: `${result.message} (${result.evaluations} evaluations)`,
  };
  return attachUncertainty(fit, ["p", "q", "gamma"], (values) => -evaluate(values.map(Math.log)).value, options);
}

/**
 * E[M | x, zbar] = p(γ + x·zbar) / (px + q − 1): a weighted average of the
 * population mean pγ/(q−1) and the customer's own zbar. For x = 0 it is the
 * population mean. Needs q > 1 (otherwise the mean spend is infinite).
 */
export function gammaGammaExpectedAverageSpend(params: GammaGammaParams, frequency: number, monetaryValue: number): number {
  assertPositiveParams("Gamma-Gamma", { ...params });
  const { q } = params;
  if (q <= 1) {
    throw new ClvError("invalid-parameters", `Gamma-Gamma: q = ${q} <= 1 means an infinite mean spend`, { q });
  }
  return spendOf(params, frequency, monetaryValue);
}

/** The customer's inputs checked, then the formula (parameters already checked). */
function spendOf({ p, q, gamma }: GammaGammaParams, frequency: number, monetaryValue: number): number {
  if (!Number.isInteger(frequency) || frequency < 0) {
    throw new ClvError("invalid-summary", `frequency must be a whole number >= 0, got ${frequency}`);
  }
  if (!Number.isFinite(monetaryValue) || monetaryValue < 0) {
    throw new ClvError("invalid-summary", `monetaryValue must be finite and >= 0, got ${monetaryValue}`);
  }
  const x = frequency;
  const m = x > 0 ? monetaryValue : 0;
  return (p * (gamma + x * m)) / (p * x + q - 1);
}

/**
 * gammaGammaExpectedAverageSpend for many customers under one parameter set:
 * the parameters are checked once (at the first call, so the first customer
 * sees the same error), the customer's inputs on every call, and the formula
 * is the same, so are the numbers.
 */
export function createExpectedAverageSpend(params: GammaGammaParams): (frequency: number, monetaryValue: number) => number {
  let checked = false;
  return (frequency, monetaryValue) => {
    if (!checked) {
      gammaGammaExpectedAverageSpend(params, frequency, monetaryValue);
      checked = true;
    }
    return spendOf(params, frequency, monetaryValue);
  };
}

/**
 * ∂ ln E(M | x, m̄) / ∂ (ln p, ln q, ln γ), for the delta-method CLV range.
 * With E = p(γ + x m̄)/(p x + q − 1) and D = p x + q − 1:
 * ∂/∂ln p = (q − 1)/D, ∂/∂ln q = −q/D, ∂/∂ln γ = γ/(γ + x m̄).
 */
export function gammaGammaSpendLogGradient(params: GammaGammaParams, frequency: number, monetaryValue: number): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  writeSpendLogGradient(params, frequency, monetaryValue, out);
  return out;
}

function writeSpendLogGradient({ p, q, gamma }: GammaGammaParams, frequency: number, monetaryValue: number, out: number[]): void {
  const x = frequency;
  const m = x > 0 ? monetaryValue : 0;
  const d = p * x + q - 1;
  out[0] = (q - 1) / d;
  out[1] = -q / d;
  out[2] = gamma / (gamma + x * m);
}

/** Var(ln E(M | x, m̄)) = gᵀ Σ g for a log-parameter covariance Σ, without an array per customer. */
export function createSpendLogVariance(params: GammaGammaParams, covarianceLog: readonly (readonly number[])[]): (frequency: number, monetaryValue: number) => number {
  const g = [0, 0, 0];
  return (frequency, monetaryValue) => {
    writeSpendLogGradient(params, frequency, monetaryValue, g);
    let total = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) total += g[i] * covarianceLog[i][j] * g[j];
    return total;
  };
}

/** Alias with the name used across the CLV API. */
export const expectedAverageSpend = gammaGammaExpectedAverageSpend;
