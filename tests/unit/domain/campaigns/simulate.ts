import { assignAudience, createSeededRandom, type CustomerOutcome } from "~/domain/campaigns";

/** A campaign world with known truth: Bernoulli conversion and log-normal order values. */
export interface SimulationScenario {
  customers: number;
  controlShare: number;
  conversionTreatment: number;
  conversionControl: number;
  /** Share of the order value given as discount to converting treatment customers. */
  discountRate: number;
  /** Log-normal order value: exp(mu + sigma·Z) minor units. */
  orderMu: number;
  orderSigma: number;
}

export function expectedOrderValue(s: SimulationScenario): number {
  return Math.exp(s.orderMu + (s.orderSigma * s.orderSigma) / 2);
}

/** True per-customer effects implied by the scenario (what the intervals should cover). */
export function trueEffects(s: SimulationScenario, grossMarginRate: number) {
  const value = expectedOrderValue(s);
  return {
    conversion: s.conversionTreatment - s.conversionControl,
    revenuePerCustomer: s.conversionTreatment * (1 - s.discountRate) * value - s.conversionControl * value,
    // Contribution m·(R + D) − D = (m − discountRate)·V for a converting treatment customer.
    marginPerCustomer:
      s.conversionTreatment * (grossMarginRate - s.discountRate) * value -
      s.conversionControl * grossMarginRate * value,
  };
}

export function simulateOutcomes(s: SimulationScenario, seed: number): CustomerOutcome[] {
  const random = createSeededRandom(seed);
  const ids = Array.from({ length: s.customers }, (_, i) => `sim-${seed}-${i}`);
  const { treatment, control } = assignAudience(`campaign-${seed}`, ids, s.controlShare);
  const draw = (customerId: string, group: "treatment" | "control"): CustomerOutcome => {
    const p = group === "treatment" ? s.conversionTreatment : s.conversionControl;
    if (random.next() >= p) return { customerId, group, converted: false, revenueMinor: 0, discountMinor: 0 };
    const value = Math.round(Math.exp(s.orderMu + s.orderSigma * random.normal()));
    const discount = group === "treatment" ? Math.round(value * s.discountRate) : 0;
    return { customerId, group, converted: true, revenueMinor: value - discount, discountMinor: discount };
  };
  return [...treatment.map((id) => draw(id, "treatment")), ...control.map((id) => draw(id, "control"))];
}
