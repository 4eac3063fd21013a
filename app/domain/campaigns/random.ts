import { createMulberry32, drawStandardNormal } from "~/domain/shared/random";

/**
 * The seeded generator the campaign code uses (bootstrap, and simulations in tests), on top
 * of the shared mulberry32. Not for assignment: that hashes (campaign, customer) so it
 * does not depend on processing order.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal draw. */
  normal(): number;
}

export function createSeededRandom(seed: number): SeededRandom {
  const uniform = createMulberry32(seed);
  return {
    next: uniform,
    int: (n) => Math.floor(uniform() * n),
    normal: () => drawStandardNormal(uniform),
  };
}
