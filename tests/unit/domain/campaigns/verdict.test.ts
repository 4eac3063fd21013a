import { describe, expect, it } from "vitest";
import {
  CampaignError,
  computeCampaignResults,
  judgeCampaign,
  projectDaysRemaining,
  renderVerdictMessage,
  type CampaignResults,
  type CustomerOutcome,
  type Estimate,
} from "~/domain/campaigns";

const startsAt = new Date("2026-05-01T00:00:00Z");
const now = new Date("2026-05-15T00:00:00Z"); // 14 days in
const endsAt = new Date("2026-07-30T00:00:00Z"); // 76 days left
const dollars = (minor: number) => `$${(minor / 100).toFixed(2)}`;
// z_{0.975} + z_{0.80} = 1.959964 + 0.841621 = 2.801585.
const Z_NEEDED = 1.959963984540054 + 0.8416212335729143;

function estimate(overrides: Partial<Estimate>): Estimate {
  return {
    estimate: 10,
    ci: { lower: -5, upper: 25 },
    standardError: 7,
    pValue: null,
    method: "welch-t",
    significant: false,
    reason: "interval_includes_zero",
    ...overrides,
  };
}

/** Results with a chosen per-customer margin estimate; incremental = × n_t (1 000). */
function resultsWith(perCustomer: Estimate): CampaignResults {
  const scaled = (e: Estimate): Estimate => ({
    ...e,
    estimate: e.estimate === null ? null : e.estimate * 1000,
    ci: e.ci && { lower: e.ci.lower * 1000, upper: e.ci.upper * 1000 },
    standardError: e.standardError === null ? null : e.standardError * 1000,
  });
  const group = {
    n: 1000,
    conversions: 100,
    revenueMinor: 0,
    discountMinor: 0,
    marginMinor: 0,
    conversionRate: 0.1,
    revenuePerCustomer: 0,
    marginPerCustomer: 0,
  };
  return {
    treatment: group,
    control: { ...group, n: 250 },
    grossMarginRate: 0.5,
    conversionDifference: estimate({}),
    revenuePerCustomerDifference: perCustomer,
    incrementalRevenue: scaled(perCustomer),
    marginPerCustomerDifference: perCustomer,
    incrementalMargin: scaled(perCustomer),
    significant: perCustomer.significant,
    reason: perCustomer.reason,
  };
}

function rows(
  group: "treatment" | "control",
  n: number,
  buyEvery: number,
  revenue: number,
  discount: number
): CustomerOutcome[] {
  return Array.from({ length: n }, (_, i) => {
    const buys = i % buyEvery === 0;
    return {
      customerId: `${group}-${i}`,
      group,
      converted: buys,
      revenueMinor: buys ? revenue + (i % 7) * 100 : 0,
      discountMinor: buys ? discount : 0,
    };
  });
}

