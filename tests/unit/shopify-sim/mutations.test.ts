import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../dev/shopify-sim/index";
import { makeCustomers, SHOP, startTestSim } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSim({ appId: "424242" });
  sim.createShop({ domain: SHOP });
  sim.installApp(SHOP);
  await sim.upsertCustomers(SHOP, makeCustomers(3));
});
afterAll(() => sim.close());

const CREATE = `mutation Create($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { title status startsAt endsAt usageLimit appliesOncePerCustomer
      codes(first: 5) { nodes { code } }
      context { __typename ... on DiscountCustomers { customers { id } } }
      customerGets { value { __typename ... on DiscountPercentage { percentage } ... on DiscountAmount { amount { amount } } } }
      minimumRequirement { ... on DiscountMinimumSubtotal { greaterThanOrEqualToSubtotal { amount } } } } } }
    userErrors { field message code }
  }
}`;

const input = (code: string, extra: Record<string, unknown> = {}) => ({
  title: `Win-back ${code}`,
  code,
  startsAt: "2026-01-01T00:00:00Z",
  endsAt: "2027-01-01T00:00:00Z",
  usageLimit: 1,
  appliesOncePerCustomer: true,
  context: { customers: { add: ["gid://shopify/Customer/2"] } },
  customerGets: { value: { percentage: 0.15 }, items: { all: true } },
  minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "25.00" } },
  ...extra,
});

describe("discountCodeBasicCreate", () => {
  it("stores a code restricted to the customer in context.customers", async () => {
    const res = await sim.graphql(SHOP, CREATE, { input: input("BACK15-ABC") });
    const p = res.body.data.discountCodeBasicCreate;
    expect(p.userErrors).toEqual([]);
    expect(p.codeDiscountNode.codeDiscount).toEqual({
      title: "Win-back BACK15-ABC",
      status: "ACTIVE",
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: "2027-01-01T00:00:00Z",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      codes: { nodes: [{ code: "BACK15-ABC" }] },
      context: { __typename: "DiscountCustomers", customers: [{ id: "gid://shopify/Customer/2" }] },
      customerGets: { value: { __typename: "DiscountPercentage", percentage: 0.15 } },
      minimumRequirement: { greaterThanOrEqualToSubtotal: { amount: "25.00" } },
    });
    const [stored] = sim.listDiscounts(SHOP);
    expect(stored).toMatchObject({ context: { type: "customers", customerIds: ["2"] }, value: { type: "percentage", percentage: 0.15 } });
    const byCode = await sim.graphql(SHOP, `{ codeDiscountNodeByCode(code: "back15-abc") { id } }`);
    expect(byCode.body.data.codeDiscountNodeByCode.id).toBe(p.codeDiscountNode.id);
  });

  it("gives a TAKEN userError for a duplicate code (case-insensitive) and stores nothing", async () => {
    const before = sim.listDiscounts(SHOP).length;
    const res = await sim.graphql(SHOP, CREATE, { input: input("back15-abc") });
    expect(res.body.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" }],
    });
    expect(sim.listDiscounts(SHOP)).toHaveLength(before);
  });

  it("rejects unknown customer ids, bad percentages and end-before-start", async () => {
    const res = await sim.graphql(SHOP, CREATE, {
      input: input("NEW-1", { context: { customers: { add: ["gid://shopify/Customer/999"] } }, customerGets: { value: { percentage: 1.5 }, items: { all: true } }, endsAt: "2025-01-01T00:00:00Z" }),
    });
    const codes = res.body.data.discountCodeBasicCreate.userErrors.map((e: { code: string }) => e.code).sort();
    expect(codes).toEqual(["END_DATE_BEFORE_START_DATE", "INVALID", "VALUE_OUTSIDE_RANGE"]);
  });

  it("deactivates (EXPIRED), activates, bulk-adds codes and deletes", async () => {
    const id = sim.listDiscounts(SHOP)[0]!.id;
    const gid = `gid://shopify/DiscountCodeNode/${id}`;
    const de = await sim.graphql(SHOP, `mutation { discountCodeDeactivate(id: "${gid}") { codeDiscountNode { codeDiscount { ... on DiscountCodeBasic { status } } } userErrors { message } } }`);
    expect(de.body.data.discountCodeDeactivate.codeDiscountNode.codeDiscount.status).toBe("EXPIRED");
    const ac = await sim.graphql(SHOP, `mutation { discountCodeActivate(id: "${gid}") { codeDiscountNode { codeDiscount { ... on DiscountCodeBasic { status } } } userErrors { message } } }`);
    expect(ac.body.data.discountCodeActivate.codeDiscountNode.codeDiscount.status).toBe("ACTIVE");
    const bulk = await sim.graphql(SHOP, `mutation { discountRedeemCodeBulkAdd(discountId: "${gid}", codes: [{ code: "EXTRA-1" }, { code: "BACK15-ABC" }]) { bulkCreation { importedCount failedCount } userErrors { message } } }`);
    expect(bulk.body.data.discountRedeemCodeBulkAdd.bulkCreation).toEqual({ importedCount: 1, failedCount: 1 });
    const del = await sim.graphql(SHOP, `mutation { discountCodeDelete(id: "${gid}") { deletedCodeDiscountId userErrors { message } } }`);
    expect(del.body.data.discountCodeDelete.deletedCodeDiscountId).toBe(gid);
    const gone = await sim.graphql(SHOP, `{ codeDiscountNodeByCode(code: "EXTRA-1") { id } }`);
    expect(gone.body.data.codeDiscountNodeByCode).toBeNull();
  });
});

