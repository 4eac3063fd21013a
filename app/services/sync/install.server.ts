// shop.install: read the shop's details into the Shop row, queue the
// backfills (customers first, then orders) and the nightly reconciliation.
import type { PrismaClient } from "@prisma/client";
import { SHOP_DETAILS } from "~/graphql/sync";
import { adminGraphql as defaultGraphql } from "~/services/admin-api.server";
import { requestBackfill } from "./backfill.server";
import { scheduleNextReconcile } from "./reconcile.server";

interface ShopDetails {
  shop: { name: string; email: string | null; currencyCode: string; ianaTimezone: string; plan: { displayName: string } | null };
}

export async function installShop(db: PrismaClient, shop: string, now: Date, gql: typeof defaultGraphql = defaultGraphql) {
  const { shop: details } = await gql<ShopDetails>(shop, SHOP_DETAILS, {});
  await db.shop.upsert({
    where: { shop },
    create: { shop, name: details.name, email: details.email, currencyCode: details.currencyCode, ianaTimezone: details.ianaTimezone, planName: details.plan?.displayName ?? null },
    update: { name: details.name, email: details.email, currencyCode: details.currencyCode, ianaTimezone: details.ianaTimezone, planName: details.plan?.displayName ?? null },
  });
  const customers = await requestBackfill(db, shop, "customers", now, gql);
  const orders = await requestBackfill(db, shop, "orders", now, gql);
  await scheduleNextReconcile(db, shop, now);
  return { customersRunId: customers.id, ordersRunId: orders.id };
}
