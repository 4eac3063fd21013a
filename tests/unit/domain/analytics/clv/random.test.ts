import { describe, expect, it } from "vitest";
import { createMulberry32, drawBeta, drawGamma, drawPoisson, drawStandardNormal } from "~/domain/shared/random";

const moments = (values: number[]) => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
};

describe("seeded random generators (app/domain/shared/random.ts)", () => {
  it("mulberry32 is reproducible per seed and uniform in [0, 1)", () => {
    const a = createMulberry32(42);
    const b = createMulberry32(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(createMulberry32(43)()).not.toBe(first[0]);
    const rng = createMulberry32(1);
    const u = Array.from({ length: 50_000 }, () => rng());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(moments(u).mean).toBeCloseTo(0.5, 2);
  });

  it("gamma, beta, normal and Poisson draws have the right mean and variance (50,000 seeded draws, 3 %)", () => {
    const rng = createMulberry32(7);
    const check = (values: number[], mean: number, variance: number) => {
      const m = moments(values);
      expect(Math.abs(m.mean - mean)).toBeLessThan(0.03 * Math.max(1, Math.abs(mean)));
      expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.03);
    };
    const n = 50_000;
    check(Array.from({ length: n }, () => drawGamma(rng, 0.25, 4)), 0.25 / 4, 0.25 / 16);
    check(Array.from({ length: n }, () => drawGamma(rng, 6.25, 1.5)), 6.25 / 1.5, 6.25 / 2.25);
    check(Array.from({ length: n }, () => drawBeta(rng, 0.8, 2.5)), 0.8 / 3.3, (0.8 * 2.5) / (3.3 * 3.3 * 4.3));
    check(Array.from({ length: n }, () => drawStandardNormal(rng)), 0, 1);
    check(Array.from({ length: n }, () => drawPoisson(rng, 3.5)), 3.5, 3.5);
  });

  it("rejects invalid shapes with a RangeError", () => {
    const rng = createMulberry32(1);
    expect(() => drawGamma(rng, 0, 1)).toThrow(RangeError);
    expect(() => drawPoisson(rng, -1)).toThrow(RangeError);
  });
});