describe("projectDaysRemaining", () => {
  it("needs ((z_α/2 + z_β)/z)² − 1 more elapsed periods: z = 2.8016/2.5 → 5.25 × 14 days = 73.5", () => {
    expect(projectDaysRemaining({ zObserved: Z_NEEDED / 2.5, daysElapsed: 14 })).toBeCloseTo(73.5, 9);
  });

  it("with an enrolment rate, extra customers / rate: (4 − 1) × 1 000 / 50 per day = 60 days", () => {
    expect(
      projectDaysRemaining({
        zObserved: Z_NEEDED / 2,
        daysElapsed: 14,
        currentSampleSize: 1000,
        enrolmentPerDay: 50,
      })
    ).toBeCloseTo(60, 9);
  });

  it("is 0 once the observed z already reaches the target, and infinite for a zero effect", () => {
    expect(projectDaysRemaining({ zObserved: 3, daysElapsed: 14 })).toBe(0);
    expect(projectDaysRemaining({ zObserved: 0, daysElapsed: 14 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("judgeCampaign", () => {
  it("significant gain: message with the effect and its 95 % CI", () => {
    // Treatment: every 2nd of 400 buys (≈ 10 300 paid + 1 000 discount); control: every 5th of 100.
    const results = computeCampaignResults([
      ...rows("treatment", 400, 2, 10_000, 1000),
      ...rows("control", 100, 5, 10_000, 0),
    ]);
    const verdict = judgeCampaign({ results, startsAt, endsAt, now });
    expect(verdict).toMatchObject({
      kind: "significant_gain",
      messageKey: "campaign.verdict.significant_gain",
      significant: true,
    });
    expect(verdict.params.effect).toBeCloseTo(results.incrementalMargin.estimate!, 9);
    expect(verdict.params.lower).toBeGreaterThan(0);
    const message = renderVerdictMessage(verdict, dollars);
    expect(message).toBe(
      `Significant: the campaign added about ${dollars(verdict.params.effect!)} (95 % CI ${dollars(
        verdict.params.lower!
      )} to ${dollars(verdict.params.upper!)}).`
    );
  });

  it("significant loss: a discount that changes no behaviour costs margin, reported as a positive amount lost", () => {
    const results = computeCampaignResults([
      ...rows("treatment", 300, 3, 7000, 3000),
      ...rows("control", 100, 3, 10_000, 0),
    ]);
    const verdict = judgeCampaign({ results, startsAt, endsAt, now });
    expect(verdict.kind).toBe("significant_loss");
    expect(verdict.params.effect).toBeLessThan(0);
    expect(renderVerdictMessage(verdict, dollars)).toContain(
      `lost about ${dollars(-verdict.params.effect!)}`
    );
  });

  it("not significant yet: days from the power calculation (73.5 → 74 days, within 76 days left)", () => {
    const verdict = judgeCampaign({
      results: resultsWith(estimate({ estimate: 10, standardError: (10 * 2.5) / Z_NEEDED })),
      startsAt,
      endsAt,
      now,
    });
    expect(verdict).toMatchObject({
      kind: "needs_more_time",
      daysRemaining: 74,
      fitsInWindow: true,
      significant: false,
    });
    expect(verdict.params).toMatchObject({ days: 74, daysLeft: 76, effect: 10_000 });
    expect(renderVerdictMessage(verdict, dollars)).toBe(
      "Not significant yet — about 74 more days at this rate."
    );
  });

  it("says so when the needed days run past the end date", () => {
    const shortEnd = new Date("2026-05-29T00:00:00Z");
    const verdict = judgeCampaign({
      results: resultsWith(estimate({ standardError: (10 * 2.5) / Z_NEEDED })),
      startsAt,
      endsAt: shortEnd,
      now,
    });
    expect(verdict).toMatchObject({
      kind: "needs_more_time_past_end",
      daysRemaining: 74,
      fitsInWindow: false,
    });
    expect(renderVerdictMessage(verdict, dollars)).toContain("more than the 14 days left");
  });

  it("uses the permutation test's weaker z when it disagrees: p = 0.5 → z = 0.6745 → 16.25 × 14 = 227.5 → 228 days", () => {
    const results = resultsWith(
      estimate({ standardError: 1, pValue: 0.5, reason: "permutation_test_not_significant" })
    );
    const verdict = judgeCampaign({ results, startsAt, endsAt, now });
    expect(verdict).toMatchObject({ kind: "needs_more_time_past_end", daysRemaining: 228 });
  });

  it("before the end date a 5 % result below the Haybittle–Peto boundary is only 'promising'", () => {
    // z = 10 / 4 = 2.5 < 3.2905: days to the boundary = 14 × ((3.2905 / 2.5)² − 1) = 14 × 0.73237 = 10.25 → 11.
    const early = estimate({
      estimate: 10,
      standardError: 4,
      ci: { lower: 2, upper: 18 },
      significant: true,
      reason: null,
    });
    const verdict = judgeCampaign({ results: resultsWith(early), startsAt, endsAt, now });
    expect(verdict).toMatchObject({ kind: "promising_early", significant: false, daysRemaining: 11 });
    expect(renderVerdictMessage(verdict, dollars)).toBe(
      "Promising: about $100.00 so far (95 % CI $20.00 to $180.00), but it is too early to call — check again in about 11 days."
    );
    // At the end date, or with the rule switched off, the ordinary 5 % call stands.
    expect(judgeCampaign({ results: resultsWith(early), startsAt, endsAt, now: endsAt }).kind).toBe(
      "significant_gain"
    );
    expect(
      judgeCampaign({ results: resultsWith(early), startsAt, endsAt, now, interimRule: "none" }).kind
    ).toBe("significant_gain");
    // z = 10 / 3 = 3.33 ≥ 3.2905: called early.
    const strong = estimate({
      estimate: 10,
      standardError: 3,
      ci: { lower: 4, upper: 16 },
      significant: true,
      reason: null,
    });
    expect(judgeCampaign({ results: resultsWith(strong), startsAt, endsAt, now }).kind).toBe(
      "significant_gain"
    );
  });

  it("no detectable effect when the projection exceeds a year (effect ≈ 0 for this size)", () => {
    const verdict = judgeCampaign({
      results: resultsWith(estimate({ estimate: 0.01, ci: { lower: -14, upper: 14 } })),
      startsAt,
      endsAt,
      now,
    });
    expect(verdict.kind).toBe("no_detectable_effect");
    expect(renderVerdictMessage(verdict, dollars)).toBe(
      // 0.01 × n_t(1 000) = 10 minor units; CI ±14 × 1 000 = ±14 000 minor units.
      "Not significant: the estimate ($0.10, 95 % CI $-140.00 to $140.00) is too close to zero for an effect to be detectable at this audience size."
    );
  });

  it("negative but not significant, ended, not started and too little data each get their own key", () => {
    expect(
      judgeCampaign({ results: resultsWith(estimate({ estimate: -3 })), startsAt, endsAt, now }).kind
    ).toBe("not_significant_negative");
    expect(
      judgeCampaign({
        results: resultsWith(estimate({})),
        startsAt,
        endsAt,
        now: new Date("2026-08-01T00:00:00Z"),
      }).kind
    ).toBe("not_significant_ended");
    const early = judgeCampaign({
      results: resultsWith(estimate({})),
      startsAt,
      endsAt,
      now: new Date("2026-04-01T00:00:00Z"),
    });
    expect(early).toMatchObject({
      kind: "insufficient_data",
      params: { reason: "not_started", detail: "the campaign has not started" },
    });
    const thin = judgeCampaign({
      results: resultsWith(estimate({ reason: "too_few_conversions" })),
      startsAt,
      endsAt,
      now,
    });
    expect(renderVerdictMessage(thin, dollars)).toBe(
      "Not enough data yet: each group needs at least 10 customers who bought."
    );
  });

  it("judges revenue instead of margin when asked", () => {
    const results = computeCampaignResults([
      ...rows("treatment", 400, 2, 10_000, 1000),
      ...rows("control", 100, 5, 10_000, 0),
    ]);
    const verdict = judgeCampaign({ results, startsAt, endsAt, now, metric: "incrementalRevenue" });
    expect(verdict.params.metric).toBe("incrementalRevenue");
    expect(verdict.params.effect).toBeCloseTo(results.incrementalRevenue.estimate!, 9);
  });

  it("rejects inconsistent dates, powers and inputs with a typed error", () => {
    const results = resultsWith(estimate({}));
    expect(() => judgeCampaign({ results, startsAt: endsAt, endsAt: startsAt, now })).toThrow(
      /endsAt: must be after startsAt/
    );
    expect(() => judgeCampaign({ results, startsAt, endsAt, now: new Date(Number.NaN) })).toThrow(
      CampaignError
    );
    expect(() => judgeCampaign({ results, startsAt, endsAt, now, power: 1 })).toThrow(/power/);
    expect(() => judgeCampaign({ results, startsAt, endsAt, now, interimRule: "peek" as never })).toThrow(
      /interimRule/
    );
    expect(() => judgeCampaign({ results, startsAt, endsAt, now, enrolmentPerDay: 0 })).toThrow(
      /enrolmentPerDay/
    );
    expect(() => judgeCampaign({ results: {} as CampaignResults, startsAt, endsAt, now })).toThrow(/results/);
  });
});
