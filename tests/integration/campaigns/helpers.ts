// Shared set-up for the campaign integration tests: a generated shop loaded into the
// database (customers and orders through the sync engine's normalizers), scored by
// the analytics engine, mirrored into the Admin API simulator; plus campaign-window
// orders from the generator's known-uplift model.
import type { PrismaClient } from "@prisma/client";
import { normalizeRestCustomer, normalizeRestOrder, sumRefunds } from "~/domain/sync";
import { createAdminGraphql } from "~/services/admin-api.server";
import { recomputeShopAnalytics } from "~/services/analytics/recompute.server";
import type { AdminGraphqlFn } from "~/services/campaigns/shopify.server";
import { createShop, simulateCampaignWindow, type CampaignOrder, type CustomerTruth } from "../../../dev/generator/index";
import type { Simulator } from "../../../dev/shopify-sim";
import { createInstalledShop } from "../../helpers/db";

/** The generator's observation end: campaigns start here. */
export const GENERATED_END = new Date("2026-11-01T00:00:00Z");

/** The app's throttle-aware client, talking to the in-process simulator; `sleep` can be shortened. */
export function simGraphql(sim: Simulator, sleep?: (ms: number) => Promise<void>): AdminGraphqlFn {
  return createAdminGraphql({
    transport: async (shop, document, variables) => (await sim.graphql(shop, document, variables)).body as never,
    ...(sleep ? { sleep } : {}),
  }).adminGraphql as AdminGraphqlFn;
}

export interface LoadedShop {
  truth: Map<string, CustomerTruth>;
  customers: number;
  orders: number;
}

/**
 * Generates a shop, stores its customers and orders, runs the analytics recompute
 * (CustomerMetric rows), and creates the customers in the simulator.
 */
export async function loadGeneratedShop(db: PrismaClient, sim: Simulator, shop: string, options: { size: number; seed: number }): Promise<LoadedShop> {
  await createInstalledShop(db, shop, { ianaTimezone: "UTC" });
  sim.createShop({ domain: shop, currencyCode: "USD" } as never);
  sim.installApp(shop);
  const generated = createShop({ size: options.size, seed: options.seed, shopDomain: shop, end: GENERATED_END });
  const customerPayloads = [...generated.customers()];
  const customers = customerPayloads.map((p) => normalizeRestCustomer(p));
  const orders = [...generated.orders()].map((p) => normalizeRestOrder(p));
  await db.customer.createMany({
    data: customers.map((c) => ({ shop, shopifyId: c.shopifyId, email: c.email, tags: c.tags, shopifyCreatedAt: c.createdAt, shopifyUpdatedAt: c.updatedAt })),
  });
  await db.order.createMany({ data: orders.map((o) => orderRow(shop, o)) });
  await recomputeShopAnalytics(db, shop, { now: GENERATED_END });
  await sim.upsertCustomers(shop, customerPayloads as never);
  const truth = new Map<string, CustomerTruth>();
  for (const t of generated.truth()) truth.set(t.customerId, t);
  return { truth, customers: customers.length, orders: orders.length };
}

function orderRow(shop: string, o: ReturnType<typeof normalizeRestOrder>) {
  return {
    shop,
    shopifyId: o.shopifyId,
    name: o.name,
    customerShopifyId: o.customerShopifyId,
    email: o.email,
    processedAt: o.processedAt,
    shopifyCreatedAt: o.createdAt,
    shopifyUpdatedAt: o.updatedAt,
    cancelledAt: o.cancelledAt,
    test: o.test,
    currency: o.currency,
    subtotalMinor: o.subtotalMinor,
    totalMinor: o.totalMinor,
    discountsMinor: o.discountsMinor ?? 0,
    discountCodes: o.discountCodes as object,
    refundedMinor: sumRefunds(o.refunds),
  };
}

/**
 * Simulates the campaign window for the audience (treated customers get the uplift and,
 * optionally, use the campaign's code) and stores its orders as the sync engine would.
 */
export async function runCampaignWindow(
  db: PrismaClient,
  shop: string,
  args: {
    audience: CustomerTruth[];
    treatedIds: Set<string>;
    start: Date;
    end: Date;
    uplift: { purchaseRateMultiplier: number; spendMultiplier: number };
    seed: number;
    treatedDiscount?: { code: string; percent: number } | null;
    idBlock?: number;
  },
): Promise<CampaignOrder[]> {
  const window = [
    ...simulateCampaignWindow({
      customers: args.audience,
      start: args.start,
      end: args.end,
      treatedIds: args.treatedIds,
      uplift: args.uplift,
      seed: args.seed,
      shop: { shopDomain: shop, end: GENERATED_END },
      treatedDiscount: args.treatedDiscount ?? null,
      idBlock: args.idBlock,
    }),
  ];
  const rows = window.map((w) => orderRow(shop, normalizeRestOrder(w.payload)));
  for (let i = 0; i < rows.length; i += 500) await db.order.createMany({ data: rows.slice(i, i + 500) });
  return window;
}
