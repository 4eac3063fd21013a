// The loyalty GraphQL documents and the variables the services build for them
// are checked against the vendored Admin API 2026-07 schema, so a typo or a
// renamed input field fails here instead of in a shopper's redemption.
import { getVariableValues, Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import {
  LOYALTY_DISCOUNT_BY_CODE,
  LOYALTY_DISCOUNT_CODE_CREATE,
  LOYALTY_FREE_SHIPPING_CODE_CREATE,
  LOYALTY_METAFIELDS_DELETE,
  LOYALTY_METAFIELDS_SET,
  buildLoyaltyDiscountVariables,
  buildLoyaltyMetafields,
} from "~/graphql/loyalty";
import { loadAdminSchema } from "../../../dev/shopify-sim/schema";

const schema = loadAdminSchema();

function operation(document: string): OperationDefinitionNode {
  const doc = parse(document);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!op) throw new Error("no operation");
  return op;
}

function variableErrors(document: string, variables: Record<string, unknown>): string[] {
  const result = getVariableValues(schema, operation(document).variableDefinitions ?? [], variables);
  return "errors" in result && result.errors ? result.errors.map((e) => e.message) : [];
}

const spec = {
  code: "RETAIN-ABCD-EFGH",
  title: "Loyalty reward: $5 off",
  customerGid: "gid://shopify/Customer/7001",
  minimumSubtotal: "50.00",
  startsAt: new Date("2026-11-22T00:00:00Z"),
  endsAt: new Date("2027-02-20T00:00:00Z"),
};

describe("loyalty GraphQL documents", () => {
  it.each([
    ["LoyaltyDiscountCodeCreate", LOYALTY_DISCOUNT_CODE_CREATE],
    ["LoyaltyFreeShippingCodeCreate", LOYALTY_FREE_SHIPPING_CODE_CREATE],
    ["LoyaltyDiscountByCode", LOYALTY_DISCOUNT_BY_CODE],
    ["LoyaltyMetafieldsSet", LOYALTY_METAFIELDS_SET],
    ["LoyaltyMetafieldsDelete", LOYALTY_METAFIELDS_DELETE],
  ])("%s is a named #graphql operation valid against Admin 2026-07", (name, document) => {
    expect(document.startsWith("#graphql")).toBe(true);
    expect(operation(document).name?.value).toBe(name);
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });

  it("fixed-amount, percent and free-shipping variables coerce against the schema: single use, once per customer, only that customer", () => {
    for (const kind of ["FIXED_AMOUNT", "PERCENT", "FREE_SHIPPING"] as const) {
      const built = buildLoyaltyDiscountVariables({ ...spec, kind, amount: "5.00", percent: 10 });
      expect(variableErrors(built.document, built.variables)).toEqual([]);
      const input = Object.values(built.variables)[0] as Record<string, any>;
      expect(input.usageLimit).toBe(1);
      expect(input.appliesOncePerCustomer).toBe(true);
      expect(input.context).toEqual({ customers: { add: ["gid://shopify/Customer/7001"] } });
      expect(input.minimumRequirement).toEqual({ subtotal: { greaterThanOrEqualToSubtotal: "50.00" } });
    }
    const percent = buildLoyaltyDiscountVariables({ ...spec, kind: "PERCENT", percent: 15 });
    expect((percent.variables.basicCodeDiscount as any).customerGets.value).toEqual({ percentage: 0.15 });
  });

  it("a variable with a wrong field is rejected by the same check (the check can fail)", () => {
    const built = buildLoyaltyDiscountVariables({ ...spec, kind: "FIXED_AMOUNT", amount: "5.00" });
    const bad = { basicCodeDiscount: { ...(built.variables.basicCodeDiscount as object), customers: ["x"] } };
    expect(variableErrors(built.document, bad).length).toBeGreaterThan(0);
  });

  it("metafields: balance number_integer, tier text, next_tier json, all in the $app:retain namespace", () => {
    const fields = buildLoyaltyMetafields({ customerGid: "gid://shopify/Customer/1", balance: 1200, tierName: "Gold", nextTier: { name: "Platinum", remaining: 800, progress: 0.6 } });
    expect(fields.map((f) => [f.key, f.type])).toEqual([["balance", "number_integer"], ["tier", "single_line_text_field"], ["next_tier", "json"]]);
    expect(fields.every((f) => f.namespace === "$app:retain")).toBe(true);
    expect(JSON.parse(fields[2].value)).toEqual({ name: "Platinum", remaining: 800, progress: 0.6 });
    expect(variableErrors(LOYALTY_METAFIELDS_SET, { metafields: fields })).toEqual([]);
    const noTier = buildLoyaltyMetafields({ customerGid: "gid://shopify/Customer/1", balance: 0, tierName: null, nextTier: null });
    expect(noTier.map((f) => f.key)).toEqual(["balance", "next_tier"]);
  });
});
