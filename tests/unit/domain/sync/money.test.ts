import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { currencyExponent, parseMoneyMinor, SyncInputError } from "~/domain/sync";

describe("parseMoneyMinor", () => {
  it("parses Shopify decimal strings into exact minor units", () => {
    expect(parseMoneyMinor("404.95", "USD")).toBe(40495);
    expect(parseMoneyMinor("0.00", "USD")).toBe(0);
    expect(parseMoneyMinor("10", "USD")).toBe(1000);
    expect(parseMoneyMinor("0.1", "EUR")).toBe(10);
    expect(parseMoneyMinor("-5.25", "USD")).toBe(-525);
  });

  it("never goes through floats: 0.1+0.2-style amounts stay exact (89.99 JSON number -> 8999)", () => {
    expect(parseMoneyMinor(89.99, "USD")).toBe(8999);
    expect(parseMoneyMinor(0.3, "USD")).toBe(30);
    expect(parseMoneyMinor(1.005, "BHD")).toBe(1005);
  });

  it("uses ISO 4217 exponents: JPY has 0 and KWD 3 decimals", () => {
    expect(currencyExponent("JPY")).toBe(0);
    expect(parseMoneyMinor("1000.0", "JPY")).toBe(1000);
    expect(parseMoneyMinor("1.234", "KWD")).toBe(1234);
  });

  it("rejects amounts that would need rounding or are not numbers, with a typed error", () => {
    for (const bad of ["1.005", "abc", "", "1e3", "NaN", null, undefined, {}, Infinity]) {
      expect(() => parseMoneyMinor(bad, "USD", "x.amount")).toThrow(SyncInputError);
    }
    try {
      parseMoneyMinor("12.345", "USD", "order.total_price");
    } catch (e) {
      expect((e as SyncInputError).reason).toBe("invalid_money");
      expect((e as SyncInputError).path).toBe("order.total_price");
    }
  });

  it("round-trips every cent amount formatted with two decimals (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), (minor) => {
        const text = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
        return parseMoneyMinor(text, "USD") === minor;
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});
