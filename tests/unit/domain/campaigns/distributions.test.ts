import { describe, expect, it } from "vitest";
import {
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
} from "~/domain/campaigns/distributions";

describe("normal distribution", () => {
  it("matches standard normal table values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 12);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 10);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 10);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 9);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 9);
  });

  it("rejects probabilities outside (0, 1) instead of returning NaN", () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1.2)).toThrow(RangeError);
  });
});

describe("Student t distribution", () => {
  // Two-sided 95 % critical values from any t table.
  it.each([
    [1, 12.706204736174694],
    [2, 4.302652729749462],
    [5, 2.5705818356363146],
    [10, 2.228138851986274],
    [30, 2.0422724563012378],
    [100, 1.9839715185235518],
    [4.153846153846154, 2.736356918133949],
  ])("t quantile at 0.975 with df=%s matches the table (%s)", (df, expected) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 8);
  });

  it("CDF and quantile are inverse and symmetric", () => {
    for (const df of [1.5, 3, 17, 250]) {
      for (const p of [0.01, 0.3, 0.9, 0.999]) {
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 9);
      }
      expect(studentTCdf(-1.3, df) + studentTCdf(1.3, df)).toBeCloseTo(1, 12);
    }
  });

  it("two-sided p of Welch's t = √2 on df 4.1538 is 0.22768 (scipy ttest_ind, equal_var=False)", () => {
    expect(studentTTwoSided(Math.SQRT2, 4.153846153846154)).toBeCloseTo(0.2276824467223012, 8);
  });

  it("approaches the normal as df grows", () => {
    expect(studentTQuantile(0.975, 5e6)).toBeCloseTo(1.959963984540054, 5);
  });
});
