// Campaign windows with a known causal effect. Each customer alive at the
// window start keeps buying by BG/NBD (rate λ, dropout p after each purchase);
// treated customers buy at rate m·λ and spend s times more per order. Because
// the uplift is known, the true incremental effect is a closed form (see
// `expectedCampaignEffect`), against which a holdout estimate can be checked.

import { buildOrder, IdAllocator } from "./build";
import { resolveConfig, type GeneratorConfig, type GeneratorOptions } from "./config";
import { GeneratorInputError } from "./errors";
import { isResolved } from "./events";
import { MinHeap } from "./heap";
import { renderOrderPayload, type JsonObject } from "./payloads";
import { Rng } from "./random";
import type { CustomerRecord, OrderRecord } from "./records";
import { createBuildContext } from "./simulate";

const WEEK = 7 * 86_400_000;
const SECOND = 1000;

/** The latent state a window needs per customer (a `CustomerTruth` fits). */
export interface CampaignCustomer {
  customerId: string;
  gid: string;
  lambda: number;
  p: number;
  nu: number;
  alive: boolean;
  record: CustomerRecord;
}

export interface CampaignUplift {
  /** m: treated purchase rate = m × λ. */
  purchaseRateMultiplier: number;
  /** s: treated order value = s × the Gamma-Gamma draw. */
  spendMultiplier: number;
}

export interface CampaignOptions {
  customers: readonly CampaignCustomer[];
  start: Date | string;
  end: Date | string;
  /** Matched against customerId (numeric string) or gid. */
  treatedIds: ReadonlySet<string>;
  uplift: CampaignUplift;
  seed: number;
  /** The shop the customers came from (currency, time offset, Gamma-Gamma p). */
  shop?: GeneratorOptions | GeneratorConfig;
  /** Discount code on treated customers' orders, e.g. { code: "WINBACK20", percent: 20 }. */
  treatedDiscount?: { code: string; percent: number } | null;
  /** 0..399: moves ids and order numbers to their own block so windows never collide. */
  idBlock?: number;
}

export interface CampaignOrder {
  at: Date;
  customerId: string;
  treated: boolean;
  /** The order record (its whole life: payment, fulfilment, refund). */
  order: OrderRecord;
  /** orders/create payload shape, state as of the window end; rendered on first access. */
  readonly payload: JsonObject;
  /** The value drawn for this order, after the spend multiplier (major units). */
  drawnValue: number;
}

interface WindowWindow {
  startMs: number;
  endMs: number;
}

function validate(options: Pick<CampaignOptions, "start" | "end" | "uplift">): WindowWindow {
  const startMs = new Date(options.start).getTime();
  const endMs = new Date(options.end).getTime();
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) {
    throw new GeneratorInputError("INVALID_CAMPAIGN", "campaign window needs valid start < end");
  }
  const { purchaseRateMultiplier: m, spendMultiplier: s } = options.uplift;
  if (!(m > 0) || !Number.isFinite(m) || !(s > 0) || !Number.isFinite(s)) {
    throw new GeneratorInputError("INVALID_CAMPAIGN", `uplift multipliers must be finite and > 0, got ${m}, ${s}`);
  }
  return { startMs: Math.floor(startMs / 1000) * 1000, endMs: Math.floor(endMs / 1000) * 1000 };
}

function isTreated(customer: CampaignCustomer, treatedIds: ReadonlySet<string>): boolean {
  return treatedIds.has(customer.customerId) || treatedIds.has(customer.gid);
}

interface Pending {
  atMs: number;
  seq: number;
  customer: CampaignCustomer;
  treated: boolean;
}

