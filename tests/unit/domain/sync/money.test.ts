import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { currencyExponent, parseMoneyMinor, SyncInputError } from "~/domain/sync";

describe("parseMoneyMinor", () => {
  // An independent oracle (BigInt, no shortcuts): the minor units of a decimal text, or "error".
  function oracle(text: string, exponent: number): number | "error" {
    const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!m) return "error";
    const fraction = m[3] ?? "";
    if (/[1-9]/.test(fraction.slice(exponent))) return "error";
    const minor = BigInt(m[2] + fraction.slice(0, exponent).padEnd(exponent, "0"));
    if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return "error";
    return m[1] && minor !== 0n ? -Number(minor) : Number(minor);
  }

  // parseMoneyMinor's answer for (text, currency) is the oracle's: the same number, or a SyncInputError.
  const agreesWithOracle = (text: fc.Arbitrary<string>, seed: number) =>
    fc.assert(
      fc.property(text, fc.constantFrom("JPY", "USD", "KWD"), (t, currency) => {
        const expected = oracle(t, currencyExponent(currency));
        if (expected === "error") expect(() => parseMoneyMinor(t, currency)).toThrow(SyncInputError);
        else expect(Object.is(parseMoneyMinor(t, currency), expected)).toBe(true);
      }),
      { seed, numRuns: 5000 },
    );

  it("agrees with a BigInt oracle on any text of digits, signs, points and spaces, for exponents 0, 2 and 3", () => {
    agreesWithOracle(fc.array(fc.constantFrom("0", "1", "5", "9", ".", "-", " ", "0", "0"), { maxLength: 22 }).map((chars) => chars.join("")), 20261123);
    // Long amounts too: around Number.MAX_SAFE_INTEGER, where a double stops being exact.
    const digits = (min: number, max: number) => fc.array(fc.constantFrom("0", "1", "9", "9"), { minLength: min, maxLength: max }).map((d) => d.join(""));
    agreesWithOracle(
      fc.tuple(fc.boolean(), digits(12, 20), fc.option(digits(1, 5))).map(([neg, whole, frac]) => `${neg ? "-" : ""}${whole}${frac === null ? "" : `.${frac}`}`),
      20261124,
    );
  });

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
    expect(currencyExponent("jpy")).toBe(0);
    expect(currencyExponent("Kwd")).toBe(3);
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("constructor")).toBe(2);
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
