import { describe, expect, it } from "vitest";
import {
  CampaignError,
  compareConversion,
  compareMeansBootstrap,
  compareMeansWelch,
  computeCampaignResults,
  conversionPermutationPValue,
  permutationPValue,
  contributionMinor,
  createSeededRandom,
  wilsonInterval,
  type CustomerOutcome,
} from "~/domain/campaigns";

function outcomes(
  group: "treatment" | "control",
  rows: Array<[boolean, number, number]>,
  prefix = group
): CustomerOutcome[] {
  return rows.map(([converted, revenueMinor, discountMinor], i) => ({
    customerId: `${prefix}-${i}`,
    group,
    converted,
    revenueMinor,
    discountMinor,
  }));
}

/** Every number anywhere in the result is finite (no NaN, no ±Infinity). */
function expectAllFinite(value: unknown, path = "result"): void {
  if (typeof value === "number") {
    expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) expectAllFinite(inner, `${path}.${key}`);
  }
}

describe("compareConversion (Newcombe hybrid score, method 10)", () => {
  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1.0],
  ])("matches Newcombe 1998 for %i/%i − %i/%i: (%s, %s)", (xT, nT, xC, nC, lower, upper) => {
    const result = compareConversion(xT, nT, xC, nC);
    expect(result.ci!.lower).toBeCloseTo(lower, 4);
    expect(result.ci!.upper).toBeCloseTo(upper, 4);
    expect(result.estimate).toBeCloseTo(xT / nT - xC / nC, 12);
  });

  it("hand-checked small example: 3/4 vs 2/4", () => {
    // Wilson 3/4, z = 1.96: centre = 0.75 + z²/8 = 1.23019, spread = z·√(0.1875/4 + z²/64) = 0.64082,
    // denominator 1 + z²/4 = 1.96037 → (0.30064, 0.95441). Wilson 2/4 → (0.15004, 0.84996).
    expect(wilsonInterval(3, 4).lower).toBeCloseTo(0.30064, 5);
    expect(wilsonInterval(3, 4).upper).toBeCloseTo(0.95441, 5);
    // d = 0.25; lower = d − √((0.75 − 0.30064)² + (0.84996 − 0.5)²) = 0.25 − 0.56956 = −0.31956
    // upper = d + √((0.95441 − 0.75)² + (0.5 − 0.15004)²) = 0.25 + 0.40529 = 0.65529
    const result = compareConversion(3, 4, 2, 4);
    expect(result.ci!.lower).toBeCloseTo(-0.31956, 4);
    expect(result.ci!.upper).toBeCloseTo(0.65529, 4);
    expect(result).toMatchObject({ significant: false, reason: "group_too_small" });
  });

  it("56/70 vs 48/80 is significant (interval above zero)", () => {
    expect(compareConversion(56, 70, 48, 80)).toMatchObject({ significant: true, reason: null });
  });
});

describe("permutation p-values", () => {
  // Reference: Σ hypergeom.pmf(x; N, K, nT) over |x/nT − (K − x)/nC| ≥ observed (scipy.stats).
  it.each([
    [56, 70, 48, 80, 0.012521129749209157],
    [30, 200, 2, 40, 0.12452999953690654],
    [12, 100, 10, 100, 0.821748516350999],
  ])(
    "exact conversion p for %i/%i vs %i/%i matches the hypergeometric sum (%s)",
    (xT, nT, xC, nC, expected) => {
      expect(conversionPermutationPValue(xT, nT, xC, nC)).toBeCloseTo(expected, 10);
    }
  );

  it("Monte Carlo permutation p agrees with the exact p on 0/1 data (within 4 Monte Carlo sd)", () => {
    const ones = (k: number, n: number) => Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));
    const mc = permutationPValue(ones(30, 200), ones(2, 40), 9, 20_000)!;
    const sd = Math.sqrt((0.1245 * 0.8755) / 20_000);
    expect(Math.abs(mc - 0.12452999953690654)).toBeLessThan(4 * sd);
  });

  it("is 1 for identical groups and 1/(B + 1) for completely separated groups", () => {
    expect(permutationPValue([5, 5, 5, 5], [5, 5, 5], 1, 500)).toBe(1);
    const high = Array.from({ length: 30 }, (_, i) => 1000 + i);
    const low = Array.from({ length: 30 }, (_, i) => i);
    expect(permutationPValue(high, low, 1, 500)).toBe(1 / 501);
    expect(permutationPValue([], [1], 1, 500)).toBeNull();
  });
});

