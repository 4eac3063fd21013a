// Unconstrained minimiser for the CLV likelihoods. Models optimise over
// log-parameters, so every point is feasible. BFGS with a backtracking
// (Armijo) line search does the work; Nelder-Mead restarts from the best point
// when BFGS stalls (e.g. a noisy numerical gradient), and a last BFGS pass
// polishes its answer.

export type ObjectiveFunction = (x: readonly number[]) => number;
export type GradientFunction = (x: readonly number[]) => number[];

export interface MinimizeOptions {
  /** Analytic gradient. Without it, central differences with step `gradientStep` are used. */
  gradient?: GradientFunction;
  gradientStep?: number;
  /** Converged when max |g_i| <= gradientTolerance * max(1, |f|). */
  gradientTolerance?: number;
  maxIterations?: number;
  /** Longest step allowed in one line search (in x units; log-parameters here). */
  maxStep?: number;
  /**
   * If BFGS stops with some |x_i| beyond this, the optimum is at a boundary
   * (a log-parameter running to ±∞): skip the Nelder-Mead rescue, it cannot help.
   */
  boundary?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
  message: string;
  /** Objective plus gradient evaluations, for benchmarking. */
  evaluations?: number;
}

/** Central-difference gradient: error O(h^2) plus rounding O(eps |f| / h). */
export function computeNumericalGradient(f: ObjectiveFunction, x: readonly number[], step = 1e-5): number[] {
  const g = new Array<number>(x.length);
  const probe = x.slice();
  for (let i = 0; i < x.length; i++) {
    const h = step * Math.max(1, Math.abs(x[i]));
    probe[i] = x[i] + h;
    const up = f(probe);
    probe[i] = x[i] - h;
    const down = f(probe);
    probe[i] = x[i];
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Central-difference Hessian of f at x (symmetric). */
export function computeNumericalHessian(f: ObjectiveFunction, x: readonly number[], step = 1e-4): number[][] {
  const n = x.length;
  const h = x.map((v) => step * Math.max(1, Math.abs(v)));
  const f0 = f(x);
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const p = x.slice();
  for (let i = 0; i < n; i++) {
    p[i] = x[i] + h[i];
    const up = f(p);
    p[i] = x[i] - h[i];
    const down = f(p);
    p[i] = x[i];
    H[i][i] = (up - 2 * f0 + down) / (h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      const at = (di: number, dj: number) => {
        p[i] = x[i] + di * h[i];
        p[j] = x[j] + dj * h[j];
        const v = f(p);
        p[i] = x[i];
        p[j] = x[j];
        return v;
      };
      const value = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j]);
      H[i][j] = value;
      H[j][i] = value;
    }
  }
  return H;
}

const maxAbs = (v: readonly number[]) => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
const dot = (u: readonly number[], v: readonly number[]) => u.reduce((s, e, i) => s + e * v[i], 0);

function safeEval(f: ObjectiveFunction, x: readonly number[]): number {
  try {
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  } catch {
    // A region where the model cannot be evaluated is simply uphill.
    return Infinity;
  }
}

interface BfgsSettings {
  gradient?: GradientFunction;
  gradientStep: number;
  gradientTolerance: number;
  maxIterations: number;
  maxStep: number;
}

function runBfgs(f: ObjectiveFunction, x0: readonly number[], options: BfgsSettings): MinimizeResult {
  const n = x0.length;
  // A gradient that throws or is not finite marks the point as unusable, like an infinite f.
  const grad = (x: readonly number[]): number[] | null => {
    try {
      const g = options.gradient ? options.gradient(x) : computeNumericalGradient(f, x, options.gradientStep);
      return g.every(Number.isFinite) ? g : null;
    } catch {
      return null;
    }
  };
  let x = x0.slice();
  let fx = safeEval(f, x);
  if (!Number.isFinite(fx)) return { x, value: fx, iterations: 0, converged: false, message: "objective not finite at start" };
  const g0 = grad(x);
  if (!g0) return { x, value: fx, iterations: 0, converged: false, message: "gradient not finite at start" };
  let g = g0;
  let Hinv: number[][] = identity(n);
  let fresh = true;
  for (let iter = 1; iter <= options.maxIterations; iter++) {
    if (maxAbs(g) <= options.gradientTolerance * Math.max(1, Math.abs(fx))) {
      return { x, value: fx, iterations: iter - 1, converged: true, message: "gradient tolerance reached" };
    }
    let d = Hinv.map((row) => -dot(row, g));
    let slope = dot(g, d);
    if (!(slope < 0)) {
      Hinv = identity(n);
      fresh = true;
      d = g.map((e) => -e);
      slope = dot(g, d);
    }
    const dNorm = maxAbs(d);
    let t = dNorm > options.maxStep ? options.maxStep / dNorm : 1;
    let xNew: number[] = x;
    let fNew = Infinity;
    let gNew: number[] | null = null;
    for (let k = 0; k < 60; k++) {
      xNew = x.map((e, i) => e + t * d[i]);
      fNew = safeEval(f, xNew);
      if (fNew <= fx + 1e-4 * t * slope) {
        gNew = grad(xNew);
        if (gNew) break;
      }
      t *= 0.5;
    }
    if (!gNew) {
      if (!fresh) {
        // Stale curvature: restart from steepest descent once before giving up.
        Hinv = identity(n);
        fresh = true;
        continue;
      }
      return { x, value: fx, iterations: iter, converged: false, message: "line search failed" };
    }
    const s = xNew.map((e, i) => e - x[i]);
    const y = gNew.map((e, i) => e - g[i]);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (fresh) {
        // Scale the first inverse Hessian guess to the observed curvature.
        const scale = sy / dot(y, y);
        Hinv = identity(n).map((row) => row.map((e) => e * scale));
      }
      updateInverseHessian(Hinv, s, y, sy);
      fresh = false;
    }
    const improvement = fx - fNew;
    x = xNew;
    g = gNew;
    fx = fNew;
    if (improvement <= 1e-15 * Math.max(1, Math.abs(fx)) && maxAbs(s) <= 1e-12) {
      const ok = maxAbs(g) <= 1e3 * options.gradientTolerance * Math.max(1, Math.abs(fx));
      return { x, value: fx, iterations: iter, converged: ok, message: ok ? "no further progress" : "stalled" };
    }
  }
  return { x, value: fx, iterations: options.maxIterations, converged: false, message: "iteration limit reached" };
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

