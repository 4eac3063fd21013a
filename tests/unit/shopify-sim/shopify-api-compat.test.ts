// The app talks to Shopify through @shopify/shopify-api; check that the real
// library's token exchange and GraphQL client work against the simulator.
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, GraphqlQueryError, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../dev/shopify-sim/index";
import { API_KEY, API_SECRET, startTestSim } from "./helpers";

const SHOP = "lib-compat.myshopify.com";
let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSim();
  const realFetch = globalThis.fetch;
  // Same rewrite the app installs in development (x-sim-shop-domain header).
  setAbstractFetchFunc((async (input: string | URL | Request, init?: RequestInit) => {
    const raw = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const u = new URL(raw);
    if (!u.hostname.endsWith(".myshopify.com")) return realFetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set("x-sim-shop-domain", u.hostname);
    return realFetch(new URL(u.pathname + u.search, sim.url), { ...init, headers });
  }) as typeof fetch);
});
afterAll(() => sim.close());

const api = shopifyApi({
  apiKey: API_KEY,
  apiSecretKey: API_SECRET,
  apiVersion: ApiVersion.July26,
  isEmbeddedApp: true,
  hostName: "localhost:3000",
  scopes: ["read_orders", "read_all_orders", "read_customers", "write_customers", "write_discounts", "read_discounts", "write_app_proxy", "read_themes"],
  logger: { level: 0 },
});

describe("@shopify/shopify-api against the simulator", () => {
  it("token-exchanges offline and online sessions whose scopes satisfy the app's config", async () => {
    const sessionToken = sim.mintSessionToken({ shop: SHOP, userId: 5 });
    const { session } = await api.auth.tokenExchange({ shop: SHOP, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
    expect(session.id).toBe(`offline_${SHOP}`);
    expect(session.isActive(api.config.scopes)).toBe(true);
    const { session: online } = await api.auth.tokenExchange({ shop: SHOP, sessionToken, requestedTokenType: RequestedTokenType.OnlineAccessToken });
    expect(online.onlineAccessInfo?.associated_user.id).toBe(5);
  });

  it("runs queries through the GraphQL client and surfaces validation errors and throttling", async () => {
    const { session } = await api.auth.tokenExchange({ shop: SHOP, sessionToken: sim.mintSessionToken({ shop: SHOP }), requestedTokenType: RequestedTokenType.OfflineAccessToken });
    await sim.upsertCustomers(SHOP, [{ id: 1, email: "x@example.com" }]);
    const client = new api.clients.Graphql({ session });
    const ok = await client.request(`query Shop { shop { name } customers(first: 5) { nodes { id } } }`);
    expect(ok.data).toEqual({ shop: { name: "lib-compat" }, customers: { nodes: [{ id: "gid://shopify/Customer/1" }] } });
    expect(ok.extensions?.cost?.requestedQueryCost).toBe(8);
    await expect(client.request(`query Bad { shop { nope } }`)).rejects.toBeInstanceOf(GraphqlQueryError);
    // 503 with Retry-After is retried by the library's client.
    sim.failNext({ operationName: "Shop", kind: "http503" });
    const retried = await client.request(`query Shop { shop { name } }`, { retries: 1 });
    expect(retried.data).toEqual({ shop: { name: "lib-compat" } });
    expect(sim.requests.slice(-2).map((r) => r.httpStatus)).toEqual([503, 200]);
    sim.setThrottle(SHOP, { currentlyAvailable: 0, restoreRate: 0.001 });
    await expect(client.request(`query Shop { shop { name } }`, { retries: 0 })).rejects.toThrow(/Throttled/);
  });
});
