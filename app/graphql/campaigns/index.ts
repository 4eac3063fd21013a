// Admin GraphQL documents for campaign delivery and segment sync (API 2026-07).
// Every document is validated against the vendored schema in
// tests/integration/campaigns/graphql-documents.test.ts.

export const CAMPAIGN_DISCOUNT_CODE_CREATE = `#graphql
mutation CampaignDiscountCodeCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}`;

export const CAMPAIGN_FREE_SHIPPING_CODE_CREATE = `#graphql
mutation CampaignFreeShippingCodeCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}`;

// Recovery after a crash between Shopify creating a code and us recording it.
export const CAMPAIGN_DISCOUNT_BY_CODE = `#graphql
query CampaignDiscountByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}`;

export const CAMPAIGN_DISCOUNT_DEACTIVATE = `#graphql
mutation CampaignDiscountDeactivate($id: ID!) {
  discountCodeDeactivate(id: $id) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}`;

export const CAMPAIGN_SEGMENT_CREATE = `#graphql
mutation CampaignSegmentCreate($name: String!, $query: String!) {
  segmentCreate(name: $name, query: $query) {
    segment { id name }
    userErrors { field message }
  }
}`;

// Segment names are unique per shop: a retried create finds its own segment here.
export const CAMPAIGN_SEGMENTS_LIST = `#graphql
query CampaignSegmentsList($after: String) {
  segments(first: 250, after: $after) {
    nodes { id name }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const SEGMENT_METAFIELDS_SET = `#graphql
mutation SegmentMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id }
    userErrors { field message code }
  }
}`;

// Customers carrying any of the app's tags; always read from the first page because
// removing the tags takes a customer out of the result (the query itself is the cursor).
export const SEGMENT_TAGGED_CUSTOMERS = `#graphql
query SegmentTaggedCustomers($query: String!) {
  customers(first: 100, query: $query) {
    nodes { id tags }
  }
}`;

/** Shopify has no multi-resource tags mutation, so N tagsAdd/tagsRemove calls share one request through aliases. */
export const MAX_TAG_BATCH = 10;

function tagsBatchDocument(kind: "tagsAdd" | "tagsRemove", size: number): string {
  if (!Number.isInteger(size) || size < 1 || size > MAX_TAG_BATCH) {
    throw new RangeError(`tag batch size must be an integer in [1, ${MAX_TAG_BATCH}], got ${size}`);
  }
  const name = kind === "tagsAdd" ? "RetainTagsAddBatch" : "RetainTagsRemoveBatch";
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < size; i++) {
    vars.push(`$id${i}: ID!, $tags${i}: [String!]!`);
    fields.push(`  t${i}: ${kind}(id: $id${i}, tags: $tags${i}) { node { id } userErrors { field message } }`);
  }
  return `#graphql\nmutation ${name}${size}(${vars.join(", ")}) {\n${fields.join("\n")}\n}`;
}

const tagDocs = new Map<string, string>();

/** The aliased document for `size` customers (cached: the API client learns costs per document string). */
export function tagsBatchMutation(kind: "tagsAdd" | "tagsRemove", size: number): string {
  const key = `${kind}:${size}`;
  let doc = tagDocs.get(key);
  if (!doc) tagDocs.set(key, (doc = tagsBatchDocument(kind, size)));
  return doc;
}

export function tagsBatchVariables(items: ReadonlyArray<{ id: string; tags: string[] }>): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  items.forEach((item, i) => {
    vars[`id${i}`] = item.id;
    vars[`tags${i}`] = item.tags;
  });
  return vars;
}

export type CampaignDiscountValue =
  | { kind: "PERCENT"; percent: number }
  | { kind: "FIXED_AMOUNT"; amount: string }
  | { kind: "FREE_SHIPPING" };

export type CampaignDiscountContext = { customers: string[] } | { segments: string[] };

export interface CampaignDiscountSpec {
  title: string;
  code: string;
  value: CampaignDiscountValue;
  context: CampaignDiscountContext;
  /** Decimal string in shop currency, or null for no minimum. */
  minimumSubtotal: string | null;
  startsAt: Date;
  endsAt: Date;
  /** 1 for per-customer codes; null for a shared code (still once per customer). */
  usageLimit: number | null;
}

/** Context input: `DiscountContextInput` is @oneOf, so exactly one of customers / customerSegments. */
function contextInput(context: CampaignDiscountContext) {
  return "customers" in context ? { customers: { add: context.customers } } : { customerSegments: { add: context.segments } };
}

export function buildCampaignDiscountVariables(spec: CampaignDiscountSpec): { document: string; variables: Record<string, unknown> } {
  const common = {
    title: spec.title,
    code: spec.code,
    startsAt: spec.startsAt.toISOString(),
    endsAt: spec.endsAt.toISOString(),
    appliesOncePerCustomer: true,
    ...(spec.usageLimit !== null ? { usageLimit: spec.usageLimit } : {}),
    context: contextInput(spec.context),
    ...(spec.minimumSubtotal ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: spec.minimumSubtotal } } } : {}),
  };
  if (spec.value.kind === "FREE_SHIPPING") {
    return {
      document: CAMPAIGN_FREE_SHIPPING_CODE_CREATE,
      variables: {
        freeShippingCodeDiscount: {
          ...common,
          destination: { all: true },
          combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
        },
      },
    };
  }
  const value =
    spec.value.kind === "PERCENT"
      ? { percentage: spec.value.percent / 100 }
      : { discountAmount: { amount: spec.value.amount, appliesOnEachItem: false } };
  return {
    document: CAMPAIGN_DISCOUNT_CODE_CREATE,
    variables: {
      basicCodeDiscount: {
        ...common,
        customerGets: { value, items: { all: true } },
        combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
      },
    },
  };
}

export interface MetafieldInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}
