import { describe, expect, it } from "vitest";
import { computeNumericalGradient, computeNumericalHessian, minimize, minimizeNelderMead } from "~/domain/analytics/clv/optimizer";

const rosenbrock = (x: readonly number[]) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
const rosenbrockGradient = (x: readonly number[]) => [-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)];

describe("optimizer", () => {
  it("BFGS with an analytic gradient finds the Rosenbrock minimum (1, 1) to 1e-6", () => {
    const result = minimize(rosenbrock, [-1.2, 1], { gradient: rosenbrockGradient });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it("BFGS with central-difference gradients finds the same minimum to 1e-5", () => {
    const result = minimize(rosenbrock, [-1.2, 1]);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  it("falls back to Nelder-Mead when the gradient is useless, and still reaches the minimum", () => {
    const result = minimize((x) => (x[0] - 3) ** 2 + (x[1] + 1) ** 2, [0, 0], { gradient: () => [0.5, -0.5] });
    expect(result.message).toMatch(/Nelder-Mead/);
    expect(result.x[0]).toBeCloseTo(3, 5);
    expect(result.x[1]).toBeCloseTo(-1, 5);
  });

  it("treats throwing or NaN regions as uphill instead of crashing", () => {
    const f = (x: readonly number[]) => {
      if (x[0] < -0.5) throw new Error("outside the domain");
      return x[0] > 5 ? Number.NaN : (x[0] - 1) ** 2;
    };
    const result = minimize(f, [4]);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(minimizeNelderMead(f, [0]).x[0]).toBeCloseTo(1, 4);
  });

  it("a gradient that throws or is NaN in part of the space is treated as unusable, not fatal", () => {
    const f = (x: readonly number[]) => (x[0] - 2) ** 2;
    const gradient = (x: readonly number[]) => {
      if (x[0] > 3) throw new Error("no gradient here");
      return [x[0] < -3 ? Number.NaN : 2 * (x[0] - 2)];
    };
    expect(minimize(f, [0], { gradient }).x[0]).toBeCloseTo(2, 6);
    expect(minimize(f, [-5], { gradient }).x[0]).toBeCloseTo(2, 4);
  });

  it("numerical gradient and Hessian match the analytic ones for a quadratic form", () => {
    const f = (x: readonly number[]) => 3 * x[0] ** 2 + 2 * x[0] * x[1] + 5 * x[1] ** 2;
    const g = computeNumericalGradient(f, [1, 2]);
    expect(g[0]).toBeCloseTo(10, 6);
    expect(g[1]).toBeCloseTo(22, 6);
    const H = computeNumericalHessian(f, [1, 2]);
    expect(H[0][0]).toBeCloseTo(6, 4);
    expect(H[0][1]).toBeCloseTo(2, 4);
    expect(H[1][1]).toBeCloseTo(10, 4);
  });
});
