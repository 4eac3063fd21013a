// Seeded simulators of the three models, for parameter-recovery tests and
// demo data. Each customer is observed from acquisition (time 0) to T weeks.

import { createMulberry32, drawBeta, drawExponential, drawGamma, drawOpenUniform } from "../../shared/random";
import type { BgNbdParams } from "./bg-nbd";
import { formatCalendarDay, parseCalendarDay, type Transaction } from "./data-prep";
import type { GammaGammaParams, SpendRow } from "./gamma-gamma";
import type { RfmRow } from "./model-types";
import type { ParetoNbdParams } from "./pareto-nbd";

export interface SimulationOptions {
  customers: number;
  /** Observation length per customer in weeks; a range draws uniformly per customer. */
  T: number | { min: number; max: number };
  seed: number;
  /** Round T and t_x to whole days like real data (repeat rows then compress well). */
  dayResolution?: boolean;
}

function observationLength(options: SimulationOptions, rng: () => number): number {
  const T = typeof options.T === "number" ? options.T : options.T.min + (options.T.max - options.T.min) * rng();
  return options.dayResolution ? Math.round(T * 7) / 7 : T;
}

/** A purchase at time t (weeks) is recorded at the end of its day, never after T. */
function recordTime(t: number, T: number, options: SimulationOptions): number {
  return options.dayResolution ? Math.min(T, Math.ceil(t * 7) / 7) : t;
}

/** BG/NBD: Poisson(λ) purchases; after each repeat purchase the customer leaves with probability p. */
export function simulateBgNbdCustomers(params: BgNbdParams, options: SimulationOptions): RfmRow[] {
  const rng = createMulberry32(options.seed);
  const rows: RfmRow[] = [];
  for (let i = 0; i < options.customers; i++) {
    const T = observationLength(options, rng);
    const lambda = drawGamma(rng, params.r, params.alpha);
    const p = drawBeta(rng, params.a, params.b);
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += drawExponential(rng, lambda);
      if (t > T) break;
      x += 1;
      tx = t;
      if (drawOpenUniform(rng) < p) break;
    }
    rows.push({ frequency: x, recency: x > 0 ? recordTime(tx, T, options) : 0, T });
  }
  return rows;
}

/** Pareto/NBD: Poisson(λ) purchases during an exponential(μ) lifetime. */
export function simulateParetoNbdCustomers(params: ParetoNbdParams, options: SimulationOptions): RfmRow[] {
  const rng = createMulberry32(options.seed);
  const rows: RfmRow[] = [];
  for (let i = 0; i < options.customers; i++) {
    const T = observationLength(options, rng);
    const lambda = drawGamma(rng, params.r, params.alpha);
    const mu = drawGamma(rng, params.s, params.beta);
    const end = Math.min(T, drawExponential(rng, mu));
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += drawExponential(rng, lambda);
      if (t > end) break;
      x += 1;
      tx = t;
    }
    rows.push({ frequency: x, recency: x > 0 ? recordTime(tx, T, options) : 0, T });
  }
  return rows;
}

/** Gamma-Gamma: each of x values is Gamma(p, ν), ν ~ Gamma(q, γ); returns the mean per customer. */
export function simulateGammaGammaSpend(params: GammaGammaParams, frequencies: readonly number[], seed: number): SpendRow[] {
  const rng = createMulberry32(seed);
  return frequencies.map((x) => {
    const nu = drawGamma(rng, params.q, params.gamma);
    let total = 0;
    for (let k = 0; k < x; k++) total += drawGamma(rng, params.p, nu);
    return { frequency: x, monetaryValue: total / x };
  });
}

/**
 * BG/NBD purchase histories as dated transactions: customers are acquired
 * uniformly over the first `acquisitionDays` after `startDate` and observed to
 * `startDate + days`; spend per order is Gamma(p, ν), ν ~ Gamma(q, γ).
 */
export function simulateBgNbdTransactions(
  params: BgNbdParams,
  spend: GammaGammaParams,
  options: { customers: number; startDate: string; acquisitionDays: number; days: number; seed: number },
): Transaction[] {
  const rng = createMulberry32(options.seed);
  const start = parseCalendarDay(options.startDate, "startDate");
  const out: Transaction[] = [];
  const amount = (nu: number) => Math.round(drawGamma(rng, spend.p, nu) * 100) / 100;
  for (let i = 0; i < options.customers; i++) {
    const first = Math.floor(rng() * options.acquisitionDays);
    const lambda = drawGamma(rng, params.r, params.alpha) / 7; // per day
    const p = drawBeta(rng, params.a, params.b);
    const nu = drawGamma(rng, spend.q, spend.gamma);
    const customerId = `sim-${i + 1}`;
    out.push({ customerId, date: formatCalendarDay(start + first), amount: amount(nu) });
    let t = first;
    for (;;) {
      t += drawExponential(rng, lambda);
      if (t > options.days) break;
      out.push({ customerId, date: formatCalendarDay(start + Math.floor(t)), amount: amount(nu) });
      if (drawOpenUniform(rng) < p) break;
    }
  }
  return out;
}
