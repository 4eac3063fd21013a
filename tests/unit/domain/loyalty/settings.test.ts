import { describe, expect, it } from "vitest";
import { SettingsValidationError, createDefaultSettings, parseProgramSettings, reviseProgramSettings } from "~/domain/loyalty";

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseProgramSettings(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsValidationError);
    return [...(error as SettingsValidationError).issues];
  }
  throw new Error("expected the settings to be rejected");
}

describe("program settings", () => {
  it("defaults: 1 point per unit on the discounted subtotal, PAID orders, 30-day pending period, floor, no expiry", () => {
    const s = createDefaultSettings();
    expect(s).toMatchObject({
      version: 1,
      currency: "USD",
      earn: {
        pointsPerUnit: 1,
        include: { shipping: false, tax: false, giftCards: false },
        eligibleFinancialStatuses: ["PAID"],
        rounding: "floor",
        pendingDays: 30,
      },
      bonuses: { signupPoints: 0, birthdayPoints: 0 },
      expiry: { mode: "none" },
      tiers: { basis: "spend", levels: [] },
      pointValueMinor: null,
    });
    expect(s.rewards).toEqual([
      { type: "FIXED_AMOUNT", id: "five-off", name: "5 off", amountMinor: 500, costPoints: 500, minimumOrderMinor: 0, codeValidityDays: 90, enabled: true },
    ]);
  });

  it("reports each bad field with its path and reason", () => {
    expect(
      issuesOf({
        earn: { pointsPerUnit: 1.00001, pendingDays: -1, eligibleFinancialStatuses: [] },
        rewards: [{ type: "PERCENT", id: "p", name: "10%", percent: 120, costPoints: 0 }],
        currency: "usd",
      }).map((i) => i.path),
    ).toEqual(["currency", "earn.pointsPerUnit", "earn.eligibleFinancialStatuses", "earn.pendingDays", "rewards.0.percent", "rewards.0.costPoints"]);
    expect(issuesOf({ earn: { pointsPerUnit: 1.00001 } })).toEqual([{ path: "earn.pointsPerUnit", message: "must have at most 4 decimals" }]);
    expect(issuesOf({ currency: "usd" })).toEqual([{ path: "currency", message: "must be an ISO 4217 code such as USD" }]);
  });

  it("expiry needs months unless it is off, and the pending period must end before points could expire", () => {
    expect(issuesOf({ expiry: { mode: "afterEarn" } }).map((i) => i.path)).toEqual(["expiry.months"]);
    expect(issuesOf({ expiry: { mode: "sometimes" } }).map((i) => i.path)).toEqual(["expiry.mode"]);
    expect(issuesOf({ earn: { pendingDays: 60 }, expiry: { mode: "afterEarn", months: 2 } })).toEqual([
      { path: "earn.pendingDays", message: "must be shorter than the expiry period (2 months)" },
    ]);
    expect(issuesOf({ earn: { pendingDays: 30 }, expiry: { mode: "afterInactivity", months: 1 } }).map((i) => i.path)).toEqual(["earn.pendingDays"]);
    expect(parseProgramSettings({ expiry: { mode: "afterInactivity", months: 12 } }).expiry).toEqual({ mode: "afterInactivity", months: 12, warningDays: 30 });
  });

  it("tiers need unique ids, strictly increasing thresholds and a multiplier of at least 1, all reported at once", () => {
    const issues = issuesOf({
      tiers: {
        levels: [
          { id: "silver", name: "Silver", threshold: 10_000, multiplier: 1.25 },
          { id: "silver", name: "Gold", threshold: 10_000, multiplier: 0.5 },
        ],
      },
    });
    expect(issues).toEqual([
      { path: "tiers.levels.1.multiplier", message: expect.stringMatching(/>=1/) },
      { path: "tiers.levels.1.id", message: 'duplicate tier id "silver"' },
      { path: "tiers.levels.1.threshold", message: "must be greater than the previous tier's threshold (10000)" },
    ]);
  });

  it("reward ids are unique; each reward kind validates its own fields", () => {
    const issues = issuesOf({
      rewards: [
        { type: "FIXED_AMOUNT", id: "a", name: "A", amountMinor: 500, costPoints: 100 },
        { type: "FREE_SHIPPING", id: "a", name: "B", costPoints: 100 },
      ],
    });
    expect(issues).toEqual([{ path: "rewards.1.id", message: 'duplicate reward id "a"' }]);
    expect(issuesOf({ rewards: [{ type: "FIXED_AMOUNT", id: "a", name: "A", costPoints: 100 }] }).map((i) => i.path)).toEqual(["rewards.0.amountMinor"]);
  });

  it("a revision increments the version and leaves the previous settings untouched", () => {
    const v1 = createDefaultSettings();
    const v2 = reviseProgramSettings(v1, { earn: { pointsPerUnit: 2 }, version: 99 });
    expect(v2.version).toBe(2);
    expect(v2.earn).toMatchObject({ pointsPerUnit: 2, pendingDays: 30 });
    expect(v1.earn.pointsPerUnit).toBe(1);
    expect(() => reviseProgramSettings(v2, { earn: { pointsPerUnit: -1 } })).toThrow(/earn.pointsPerUnit/);
  });
});