describe("compareMeansWelch", () => {
  it("hand-checked: equal variances and sizes give df = 2(n − 1) = 18", () => {
    // Both groups have variance 2000/9 = 222.2; SE = √(2 · 222.2/10) = 6.6667; t(0.975, 18) = 2.10092;
    // difference 100 − 60 = 40 → 40 ± 14.00615 = (25.99385, 54.00615).
    const t = [80, 90, 100, 110, 120, 80, 90, 100, 110, 120];
    const c = [40, 50, 60, 70, 80, 40, 50, 60, 70, 80];
    const result = compareMeansWelch(t, c);
    expect(result.estimate).toBe(40);
    expect(result.standardError).toBeCloseTo(6.666667, 5);
    expect(result.ci!.lower).toBeCloseTo(25.993853, 5);
    expect(result.ci!.upper).toBeCloseTo(54.006147, 5);
    expect(result).toMatchObject({ significant: true, reason: null, method: "welch-t" });
  });

  it("handles groups of one and constant groups without NaN", () => {
    expect(compareMeansWelch([5], [1, 2])).toMatchObject({
      estimate: 3.5,
      ci: null,
      reason: "group_too_small",
    });
    expect(compareMeansWelch([0, 0, 0], [0, 0])).toMatchObject({
      estimate: 0,
      ci: null,
      standardError: 0,
      reason: "zero_variance",
    });
    expect(compareMeansWelch([], [1, 2])).toMatchObject({
      estimate: null,
      reason: "empty_group",
      significant: false,
    });
  });
});

