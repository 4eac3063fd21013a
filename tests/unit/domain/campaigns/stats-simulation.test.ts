import { beforeAll, describe, expect, it } from "vitest";
import { computeCampaignResults, judgeCampaign, type Interval } from "~/domain/campaigns";
import { simulateOutcomes, trueEffects, type SimulationScenario } from "./simulate";

const SEEDS = 400;
// ~2 s of CPU each; generous wall-clock limits because the machine's cores are shared.
const STUDY_TIMEOUT_MS = 60_000;
// The permutation gate's Monte Carlo size does not change any interval; 500 relabellings
// (instead of the default 2 000) keep these 400-seed studies within a few seconds.
const RESAMPLES = 500;
const startsAt = new Date("2026-05-01T00:00:00Z");
const endsAt = new Date("2026-05-29T00:00:00Z");
const now = new Date("2026-05-15T00:00:00Z");

const covers = (ci: Interval | null, value: number) => ci !== null && ci.lower <= value && value <= ci.upper;

describe("simulation: interval coverage with a known uplift", () => {
  // 1 500 customers, 20 % holdout; treatment converts 12 % vs 9 %, pays 10 % less per order;
  // order values log-normal (median 80.00, σ = 0.5). Truth per customer from the model.
  const scenario: SimulationScenario = {
    customers: 1500,
    controlShare: 0.2,
    conversionTreatment: 0.12,
    conversionControl: 0.09,
    discountRate: 0.1,
    orderMu: Math.log(8000),
    orderSigma: 0.5,
  };
  const margin = 0.5;
  const truth = trueEffects(scenario, margin);
  const hits = { conversion: 0, revenue: 0, margin: 0, incrementalRevenue: 0 };
  beforeAll(() => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = computeCampaignResults(simulateOutcomes(scenario, seed), {
        grossMarginRate: margin,
        resamples: RESAMPLES,
      });
      if (covers(r.conversionDifference.ci, truth.conversion)) hits.conversion += 1;
      if (covers(r.revenuePerCustomerDifference.ci, truth.revenuePerCustomer)) hits.revenue += 1;
      if (covers(r.marginPerCustomerDifference.ci, truth.marginPerCustomer)) hits.margin += 1;
      // The incremental total's truth is the per-customer effect × this run's treatment size.
      if (covers(r.incrementalRevenue.ci, truth.revenuePerCustomer * r.treatment.n))
        hits.incrementalRevenue += 1;
    }
  }, STUDY_TIMEOUT_MS);

  it.each(Object.keys(hits) as Array<keyof typeof hits>)(
    "95 %% interval for %s covers the true effect in 90–99 %% of 400 seeded campaigns",
    (metric) => {
      const coverage = hits[metric] / SEEDS;
      expect(coverage).toBeGreaterThanOrEqual(0.9);
      expect(coverage).toBeLessThanOrEqual(0.99);
    }
  );
});

describe("simulation: no uplift is reported as not significant", () => {
  it(
    "≥ 93 % of 400 seeded no-effect campaigns (10 % holdout, heavy-tailed spend) are not significant",
    () => {
      // Same behaviour in both groups, no discount. With a 10 % holdout (≈ 200 control customers,
      // ≈ 20 buyers) and σ = 1 spend, Welch alone calls ~10 % of these significant; the
      // permutation gate brings that back to ≤ 5 %.
      const scenario: SimulationScenario = {
        customers: 2000,
        controlShare: 0.1,
        conversionTreatment: 0.1,
        conversionControl: 0.1,
        discountRate: 0,
        orderMu: Math.log(8000),
        orderSigma: 1,
      };
      let notSignificant = 0;
      const kinds = new Map<string, number>();
      for (let seed = 1; seed <= SEEDS; seed++) {
        const results = computeCampaignResults(simulateOutcomes(scenario, seed), { resamples: RESAMPLES });
        const verdict = judgeCampaign({ results, startsAt, endsAt, now });
        kinds.set(verdict.kind, (kinds.get(verdict.kind) ?? 0) + 1);
        if (!verdict.significant) notSignificant += 1;
      }
      expect(notSignificant / SEEDS).toBeGreaterThanOrEqual(0.93);
      // The verdicts used are the "not significant" family, never a claimed gain in most runs.
      expect(kinds.get("significant_gain") ?? 0).toBeLessThanOrEqual(0.05 * SEEDS);
    },
    STUDY_TIMEOUT_MS
  );
});
