import { describe, expect, it } from "vitest";
import { GeneratorInputError, Rng, resolveConfig } from "../../../dev/generator/index";
import { ArrivalSchedule } from "../../../dev/generator/arrivals";
import { allocateProportionally, fillLines } from "../../../dev/generator/build";
import { formatMinor, formatShopTime } from "../../../dev/generator/format";

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean };
}

describe("Rng", () => {
  it("same seed ⇒ same sequence; different seeds ⇒ different sequences", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it("uniforms lie in [0, 1) with mean 1/2 and variance 1/12", () => {
    const rng = new Rng(1);
    let min = 1;
    let max = 0;
    const m = moments(() => {
      const u = rng.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      return u;
    }, 100_000);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 100_000));
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(0.002);
  });

  it("Marsaglia-Tsang gamma has mean shape/rate and variance shape/rate² (shapes below and above 1)", () => {
    const rng = new Rng(7);
    for (const [shape, rate] of [[0.25, 4.4], [0.75, 8], [1, 1], [6, 0.5], [40, 2]]) {
      const n = 40_000;
      const m = moments(() => rng.gamma(shape, rate), n);
      const variance = shape / rate ** 2;
      expect(Math.abs(m.mean - shape / rate), `mean of Gamma(${shape}, ${rate})`).toBeLessThan(4 * Math.sqrt(variance / n));
      expect(m.variance / variance).toBeGreaterThan(0.9);
      expect(m.variance / variance).toBeLessThan(1.1);
    }
  });

  it("beta has mean a/(a+b) and Poisson has mean = variance", () => {
    const rng = new Rng(9);
    const beta = moments(() => rng.beta(1.2, 4), 40_000);
    expect(Math.abs(beta.mean - 1.2 / 5.2)).toBeLessThan(0.005);
    const poisson = moments(() => rng.poisson(2.5), 40_000);
    expect(Math.abs(poisson.mean - 2.5)).toBeLessThan(0.04);
    expect(Math.abs(poisson.variance - 2.5)).toBeLessThan(0.12);
  });

  it("bad distribution parameters and seeds are typed errors, never NaN", () => {
    const rng = new Rng(1);
    expect(() => rng.gamma(0, 1)).toThrow(GeneratorInputError);
    expect(() => rng.gamma(1, Number.NaN)).toThrow(GeneratorInputError);
    expect(() => rng.poisson(-1)).toThrow(GeneratorInputError);
    expect(() => new Rng(1.5)).toThrow(GeneratorInputError);
  });
});

describe("arrivals and helpers", () => {
  it("arrival times are sorted, inside the window, and denser in the holiday season", () => {
    const config = resolveConfig({ size: 20_000, seed: 3 });
    const schedule = new ArrivalSchedule(config.startMs, config.endMs, config.seasonality);
    const times = [...schedule.times(new Rng(3), 20_000)];
    expect(times).toHaveLength(20_000);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(config.startMs);
    expect(times.at(-1)!).toBeLessThan(config.endMs);
    const inRange = (from: string, to: string) => times.filter((t) => t >= Date.parse(from) && t < Date.parse(to)).length;
    // Same calendar length, one year apart growth aside: December beats August.
    expect(inRange("2025-12-01", "2025-12-15")).toBeGreaterThan(1.4 * inRange("2025-08-01", "2025-08-15"));
  });

  it("line filling handles extreme Gamma-Gamma draws (1 cent to $100k) with 1..5 lines", () => {
    const rng = new Rng(5);
    for (const target of [1, 599, 600, 9_000, 450_000, 10_000_000]) {
      const lines = fillLines(rng, target);
      const value = lines.reduce((s, l) => s + l.variant.priceMinor * l.quantity, 0);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(5);
      // Never above the target, except the one-cheapest-item minimum of an order.
      expect(value <= Math.max(target, 600)).toBe(true);
    }
  });

  it("discount allocation splits exactly, proportionally, by largest remainder", () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateProportionally(1000, [2500, 7500])).toEqual([250, 750]);
    expect(allocateProportionally(0, [5, 5])).toEqual([0, 0]);
  });

  it("money and time render like Shopify's REST payloads", () => {
    expect(formatMinor(41495)).toBe("414.95");
    expect(formatMinor(5)).toBe("0.05");
    expect(formatMinor(-1200)).toBe("-12.00");
    expect(formatShopTime(Date.parse("2022-01-01T00:00:00Z"), -300)).toBe("2021-12-31T19:00:00-05:00");
    expect(formatShopTime(Date.parse("2022-01-01T00:00:00Z"), 0)).toBe("2022-01-01T00:00:00+00:00");
  });

  it("config validation: unknown presets, bad dates and rates are typed errors with a reason", () => {
    const reasonOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof GeneratorInputError ? error.reason : "other";
      }
      return "none";
    };
    expect(reasonOf(() => resolveConfig({ size: "huge" as never }))).toBe("INVALID_SIZE");
    expect(reasonOf(() => resolveConfig({ size: 0 }))).toBe("INVALID_SIZE");
    expect(reasonOf(() => resolveConfig({ start: "not a date" }))).toBe("INVALID_DATE");
    expect(reasonOf(() => resolveConfig({ start: "2026-01-01", end: "2025-01-01" }))).toBe("INVALID_DATE");
    expect(reasonOf(() => resolveConfig({ rates: { refund: 1.5 } }))).toBe("INVALID_PARAMETER");
    expect(reasonOf(() => resolveConfig({ bgnbd: { r: -1 } }))).toBe("INVALID_PARAMETER");
    expect(reasonOf(() => resolveConfig({ seed: 0.5 }))).toBe("INVALID_SEED");
    expect(resolveConfig({ size: "large" }).customers).toBe(100_000);
  });
});
