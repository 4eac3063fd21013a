// Launch: freeze the audience and its seeded assignment in one transaction, then
// deliver the offer to the treatment group only. Every step is resumable: progress
// is persisted per batch and every Shopify write is keyed, so a crashed or throttled
// job re-run continues where it stopped without duplicating codes or tags.
import type { Campaign, PrismaClient } from "@prisma/client";
import { assignAudience, murmur3String, parseAudienceDefinition, type Offer } from "~/domain/campaigns";
import type { CampaignDiscountSpec, CampaignDiscountValue } from "~/graphql/campaigns";
import { minorToDecimal } from "~/services/loyalty/redeem.server";
import { selectAudienceIds } from "./audience.server";
import { chooseDeliveryMode, offerOf, progressOf, type CampaignProgress, type DeliveryMode } from "./campaigns.server";
import { CampaignServiceError } from "./errors.server";
import { disableCampaignDelivery } from "./cancel.server";
import { applyTags, campaignTag, customerGid, ensureCampaignCode, ensureSegment, type ShopifyDeps } from "./shopify.server";

const ASSIGN_CHUNK = 500;
const CODE_BATCH = 25;
const TAG_BATCH = 50;

export interface LaunchDeps extends ShopifyDeps {
  now?: Date;
}

export { campaignTag };

export function campaignSegmentName(campaign: Pick<Campaign, "id" | "name">): string {
  return `Retain campaign ${campaign.id}: ${campaign.name}`.slice(0, 255);
}

function base36(hash: number): string {
  return hash.toString(36).toUpperCase().padStart(7, "0");
}

/** Shared code of a campaign: stable per campaign, so a retry recreates the same one. */
export function sharedCode(campaign: Pick<Campaign, "id" | "seed">): string {
  return `RTC-${base36(murmur3String(`${campaign.id}|${campaign.seed}`, 0x9747b28c))}`;
}

/** Per-customer code: stable per (campaign, customer). */
export function customerCode(campaign: Pick<Campaign, "id" | "seed">, customerShopifyId: string): string {
  const c = base36(murmur3String(`${campaign.id}|${campaign.seed}`, 0x9747b28c));
  const k = base36(murmur3String(`${campaign.id}|${customerShopifyId}`, 0x1b873593));
  return `RT-${c}-${k}`;
}

function discountValue(offer: Offer, currency: string): CampaignDiscountValue {
  const r = offer.reward;
  if (r.kind === "PERCENT") return { kind: "PERCENT", percent: r.percent };
  if (r.kind === "FIXED_AMOUNT") return { kind: "FIXED_AMOUNT", amount: minorToDecimal(r.amountMinor, currency) };
  if (r.kind === "FREE_SHIPPING") return { kind: "FREE_SHIPPING" };
  throw new CampaignServiceError("invalid_state", "bonus-point offers have no discount code");
}

function discountSpec(campaign: Campaign, offer: Offer, currency: string, code: string, context: CampaignDiscountSpec["context"], usageLimit: number | null): CampaignDiscountSpec {
  return {
    title: `${campaign.name} (Retain campaign)`.slice(0, 255),
    code,
    value: discountValue(offer, currency),
    context,
    minimumSubtotal: offer.minimumOrderMinor > 0 ? minorToDecimal(offer.minimumOrderMinor, currency) : null,
    startsAt: offer.startsAt,
    endsAt: offer.endsAt,
    usageLimit,
  };
}

async function saveProgress(db: PrismaClient, id: string, progress: CampaignProgress, extra: Partial<Pick<Campaign, "status" | "deliveryMode" | "discountId" | "launchedAt">> = {}) {
  await db.campaign.update({ where: { id }, data: { progress: progress as object, ...extra } });
}

/** Marks a draft LAUNCHING; the `campaigns.launch` job does the work. */
export async function requestLaunch(db: PrismaClient, shop: string, id: string, actor: string): Promise<void> {
  const res = await db.campaign.updateMany({ where: { id, shop, status: "DRAFT" }, data: { status: "LAUNCHING" } });
  if (res.count === 0) throw new CampaignServiceError("invalid_state", `campaign ${id} is not a draft`);
  await db.auditLog.create({ data: { shop, actor, action: "campaign.launch", subject: id } });
}

