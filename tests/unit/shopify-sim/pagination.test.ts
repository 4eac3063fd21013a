import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../dev/shopify-sim/index";
import { fixture, makeCustomers, makeOrders, SHOP, startTestSim } from "./helpers";

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSim();
  sim.createShop({ domain: SHOP });
  sim.installApp(SHOP);
  await sim.upsertCustomers(SHOP, makeCustomers(25));
  await sim.upsertOrders(SHOP, makeOrders(40, 25));
});
afterAll(() => sim.close());

const CUSTOMERS = `query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query) {
    edges { cursor node { id email tags numberOfOrders amountSpent { amount currencyCode } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe("customers / orders cursor pagination over seeded data", () => {
  it("walks every seeded customer exactly once, in id order", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res = await sim.graphql(SHOP, CUSTOMERS, { first: 10, after });
      const conn = res.body.data.customers;
      seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `gid://shopify/Customer/${i + 1}`));
  });

  it("derives numberOfOrders and amountSpent from the customer's orders", async () => {
    const orders = makeOrders(40, 25).filter((o) => o.customer.id === 3);
    const spent = orders.reduce((a, o) => a + Number(o.total_price), 0);
    const res = await sim.graphql(SHOP, `{ customer(id: "gid://shopify/Customer/3") { numberOfOrders amountSpent { amount } } }`);
    expect(res.body.data.customer.numberOfOrders).toBe(String(orders.length));
    expect(Number(res.body.data.customer.amountSpent.amount)).toBeCloseTo(spent, 2);
  });

  it("filters customers with created_at:>'ISO' and tag:", async () => {
    const res = await sim.graphql(SHOP, CUSTOMERS, { first: 50, query: "created_at:>'2024-01-20T00:00:00Z' tag:vip" });
    const ids = res.body.data.customers.edges.map((e: { node: { id: string } }) => Number(e.node.id.split("/").pop()));
    // created_at of customer k is 2024-01-01 + (k-1) days; vip = odd ids.
    expect(ids).toEqual([21, 23, 25]);
  });

  it("bumps a customer's updatedAt to their newest order, so updated_at:> sync sees new stats", async () => {
    const latest = makeOrders(40, 25).filter((o) => o.customer.id === 3).at(-1)!;
    const res = await sim.graphql(SHOP, `{ customer(id: "gid://shopify/Customer/3") { updatedAt } }`);
    expect(res.body.data.customer.updatedAt).toBe(latest.updated_at.replace(".000Z", "Z"));
    const since = await sim.graphql(SHOP, CUSTOMERS, { first: 50, query: `updated_at:>='${latest.updated_at}'` });
    expect(since.body.data.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toContain("gid://shopify/Customer/3");
  });

  it("filters orders by updated_at:>= and pages with nodes, sorted by UPDATED_AT", async () => {
    const q = `query O($after: String) { orders(first: 7, after: $after, sortKey: UPDATED_AT, query: "updated_at:>='2024-03-01T20:00:00Z'") { nodes { id name updatedAt } pageInfo { hasNextPage endCursor } } }`;
    const names: string[] = [];
    let after: string | null = null;
    do {
      const res = await sim.graphql(SHOP, q, { after });
      const c = res.body.data.orders;
      names.push(...c.nodes.map((n: { name: string }) => n.name));
      after = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
    } while (after);
    // order i is at 2024-03-01T00:00Z + i hours → i >= 20 qualifies.
    expect(names).toEqual(Array.from({ length: 20 }, (_, k) => `#${1021 + k}`));
  });

  it("supports reverse, created_at:< and id: filters", async () => {
    const rev = await sim.graphql(SHOP, `{ orders(first: 2, reverse: true, sortKey: CREATED_AT, query: "created_at:<'2024-03-01T03:00:00Z'") { nodes { name } } }`);
    expect(rev.body.data.orders.nodes.map((n: { name: string }) => n.name)).toEqual(["#1003", "#1002"]);
    const byId = await sim.graphql(SHOP, `{ orders(first: 5, query: "id:10005") { nodes { id } } }`);
    expect(byId.body.data.orders.nodes).toEqual([{ id: "gid://shopify/Order/10005" }]);
  });

  it("requires first or last, and caps page size at 250", async () => {
    const none = await sim.graphql(SHOP, `{ customers { nodes { id } } }`);
    expect(none.body.errors[0].message).toBe("you must provide one of first or last");
    const big = await sim.graphql(SHOP, `{ customers(first: 251) { nodes { id } } }`);
    expect(big.body.errors[0].message).toMatch(/between 0 and 250/);
  });

  it("resolves node(id) / nodes(ids) to the right concrete types", async () => {
    const res = await sim.graphql(SHOP, `{ nodes(ids: ["gid://shopify/Customer/2", "gid://shopify/Order/10001", "gid://shopify/Order/1"]) { __typename id } node(id: "gid://shopify/Customer/4") { ... on Customer { email } } }`);
    expect(res.body.data.nodes).toEqual([
      { __typename: "Customer", id: "gid://shopify/Customer/2" },
      { __typename: "Order", id: "gid://shopify/Order/10001" },
      null,
    ]);
    expect(res.body.data.node).toEqual({ email: "c4@example.com" });
  });

  it("maps Shopify's docs order + refund webhook samples to GraphQL shapes", async () => {
    await sim.upsertOrders(SHOP, fixture("orders-create"));
    await sim.upsertRefund(SHOP, fixture("refunds-create"));
    const res = await sim.graphql(
      SHOP,
      `{ order(id: "gid://shopify/Order/820982911946154508") {
          name test cancelledAt cancelReason displayFinancialStatus currencyCode
          totalPriceSet { shopMoney { amount currencyCode } } totalDiscountsSet { shopMoney { amount } }
          totalRefundedSet { shopMoney { amount } }
          customer { id }
          lineItems(first: 10) { nodes { id title quantity sku product { id } originalUnitPriceSet { shopMoney { amount } } } }
          refunds { id refundLineItems(first: 10) { nodes { lineItem { id } quantity subtotalSet { shopMoney { amount } } } } }
      } }`,
    );
    const o = res.body.data.order;
    expect(o).toMatchObject({
      name: "#9999",
      test: true,
      cancelledAt: "2022-01-01T00:00:00Z",
      cancelReason: "CUSTOMER",
      displayFinancialStatus: "VOIDED",
      currencyCode: "USD",
      totalPriceSet: { shopMoney: { amount: "404.95", currencyCode: "USD" } },
      totalDiscountsSet: { shopMoney: { amount: "20.00" } },
      customer: { id: "gid://shopify/Customer/115310627314723954" },
    });
    expect(o.lineItems.nodes).toHaveLength(5);
    expect(o.lineItems.nodes[0]).toMatchObject({ id: "gid://shopify/LineItem/487817672276298554", quantity: 1, sku: "SKU2006-001", originalUnitPriceSet: { shopMoney: { amount: "89.99" } } });
    // The docs refund has two transactions: 75.00 + 10.00.
    expect(o.totalRefundedSet.shopMoney.amount).toBe("85.00");
    expect(o.refunds[0].id).toBe("gid://shopify/Refund/890088186047892319");
    expect(o.refunds[0].refundLineItems.nodes[0]).toEqual({ lineItem: { id: "gid://shopify/LineItem/487817672276298554" }, quantity: 1, subtotalSet: { shopMoney: { amount: "89.99" } } });
  });
});

describe("read_all_orders scope", () => {
  it("hides orders processed more than 60 days ago without it, while customer stats still count them", async () => {
    const now = Date.UTC(2026, 10, 22);
    const s2 = await startTestSim({ clock: () => now });
    try {
      s2.createShop({ domain: SHOP });
      s2.installApp(SHOP, { scopes: ["read_orders", "read_customers"] });
      const at = (days: number) => new Date(now - days * 86_400_000).toISOString();
      await s2.upsertOrders(SHOP, [
        { id: 1, created_at: at(90), processed_at: at(90), total_price: "10.00", customer: { id: 7 } },
        { id: 2, created_at: at(10), processed_at: at(10), total_price: "5.00", customer: { id: 7 } },
      ]);
      const res = await s2.graphql(SHOP, `{ orders(first: 10) { nodes { id } } order(id: "gid://shopify/Order/1") { id } customer(id: "gid://shopify/Customer/7") { numberOfOrders amountSpent { amount } } }`);
      expect(res.body.data).toEqual({
        orders: { nodes: [{ id: "gid://shopify/Order/2" }] },
        order: null,
        customer: { numberOfOrders: "2", amountSpent: { amount: "15.00" } },
      });
    } finally {
      await s2.close();
    }
  });
});
