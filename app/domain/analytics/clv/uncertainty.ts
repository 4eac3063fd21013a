// Parameter uncertainty. Standard errors come from the observed information:
// the numerical (central-difference) Hessian of the total log-likelihood at
// the optimum, taken in log-parameters and mapped to natural parameters with
// the delta method (exact at an optimum, where the gradient vanishes).
// CLV ranges use a parametric bootstrap: log-parameters are drawn from their
// asymptotic normal N(θ̂, (−H)^{-1}) with a seeded generator, and each draw is
// pushed through the CLV formula. The range therefore reflects estimation
// uncertainty of the population parameters only, not the randomness of a
// customer's future purchases.

import { createMulberry32, drawStandardNormal } from "../../shared/random";
import { computeNumericalHessian } from "./optimizer";

export interface ParameterUncertainty {
  /** Natural-parameter standard errors, in the order of the parameter vector. */
  standardErrors: number[];
  /** Covariance of the log-parameters. */
  covarianceLog: number[][];
}

/** Cholesky factor L (A = L Lᵀ) of a symmetric matrix, or null when A is not positive definite. */
export function choleskyDecompose(A: readonly (readonly number[])[]): number[][] | null {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i][j];
      for (let k = 0; k < j; k++) sum -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(sum > 0)) return null;
        L[i][i] = Math.sqrt(sum);
      } else L[i][j] = sum / L[j][j];
    }
  }
  return L;
}

/** Inverse of a symmetric positive-definite matrix via its Cholesky factor. */
export function invertPositiveDefinite(A: readonly (readonly number[])[]): number[][] | null {
  const L = choleskyDecompose(A);
  if (!L) return null;
  const n = A.length;
  const inverse = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let col = 0; col < n; col++) {
    // Solve L y = e_col, then Lᵀ x = y.
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let sum = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= L[i][k] * y[k];
      y[i] = sum / L[i][i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i];
      for (let k = i + 1; k < n; k++) sum -= L[k][i] * inverse[k][col];
      inverse[i][col] = sum / L[i][i];
    }
  }
  return inverse;
}

/**
 * Standard errors at an optimum `params` of `logLikelihood` (natural
 * parameters in, total LL out). Returns null when the Hessian is not negative
 * definite (flat or degenerate likelihood): no honest standard error exists.
 */
export function estimateParameterUncertainty(
  logLikelihood: (params: number[]) => number,
  params: readonly number[],
): ParameterUncertainty | null {
  const theta = params.map(Math.log);
  const negLogLik = (t: readonly number[]) => -logLikelihood(t.map(Math.exp));
  let hessian: number[][];
  try {
    hessian = computeNumericalHessian(negLogLik, theta, 1e-4);
  } catch {
    return null;
  }
  if (hessian.some((row) => row.some((v) => !Number.isFinite(v)))) return null;
  const covarianceLog = invertPositiveDefinite(hessian);
  if (!covarianceLog) return null;
  const standardErrors = params.map((p, i) => p * Math.sqrt(covarianceLog[i][i]));
  return { standardErrors, covarianceLog };
}

/** `draws` natural-parameter vectors from N(log θ̂, covarianceLog), reproducible from `seed`. */
export function drawParameterSamples(
  params: readonly number[],
  covarianceLog: readonly (readonly number[])[],
  draws: number,
  seed: number,
): number[][] {
  const L = choleskyDecompose(covarianceLog);
  if (!L) throw new RangeError("covarianceLog is not positive definite");
  const rng = createMulberry32(seed);
  const theta = params.map(Math.log);
  const samples: number[][] = [];
  for (let d = 0; d < draws; d++) {
    const z = theta.map(() => drawStandardNormal(rng));
    samples.push(theta.map((t, i) => Math.exp(t + L[i].reduce((s, l, k) => s + l * z[k], 0))));
  }
  return samples;
}

/** Linear-interpolated quantile of an ascending-sorted array. */
export function computeQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}
