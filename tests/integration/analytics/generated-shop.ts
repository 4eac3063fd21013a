// Loads a generated shop into the database with the sync engine's own code.
//
// - `deliverGeneratedShop` sends every customer and order, in its final state,
//   through processDelivery (customers/create, orders/updated carrying its
//   refunds): the webhook path end to end, ~25 ms a delivery, so for small shops.
// - `insertGeneratedShop` runs the sync engine's normalizers and bulk-inserts
//   the Customer and Order columns analytics reads (refundedMinor = Σ refunds,
//   as sync's settleRefunds stores it): seconds for a 300-customer shop.
import type { PrismaClient } from "@prisma/client";
import { normalizeRestCustomer, normalizeRestOrder, sumRefunds } from "~/domain/sync";
import { processDelivery } from "~/services/sync/process-delivery.server";
import { createShop } from "../../../dev/generator/index";

/** The generator's observation end: nothing happens at or after it. */
export const GENERATED_END = new Date("2026-11-01T00:00:00Z");

function generate(shop: string, options: { size: number; seed: number }) {
  return createShop({ size: options.size, seed: options.seed, shopDomain: shop, end: GENERATED_END });
}

export async function deliverGeneratedShop(db: PrismaClient, shop: string, options: { size: number; seed: number }): Promise<number> {
  const generated = generate(shop, options);
  let n = 0;
  const deliver = (topic: string, payload: unknown) =>
    processDelivery(
      db,
      { shop, topic, webhookId: `gen-${options.seed}-${++n}`, payload, receivedAt: GENERATED_END, triggeredAt: GENERATED_END, apiVersion: "2026-07" },
      GENERATED_END,
    );
  for (const customer of generated.customers()) await deliver("customers/create", customer);
  for (const order of generated.orders()) await deliver("orders/updated", order);
  return n;
}

export async function insertGeneratedShop(db: PrismaClient, shop: string, options: { size: number; seed: number }): Promise<number> {
  const generated = generate(shop, options);
  const customers = [...generated.customers()].map((p) => normalizeRestCustomer(p));
  const orders = [...generated.orders()].map((p) => normalizeRestOrder(p));
  await db.customer.createMany({
    data: customers.map((c) => ({
      shop,
      shopifyId: c.shopifyId,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      tags: c.tags,
      shopifyCreatedAt: c.createdAt,
      shopifyUpdatedAt: c.updatedAt,
    })),
  });
  await db.order.createMany({
    data: orders.map((o) => ({
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
      refundedMinor: sumRefunds(o.refunds),
    })),
  });
  return customers.length + orders.length;
}
