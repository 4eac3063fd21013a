import { parse, type OperationDefinitionNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actualCost, LeakyBucket, requestedCost } from "../../../dev/shopify-sim/cost";
import { loadAdminSchema, type Simulator } from "../../../dev/shopify-sim/index";
import { makeCustomers, SHOP, startTestSim } from "./helpers";

function cost(query: string, variables: Record<string, unknown> = {}, data?: Record<string, unknown>) {
  const doc = parse(query);
  const operation = doc.definitions[0] as OperationDefinitionNode;
  const input = { schema: loadAdminSchema(), operation, fragments: {}, variables };
  return data === undefined ? requestedCost(input) : actualCost(input, data);
}

describe("calculated query cost (shopify.dev rate-limit rules)", () => {
  it("matches the documented nested-connection example: 2 + 10 × (1 + 2 + 5 × 1) = 82", () => {
    expect(cost(`{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { price } } } } } } }`)).toBe(82);
  });

  it("charges 2 + first for a 250-node connection (252) and reads first from variables", () => {
    expect(cost(`query($n: Int) { orders(first: $n) { edges { node { id } } } }`, { n: 250 })).toBe(252);
  });

  it("charges objects 1, scalars 0, and mutations 10", () => {
    expect(cost(`{ shop { name plan { publicDisplayName } } }`)).toBe(2);
    expect(cost(`mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["a"]) { userErrors { message } } }`)).toBe(10);
  });

  it("actual cost counts the nodes that came back, never more than requested", () => {
    const q = `{ customers(first: 50) { nodes { id defaultEmailAddress { emailAddress } } } }`;
    const requested = cost(q);
    expect(requested).toBe(2 + 50 * 2);
    const data = { customers: { nodes: [{ id: "1", defaultEmailAddress: { emailAddress: "a" } }, { id: "2", defaultEmailAddress: null }] } };
    expect(cost(q, {}, data)).toBe(2 + 2 + 1);
  });
});

describe("leaky bucket", () => {
  it("never exceeds maximumAvailable and restores restoreRate points per second", () => {
    const b = new LeakyBucket({ maximumAvailable: 100, restoreRate: 10 }, 0);
    expect(b.take(80, 0)).toBe(true);
    expect(b.take(30, 0)).toBe(false);
    expect(b.status(1000).currentlyAvailable).toBe(30);
    expect(b.take(30, 1000)).toBe(true);
    expect(b.status(1_000_000).currentlyAvailable).toBe(100);
  });
});

describe("throttling over HTTP", () => {
  let sim: Simulator;
  let now = Date.UTC(2026, 10, 22, 10, 0, 0);

  beforeAll(async () => {
    sim = await startTestSim({ clock: () => now, throttle: { maximumAvailable: 50, restoreRate: 5 } });
    sim.createShop({ domain: SHOP });
    sim.installApp(SHOP);
    await sim.upsertCustomers(SHOP, makeCustomers(30));
  });
  afterAll(() => sim.close());

  const Q = `query Few { customers(first: 20) { nodes { id } } }`; // requested 2 + 20 = 22

  it("reports extensions.cost, drains to THROTTLED without executing, then recovers after restore time", async () => {
    const first = await sim.graphql(SHOP, Q);
    expect(first.body.extensions.cost).toEqual({
      requestedQueryCost: 22,
      actualQueryCost: 22,
      throttleStatus: { maximumAvailable: 50, currentlyAvailable: 28, restoreRate: 5 },
    });
    const second = await sim.graphql(SHOP, Q);
    expect(second.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(6);

    const throttled = await sim.graphql(SHOP, Q);
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([
      { message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } },
    ]);
    expect(throttled.body.extensions.cost).toMatchObject({ requestedQueryCost: 22, actualQueryCost: null, throttleStatus: { currentlyAvailable: 6 } });
    expect(sim.requests.at(-1)!.throttled).toBe(true);

    now += 3_000; // 6 + 3 s × 5/s = 21 < 22: still throttled
    expect((await sim.graphql(SHOP, Q)).body.errors?.[0].extensions.code).toBe("THROTTLED");
    now += 1_000; // 26 ≥ 22
    const recovered = await sim.graphql(SHOP, Q);
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.data.customers.nodes).toHaveLength(20);
    expect(recovered.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(4);
  });

  it("refunds the difference when fewer nodes come back than requested", async () => {
    sim.setThrottle(SHOP, { currentlyAvailable: 50 });
    const res = await sim.graphql(SHOP, `{ customers(first: 40, query: "id:3") { nodes { id } } }`);
    expect(res.body.extensions.cost).toMatchObject({ requestedQueryCost: 42, actualQueryCost: 3, throttleStatus: { currentlyAvailable: 47 } });
  });

  it("rejects a single query over 1000 points with MAX_COST_EXCEEDED", async () => {
    const res = await sim.graphql(SHOP, `{ customers(first: 250) { nodes { id orders(first: 10) { nodes { id } } } } }`);
    expect(res.body.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
    expect(res.body.data).toBeUndefined();
  });
});
