// Public API of the synthetic-shop generator. See docs/generator.md.
//
//   const shop = createShop({ size: "small", seed: 42 });
//   for (const event of shop.events()) ...        // time-ordered webhook events
//   for (const order of shop.orders()) ...        // final REST snapshots (backfill comparison)
//   for (const truth of shop.truth()) ...         // latent λ, p, ν and alive-at-end per customer
//   await writeBulkJsonl(shop, { kind: "orders" }, "orders.jsonl");

import { resolveConfig, type GeneratorConfig, type GeneratorOptions } from "./config";
import { generateEvents, type ShopEvent } from "./events";
import { renderCustomerPayload, renderOrderPayload, type JsonObject } from "./payloads";
import type { CustomerRecord, OrderRecord } from "./records";
import { simulateShop, type CustomerTruthRecord, type SimItem } from "./simulate";
import type { ShopStream } from "./bulk";

export { SIZE_PRESETS, DEFAULT_BGNBD, DEFAULT_GAMMA_GAMMA, DEFAULT_RATES, DEFAULT_SEASONALITY, resolveConfig } from "./config";
export type { BgNbdParams, GammaGammaParams, GeneratorConfig, GeneratorOptions, GeneratorRates, Seasonality, SizePreset } from "./config";
export { GeneratorInputError } from "./errors";
export type { GeneratorErrorReason } from "./errors";
export { generateEvents } from "./events";
export type { ShopEvent, WebhookTopic } from "./events";
export { renderCustomerPayload, renderOrderPayload, renderRefundPayload, orderStateAt, CUSTOMER_EXTRA_KEYS } from "./payloads";
export type { JsonObject, FinancialStatus } from "./payloads";
export { writeBulkJsonl, renderBulkCustomer, renderBulkOrder, BULK_QUERIES } from "./bulk";
export type { BulkKind, BulkWriteResult, ShopStream } from "./bulk";
export { simulateCampaignWindow, expectedCampaignEffect } from "./campaign";
export type { CampaignOptions, CampaignOrder, CampaignEffect } from "./campaign";
export { Rng } from "./random";
export { formatMinor, formatShopTime } from "./format";
export type { CustomerRecord, OrderRecord, LatentTraits } from "./records";
export type { SimItem } from "./simulate";

const WEEK = 7 * 86_400_000;

/** Ground truth for one customer, in the units of the BG/NBD and Gamma-Gamma papers. */
export interface CustomerTruth {
  customerId: string;
  gid: string;
  createdAt: Date;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  /** BG/NBD x: purchases after the first (cancelled and test orders are not purchases). */
  repeatPurchases: number;
  /** BG/NBD t_x: weeks from first to last purchase. */
  recencyWeeks: number;
  /** BG/NBD T: weeks from first purchase to the observation end. */
  ageWeeks: number;
  /** Purchase rate per week while alive. */
  lambda: number;
  /** Dropout probability after each repeat purchase. */
  p: number;
  /** Gamma-Gamma ν: E[order value | ν] = gammaGamma.p / ν (major units). */
  nu: number;
  expectedOrderValue: number;
  alive: boolean;
  diedAt: Date | null;
  purchases: number;
  /** Mean Gamma-Gamma draw over the customer's purchases (major units), null with none. */
  meanDrawnValue: number | null;
  /** Mean realised merchandise value (total_line_items_price) per purchase, major units. */
  meanMerchandiseValue: number | null;
  /** The record, for rendering campaign-window orders. */
  record: CustomerRecord;
}

export interface Shop extends ShopStream {
  /** Raw records in creation order (customers, orders, truth). */
  records(): Generator<SimItem>;
  events(): Generator<ShopEvent>;
  /** Final customers/update-shaped payloads as of the end, in creation order. */
  customers(): Generator<JsonObject>;
  /** Final order payloads as of the end, in creation order. */
  orders(): Generator<JsonObject>;
  /** One entry per customer, emitted when the customer's story is complete. */
  truth(): Generator<CustomerTruth>;
  groundTruthParams(): Pick<GeneratorConfig, "bgnbd" | "gammaGamma" | "rates" | "seasonality" | "customers" | "seed"> & {
    start: Date;
    end: Date;
  };
}

export function toCustomerTruth(t: CustomerTruthRecord, config: GeneratorConfig): CustomerTruth {
  const bought = t.purchases > 0;
  return {
    customerId: String(t.customer.id),
    gid: `gid://shopify/Customer/${t.customer.id}`,
    createdAt: new Date(t.customer.createdAtMs),
    firstPurchaseAt: bought ? new Date(t.firstPurchaseAtMs) : null,
    lastPurchaseAt: bought ? new Date(t.lastPurchaseAtMs) : null,
    repeatPurchases: t.repeatPurchases,
    recencyWeeks: bought ? (t.lastPurchaseAtMs - t.firstPurchaseAtMs) / WEEK : 0,
    ageWeeks: bought ? (config.endMs - t.firstPurchaseAtMs) / WEEK : 0,
    lambda: t.customer.latent.lambda,
    p: t.customer.latent.p,
    nu: t.customer.latent.nu,
    expectedOrderValue: config.gammaGamma.p / t.customer.latent.nu,
    alive: t.alive,
    diedAt: t.diedAtMs === null ? null : new Date(t.diedAtMs),
    purchases: t.purchases,
    meanDrawnValue: bought ? t.drawnValueSum / t.purchases : null,
    meanMerchandiseValue: bought ? t.merchandiseMinorSum / 100 / t.purchases : null,
    record: t.customer,
  };
}

export function createShop(options: GeneratorOptions = {}): Shop {
  const config = resolveConfig(options);
  const asOf = config.endMs - 1;
  return {
    config,
    [Symbol.iterator]: () => simulateShop(config),
    records: () => simulateShop(config),
    events: () => generateEvents(config),
    *customers() {
      for (const item of simulateShop(config)) {
        if (item.type === "customer") yield renderCustomerPayload(item.customer, asOf, config);
      }
    },
    *orders() {
      for (const item of simulateShop(config)) {
        if (item.type === "order") yield renderOrderPayload(item.order, asOf, config);
      }
    },
    *truth() {
      for (const item of simulateShop(config)) {
        if (item.type === "truth") yield toCustomerTruth(item.truth, config);
      }
    },
    groundTruthParams: () => ({
      bgnbd: { ...config.bgnbd },
      gammaGamma: { ...config.gammaGamma },
      rates: { ...config.rates },
      seasonality: { ...config.seasonality },
      customers: config.customers,
      seed: config.seed,
      start: new Date(config.startMs),
      end: new Date(config.endMs),
    }),
  };
}

/** Convenience: final order records (not payloads), e.g. to check totals. */
export function* iterateOrderRecords(options: GeneratorOptions = {}): Generator<OrderRecord> {
  for (const item of simulateShop(resolveConfig(options))) if (item.type === "order") yield item.order;
}
