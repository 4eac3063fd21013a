// Reconciliation against the Admin API simulator: webhooks that were missed
// (an order never created, an order's last update, a customer) are repaired
// from `orders`/`customers` updated since the last run, and counted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { createAdminGraphql } from "~/services/admin-api.server";
import { runReconcile } from "~/services/sync/reconcile.server";
import { createShop as generateShop } from "../../../dev/generator";
import { startSimulator, type Simulator } from "../../../dev/shopify-sim";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { deliver } from "./helpers";

const db = prisma;
const SHOP = "reconcile-test.myshopify.com";
const generated = generateShop({ size: 12, seed: 5, shopDomain: SHOP });
let sim: Simulator;

function simGraphql() {
  return createAdminGraphql({
    transport: async (shop, document, variables) => (await sim.graphql(shop, document, variables)).body,
  }).adminGraphql;
}

beforeAll(async () => {
  await prepareDatabase(db);
  sim = await startSimulator({ apiKey: "k", apiSecret: "s" });
  sim.createShop({ domain: SHOP, name: "Reconcile", currencyCode: generated.config.shopCurrency } as never);
  sim.installApp(SHOP);
  await sim.upsertCustomers(SHOP, [...generated.customers()] as never);
  await sim.upsertOrders(SHOP, [...generated.orders()] as never);
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  await resetDatabase(db);
  await createInstalledShop(db, SHOP, { lastReconcileAt: new Date(generated.config.startMs - 86_400_000) });
});

describe("sync.reconcile", () => {
  it("repairs a missing order, an order whose last update was missed and a missing customer; a second run repairs nothing", async () => {
    const events = [...generated.events()];
    const orderEvents = new Map<string, number[]>();
    events.forEach((e, i) => {
      if (!e.topic.startsWith("orders/")) return;
      const id = String(e.payload.id);
      orderEvents.set(id, [...(orderEvents.get(id) ?? []), i]);
    });
    const ids = [...orderEvents.keys()];
    const missingOrder = ids[0];
    const staleOrder = ids.find((id) => id !== missingOrder && orderEvents.get(id)!.length > 1)!;
    expect(staleOrder).toBeDefined();
    const staleSkip = orderEvents.get(staleOrder)!.at(-1)!;
    const missingCustomer = String(events.find((e) => e.topic === "customers/create")!.payload.id);
    for (const [i, e] of events.entries()) {
      if (e.topic.startsWith("orders/") && String(e.payload.id) === missingOrder) continue;
      if (i === staleSkip) continue;
      if (e.topic.startsWith("customers/") && String(e.payload.id) === missingCustomer) continue;
      await deliver(db, e.topic, e.payload, { shop: SHOP });
    }
    expect(await db.order.count({ where: { shop: SHOP, shopifyId: missingOrder } })).toBe(0);

    const now = new Date(generated.config.endMs + 3600_000);
    const { run, repaired } = await runReconcile(db, SHOP, now, { gql: simGraphql() });
    expect(repaired.orders).toEqual({ missing: 1, older: 1 });
    // The simulator, like Shopify, bumps a customer's updated_at when they place
    // an order, without a customers/update webhook: those rows are older too.
    const finalCustomers = new Map([...generated.customers()].map((c) => [String(c.id), Date.parse(String(c.updated_at))]));
    const bumped = [...sim.store.shop(SHOP).customers.values()].filter((c) => String(c.rest.id) !== missingCustomer && c.updatedMs > finalCustomers.get(String(c.rest.id))!).length;
    expect(repaired.customers).toEqual({ missing: 1, older: bumped });
    expect(repaired.checked.orders).toBe(ids.length);
    expect(run.status).toBe("COMPLETED");
    expect((await db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).repaired).toMatchObject({ orders: { missing: 1, older: 1 } });
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).lastReconcileAt?.getTime()).toBe(now.getTime());

    const final = [...generated.orders()].find((o) => String(o.id) === staleOrder)!;
    const row = await db.order.findFirstOrThrow({ where: { shop: SHOP, shopifyId: staleOrder } });
    expect(row.shopifyUpdatedAt.toISOString()).toBe(new Date(String(final.updated_at)).toISOString());
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(ids.length);
    expect(await db.customer.count({ where: { shop: SHOP, shopifyId: missingCustomer } })).toBe(1);

    // Nothing left to repair: Shopify and the tables agree.
    const again = await runReconcile(db, SHOP, new Date(now.getTime() + 1000), { gql: simGraphql() });
    expect(again.repaired.orders).toEqual({ missing: 0, older: 0 });
    expect(again.repaired.customers).toEqual({ missing: 0, older: 0 });
  });
});