describe("discountCodeFreeShippingCreate", () => {
  it("stores a customer-restricted free-shipping code and answers it as DiscountCodeFreeShipping", async () => {
    const res = await sim.graphql(
      SHOP,
      `mutation Ship($input: DiscountCodeFreeShippingInput!) { discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
        codeDiscountNode { id codeDiscount { __typename ... on DiscountCodeFreeShipping { title status usageLimit destinationSelection { __typename } context { ... on DiscountCustomers { customers { id } } } } } }
        userErrors { field message code } } }`,
      {
        input: {
          title: "Loyalty: free shipping",
          code: "SHIP-FREE-1",
          startsAt: "2026-01-01T00:00:00Z",
          usageLimit: 1,
          appliesOncePerCustomer: true,
          context: { customers: { add: ["gid://shopify/Customer/1"] } },
          combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
          destination: { all: true },
        },
      },
    );
    expect(res.body.data.discountCodeFreeShippingCreate.userErrors).toEqual([]);
    expect(res.body.data.discountCodeFreeShippingCreate.codeDiscountNode.codeDiscount).toEqual({
      __typename: "DiscountCodeFreeShipping",
      title: "Loyalty: free shipping",
      status: "ACTIVE",
      usageLimit: 1,
      destinationSelection: { __typename: "DiscountCountryAll" },
      context: { customers: [{ id: "gid://shopify/Customer/1" }] },
    });
    const stored = sim.listDiscounts(SHOP).find((d) => d.codes[0]?.code === "SHIP-FREE-1");
    expect(stored).toMatchObject({ kind: "freeShipping", value: null, destination: { all: true }, combinesWith: { shippingDiscounts: false } });
  });

  it("requires a destination and shares the code namespace with basic codes (TAKEN)", async () => {
    const res = await sim.graphql(
      SHOP,
      `mutation Ship($input: DiscountCodeFreeShippingInput!) { discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) { codeDiscountNode { id } userErrors { field code } } }`,
      { input: { title: "x", code: "ship-free-1", startsAt: "2026-01-01T00:00:00Z" } },
    );
    expect(res.body.data.discountCodeFreeShippingCreate.userErrors).toEqual([
      { field: ["freeShippingCodeDiscount", "destination"], code: "BLANK" },
      { field: ["freeShippingCodeDiscount", "code"], code: "TAKEN" },
    ]);
  });
});

