import { describe, expect, it } from "vitest";
import { CampaignError, estimateOfferCost, parseOffer } from "~/domain/campaigns";

const window = { startsAt: "2026-07-01T00:00:00Z", endsAt: "2026-07-15T00:00:00Z" };

function issuesOf(fn: () => unknown): { reason: string; issues: readonly string[] } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CampaignError);
    return { reason: (error as CampaignError).reason, issues: (error as CampaignError).issues };
  }
  throw new Error("expected a CampaignError");
}

describe("parseOffer", () => {
  it("parses each reward kind, coerces ISO dates and defaults the minimum order to 0", () => {
    const offer = parseOffer({ reward: { kind: "PERCENT", percent: 15 }, ...window });
    expect(offer.minimumOrderMinor).toBe(0);
    expect(offer.startsAt).toEqual(new Date("2026-07-01T00:00:00Z"));
    expect(
      parseOffer({
        reward: { kind: "FIXED_AMOUNT", amountMinor: 1000, currency: "EUR" },
        minimumOrderMinor: 5000,
        ...window,
      }).reward.kind
    ).toBe("FIXED_AMOUNT");
    expect(parseOffer({ reward: { kind: "FREE_SHIPPING" }, ...window }).reward.kind).toBe("FREE_SHIPPING");
    expect(parseOffer({ reward: { kind: "BONUS_POINTS", multiplier: 2 }, ...window }).reward).toEqual({
      kind: "BONUS_POINTS",
      multiplier: 2,
    });
  });

  it("rejects out-of-range values with the exact field path", () => {
    expect(
      issuesOf(() => parseOffer({ reward: { kind: "PERCENT", percent: 0 }, ...window })).issues[0]
    ).toMatch(/^reward\.percent:/);
    expect(
      issuesOf(() => parseOffer({ reward: { kind: "PERCENT", percent: 101 }, ...window })).issues[0]
    ).toMatch(/^reward\.percent:/);
    expect(
      issuesOf(() =>
        parseOffer({ reward: { kind: "FIXED_AMOUNT", amountMinor: 10.5, currency: "USD" }, ...window })
      ).issues[0]
    ).toMatch(/^reward\.amountMinor:/);
    expect(
      issuesOf(() =>
        parseOffer({ reward: { kind: "FIXED_AMOUNT", amountMinor: 100, currency: "usd" }, ...window })
      ).issues[0]
    ).toBe("reward.currency: must be an ISO 4217 code such as USD");
    expect(
      issuesOf(() =>
        parseOffer({ reward: { kind: "PERCENT", percent: 10 }, minimumOrderMinor: -1, ...window })
      ).issues[0]
    ).toMatch(/^minimumOrderMinor:/);
    expect(issuesOf(() => parseOffer({ reward: { kind: "GIFT" }, ...window })).issues[0]).toMatch(
      /^reward\.kind:/
    );
  });

  it("requires exactly one of multiplier or points for BONUS_POINTS", () => {
    expect(issuesOf(() => parseOffer({ reward: { kind: "BONUS_POINTS" }, ...window })).issues).toContain(
      "reward: give exactly one of multiplier or points"
    );
    expect(
      issuesOf(() => parseOffer({ reward: { kind: "BONUS_POINTS", multiplier: 2, points: 50 }, ...window }))
        .issues
    ).toContain("reward: give exactly one of multiplier or points");
    expect(
      issuesOf(() => parseOffer({ reward: { kind: "BONUS_POINTS", multiplier: 1 }, ...window })).issues[0]
    ).toMatch(/^reward\.multiplier:/);
  });

  it("requires endsAt after startsAt and valid dates", () => {
    const same = issuesOf(() =>
      parseOffer({ reward: { kind: "FREE_SHIPPING" }, startsAt: window.startsAt, endsAt: window.startsAt })
    );
    expect(same).toEqual({ reason: "invalid_offer", issues: ["endsAt: must be after startsAt"] });
    const bad = issuesOf(() =>
      parseOffer({ reward: { kind: "FREE_SHIPPING" }, startsAt: "yesterday", endsAt: window.endsAt })
    );
    expect(bad.issues[0]).toMatch(/^startsAt:/);
  });
});

describe("estimateOfferCost", () => {
  it("PERCENT: 300 redemptions × 15 % of a 6 000 order = 300 × 900 = 270 000", () => {
    const offer = parseOffer({ reward: { kind: "PERCENT", percent: 15 }, ...window });
    expect(estimateOfferCost(offer, { expectedRedemptions: 300, averageOrderMinor: 6000 })).toEqual({
      averageDiscountMinor: 900,
      expectedRedemptions: 300,
      estimatedCostMinor: 270_000,
    });
  });

  it("PERCENT uses the minimum order when the average order is below it (10 % of 8 000 = 800)", () => {
    const offer = parseOffer({
      reward: { kind: "PERCENT", percent: 10 },
      minimumOrderMinor: 8000,
      ...window,
    });
    expect(
      estimateOfferCost(offer, { expectedRedemptions: 10, averageOrderMinor: 5000 }).estimatedCostMinor
    ).toBe(8000);
  });

  it("FIXED_AMOUNT never discounts more than the order (min(2 500, 2 000) × 4 = 8 000)", () => {
    const offer = parseOffer({
      reward: { kind: "FIXED_AMOUNT", amountMinor: 2500, currency: "USD" },
      ...window,
    });
    expect(
      estimateOfferCost(offer, { expectedRedemptions: 4, averageOrderMinor: 2000, currency: "USD" })
        .estimatedCostMinor
    ).toBe(8000);
    expect(
      issuesOf(() =>
        estimateOfferCost(offer, { expectedRedemptions: 4, averageOrderMinor: 2000, currency: "EUR" })
      ).issues[0]
    ).toBe("currency: reward is in USD but the shop currency is EUR");
  });

  it("FREE_SHIPPING costs the waived shipping; BONUS_POINTS costs the extra points' value", () => {
    const ship = parseOffer({ reward: { kind: "FREE_SHIPPING" }, ...window });
    expect(
      estimateOfferCost(ship, { expectedRedemptions: 50, averageShippingMinor: 695 }).estimatedCostMinor
    ).toBe(34_750);
    // 2× points on a 60-point order adds 60 points worth 1.25 minor units each = 75 per order.
    const double = parseOffer({ reward: { kind: "BONUS_POINTS", multiplier: 2 }, ...window });
    expect(
      estimateOfferCost(double, { expectedRedemptions: 100, basePointsPerOrder: 60, pointValueMinor: 1.25 })
        .estimatedCostMinor
    ).toBe(7500);
    const fixed = parseOffer({ reward: { kind: "BONUS_POINTS", points: 200 }, ...window });
    expect(
      estimateOfferCost(fixed, { expectedRedemptions: 3, pointValueMinor: 0.5 }).averageDiscountMinor
    ).toBe(100);
  });

  it("names the missing assumption for each reward kind", () => {
    const ship = parseOffer({ reward: { kind: "FREE_SHIPPING" }, ...window });
    expect(issuesOf(() => estimateOfferCost(ship, { expectedRedemptions: 5 }))).toEqual({
      reason: "invalid_cost_input",
      issues: ["averageShippingMinor: required to estimate a FREE_SHIPPING offer"],
    });
    const pct = parseOffer({ reward: { kind: "PERCENT", percent: 5 }, ...window });
    expect(
      issuesOf(() => estimateOfferCost(pct, { expectedRedemptions: -1, averageOrderMinor: 10 })).issues[0]
    ).toMatch(/^expectedRedemptions:/);
  });
});
