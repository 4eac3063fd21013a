// Shopify side of campaign delivery: discount codes, customer tags and segments.
// Every write is keyed (code, tag, segment name) so a retried or resumed job finds
// its earlier work instead of repeating it.
import type { PrismaClient } from "@prisma/client";
import {
  CAMPAIGN_DISCOUNT_BY_CODE,
  CAMPAIGN_DISCOUNT_DEACTIVATE,
  CAMPAIGN_SEGMENT_CREATE,
  CAMPAIGN_SEGMENTS_LIST,
  MAX_TAG_BATCH,
  buildCampaignDiscountVariables,
  tagsBatchMutation,
  tagsBatchVariables,
  type CampaignDiscountSpec,
} from "~/graphql/campaigns";
import { adminGraphql as defaultAdminGraphql, AdminUserError, assertNoUserErrors, type UserErrorEntry } from "~/services/admin-api.server";
import { CampaignServiceError } from "./errors.server";

export type AdminGraphqlFn = <T = Record<string, unknown>>(shop: string, document: string, variables?: Record<string, unknown>) => Promise<T>;

export interface ShopifyDeps {
  graphql?: AdminGraphqlFn;
}

export function graphqlOf(deps: ShopifyDeps): AdminGraphqlFn {
  return deps.graphql ?? (defaultAdminGraphql as AdminGraphqlFn);
}

/** The tag that puts a treated customer into the campaign's Shopify segment (not a `retain:` tag). */
export function campaignTag(campaignId: string): string {
  return `retain-campaign-${campaignId}`;
}

export function customerGid(id: string): string {
  return id.startsWith("gid://") ? id : `gid://shopify/Customer/${id}`;
}

interface MutationPayload {
  codeDiscountNode: { id: string } | null;
  userErrors: UserErrorEntry[];
}

function isTaken(errors: UserErrorEntry[]): boolean {
  return errors.some((e) => e.code === "TAKEN" || /unique|taken/i.test(e.message));
}

/**
 * Creates the discount for `spec.code` once. The CampaignCode row is written PENDING
 * before the call and CREATED after it; if a previous attempt died in between,
 * Shopify answers TAKEN and the code's node is looked up instead.
 */
export async function ensureCampaignCode(
  db: PrismaClient,
  deps: ShopifyDeps,
  campaign: { id: string; shop: string },
  customerShopifyId: string | null,
  spec: CampaignDiscountSpec,
): Promise<string> {
  const graphql = graphqlOf(deps);
  const key = { shop_code: { shop: campaign.shop, code: spec.code } };
  const existing = await db.campaignCode.findUnique({ where: key });
  if (existing && existing.campaignId !== campaign.id) {
    throw new CampaignServiceError("invalid_state", `code ${spec.code} belongs to campaign ${existing.campaignId}`);
  }
  if (existing?.status === "CREATED" && existing.discountId) return existing.discountId;
  if (!existing) {
    await db.campaignCode.create({ data: { campaignId: campaign.id, shop: campaign.shop, customerShopifyId, code: spec.code, status: "PENDING" } });
  }
  const { document, variables } = buildCampaignDiscountVariables(spec);
  const data = await graphql<Record<string, MutationPayload>>(campaign.shop, document, variables);
  const payload = Object.values(data)[0];
  let discountId = payload?.codeDiscountNode?.id ?? null;
  if (!discountId) {
    const errors = payload?.userErrors ?? [];
    if (!isTaken(errors)) throw new CampaignServiceError("shopify_rejected", new AdminUserError("discount create", errors).message);
    const found = await graphql<{ codeDiscountNodeByCode: { id: string } | null }>(campaign.shop, CAMPAIGN_DISCOUNT_BY_CODE, { code: spec.code });
    discountId = found.codeDiscountNodeByCode?.id ?? null;
    if (!discountId) throw new CampaignServiceError("shopify_rejected", `code ${spec.code} is taken but cannot be found`);
  }
  await db.campaignCode.update({ where: key, data: { status: "CREATED", discountId } });
  return discountId;
}

/** Adds or removes tags on customers, MAX_TAG_BATCH per request (aliased mutations). */
export async function applyTags(
  deps: ShopifyDeps,
  shop: string,
  kind: "tagsAdd" | "tagsRemove",
  items: ReadonlyArray<{ customerShopifyId: string; tags: string[] }>,
): Promise<void> {
  const graphql = graphqlOf(deps);
  for (let i = 0; i < items.length; i += MAX_TAG_BATCH) {
    const batch = items.slice(i, i + MAX_TAG_BATCH).map((it) => ({ id: customerGid(it.customerShopifyId), tags: it.tags }));
    const data = await graphql<Record<string, { userErrors: UserErrorEntry[] }>>(shop, tagsBatchMutation(kind, batch.length), tagsBatchVariables(batch));
    for (const [alias, payload] of Object.entries(data)) {
      const errors = payload?.userErrors ?? [];
      // A customer deleted since the audience was computed cannot be tagged; nothing to do.
      const real = errors.filter((e) => !/not found/i.test(e.message));
      if (real.length > 0) assertNoUserErrors({ userErrors: real }, `${kind} ${alias}`);
    }
  }
}

/** The segment with this exact name, creating it once. */
export async function ensureSegment(deps: ShopifyDeps, shop: string, name: string, query: string): Promise<string> {
  const graphql = graphqlOf(deps);
  const found = await findSegmentByName(graphql, shop, name);
  if (found) return found;
  const data = await graphql<{ segmentCreate: { segment: { id: string } | null; userErrors: UserErrorEntry[] } }>(shop, CAMPAIGN_SEGMENT_CREATE, { name, query });
  if (data.segmentCreate.segment) return data.segmentCreate.segment.id;
  throw new CampaignServiceError("shopify_rejected", new AdminUserError("segmentCreate", data.segmentCreate.userErrors).message);
}

export async function findSegmentByName(graphql: AdminGraphqlFn, shop: string, name: string): Promise<string | null> {
  let after: string | null = null;
  for (;;) {
    const data: { segments: { nodes: Array<{ id: string; name: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await graphql(
      shop,
      CAMPAIGN_SEGMENTS_LIST,
      { after },
    );
    const hit = data.segments.nodes.find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (hit) return hit.id;
    if (!data.segments.pageInfo.hasNextPage) return null;
    after = data.segments.pageInfo.endCursor;
  }
}

/** Ends a discount now; an already-deleted discount counts as disabled. */
export async function deactivateDiscount(deps: ShopifyDeps, shop: string, discountId: string): Promise<void> {
  const data = await graphqlOf(deps)<{ discountCodeDeactivate: { userErrors: UserErrorEntry[] } }>(shop, CAMPAIGN_DISCOUNT_DEACTIVATE, { id: discountId });
  const errors = data.discountCodeDeactivate.userErrors.filter((e) => !/does not exist/i.test(e.message));
  assertNoUserErrors({ userErrors: errors }, "discountCodeDeactivate");
}