/**
 * Step 1: the audience at this instant, split by the seeded hash, stored once. All rows
 * are written in one transaction, so a crash leaves either every assignment or none.
 */
export async function freezeAssignments(db: PrismaClient, campaign: Campaign, progress: CampaignProgress, now: Date): Promise<CampaignProgress> {
  const existing = await db.campaignAssignment.count({ where: { campaignId: campaign.id } });
  if (existing > 0) return progress;
  const ids = await selectAudienceIds(db, campaign.shop, parseAudienceDefinition(campaign.audience), now);
  if (ids.length === 0) throw new CampaignServiceError("audience_empty", "no customer matches the audience");
  const split = assignAudience(campaign.seed, ids, campaign.controlShare);
  const rows = [
    ...split.treatment.map((customerShopifyId) => ({ campaignId: campaign.id, shop: campaign.shop, customerShopifyId, group: "TREATMENT", assignedAt: now })),
    ...split.control.map((customerShopifyId) => ({ campaignId: campaign.id, shop: campaign.shop, customerShopifyId, group: "CONTROL", assignedAt: now })),
  ];
  const next: CampaignProgress = { ...progress, phase: "deliver", audienceSize: ids.length, treated: split.treatment.length, control: split.control.length };
  await db.$transaction(
    async (tx) => {
      for (let i = 0; i < rows.length; i += ASSIGN_CHUNK) await tx.campaignAssignment.createMany({ data: rows.slice(i, i + ASSIGN_CHUNK) });
      await tx.campaign.update({ where: { id: campaign.id }, data: { progress: next as object } });
    },
    { timeout: 120_000 },
  );
  return next;
}

async function treatedIds(db: PrismaClient, campaignId: string): Promise<string[]> {
  const rows = await db.campaignAssignment.findMany({
    where: { campaignId, group: "TREATMENT" },
    orderBy: { customerShopifyId: "asc" },
    select: { customerShopifyId: true },
  });
  return rows.map((r) => r.customerShopifyId);
}

async function stillLaunching(db: PrismaClient, id: string): Promise<boolean> {
  const row = await db.campaign.findUnique({ where: { id }, select: { status: true } });
  return row?.status === "LAUNCHING";
}

export interface LaunchResult {
  status: string;
  deliveryMode: DeliveryMode | null;
  treated: number;
  control: number;
  codes: number;
}

/**
 * Runs (or resumes) the launch of a LAUNCHING campaign. Safe to call again after any
 * failure; a RUNNING campaign is left as it is.
 */
