// Seeded pseudo-random generators shared across the domain. Tests and
// simulations must be reproducible, so nothing here reads a global seed.

/** A source of uniform numbers in [0, 1). */
export type UniformSource = () => number;

/**
 * mulberry32: a tiny 32-bit generator with a full 2^32 period. Good enough for
 * simulation and bootstrap draws; not for cryptography.
 */
export function createMulberry32(seed: number): UniformSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in the open interval (0, 1): safe to take a logarithm of. */
export function drawOpenUniform(rng: UniformSource): number {
  let u = rng();
  while (u === 0) u = rng();
  return u;
}

/** Standard normal draw (Box-Muller; the second value is discarded for simplicity). */
export function drawStandardNormal(rng: UniformSource): number {
  const u1 = drawOpenUniform(rng);
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Exponential draw with the given rate (mean 1/rate). */
export function drawExponential(rng: UniformSource, rate: number): number {
  return -Math.log(drawOpenUniform(rng)) / rate;
}

/**
 * Gamma(shape, rate) draw, Marsaglia & Tsang (2000). Shapes below 1 use the
 * boost gamma(shape) = gamma(shape + 1) * U^(1/shape).
 */
export function drawGamma(rng: UniformSource, shape: number, rate: number): number {
  if (!(shape > 0) || !(rate > 0)) throw new RangeError(`drawGamma needs shape > 0 and rate > 0, got ${shape}, ${rate}`);
  if (shape < 1) {
    const boost = Math.pow(drawOpenUniform(rng), 1 / shape);
    return drawGamma(rng, shape + 1, rate) * boost;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = drawStandardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = drawOpenUniform(rng);
    if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** Beta(a, b) draw from two gamma draws. */
export function drawBeta(rng: UniformSource, a: number, b: number): number {
  const x = drawGamma(rng, a, 1);
  const y = drawGamma(rng, b, 1);
  return x / (x + y);
}

/** Poisson draw by inversion (fine for the small means used in simulations). */
export function drawPoisson(rng: UniformSource, mean: number): number {
  if (!(mean >= 0)) throw new RangeError(`drawPoisson needs mean >= 0, got ${mean}`);
  if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * drawStandardNormal(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k += 1;
    p *= rng();
  }
  return k;
}
