/**
 * The simulation study behind the numbers in docs/campaign-statistics.md §5–6. Not a test:
 * it takes about a minute of CPU. Run: npx tsx tests/unit/domain/campaigns/simulation-study.ts
 */
import {
  assignAudience,
  computeCampaignResults,
  createSeededRandom,
  judgeCampaign,
  type CustomerOutcome,
  type Interval,
} from "~/domain/campaigns";
import { simulateOutcomes, trueEffects, type SimulationScenario } from "./simulate";

const DAY = 86_400_000;
const startsAt = new Date("2026-05-01T00:00:00Z");
const endsAt = new Date(startsAt.getTime() + 28 * DAY);
const midway = new Date(startsAt.getTime() + 14 * DAY);
const SEEDS = 400;
const covers = (ci: Interval | null, v: number) => ci !== null && ci.lower <= v && v <= ci.upper;

function coverageStudy(): void {
  const scenario: SimulationScenario = {
    customers: 1500,
    controlShare: 0.2,
    conversionTreatment: 0.12,
    conversionControl: 0.09,
    discountRate: 0.1,
    orderMu: Math.log(8000),
    orderSigma: 0.5,
  };
  const truth = trueEffects(scenario, 0.5);
  const hits = { conversion: 0, revenue: 0, margin: 0 };
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = computeCampaignResults(simulateOutcomes(scenario, seed));
    if (covers(r.conversionDifference.ci, truth.conversion)) hits.conversion += 1;
    if (covers(r.revenuePerCustomerDifference.ci, truth.revenuePerCustomer)) hits.revenue += 1;
    if (covers(r.marginPerCustomerDifference.ci, truth.marginPerCustomer)) hits.margin += 1;
  }
  console.log(`known uplift, coverage of ${SEEDS}:`, hits);
}

function nullStudy(name: string, scenario: SimulationScenario): void {
  let verdictSignificant = 0;
  let welchAlone = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const results = computeCampaignResults(simulateOutcomes(scenario, seed));
    if (judgeCampaign({ results, startsAt, endsAt, now: midway, interimRule: "none" }).significant) {
      verdictSignificant += 1;
    }
    const ci = results.marginPerCustomerDifference.ci;
    if (ci !== null && (ci.lower > 0 || ci.upper < 0)) welchAlone += 1;
  }
  console.log(
    `no effect, ${name}: significant ${verdictSignificant}/${SEEDS}, Welch interval alone ${welchAlone}/${SEEDS}`
  );
}

/** A fixed audience buying as a Poisson process; the report is read every day. */
function peekingStudy(seeds: number): void {
  let fixedRule = 0;
  let haybittlePeto = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const random = createSeededRandom(seed);
    const ids = Array.from({ length: 2000 }, (_, i) => `p${seed}-${i}`);
    const { treatment, control } = assignAudience(`peek-${seed}`, ids, 0.2);
    const orders = new Map<string, Array<[day: number, value: number]>>();
    for (const id of ids) {
      const list: Array<[number, number]> = [];
      for (let t = -Math.log(1 - random.next()) / 0.004; t <= 28; t += -Math.log(1 - random.next()) / 0.004) {
        list.push([t, Math.round(Math.exp(Math.log(8000) + 0.5 * random.normal()))]);
      }
      orders.set(id, list);
    }
    let calledFixed = false;
    let calledHp = false;
    for (let d = 3; d <= 28; d++) {
      const outcomes: CustomerOutcome[] = [];
      for (const [group, members] of [
        ["treatment", treatment],
        ["control", control],
      ] as const) {
        for (const id of members) {
          const seen = orders.get(id)!.filter(([t]) => t <= d);
          const revenueMinor = seen.reduce((sum, [, v]) => sum + v, 0);
          outcomes.push({
            customerId: id,
            group,
            converted: seen.length > 0,
            revenueMinor,
            discountMinor: 0,
          });
        }
      }
      const results = computeCampaignResults(outcomes, { resamples: 500 });
      const now = new Date(startsAt.getTime() + d * DAY);
      calledFixed ||= judgeCampaign({ results, startsAt, endsAt, now, interimRule: "none" }).significant;
      calledHp ||= judgeCampaign({ results, startsAt, endsAt, now }).significant;
    }
    if (calledFixed) fixedRule += 1;
    if (calledHp) haybittlePeto += 1;
  }
  console.log(
    `daily looks, no effect: ever significant — fixed 5 % ${fixedRule}/${seeds}, Haybittle–Peto ${haybittlePeto}/${seeds}`
  );
}

const base: SimulationScenario = {
  customers: 2000,
  controlShare: 0.1,
  conversionTreatment: 0.1,
  conversionControl: 0.1,
  discountRate: 0,
  orderMu: Math.log(8000),
  orderSigma: 1,
};
coverageStudy();
nullStudy("2 000 customers, 10 % holdout, σ 1", base);
nullStudy("2 000 customers, 20 % holdout, σ 0.5", { ...base, controlShare: 0.2, orderSigma: 0.5 });
nullStudy("300 customers, 10 % holdout, σ 1", { ...base, customers: 300 });
peekingStudy(200);
