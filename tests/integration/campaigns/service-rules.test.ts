// Rules of the campaign services that need no simulator: input validation with
// field paths, the delivery-mode limits, stable code derivation and bonus sizing.
import { describe, expect, it } from "vitest";
import { createDefaultSettings } from "~/domain/loyalty";
import { bonusPointsFor } from "~/services/campaigns/bonus.server";
import { chooseDeliveryMode, MAX_CONTEXT_CUSTOMERS, MAX_UNIQUE_CODES, parseCampaignInput } from "~/services/campaigns/campaigns.server";
import { CampaignServiceError } from "~/services/campaigns/errors.server";
import { customerCode, sharedCode } from "~/services/campaigns/launch.server";
import { issuesByField } from "~/services/campaigns/page.server";
import { clvThresholds, clvTier, slugTag } from "~/services/segments/sync.server";

const offer = { reward: { kind: "PERCENT", percent: 10 }, startsAt: "2026-12-01T00:00:00Z", endsAt: "2026-12-29T00:00:00Z" };

function issuesOf(input: unknown): Record<string, string> {
  try {
    parseCampaignInput(input);
  } catch (err) {
    expect(err).toBeInstanceOf(CampaignServiceError);
    expect((err as CampaignServiceError).reason).toBe("invalid_input");
    return issuesByField((err as CampaignServiceError).issues);
  }
  throw new Error("expected the input to be rejected");
}

describe("campaign input", () => {
  it("defaults: 10 % holdout, automatic delivery, 50 % gross margin", () => {
    const c = parseCampaignInput({ name: "Winback", audience: {}, offer });
    expect(c).toMatchObject({ controlShare: 0.1, deliveryMode: "AUTO", grossMarginRate: 0.5 });
    expect(c.offer.startsAt).toEqual(new Date("2026-12-01T00:00:00Z"));
  });

  it("every problem is a typed error naming its field, across name, audience, offer and holdout at once", () => {
    const issues = issuesOf({
      name: " ",
      audience: { daysSinceLastOrder: { min: 30, max: 10 }, rfmGroups: ["VIPS"] },
      offer: { ...offer, reward: { kind: "PERCENT", percent: 140 }, endsAt: "2026-11-01T00:00:00Z" },
      controlShare: 0.9,
    });
    expect(Object.keys(issues)).toEqual(expect.arrayContaining(["name", "controlShare"]));
    const rest = issuesOf({ name: "x", audience: { daysSinceLastOrder: { min: 30, max: 10 }, rfmGroups: ["VIPS"] }, offer: { ...offer, reward: { kind: "PERCENT", percent: 140 }, endsAt: "2026-11-01T00:00:00Z" } });
    expect(rest["audience.daysSinceLastOrder.min"]).toMatch(/must not exceed max/);
    expect(Object.keys(rest).some((k) => k.startsWith("audience.rfmGroups"))).toBe(true);
    expect(rest["offer.reward.percent"]).toBeDefined();
    expect(rest["offer.endsAt"]).toMatch(/after startsAt/);
  });

  it("bonus-point offers cannot ask for a discount delivery mode", () => {
    const issues = issuesOf({ name: "Bonus", audience: {}, offer: { ...offer, reward: { kind: "BONUS_POINTS", points: 100 } }, deliveryMode: "SEGMENT" });
    expect(issues.deliveryMode).toMatch(/no discount/);
  });

  it("non-JSON-object input is rejected, never a crash", () => {
    expect(() => parseCampaignInput(null)).toThrow(CampaignServiceError);
    expect(() => parseCampaignInput("campaign")).toThrow(CampaignServiceError);
  });
});