describe("computeCampaignResults", () => {
  // Treatment: revenue 0/100/200/300 with 0/10/20/30 discount; control: 0/0/100/100, no discount.
  const small = [
    ...outcomes("treatment", [
      [false, 0, 0],
      [true, 100, 10],
      [true, 200, 20],
      [true, 300, 30],
    ]),
    ...outcomes("control", [
      [false, 0, 0],
      [false, 0, 0],
      [true, 100, 0],
      [true, 100, 0],
    ]),
  ];

  it("hand-checked small example with Welch intervals", () => {
    const r = computeCampaignResults(small, { grossMarginRate: 0.5 });
    expect(r.treatment).toMatchObject({
      n: 4,
      conversions: 3,
      revenueMinor: 600,
      discountMinor: 60,
      revenuePerCustomer: 150,
    });
    expect(r.control).toMatchObject({ n: 4, conversions: 2, revenueMinor: 200, revenuePerCustomer: 50 });
    // Revenue: means 150 vs 50; variances 50000/3 and 10000/3; SE = √(4166.67 + 833.33) = 70.7107;
    // Welch df = 5000² / ((4166.67² + 833.33²)/3) = 4.15385; t = 2.736357; 100 ± 193.4897.
    expect(r.revenuePerCustomerDifference.ci!.lower).toBeCloseTo(-93.48965, 4);
    expect(r.revenuePerCustomerDifference.ci!.upper).toBeCloseTo(293.48965, 4);
    // Incremental revenue = 100 × n_t(4) = 400, interval scaled by 4.
    expect(r.incrementalRevenue.estimate).toBe(400);
    expect(r.incrementalRevenue.ci!.lower).toBeCloseTo(-373.9586, 3);
    // Contribution m·(R + D) − D at m = 0.5: treatment 0, 45, 90, 135 (mean 67.5); control 0, 0, 50, 50 (mean 25).
    // Variances 3375 and 833.33 → SE = √(843.75 + 208.33) = 32.43583, df = 4.39635, t = 2.680460;
    // 42.5 ± 86.94296 = (−44.44296, 129.44296); incremental margin = 42.5 × 4 = 170.
    expect(r.marginPerCustomerDifference.estimate).toBeCloseTo(42.5, 10);
    expect(r.marginPerCustomerDifference.ci!.lower).toBeCloseTo(-44.44296, 4);
    expect(r.marginPerCustomerDifference.ci!.upper).toBeCloseTo(129.44296, 4);
    expect(r.incrementalMargin.estimate).toBeCloseTo(170, 10);
    expect(r).toMatchObject({ significant: false, reason: "group_too_small" });
    // Relabelling 8 customers: exact conversion p = P(|x/4 − (5 − x)/4| ≥ 0.25) over the
    // hypergeometric law of x (N = 8, K = 5, n = 4) = 1 (every split is at least that far apart).
    expect(r.conversionDifference.pValue).toBeCloseTo(1, 12);
  });

  it("contribution counts goods at full price: R = 80, D = 20, m = 0.5 → 0.5·100 − 20 = 30", () => {
    expect(contributionMinor(80, 20, 0.5)).toBe(30);
  });

  it("is reproducible: the seeded permutation test and bootstrap give the same report twice", () => {
    const random = createSeededRandom(3);
    const rows = (group: "treatment" | "control", n: number) =>
      outcomes(
        group,
        Array.from({ length: n }, () => {
          const buys = random.next() < 0.3;
          return [buys, buys ? Math.round(5000 * Math.exp(random.normal())) : 0, 0] as [
            boolean,
            number,
            number
          ];
        })
      );
    const data = [...rows("treatment", 300), ...rows("control", 60)];
    expect(computeCampaignResults(data)).toEqual(computeCampaignResults(data));
    const boot = computeCampaignResults(data, { revenueMethod: "bootstrap" });
    expect(boot.revenuePerCustomerDifference.method).toBe("bootstrap-percentile");
    expect(computeCampaignResults(data, { revenueMethod: "bootstrap" })).toEqual(boot);
    expect(computeCampaignResults(data).revenuePerCustomerDifference.method).toBe("welch-t");
  });

  it("bootstrap and Welch intervals agree on large, well-behaved samples (within 5 % of the width)", () => {
    const random = createSeededRandom(11);
    const t = Array.from({ length: 400 }, () => 1000 + 200 * random.normal());
    const c = Array.from({ length: 400 }, () => 950 + 200 * random.normal());
    const welch = compareMeansWelch(t, c);
    const boot = compareMeansBootstrap(t, c, 5, 4000);
    const width = welch.ci!.upper - welch.ci!.lower;
    expect(Math.abs(boot.ci!.lower - welch.ci!.lower)).toBeLessThan(0.05 * width);
    expect(Math.abs(boot.ci!.upper - welch.ci!.upper)).toBeLessThan(0.05 * width);
  });

  it("an empty control group gives finite results, not significant, reason empty_group", () => {
    const r = computeCampaignResults(
      outcomes("treatment", [
        [true, 100, 10],
        [false, 0, 0],
      ])
    );
    expect(r.control.n).toBe(0);
    expect(r.conversionDifference).toMatchObject({ estimate: null, ci: null, reason: "empty_group" });
    expect(r).toMatchObject({ significant: false, reason: "empty_group" });
    expectAllFinite(r);
    expectAllFinite(computeCampaignResults([]));
  });

  it("nobody bought anything: zero variance, not significant, finite", () => {
    const none = [
      ...outcomes(
        "treatment",
        Array.from({ length: 50 }, () => [false, 0, 0] as [boolean, number, number])
      ),
      ...outcomes(
        "control",
        Array.from({ length: 50 }, () => [false, 0, 0] as [boolean, number, number])
      ),
    ];
    const r = computeCampaignResults(none);
    expect(r).toMatchObject({ significant: false, reason: "zero_variance" });
    expect(r.conversionDifference).toMatchObject({
      estimate: 0,
      significant: false,
      reason: "interval_includes_zero",
    });
    expectAllFinite(r);
  });

  it("rejects malformed outcomes and options with typed errors naming the field", () => {
    const bad =
      (rows: unknown[], options = {}) =>
      () =>
        computeCampaignResults(rows as CustomerOutcome[], options);
    const row = { customerId: "a", group: "treatment", converted: true, revenueMinor: 10, discountMinor: 0 };
    expect(bad([row, row])).toThrow(/outcomes\[1\]\.customerId: a appears more than once/);
    expect(bad([{ ...row, revenueMinor: Number.NaN }])).toThrow(/outcomes\[0\]\.revenueMinor/);
    expect(bad([{ ...row, discountMinor: -5 }])).toThrow(/discountMinor/);
    expect(bad([{ ...row, group: "holdout" }])).toThrow(/group/);
    expect(bad([row], { grossMarginRate: 0 })).toThrow(CampaignError);
    expect(bad([row], { grossMarginRate: 1.5 })).toThrow(/grossMarginRate/);
    expect(bad([row], { resamples: 10 })).toThrow(/resamples/);
    expect(bad([row], { revenueMethod: "magic" })).toThrow(/revenueMethod/);
  });
});