// H <- (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, expanded to avoid temporaries.
function updateInverseHessian(H: number[][], s: number[], y: number[], sy: number): void {
  const n = s.length;
  const rho = 1 / sy;
  const Hy = H.map((row) => dot(row, y));
  const yHy = dot(y, Hy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      H[i][j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
  }
}

/** Nelder-Mead simplex with standard coefficients (1, 2, 0.5, 0.5). */
export function minimizeNelderMead(
  f: ObjectiveFunction,
  x0: readonly number[],
  { maxIterations = 4000, tolerance = 1e-12, initialStep = 0.1 }: { maxIterations?: number; tolerance?: number; initialStep?: number } = {},
): MinimizeResult {
  const n = x0.length;
  let simplex = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] += initialStep;
    simplex.push(p);
  }
  let values = simplex.map((p) => safeEval(f, p));
  for (let iter = 1; iter <= maxIterations; iter++) {
    const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
    simplex = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    const spread = Math.abs(values[n] - values[0]);
    const size = Math.max(...simplex.slice(1).map((p) => maxAbs(p.map((e, i) => e - simplex[0][i]))));
    if (spread <= tolerance * Math.max(1, Math.abs(values[0])) && size <= 1e-9) {
      return { x: simplex[0], value: values[0], iterations: iter, converged: true, message: "simplex collapsed" };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += simplex[k][i] / n;
    const along = (coef: number) => centroid.map((c, i) => c + coef * (simplex[n][i] - c));
    const reflected = along(-1);
    const fr = safeEval(f, reflected);
    if (fr < values[0]) {
      const expanded = along(-2);
      const fe = safeEval(f, expanded);
      if (fe < fr) {
        simplex[n] = expanded;
        values[n] = fe;
      } else {
        simplex[n] = reflected;
        values[n] = fr;
      }
      continue;
    }
    if (fr < values[n - 1]) {
      simplex[n] = reflected;
      values[n] = fr;
      continue;
    }
    const contracted = fr < values[n] ? along(-0.5) : along(0.5);
    const fc = safeEval(f, contracted);
    if (fc < Math.min(fr, values[n])) {
      simplex[n] = contracted;
      values[n] = fc;
      continue;
    }
    for (let k = 1; k <= n; k++) {
      simplex[k] = simplex[k].map((e, i) => simplex[0][i] + 0.5 * (e - simplex[0][i]));
      values[k] = safeEval(f, simplex[k]);
    }
  }
  const best = values.indexOf(Math.min(...values));
  return { x: simplex[best], value: values[best], iterations: maxIterations, converged: false, message: "iteration limit reached" };
}

/**
 * Minimise f from x0: BFGS first; if it does not converge, Nelder-Mead from the
 * best point found, then BFGS again to polish. Iterations are summed.
 */
export function minimize(f: ObjectiveFunction, x0: readonly number[], options: MinimizeOptions = {}): MinimizeResult {
  let evaluations = 0;
  const counted: ObjectiveFunction = (x) => {
    evaluations += 1;
    return f(x);
  };
  const gradient = options.gradient;
  const settings: BfgsSettings = {
    gradient: gradient
      ? (x: readonly number[]) => {
          evaluations += 1;
          return gradient(x);
        }
      : undefined,
    gradientStep: options.gradientStep ?? 1e-5,
    gradientTolerance: options.gradientTolerance ?? 1e-9,
    maxIterations: options.maxIterations ?? 500,
    maxStep: options.maxStep ?? 2,
  };
  const first = runBfgs(counted, x0, settings);
  if (first.converged) return { ...first, evaluations };
  if (options.boundary !== undefined && first.x.some((v) => Math.abs(v) > options.boundary!)) {
    return { ...first, message: `BFGS: ${first.message} at a boundary`, evaluations };
  }
  const start = Number.isFinite(first.value) ? first.x : x0;
  const simplex = minimizeNelderMead(counted, start);
  const polished = runBfgs(counted, simplex.x, settings);
  const best = polished.value <= simplex.value ? polished : simplex;
  return {
    x: best.x,
    value: best.value,
    iterations: first.iterations + simplex.iterations + polished.iterations,
    converged: polished.converged || simplex.converged,
    message: `BFGS: ${first.message}; Nelder-Mead: ${simplex.message}; polish: ${polished.message}`,
    evaluations,
  };
}