describe("tags, metafields, segments", () => {
  it("tagsAdd/tagsRemove change the customer's tags and bump updatedAt", async () => {
    const add = await sim.graphql(SHOP, `mutation { tagsAdd(id: "gid://shopify/Customer/2", tags: ["retain:vip", "Retain:VIP", "at-risk"]) { node { ... on Customer { tags updatedAt } } userErrors { message } } }`);
    expect(add.body.data.tagsAdd.node.tags).toEqual(["retain:vip", "at-risk"]);
    expect(Date.parse(add.body.data.tagsAdd.node.updatedAt)).toBeGreaterThan(Date.parse("2024-06-01"));
    await sim.graphql(SHOP, `mutation { tagsRemove(id: "gid://shopify/Customer/2", tags: ["at-risk"]) { userErrors { message } } }`);
    expect(sim.customerTags(SHOP, 2)).toEqual(["retain:vip"]);
    const missing = await sim.graphql(SHOP, `mutation { tagsAdd(id: "gid://shopify/Customer/77", tags: ["x"]) { node { id } userErrors { field message } } }`);
    expect(missing.body.data.tagsAdd.userErrors[0].field).toEqual(["id"]);
  });

  it("metafieldsSet resolves $app namespaces, validates types and reads back", async () => {
    const set = await sim.graphql(
      SHOP,
      `mutation Set($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { namespace key type value } userErrors { field message code } } }`,
      { m: [{ ownerId: "gid://shopify/Customer/1", namespace: "$app:loyalty", key: "points", type: "number_integer", value: "120" }] },
    );
    expect(set.body.data.metafieldsSet).toEqual({
      metafields: [{ namespace: "app--424242--loyalty", key: "points", type: "number_integer", value: "120" }],
      userErrors: [],
    });
    const read = await sim.graphql(SHOP, `{ customer(id: "gid://shopify/Customer/1") { metafield(namespace: "$app:loyalty", key: "points") { value } } }`);
    expect(read.body.data.customer.metafield.value).toBe("120");
    expect(sim.listMetafields(SHOP, "gid://shopify/Customer/1")).toHaveLength(1);

    const bad = await sim.graphql(SHOP, `mutation { metafieldsSet(metafields: [{ ownerId: "gid://shopify/Customer/1", namespace: "$app:loyalty", key: "tier", type: "number_integer", value: "gold" }]) { metafields { id } userErrors { field code elementIndex } } }`);
    expect(bad.body.data.metafieldsSet.userErrors).toEqual([{ field: ["metafields", "0", "value"], code: "INVALID_VALUE", elementIndex: 0 }]);
  });

  it("metafieldsSet rejects a blank value (BLANK) and writes nothing from that call", async () => {
    const res = await sim.graphql(
      SHOP,
      `mutation Set($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key } userErrors { field code } } }`,
      { m: [
        { ownerId: "gid://shopify/Customer/2", namespace: "$app:retain", key: "balance", type: "number_integer", value: "5" },
        { ownerId: "gid://shopify/Customer/2", namespace: "$app:retain", key: "tier", type: "single_line_text_field", value: "" },
      ] },
    );
    expect(res.body.data.metafieldsSet).toEqual({ metafields: null, userErrors: [{ field: ["metafields", "1", "value"], code: "BLANK" }] });
    expect(sim.listMetafields(SHOP, "gid://shopify/Customer/2")).toEqual([]);
  });

  it("metafieldsSet refuses more than 25 metafields in one call", async () => {
    const m = Array.from({ length: 26 }, (_, i) => ({ ownerId: "gid://shopify/Customer/1", namespace: "$app", key: `k${i}`, type: "boolean", value: "true" }));
    const res = await sim.graphql(SHOP, `mutation Set($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { id } userErrors { field code } } }`, { m });
    expect(res.body.data.metafieldsSet).toEqual({ metafields: null, userErrors: [{ field: ["metafields"], code: "LESS_THAN_OR_EQUAL_TO" }] });
  });

  it("segmentCreate/Update/Delete and segments(first)", async () => {
    const c = await sim.graphql(SHOP, `mutation { segmentCreate(name: "Retain: At risk", query: "customer_tags CONTAINS 'at-risk'") { segment { id name query } userErrors { message } } }`);
    const seg = c.body.data.segmentCreate.segment;
    expect(seg).toMatchObject({ name: "Retain: At risk", query: "customer_tags CONTAINS 'at-risk'" });
    const dup = await sim.graphql(SHOP, `mutation { segmentCreate(name: "retain: at risk", query: "number_of_orders > 1") { segment { id } userErrors { field message } } }`);
    expect(dup.body.data.segmentCreate.userErrors).toEqual([{ field: ["name"], message: "Name has already been taken" }]);
    const badQ = await sim.graphql(SHOP, `mutation { segmentCreate(name: "x", query: "number_of_orders > (1") { segment { id } userErrors { field } } }`);
    expect(badQ.body.data.segmentCreate.userErrors[0].field).toEqual(["query"]);
    await sim.graphql(SHOP, `mutation { segmentUpdate(id: "${seg.id}", query: "number_of_orders >= 2") { userErrors { message } } }`);
    const list = await sim.graphql(SHOP, `{ segments(first: 10) { nodes { id query } } }`);
    expect(list.body.data.segments.nodes).toEqual([{ id: seg.id, query: "number_of_orders >= 2" }]);
    const del = await sim.graphql(SHOP, `mutation { segmentDelete(id: "${seg.id}") { deletedSegmentId } }`);
    expect(del.body.data.segmentDelete.deletedSegmentId).toBe(seg.id);
    expect(sim.listSegments(SHOP)).toEqual([]);
  });
});

describe("fault injection", () => {
  it("userError, http500 and networkDrop each fire once for the matching operation", async () => {
    sim.failNext({ field: "tagsAdd", kind: "userError" });
    const m = `mutation Tag { tagsAdd(id: "gid://shopify/Customer/3", tags: ["x"]) { node { id } userErrors { message } } }`;
    const r1 = await sim.graphql(SHOP, m);
    expect(r1.body.data.tagsAdd).toEqual({ node: null, userErrors: [{ message: "Simulated failure (shopify-sim fault injection)" }] });
    expect(sim.customerTags(SHOP, 3)).toEqual(["vip"]); // unchanged by the failed call

    sim.failNext({ operationName: "Tag", kind: "http500" });
    expect((await sim.graphql(SHOP, m)).status).toBe(500);

    sim.failNext({ operationName: "Tag", kind: "networkDrop" });
    await expect(sim.graphql(SHOP, m)).rejects.toThrow();

    const ok = await sim.graphql(SHOP, m);
    expect(ok.body.data.tagsAdd.node.id).toBe("gid://shopify/Customer/3");
    expect(sim.requests.slice(-4).map((r) => r.fault)).toEqual(["userError", "http500", "networkDrop", null]);
  });
});
