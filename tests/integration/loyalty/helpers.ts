// Shared set-up for the loyalty integration tests.
import type { PrismaClient } from "@prisma/client";
import { createAdminGraphql } from "~/services/admin-api.server";
import { saveProgramSettings, setProgramEnabled } from "~/services/loyalty/program.server";
import type { Simulator } from "../../../dev/shopify-sim";
import { createInstalledShop } from "../../helpers/db";

export const PROGRAM_START = new Date("2026-01-01T00:00:00Z");

/** An enabled program; `settings` replaces whole sections of the defaults (five-off: 500 points for $5). */
export async function setupProgram(db: PrismaClient, shop: string, settings: Record<string, unknown> = {}) {
  await createInstalledShop(db, shop);
  const saved = await saveProgramSettings(db, shop, settings, "test", PROGRAM_START);
  await setProgramEnabled(db, shop, true, "test", PROGRAM_START);
  return saved;
}

/** The app's throttle-aware client, talking to the in-process simulator. */
export function simAdminGraphql(sim: Simulator) {
  return createAdminGraphql({ transport: async (shop, document, variables) => (await sim.graphql(shop, document, variables)).body as never }).adminGraphql;
}

export async function createOrderRow(
  db: PrismaClient,
  shop: string,
  o: { id: string; customer: string; subtotalMinor: number; processedAt: Date; status?: string; cancelledAt?: Date | null; taxMinor?: number; shippingMinor?: number; currency?: string },
) {
  const data = {
    shop,
    shopifyId: o.id,
    name: `#${o.id}`,
    customerShopifyId: o.customer,
    processedAt: o.processedAt,
    shopifyCreatedAt: o.processedAt,
    shopifyUpdatedAt: o.processedAt,
    cancelledAt: o.cancelledAt ?? null,
    financialStatus: o.status ?? "PAID",
    currency: o.currency ?? "USD",
    subtotalMinor: o.subtotalMinor,
    taxMinor: o.taxMinor ?? 0,
    shippingMinor: o.shippingMinor ?? 0,
    totalMinor: o.subtotalMinor + (o.taxMinor ?? 0) + (o.shippingMinor ?? 0),
  };
  return db.order.upsert({ where: { shop_shopifyId: { shop, shopifyId: o.id } }, create: data, update: data });
}

export async function createRefundRow(db: PrismaClient, shop: string, r: { id: string; orderId: string; amountMinor: number; processedAt: Date; lines?: Array<{ lineItemId: string; quantity: number; subtotalMinor: number }> }) {
  return db.refund.create({
    data: { shop, shopifyId: r.id, orderShopifyId: r.orderId, amountMinor: r.amountMinor, lines: r.lines ?? [], processedAt: r.processedAt, appliedAt: r.processedAt },
  });
}
