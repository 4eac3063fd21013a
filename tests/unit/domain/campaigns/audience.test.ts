import { describe, expect, it } from "vitest";
import {
  CampaignError,
  matchesAudience,
  parseAudienceDefinition,
  selectAudience,
  summarizeAudience,
  type CustomerFacts,
} from "~/domain/campaigns";

const now = new Date("2026-06-30T12:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

function customer(id: string, overrides: Partial<CustomerFacts> = {}): CustomerFacts {
  return {
    customerId: id,
    rfmGroup: "LOYAL",
    predictedClvMinor: 20_000,
    pAlive: 0.8,
    loyaltyTier: "gold",
    lastOrderAt: daysAgo(30),
    ...overrides,
  };
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CampaignError);
    return `${(error as CampaignError).reason}|${(error as CampaignError).issues.join(";")}`;
  }
  throw new Error("expected a CampaignError");
}

describe("parseAudienceDefinition", () => {
  it("accepts an empty definition as 'every customer'", () => {
    const def = parseAudienceDefinition({});
    expect(matchesAudience(def, customer("a", { rfmGroup: null, pAlive: null }), now)).toBe(true);
  });

  it("rejects unknown groups, inverted ranges, duplicates and unknown keys with the field path", () => {
    expect(reasonOf(() => parseAudienceDefinition({ rfmGroups: ["VIP"] }))).toMatch(
      /^invalid_audience\|rfmGroups\.0:/
    );
    expect(reasonOf(() => parseAudienceDefinition({ predictedClvMinor: { min: 500, max: 100 } }))).toContain(
      "predictedClvMinor.min: min (500) must not exceed max (100)"
    );
    expect(reasonOf(() => parseAudienceDefinition({ rfmGroups: ["LOYAL", "LOYAL"] }))).toContain(
      "duplicate RFM group LOYAL"
    );
    expect(reasonOf(() => parseAudienceDefinition({ pAlive: {} }))).toContain("give min, max or both");
    expect(reasonOf(() => parseAudienceDefinition({ pAlive: { max: 1.5 } }))).toContain("pAlive.max");
    expect(reasonOf(() => parseAudienceDefinition({ segment: "x" }))).toMatch(/^invalid_audience/);
    expect(reasonOf(() => parseAudienceDefinition({ rfmGroups: [] }))).toContain(
      "give at least one RFM group"
    );
  });

  it("rejects P(alive) and churn-risk ranges that cannot both hold (risk = 1 − P(alive))", () => {
    expect(
      reasonOf(() => parseAudienceDefinition({ pAlive: { min: 0.8 }, churnRisk: { min: 0.5 } }))
    ).toContain("churnRisk: pAlive and churnRisk ranges exclude each other");
    expect(() => parseAudienceDefinition({ pAlive: { min: 0.4 }, churnRisk: { min: 0.5 } })).not.toThrow();
  });
});

describe("matchesAudience", () => {
  const def = parseAudienceDefinition({
    rfmGroups: ["AT_RISK", "ALMOST_LOST"],
    predictedClvMinor: { min: 10_000 },
    churnRisk: { min: 0.5 },
    loyaltyTiers: ["gold", "silver"],
    daysSinceLastOrder: { min: 60, max: 365 },
  });
  const atRisk = customer("r", { rfmGroup: "AT_RISK", pAlive: 0.3, lastOrderAt: daysAgo(120) });

  it("is the AND of every criterion", () => {
    expect(matchesAudience(def, atRisk, now)).toBe(true);
    expect(matchesAudience(def, { ...atRisk, rfmGroup: "CHAMPIONS" }, now)).toBe(false);
    expect(matchesAudience(def, { ...atRisk, predictedClvMinor: 9_999 }, now)).toBe(false);
    expect(matchesAudience(def, { ...atRisk, pAlive: 0.51 }, now)).toBe(false);
    expect(matchesAudience(def, { ...atRisk, loyaltyTier: "bronze" }, now)).toBe(false);
    expect(matchesAudience(def, { ...atRisk, lastOrderAt: daysAgo(59) }, now)).toBe(false);
    expect(matchesAudience(def, { ...atRisk, lastOrderAt: daysAgo(366) }, now)).toBe(false);
  });

  it("range bounds are inclusive and days are whole days before now", () => {
    expect(matchesAudience(def, { ...atRisk, pAlive: 0.5, lastOrderAt: daysAgo(60) }, now)).toBe(true);
    expect(matchesAudience(def, { ...atRisk, lastOrderAt: daysAgo(365.9) }, now)).toBe(true);
  });

  it("never guesses a customer in when a needed fact is missing", () => {
    expect(matchesAudience(def, { ...atRisk, pAlive: null }, now)).toBe(false);
    expect(matchesAudience(def, { ...atRisk, lastOrderAt: null }, now)).toBe(false);
    expect(matchesAudience(def, { ...atRisk, predictedClvMinor: null }, now)).toBe(false);
    expect(matchesAudience(def, { ...atRisk, loyaltyTier: null }, now)).toBe(false);
  });

  it("validates raw definitions, facts and now with typed errors", () => {
    expect(reasonOf(() => matchesAudience({ rfmGroups: ["NOPE"] } as never, atRisk, now))).toMatch(
      /^invalid_audience/
    );
    expect(reasonOf(() => matchesAudience(def, { ...atRisk, pAlive: Number.NaN }, now))).toContain(
      "r.pAlive"
    );
    expect(reasonOf(() => matchesAudience(def, { ...atRisk, lastOrderAt: new Date("x") }, now))).toContain(
      "lastOrderAt"
    );
    expect(reasonOf(() => matchesAudience(def, atRisk, new Date("nope")))).toMatch(/^invalid_now/);
  });
});

describe("summarizeAudience", () => {
  it("counts members and sums predicted CLV as the expected value", () => {
    const def = parseAudienceDefinition({ rfmGroups: ["CHAMPIONS", "LOYAL"] });
    const customers = [
      customer("a", { rfmGroup: "CHAMPIONS", predictedClvMinor: 50_000.4 }),
      customer("b", { rfmGroup: "LOYAL", predictedClvMinor: 12_000.3 }),
      customer("c", { rfmGroup: "LOYAL", predictedClvMinor: null }),
      customer("d", { rfmGroup: "DORMANT", predictedClvMinor: 99_999 }),
    ];
    // 50 000.4 + 12 000.3 = 62 000.7 → 62 001 minor units; c has no prediction.
    expect(summarizeAudience(def, customers, now)).toEqual({
      size: 3,
      expectedValueMinor: 62_001,
      withoutPredictionCount: 1,
    });
    expect(selectAudience(def, customers, now)).toEqual(["a", "b", "c"]);
  });

  it("rejects a customer listed twice so sizes and values are never double counted", () => {
    const def = parseAudienceDefinition({});
    expect(reasonOf(() => summarizeAudience(def, [customer("a"), customer("a")], now))).toMatch(
      /^duplicate_customer/
    );
  });
});
