import { describe, expect, it } from "vitest";
import { InvalidLoyaltyInputError } from "~/domain/loyalty";
import { currencyExponent, formatMoney, roundRatio, toScaledInteger } from "~/domain/loyalty/money";

describe("money helpers", () => {
  it("rounds exact ratios: floor, ceil and half-up round", () => {
    expect([roundRatio(5n, 2n, "floor"), roundRatio(5n, 2n, "round"), roundRatio(5n, 2n, "ceil")]).toEqual([2, 3, 3]);
    expect([roundRatio(7n, 3n, "floor"), roundRatio(7n, 3n, "round"), roundRatio(7n, 3n, "ceil")]).toEqual([2, 2, 3]);
    expect(roundRatio(6n, 3n, "ceil")).toBe(2);
    expect(() => roundRatio(1n, 0n, "floor")).toThrow(RangeError);
  });

  it("scales decimal rates to integers and refuses extra precision", () => {
    expect(toScaledInteger(0.07, 4, "rate")).toBe(700n);
    expect(toScaledInteger(2.5, 4, "rate")).toBe(25_000n);
    expect(() => toScaledInteger(0.00001, 4, "rate")).toThrow(InvalidLoyaltyInputError);
    expect(() => toScaledInteger(Number.POSITIVE_INFINITY, 4, "rate")).toThrow(/rate/);
  });

  it("knows ISO 4217 minor units (USD 2, JPY 0, KWD 3) and formats amounts", () => {
    expect([currencyExponent("USD"), currencyExponent("JPY"), currencyExponent("KWD")]).toEqual([2, 0, 3]);
    expect(formatMoney(8_000, "USD")).toBe("$80.00");
    expect(formatMoney(1_200, "JPY")).toBe("¥1,200");
    expect(() => currencyExponent("dollars")).toThrow(InvalidLoyaltyInputError);
  });
});
