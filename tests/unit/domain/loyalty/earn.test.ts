import { describe, expect, it } from "vitest";
import {
  CurrencyMismatchError,
  InvalidLoyaltyInputError,
  buildEarnSnapshot,
  computeEarnPoints,
  computeEligibleAmount,
  previewEarn,
} from "~/domain/loyalty";
import { settingsWith, usd } from "./ledger-support";

const now = new Date("2026-11-22T10:00:00Z");

describe("earn rules", () => {
  it("counts the discounted subtotal; shipping, tax and gift cards only when switched on", () => {
    const amounts = usd(12_000, { giftCardMinor: 2_000, shippingMinor: 800, taxMinor: 950 });
    expect(computeEligibleAmount({ shipping: false, tax: false, giftCards: false }, amounts)).toBe(10_000);
    expect(computeEligibleAmount({ shipping: true, tax: true, giftCards: true }, amounts)).toBe(13_750);
    expect(computeEligibleAmount({ shipping: true, tax: false, giftCards: false }, amounts)).toBe(10_800);
  });

  it("is exact where floating point is not: $100 × 0.07 points with ceil is 7, not 8", () => {
    expect(100 * 0.07).toBeGreaterThan(7); // the float trap this guards against
    expect(computeEarnPoints({ eligibleAmountMinor: 10_000, currency: "USD", pointsPerUnit: 0.07, tierMultiplier: 1, rounding: "ceil" })).toBe(7);
  });

  it("applies floor, round (half up) and ceil to the fractional points", () => {
    const args = { eligibleAmountMinor: 1_250, currency: "USD", pointsPerUnit: 1, tierMultiplier: 1 };
    expect(computeEarnPoints({ ...args, rounding: "floor" })).toBe(12);
    expect(computeEarnPoints({ ...args, rounding: "round" })).toBe(13);
    expect(computeEarnPoints({ ...args, rounding: "ceil" })).toBe(13);
    expect(computeEarnPoints({ ...args, eligibleAmountMinor: 1_249, rounding: "round" })).toBe(12);
  });

  it("uses the currency's minor unit: ¥1,000 at 1 point per ¥100 is 10 points; 1.000 KWD at 1 per unit is 1", () => {
    expect(computeEarnPoints({ eligibleAmountMinor: 1_000, currency: "JPY", pointsPerUnit: 0.01, tierMultiplier: 1, rounding: "floor" })).toBe(10);
    expect(computeEarnPoints({ eligibleAmountMinor: 1_000, currency: "KWD", pointsPerUnit: 1, tierMultiplier: 1, rounding: "floor" })).toBe(1);
  });

  it("snapshots the rule that produced the points", () => {
    const settings = settingsWith({ earn: { pointsPerUnit: 2, include: { shipping: true } }, tiers: { levels: [{ id: "vip", name: "VIP", threshold: 0, multiplier: 2 }] } });
    expect(buildEarnSnapshot(settings, usd(1_000, { shippingMinor: 500 }), "vip")).toEqual({
      currency: "USD",
      eligibleAmountMinor: 1_500,
      pointsPerUnit: 2,
      tierId: "vip",
      tierMultiplier: 2,
      rounding: "floor",
      include: { shipping: true, tax: false, giftCards: false },
      points: 60,
    });
  });

  it("refuses a gift-card part larger than the merchandise, and unknown currency codes", () => {
    expect(() => buildEarnSnapshot(settingsWith(), usd(100, { giftCardMinor: 200 }), null)).toThrow(/giftCardMinor: cannot exceed merchandiseMinor/);
    expect(() => computeEarnPoints({ eligibleAmountMinor: 1, currency: "US", pointsPerUnit: 1, tierMultiplier: 1, rounding: "floor" })).toThrow(InvalidLoyaltyInputError);
  });
});

describe("previewEarn", () => {
  it('reads "An order of $80.00 earns 80 points, spendable on Dec 22, 2026." with the default settings', () => {
    const preview = previewEarn(settingsWith(), 8_000, "USD", now);
    expect(preview).toEqual({
      points: 80,
      spendableAt: new Date("2026-12-22T10:00:00Z"),
      text: "An order of $80.00 earns 80 points, spendable on Dec 22, 2026.",
    });
  });

  it("follows the settings: rate, tier multiplier, singular point, no pending period", () => {
    const s = settingsWith({ earn: { pointsPerUnit: 0.1, pendingDays: 0 }, tiers: { levels: [{ id: "gold", name: "Gold", threshold: 0, multiplier: 1.5 }] } });
    expect(previewEarn(s, 1_500, "USD", now).text).toBe("An order of $15.00 earns 1 point, spendable immediately.");
    expect(previewEarn(s, 8_000, "USD", now, "gold").text).toBe("An order of $80.00 earns 12 points, spendable immediately.");
  });

  it("rejects another currency, negative amounts and invalid dates", () => {
    expect(() => previewEarn(settingsWith(), 100, "EUR", now)).toThrow(CurrencyMismatchError);
    expect(() => previewEarn(settingsWith(), -5, "USD", now)).toThrow(/orderAmountMinor/);
    expect(() => previewEarn(settingsWith(), 100, "USD", new Date("nope"))).toThrow(/now/);
  });
});
