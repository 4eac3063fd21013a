// Every campaign / segment-sync GraphQL document, and the variables the services
// build for it, checked against the vendored Admin API 2026-07 schema.
import { getVariableValues, Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import {
  CAMPAIGN_DISCOUNT_BY_CODE,
  CAMPAIGN_DISCOUNT_CODE_CREATE,
  CAMPAIGN_DISCOUNT_DEACTIVATE,
  CAMPAIGN_FREE_SHIPPING_CODE_CREATE,
  CAMPAIGN_SEGMENT_CREATE,
  CAMPAIGN_SEGMENTS_LIST,
  MAX_TAG_BATCH,
  SEGMENT_METAFIELDS_SET,
  SEGMENT_TAGGED_CUSTOMERS,
  buildCampaignDiscountVariables,
  tagsBatchMutation,
  tagsBatchVariables,
} from "~/graphql/campaigns";
import { desiredTags, metafieldsFor } from "~/services/segments/sync.server";
import { loadAdminSchema } from "../../../dev/shopify-sim/schema";

const schema = loadAdminSchema();

function operation(document: string): OperationDefinitionNode {
  const op = parse(document).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!op) throw new Error("no operation");
  return op;
}

function variableErrors(document: string, variables: Record<string, unknown>): string[] {
  const result = getVariableValues(schema, operation(document).variableDefinitions ?? [], variables);
  return "errors" in result && result.errors ? result.errors.map((e) => e.message) : [];
}

const base = {
  title: "Winback (Retain campaign)",
  code: "RTC-0ABC123",
  minimumSubtotal: "20.00",
  startsAt: new Date("2026-11-01T00:00:00Z"),
  endsAt: new Date("2026-12-01T00:00:00Z"),
};

describe("campaign GraphQL documents", () => {
  it.each([
    ["CampaignDiscountCodeCreate", CAMPAIGN_DISCOUNT_CODE_CREATE],
    ["CampaignFreeShippingCodeCreate", CAMPAIGN_FREE_SHIPPING_CODE_CREATE],
    ["CampaignDiscountByCode", CAMPAIGN_DISCOUNT_BY_CODE],
    ["CampaignDiscountDeactivate", CAMPAIGN_DISCOUNT_DEACTIVATE],
    ["CampaignSegmentCreate", CAMPAIGN_SEGMENT_CREATE],
    ["CampaignSegmentsList", CAMPAIGN_SEGMENTS_LIST],
    ["SegmentMetafieldsSet", SEGMENT_METAFIELDS_SET],
    ["SegmentTaggedCustomers", SEGMENT_TAGGED_CUSTOMERS],
  ])("%s is a named #graphql operation valid against Admin 2026-07", (name, document) => {
    expect(document.startsWith("#graphql")).toBe(true);
    expect(operation(document).name?.value).toBe(name);
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });

  it("aliased tagsAdd / tagsRemove batches of 1…10 are valid and coerce their variables", () => {
    for (const kind of ["tagsAdd", "tagsRemove"] as const) {
      for (let n = 1; n <= MAX_TAG_BATCH; n++) {
        const doc = tagsBatchMutation(kind, n);
        expect(validate(schema, parse(doc)).map((e) => e.message)).toEqual([]);
        const items = Array.from({ length: n }, (_, i) => ({ id: `gid://shopify/Customer/${i + 1}`, tags: ["retain:rfm:champions"] }));
        expect(variableErrors(doc, tagsBatchVariables(items))).toEqual([]);
      }
    }
    expect(() => tagsBatchMutation("tagsAdd", MAX_TAG_BATCH + 1)).toThrow(RangeError);
  });

  it("percent, fixed-amount and free-shipping discounts coerce for customer and segment contexts (DiscountContextInput is @oneOf)", () => {
    const values = [{ kind: "PERCENT", percent: 15 }, { kind: "FIXED_AMOUNT", amount: "5.00" }, { kind: "FREE_SHIPPING" }] as const;
    const contexts = [{ customers: ["gid://shopify/Customer/1", "gid://shopify/Customer/2"] }, { segments: ["gid://shopify/Segment/9"] }];
    for (const value of values) {
      for (const context of contexts) {
        for (const usageLimit of [1, null]) {
          const built = buildCampaignDiscountVariables({ ...base, value, context, usageLimit });
          expect(variableErrors(built.document, built.variables)).toEqual([]);
          const input = Object.values(built.variables)[0] as Record<string, unknown>;
          expect(Object.keys(input.context as object)).toHaveLength(1);
          expect(input.appliesOncePerCustomer).toBe(true);
          expect("usageLimit" in input).toBe(usageLimit !== null);
        }
      }
    }
    const percent = buildCampaignDiscountVariables({ ...base, value: { kind: "PERCENT", percent: 15 }, context: contexts[0], usageLimit: 1 });
    expect((percent.variables.basicCodeDiscount as { customerGets: { value: unknown } }).customerGets.value).toEqual({ percentage: 0.15 });
  });

  it("the same variable check rejects a wrong field (the check can fail)", () => {
    const built = buildCampaignDiscountVariables({ ...base, value: { kind: "PERCENT", percent: 15 }, context: { customers: ["gid://shopify/Customer/1"] }, usageLimit: 1 });
    const input = built.variables.basicCodeDiscount as Record<string, unknown>;
    const both = { ...input, context: { customers: { add: ["gid://shopify/Customer/1"] }, customerSegments: { add: ["gid://shopify/Segment/1"] } } };
    expect(variableErrors(built.document, { basicCodeDiscount: both }).length).toBeGreaterThan(0);
    expect(variableErrors(built.document, { basicCodeDiscount: { ...input, customers: ["x"] } }).length).toBeGreaterThan(0);
  });

  it("segment-sync metafields coerce as MetafieldsSetInput in the $app:retain namespace", () => {
    const facts = { customerShopifyId: "42", rfmGroup: "AT_RISK", predictedClvMinor: 12_000, churnRisk: "HIGH", loyaltyTier: "Gold Plus" };
    const thresholds = { high: 10_000, medium: 5_000 };
    const fields = metafieldsFor(facts, thresholds);
    expect(fields.map((f) => [f.key, f.value])).toEqual([
      ["rfm_group", "at-risk"],
      ["clv_tier", "high"],
      ["churn_risk", "high"],
    ]);
    expect(variableErrors(SEGMENT_METAFIELDS_SET, { metafields: fields })).toEqual([]);
    expect(desiredTags(facts, thresholds)).toEqual(["retain:rfm:at-risk", "retain:clv:high", "retain:churn:high", "retain:tier:gold-plus"]);
  });
});