export async function runLaunch(db: PrismaClient, campaignId: string, deps: LaunchDeps = {}): Promise<LaunchResult> {
  const now = deps.now ?? new Date();
  let campaign = await db.campaign.findUnique({ where: { id: campaignId } });
  if (!campaign) throw new CampaignServiceError("not_found", `campaign ${campaignId} does not exist`);
  const summary = async (status: string): Promise<LaunchResult> => {
    const p = progressOf((await db.campaign.findUniqueOrThrow({ where: { id: campaignId } })) as Campaign);
    const codes = await db.campaignCode.count({ where: { campaignId, status: { in: ["CREATED", "DISABLED"] } } });
    return { status, deliveryMode: (campaign!.deliveryMode as DeliveryMode | null) ?? null, treated: p.treated ?? 0, control: p.control ?? 0, codes };
  };
  if (campaign.status !== "LAUNCHING") return summary(campaign.status);
  // A cancel can land while we deliver; whatever we created after its job ran is disabled here.
  const stopCancelled = async () => {
    await disableCampaignDelivery(db, campaignId, deps);
    return summary("CANCELLED");
  };

  const offer = offerOf(campaign);
  const shopRow = await db.shop.findUnique({ where: { shop: campaign.shop }, select: { currencyCode: true } });
  const currency = shopRow?.currencyCode ?? "USD";
  let progress = progressOf(campaign);
  try {
    progress = await freezeAssignments(db, campaign, progress, now);
  } catch (err) {
    if (err instanceof CampaignServiceError && err.reason === "audience_empty") {
      await saveProgress(db, campaign.id, { ...progress, error: err.message }, { status: "FAILED" });
      return summary("FAILED");
    }
    throw err;
  }
  const treated = await treatedIds(db, campaign.id);
  let mode: DeliveryMode | null;
  try {
    mode = chooseDeliveryMode((campaign.deliveryMode as DeliveryMode | null) ?? null, treated.length, offer.reward.kind);
  } catch (err) {
    if (!(err instanceof CampaignServiceError)) throw err;
    await saveProgress(db, campaign.id, { ...progress, error: err.message }, { status: "FAILED" });
    return summary("FAILED");
  }
  if (mode !== campaign.deliveryMode) {
    campaign = await db.campaign.update({ where: { id: campaign.id }, data: { deliveryMode: mode } });
  }

  let discountId: string | null = campaign.discountId;
  if (mode === "AUDIENCE_CODE") {
    const spec = discountSpec(campaign, offer, currency, sharedCode(campaign), { customers: treated.map(customerGid) }, null);
    discountId = await ensureCampaignCode(db, deps, campaign, null, spec);
    progress = { ...progress, codesCreated: 1 };
  } else if (mode === "UNIQUE_CODES") {
    const done = new Set(
      (await db.campaignCode.findMany({ where: { campaignId: campaign.id, status: "CREATED" }, select: { customerShopifyId: true } })).map((c) => c.customerShopifyId),
    );
    const todo = treated.filter((id) => !done.has(id));
    for (let i = 0; i < todo.length; i += CODE_BATCH) {
      if (!(await stillLaunching(db, campaign.id))) return stopCancelled();
      for (const id of todo.slice(i, i + CODE_BATCH)) {
        await ensureCampaignCode(db, deps, campaign, id, discountSpec(campaign, offer, currency, customerCode(campaign, id), { customers: [customerGid(id)] }, 1));
      }
      progress = { ...progress, codesCreated: done.size + Math.min(todo.length, i + CODE_BATCH) };
      await saveProgress(db, campaign.id, progress);
    }
  } else if (mode === "SEGMENT") {
    const tag = campaignTag(campaign.id);
    for (let i = progress.tagged ?? 0; i < treated.length; i += TAG_BATCH) {
      if (!(await stillLaunching(db, campaign.id))) return stopCancelled();
      await applyTags(deps, campaign.shop, "tagsAdd", treated.slice(i, i + TAG_BATCH).map((customerShopifyId) => ({ customerShopifyId, tags: [tag] })));
      progress = { ...progress, tagged: Math.min(treated.length, i + TAG_BATCH) };
      await saveProgress(db, campaign.id, progress);
    }
    if (!progress.segmentId) {
      const segmentId = await ensureSegment(deps, campaign.shop, campaignSegmentName(campaign), `customer_tags CONTAINS '${tag}'`);
      progress = { ...progress, segmentId };
      await saveProgress(db, campaign.id, progress);
    }
    const spec = discountSpec(campaign, offer, currency, sharedCode(campaign), { segments: [progress.segmentId!] }, null);
    discountId = await ensureCampaignCode(db, deps, campaign, null, spec);
    progress = { ...progress, codesCreated: 1 };
  }
  // A cancel that landed during delivery wins: the cancel job disables what exists.
  const res = await db.campaign.updateMany({
    where: { id: campaign.id, status: "LAUNCHING" },
    data: { status: "RUNNING", launchedAt: now, discountId, progress: { ...progress, phase: "done" } as object },
  });
  if (res.count === 0) {
    const status = (await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status;
    return status === "CANCELLED" ? stopCancelled() : summary(status);
  }
  await db.auditLog.create({ data: { shop: campaign.shop, actor: "system", action: "campaign.running", subject: campaign.id, details: { mode, treated: treated.length } } });
  return summary("RUNNING");
}
