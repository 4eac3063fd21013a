// Cancelling: the status flips first (so a running launch stops at its next batch),
// then every code the campaign created is deactivated in Shopify and its segment tag
// removed from the treated customers. Re-running finishes a partial cancel.
import type { PrismaClient } from "@prisma/client";
import { CampaignServiceError } from "./errors.server";
import { applyTags, campaignTag, deactivateDiscount, type ShopifyDeps } from "./shopify.server";

const CANCELLABLE = ["DRAFT", "LAUNCHING", "RUNNING"];

export async function requestCancel(db: PrismaClient, shop: string, id: string, actor: string, now: Date): Promise<void> {
  const res = await db.campaign.updateMany({ where: { id, shop, status: { in: CANCELLABLE } }, data: { status: "CANCELLED", cancelledAt: now } });
  if (res.count === 0) throw new CampaignServiceError("invalid_state", `campaign ${id} is not running`);
  await db.auditLog.create({ data: { shop, actor, action: "campaign.cancel", subject: id } });
}

export interface CancelResult {
  disabledCodes: number;
  untagged: number;
}

/** Disables the codes of a CANCELLED (or ENDED) campaign; idempotent. */
export async function disableCampaignDelivery(db: PrismaClient, campaignId: string, deps: ShopifyDeps = {}): Promise<CancelResult> {
  const campaign = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!campaign) throw new CampaignServiceError("not_found", `campaign ${campaignId} does not exist`);
  if (campaign.status !== "CANCELLED" && campaign.status !== "ENDED") {
    throw new CampaignServiceError("invalid_state", `campaign ${campaignId} is ${campaign.status}, not cancelled`);
  }
  const codes = await db.campaignCode.findMany({ where: { campaignId, status: { in: ["CREATED", "PENDING"] } } });
  let disabled = 0;
  for (const code of codes) {
    if (code.discountId) {
      await deactivateDiscount(deps, campaign.shop, code.discountId);
      disabled++;
    }
    await db.campaignCode.update({ where: { id: code.id }, data: { status: "DISABLED" } });
  }
  let untagged = 0;
  if (campaign.deliveryMode === "SEGMENT") {
    const treated = await db.campaignAssignment.findMany({ where: { campaignId, group: "TREATMENT" }, select: { customerShopifyId: true }, orderBy: { customerShopifyId: "asc" } });
    const tag = campaignTag(campaign.id);
    await applyTags(deps, campaign.shop, "tagsRemove", treated.map((t) => ({ customerShopifyId: t.customerShopifyId, tags: [tag] })));
    untagged = treated.length;
  }
  return { disabledCodes: disabled, untagged };
}