export function* simulateCampaignWindow(options: CampaignOptions): Generator<CampaignOrder> {
  const { startMs, endMs } = validate(options);
  const config = options.shop && isResolved(options.shop) ? options.shop : resolveConfig(options.shop ?? {});
  const idBlock = options.idBlock ?? Math.abs(options.seed) % 400;
  if (!Number.isInteger(idBlock) || idBlock < 0 || idBlock >= 400) {
    throw new GeneratorInputError("INVALID_CAMPAIGN", `idBlock must be an integer in [0, 400), got ${idBlock}`);
  }
  const rng = new Rng(options.seed);
  const ids = new IdAllocator(50_000_000_000 + idBlock * 100_000_000);
  const ctx = createBuildContext(config, rng, ids, 900_001 + idBlock * 10_000);
  const { purchaseRateMultiplier: m, spendMultiplier: s } = options.uplift;
  const heap = new MinHeap<Pending>();
  let seq = 0;
  const nextGap = (c: CampaignCustomer, treated: boolean) =>
    Math.max(SECOND, Math.round((rng.exponential(c.lambda * (treated ? m : 1)) * WEEK) / SECOND) * SECOND);

  for (const customer of options.customers) {
    if (!customer.alive) continue;
    const treated = isTreated(customer, options.treatedIds);
    const at = startMs + nextGap(customer, treated);
    if (at < endMs) heap.push({ atMs: at, seq: seq++, customer, treated });
  }
  for (let item = heap.pop(); item; item = heap.pop()) {
    const { customer, treated } = item;
    const value = rng.gamma(config.gammaGamma.p, customer.nu) * (treated ? s : 1);
    const order = buildOrder(ctx, {
      kind: "purchase",
      customer: customer.record,
      atMs: item.atMs,
      valueMajor: value,
      isFirstPurchase: false,
      discountOverride: treated && options.treatedDiscount ? options.treatedDiscount : null,
    });
    let payload: JsonObject | undefined;
    yield {
      at: new Date(item.atMs),
      customerId: customer.customerId,
      treated,
      order,
      // Rendering is most of the cost; callers that only count orders skip it.
      get payload() {
        payload ??= renderOrderPayload(order, endMs - 1, config);
        return payload;
      },
      drawnValue: value,
    };
    if (rng.bernoulli(customer.p)) continue; // dropped out after this purchase
    const next = item.atMs + nextGap(customer, treated);
    if (next < endMs) heap.push({ atMs: next, seq: seq++, customer, treated });
  }
}

export interface CampaignEffect {
  treatedCustomers: number;
  controlCustomers: number;
  /** Σ over treated of E[orders | treated] and E[orders | not treated]. */
  expectedTreatedOrders: number;
  expectedTreatedOrdersWithoutCampaign: number;
  incrementalOrders: number;
  /** Same, in drawn order value (major units). */
  expectedTreatedRevenue: number;
  expectedTreatedRevenueWithoutCampaign: number;
  incrementalRevenue: number;
  /** Control group expectations, for checking a holdout comparison. */
  expectedControlOrders: number;
  expectedControlRevenue: number;
}

/**
 * Expected orders of an alive customer over w weeks at rate λ with dropout p
 * after each purchase: the count is Poisson-until-geometric-death, whose mean
 * is (1 − e^(−λ·p·w)) / p (→ λ·w as p → 0).
 */
export function expectedWindowOrders(lambda: number, p: number, weeks: number): number {
  const x = lambda * p * weeks;
  return p < 1e-12 ? lambda * weeks : -Math.expm1(-x) / p;
}

/**
 * The true effect given the latent states: incremental orders = Σ_treated
 * [E(mλ) − E(λ)], incremental revenue = Σ_treated (p_GG/ν)·[s·E(mλ) − E(λ)],
 * where E(·) is `expectedWindowOrders` and p_GG/ν the expected order value.
 */
export function expectedCampaignEffect(
  options: Pick<CampaignOptions, "customers" | "start" | "end" | "treatedIds" | "uplift"> & { spendShape?: number },
): CampaignEffect {
  const { startMs, endMs } = validate(options);
  const weeks = (endMs - startMs) / WEEK;
  const spendShape = options.spendShape ?? resolveConfig({}).gammaGamma.p;
  const { purchaseRateMultiplier: m, spendMultiplier: s } = options.uplift;
  const effect: CampaignEffect = {
    treatedCustomers: 0,
    controlCustomers: 0,
    expectedTreatedOrders: 0,
    expectedTreatedOrdersWithoutCampaign: 0,
    incrementalOrders: 0,
    expectedTreatedRevenue: 0,
    expectedTreatedRevenueWithoutCampaign: 0,
    incrementalRevenue: 0,
    expectedControlOrders: 0,
    expectedControlRevenue: 0,
  };
  for (const c of options.customers) {
    const value = spendShape / c.nu;
    const base = c.alive ? expectedWindowOrders(c.lambda, c.p, weeks) : 0;
    if (isTreated(c, options.treatedIds)) {
      const lifted = c.alive ? expectedWindowOrders(c.lambda * m, c.p, weeks) : 0;
      effect.treatedCustomers++;
      effect.expectedTreatedOrders += lifted;
      effect.expectedTreatedOrdersWithoutCampaign += base;
      effect.expectedTreatedRevenue += lifted * value * s;
      effect.expectedTreatedRevenueWithoutCampaign += base * value;
    } else {
      effect.controlCustomers++;
      effect.expectedControlOrders += base;
      effect.expectedControlRevenue += base * value;
    }
  }
  effect.incrementalOrders = effect.expectedTreatedOrders - effect.expectedTreatedOrdersWithoutCampaign;
  effect.incrementalRevenue = effect.expectedTreatedRevenue - effect.expectedTreatedRevenueWithoutCampaign;
  return effect;
}