describe("delivery mode (docs/decisions/006-campaign-delivery.md)", () => {
  it("automatic: one listed-customer code up to 250 treated, a tag segment above", () => {
    expect(chooseDeliveryMode(null, 1, "PERCENT")).toBe("AUDIENCE_CODE");
    expect(chooseDeliveryMode(null, MAX_CONTEXT_CUSTOMERS, "FIXED_AMOUNT")).toBe("AUDIENCE_CODE");
    expect(chooseDeliveryMode(null, MAX_CONTEXT_CUSTOMERS + 1, "FREE_SHIPPING")).toBe("SEGMENT");
    expect(chooseDeliveryMode(null, 100_000, "PERCENT")).toBe("SEGMENT");
    expect(chooseDeliveryMode("SEGMENT", 3, "PERCENT")).toBe("SEGMENT");
    expect(chooseDeliveryMode(null, 5_000, "BONUS_POINTS")).toBeNull();
  });

  it("requested modes beyond the platform limits are a typed delivery_limit error", () => {
    expect(() => chooseDeliveryMode("AUDIENCE_CODE", MAX_CONTEXT_CUSTOMERS + 1, "PERCENT")).toThrow(expect.objectContaining({ reason: "delivery_limit" }));
    expect(() => chooseDeliveryMode("UNIQUE_CODES", MAX_UNIQUE_CODES + 1, "PERCENT")).toThrow(expect.objectContaining({ reason: "delivery_limit" }));
    expect(chooseDeliveryMode("UNIQUE_CODES", MAX_UNIQUE_CODES, "PERCENT")).toBe("UNIQUE_CODES");
  });
});

describe("codes", () => {
  it("are stable per campaign and customer, distinct across customers and campaigns, and valid Shopify codes", () => {
    const a = { id: "cmp_a", seed: "s1" };
    const b = { id: "cmp_b", seed: "s1" };
    expect(sharedCode(a)).toBe(sharedCode({ ...a }));
    expect(sharedCode(a)).not.toBe(sharedCode(b));
    const codes = new Set(Array.from({ length: 2000 }, (_, i) => customerCode(a, String(7000 + i))));
    expect(codes.size).toBe(2000);
    expect(customerCode(a, "7001")).toBe(customerCode(a, "7001"));
    expect(customerCode(a, "7001")).not.toBe(customerCode(b, "7001"));
    for (const code of [sharedCode(a), customerCode(a, "7001")]) expect(code).toMatch(/^[A-Z0-9-]{8,30}$/);
  });
});

describe("bonus points", () => {
  const settings = createDefaultSettings();
  const order = { currency: "USD", subtotalMinor: 8_000, giftCardMinor: 0, shippingMinor: 695, taxMinor: 500 };

  it("a fixed bonus is paid as is; a multiplier pays (m − 1) × what the order earns", () => {
    expect(bonusPointsFor({ kind: "BONUS_POINTS", points: 75 }, settings, order, null)).toBe(75);
    const base = bonusPointsFor({ kind: "BONUS_POINTS", multiplier: 2 }, settings, order, null);
    expect(base).toBeGreaterThan(0);
    expect(bonusPointsFor({ kind: "BONUS_POINTS", multiplier: 3 }, settings, order, null)).toBe(2 * base);
  });

  it("no bonus for discount offers or for an order in another currency", () => {
    expect(bonusPointsFor({ kind: "PERCENT", percent: 10 }, settings, order, null)).toBe(0);
    expect(bonusPointsFor({ kind: "BONUS_POINTS", multiplier: 2 }, settings, { ...order, currency: "EUR" }, null)).toBe(0);
  });
});

describe("segment tags", () => {
  it("CLV tiers split the shop's own distribution: top 20 % high, next 40 % medium, rest low", () => {
    const values = Array.from({ length: 100 }, (_, i) => i * 100);
    const t = clvThresholds(values)!;
    const tiers = values.map((v) => clvTier(v, t));
    expect(tiers.filter((x) => x === "high")).toHaveLength(20);
    expect(tiers.filter((x) => x === "medium")).toHaveLength(40);
    expect(tiers.filter((x) => x === "low")).toHaveLength(40);
    expect(clvThresholds([])).toBeNull();
    expect(clvTier(null, t)).toBeNull();
  });

  it("tag slugs are lower-case and dash-separated", () => {
    expect(slugTag("NEEDS_ATTENTION")).toBe("needs-attention");
    expect(slugTag("  Gold Plus! ")).toBe("gold-plus");
  });
});
