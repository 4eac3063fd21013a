import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../dev/shopify-sim/index";
import { SHOP, startTestSim } from "./helpers";

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startTestSim();
  sim.createShop({ domain: SHOP });
  token = sim.installApp(SHOP).accessToken;
  await sim.upsertCustomers(SHOP, [{ id: 1, email: "a@example.com" }]);
});
afterAll(() => sim.close());

describe("Admin GraphQL validation against the real 2026-07 schema", () => {
  it("rejects a document with an unknown field (undefinedField, HTTP 200, nothing executed)", async () => {
    const res = await sim.graphql(SHOP, `query Bad { customers(first: 1) { nodes { id loyaltyPoints } } }`);
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].message).toBe('Cannot query field "loyaltyPoints" on type "Customer".');
    expect(res.body.errors[0].extensions.code).toBe("undefinedField");
    expect(res.body.errors[0].locations).toEqual([{ line: 1, column: 46 }]);
    const entry = sim.requests.at(-1)!;
    expect(entry).toMatchObject({ operationName: "Bad", valid: false, requestedQueryCost: null });
  });

  it("rejects a variable of the wrong type (INVALID_VARIABLE)", async () => {
    const res = await sim.graphql(SHOP, `query Page($first: Int!) { customers(first: $first) { nodes { id } } }`, { first: "ten" });
    expect(res.status).toBe(200);
    expect(res.body.errors[0].extensions.code).toBe("INVALID_VARIABLE");
    expect(res.body.errors[0].message).toContain('Variable "$first" got invalid value "ten"');
    expect(sim.requests.at(-1)!.valid).toBe(false);
  });

  it("rejects a variable declared with a type the argument does not accept (variableMismatch)", async () => {
    const res = await sim.graphql(SHOP, `query Page($first: String) { customers(first: $first) { nodes { id } } }`, { first: "1" });
    expect(res.body.errors[0].extensions.code).toBe("variableMismatch");
  });

  it("enforces @oneOf on DiscountContextInput when coercing variables", async () => {
    const res = await sim.graphql(
      SHOP,
      `mutation Create($input: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $input) { userErrors { message } } }`,
      { input: { title: "x", code: "X", startsAt: "2026-01-01T00:00:00Z", context: { all: "ALL", customers: { add: [] } }, customerGets: { value: { percentage: 0.1 }, items: { all: true } } } },
    );
    expect(res.body.errors[0].extensions.code).toBe("INVALID_VARIABLE");
    expect(res.body.errors[0].message).toMatch(/Exactly one key must be specified for OneOf type "DiscountContextInput"/);
  });

  it("records deprecated usage as a warning, not an error", async () => {
    const res = await sim.graphql(SHOP, `query Dep { customers(first: 1) { nodes { id email } } }`);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customers.nodes).toEqual([{ id: "gid://shopify/Customer/1", email: "a@example.com" }]);
    const entry = sim.requests.at(-1)!;
    expect(entry.valid).toBe(true);
    expect(entry.deprecations.join("\n")).toMatch(/Customer\.email is deprecated/);
    const raw = await fetch(`${sim.url}/admin/api/2026-07/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token, "x-sim-shop-domain": SHOP },
      body: JSON.stringify({ query: `query Dep { customers(first: 1) { nodes { id email } } }` }),
    });
    expect(raw.headers.get("x-shopify-api-deprecated-reason")).toMatch(/^https:\/\/shopify\.dev\//);
    expect(raw.headers.get("x-shopify-api-version")).toBe("2026-07");
  });

  it("reports syntax errors with a PARSE_ERROR code", async () => {
    const res = await sim.graphql(SHOP, `query { customers(first: 1) { nodes { id } }`);
    expect(res.body.errors[0].extensions.code).toBe("PARSE_ERROR");
  });

  it("answers 404 for another API version and 401 with Shopify's body for a bad token", async () => {
    const v = await sim.graphql(SHOP, `{ shop { id } }`, undefined, { apiVersion: "2025-10" });
    expect(v.status).toBe(404);
    const t = await sim.graphql(SHOP, `{ shop { id } }`, undefined, { token: "shpat_forged" });
    expect(t.status).toBe(401);
    expect(t.body).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
  });

  it("rejects a token issued for another shop", async () => {
    sim.createShop({ domain: "other-shop.myshopify.com" });
    const other = sim.installApp("other-shop.myshopify.com").accessToken;
    expect(other).not.toBe(token);
    const res = await sim.graphql(SHOP, `{ shop { id } }`, undefined, { token: other });
    expect(res.status).toBe(401);
  });

  it("answers the shop query with the shop's settings", async () => {
    const res = await sim.graphql(SHOP, `{ shop { id name myshopifyDomain currencyCode ianaTimezone email plan { publicDisplayName partnerDevelopment shopifyPlus } } }`);
    expect(res.body.data.shop).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Shop\/\d+$/),
      name: "retain-test",
      myshopifyDomain: SHOP,
      currencyCode: "USD",
      ianaTimezone: "America/New_York",
      email: "owner@retain-test.example",
      plan: { publicDisplayName: "Basic", partnerDevelopment: false, shopifyPlus: false },
    });
    expect(res.body.extensions.cost.requestedQueryCost).toBe(2);
  });
});

describe("fields the simulator does not model", () => {
  it("fail loudly at the root (SIM_NOT_IMPLEMENTED) and are logged when nested", async () => {
    const res = await sim.graphql(SHOP, `query P { products(first: 1) { nodes { id } } }`);
    expect(res.body.errors[0].extensions.code).toBe("SIM_NOT_IMPLEMENTED");
    const nested = await sim.graphql(SHOP, `query N { customers(first: 1) { nodes { id image { url } } } }`);
    expect(nested.body.errors?.[0].extensions.code).toBe("SIM_NOT_IMPLEMENTED"); // image is non-null
    const nullable = await sim.graphql(SHOP, `query M { customers(first: 1) { nodes { id lastOrder { id } market { id } } } }`);
    expect(nullable.body.errors).toBeUndefined();
    expect(sim.requests.at(-1)!.unimplementedFields).toEqual(["Customer.market"]);
  });
});
