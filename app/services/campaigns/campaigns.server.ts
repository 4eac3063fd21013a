// Campaign records: creation from the wizard, listing, cost estimate, cancel.
import { randomUUID } from "node:crypto";
import type { Campaign, PrismaClient } from "@prisma/client";
import { z } from "zod";
import {
  CampaignError,
  DEFAULT_CONTROL_SHARE,
  DEFAULT_GROSS_MARGIN_RATE,
  estimateOfferCost,
  formatZodIssues,
  parseAudienceDefinition,
  parseOffer,
  type AudienceDefinition,
  type Offer,
} from "~/domain/campaigns";
import { resolvePointValue } from "~/domain/loyalty";
import { getActiveProgram } from "~/services/loyalty/program.server";
import { estimateAudience, type AudienceEstimate } from "./audience.server";
import { CampaignServiceError } from "./errors.server";

export const DELIVERY_MODES = ["UNIQUE_CODES", "AUDIENCE_CODE", "SEGMENT"] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export type CampaignStatus = "DRAFT" | "LAUNCHING" | "RUNNING" | "ENDED" | "CANCELLED" | "FAILED";

/** `context.customers.add` takes at most 250 ids per call (Admin API input array limit). */
export const MAX_CONTEXT_CUSTOMERS = 250;
/**
 * One code per customer costs one mutation (10 cost points) each: 2 000 codes take
 * ~200 s of a standard 100 points/s bucket. Beyond that a segment is the only sane route.
 */
export const MAX_UNIQUE_CODES = 2_000;

export const CampaignInputSchema = z
  .object({
    name: z.string().trim().min(1, "give the campaign a name").max(120),
    audience: z.unknown(),
    offer: z.unknown(),
    controlShare: z.number().gt(0.01, "hold out more than 1 %").max(0.5, "hold out at most 50 %").default(DEFAULT_CONTROL_SHARE),
    deliveryMode: z.enum(["AUTO", ...DELIVERY_MODES]).default("AUTO"),
    grossMarginRate: z.number().gt(0).max(1).default(DEFAULT_GROSS_MARGIN_RATE),
    seed: z.string().min(1).max(100).optional(),
  })
  .strict();
export type CampaignInput = z.input<typeof CampaignInputSchema>;

export interface ParsedCampaignInput {
  name: string;
  audience: AudienceDefinition;
  offer: Offer;
  controlShare: number;
  deliveryMode: "AUTO" | DeliveryMode;
  grossMarginRate: number;
  seed?: string;
}

/** Validates the wizard's input; every problem is reported with its field path. */
export function parseCampaignInput(input: unknown): ParsedCampaignInput {
  const parsed = CampaignInputSchema.safeParse(input);
  if (!parsed.success) throw new CampaignServiceError("invalid_input", formatZodIssues(parsed.error.issues));
  const issues: string[] = [];
  let audience: AudienceDefinition | undefined;
  let offer: Offer | undefined;
  try {
    audience = parseAudienceDefinition(parsed.data.audience ?? {});
  } catch (err) {
    if (!(err instanceof CampaignError)) throw err;
    issues.push(...err.issues.map((i) => `audience.${i}`));
  }
  try {
    offer = parseOffer(parsed.data.offer);
  } catch (err) {
    if (!(err instanceof CampaignError)) throw err;
    issues.push(...err.issues.map((i) => `offer.${i}`));
  }
  if (offer && offer.reward.kind === "BONUS_POINTS" && parsed.data.deliveryMode !== "AUTO") {
    issues.push("deliveryMode: bonus-point offers have no discount to deliver");
  }
  if (issues.length > 0 || !audience || !offer) throw new CampaignServiceError("invalid_input", issues);
  return { ...parsed.data, audience, offer };
}

/** Progress JSON of a campaign: launch state plus settings without a column. */
export interface CampaignProgress {
  grossMarginRate: number;
  phase?: "assign" | "deliver" | "done";
  audienceSize?: number;
  treated?: number;
  control?: number;
  tagged?: number;
  codesCreated?: number;
  segmentId?: string;
  error?: string;
}

export function progressOf(campaign: Pick<Campaign, "progress">): CampaignProgress {
  const p = (campaign.progress ?? {}) as Partial<CampaignProgress>;
  return { grossMarginRate: DEFAULT_GROSS_MARGIN_RATE, ...p };
}

export async function createCampaign(db: PrismaClient, shop: string, input: unknown, actor: string): Promise<Campaign> {
  const c = parseCampaignInput(input);
  const campaign = await db.campaign.create({
    data: {
      shop,
      name: c.name,
      status: "DRAFT",
      audience: c.audience as object,
      offer: { ...c.offer, startsAt: c.offer.startsAt.toISOString(), endsAt: c.offer.endsAt.toISOString() },
      controlShare: c.controlShare,
      seed: c.seed ?? randomUUID(),
      deliveryMode: c.deliveryMode === "AUTO" ? null : c.deliveryMode,
      startsAt: c.offer.startsAt,
      endsAt: c.offer.endsAt,
      progress: { grossMarginRate: c.grossMarginRate } satisfies CampaignProgress as object,
      createdBy: actor,
    },
  });
  await db.auditLog.create({ data: { shop, actor, action: "campaign.created", subject: campaign.id, details: { name: c.name } } });
  return campaign;
}

export async function getCampaign(db: PrismaClient, shop: string, id: string): Promise<Campaign> {
  const campaign = await db.campaign.findFirst({ where: { id, shop } });
  if (!campaign) throw new CampaignServiceError("not_found", `campaign ${id} does not exist in ${shop}`);
  return campaign;
}

export interface CampaignListRow {
  id: string;
  name: string;
  status: string;
  rewardKind: string;
  startsAt: string;
  endsAt: string;
  treated: number;
  control: number;
  deliveryMode: string | null;
}

export async function listCampaigns(db: PrismaClient, shop: string): Promise<CampaignListRow[]> {
  const rows = await db.campaign.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: 200 });
  const counts = await db.campaignAssignment.groupBy({
    by: ["campaignId", "group"],
    where: { campaignId: { in: rows.map((r) => r.id) } },
    _count: { _all: true },
  });
  const count = (id: string, group: string) => counts.find((c) => c.campaignId === id && c.group === group)?._count._all ?? 0;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    rewardKind: ((r.offer as { reward?: { kind?: string } })?.reward?.kind ?? "PERCENT") as string,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    treated: count(r.id, "TREATMENT"),
    control: count(r.id, "CONTROL"),
    deliveryMode: r.deliveryMode,
  }));
}

/** Offer as stored (dates as ISO strings) back to the domain type. */
export function offerOf(campaign: Pick<Campaign, "offer">): Offer {
  return parseOffer(campaign.offer);
}

/**
 * Delivery by audience size (docs/decisions/006-campaign-delivery.md): one shared code
 * limited to ≤ 250 listed customers, else a tag-based Shopify segment. Per-customer
 * codes only when asked for, up to MAX_UNIQUE_CODES.
 */
export function chooseDeliveryMode(requested: DeliveryMode | null, treated: number, rewardKind: Offer["reward"]["kind"]): DeliveryMode | null {
  if (rewardKind === "BONUS_POINTS") return null;
  if (requested === "UNIQUE_CODES" && treated > MAX_UNIQUE_CODES) {
    throw new CampaignServiceError("delivery_limit", `UNIQUE_CODES supports at most ${MAX_UNIQUE_CODES} treated customers, got ${treated}`);
  }
  if (requested === "AUDIENCE_CODE" && treated > MAX_CONTEXT_CUSTOMERS) {
    throw new CampaignServiceError("delivery_limit", `AUDIENCE_CODE supports at most ${MAX_CONTEXT_CUSTOMERS} treated customers, got ${treated}`);
  }
  if (requested) return requested;
  return treated <= MAX_CONTEXT_CUSTOMERS ? "AUDIENCE_CODE" : "SEGMENT";
}

export interface CampaignPreview {
  audience: AudienceEstimate;
  expectedTreated: number;
  expectedControl: number;
  /** Expected orders of the treated group in the window at the historical rate. */
  expectedRedemptions: number;
  estimatedCostMinor: number | null;
  costIssue: string | null;
  deliveryMode: DeliveryMode | null;
  deliveryIssue: string | null;
  currency: string;
}

/** Review step: audience size and value, expected cost at the audience's own order rate. */
export async function previewCampaign(db: PrismaClient, shop: string, input: unknown, now: Date): Promise<CampaignPreview> {
  const c = parseCampaignInput(input);
  const audience = await estimateAudience(db, shop, c.audience, now);
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  const currency = shopRow?.currencyCode ?? "USD";
  const expectedControl = Math.round(audience.size * c.controlShare);
  const expectedTreated = audience.size - expectedControl;
  const days = (c.offer.endsAt.getTime() - c.offer.startsAt.getTime()) / 86_400_000;
  const expectedRedemptions = expectedTreated * (audience.ordersPerCustomerPerDay ?? 0) * days;
  let estimatedCostMinor: number | null = null;
  let costIssue: string | null = null;
  try {
    let pointValueMinor: number | undefined;
    let basePointsPerOrder: number | undefined;
    if (c.offer.reward.kind === "BONUS_POINTS") {
      const program = await getActiveProgram(db, shop);
      pointValueMinor = resolvePointValue(program.settings).pointValueMinor ?? undefined;
      const aov = audience.averageOrderMinor ?? 0;
      basePointsPerOrder = (aov / 10 ** currencyDigits(currency)) * program.settings.earn.pointsPerUnit;
    }
    estimatedCostMinor = estimateOfferCost(c.offer, {
      expectedRedemptions,
      averageOrderMinor: audience.averageOrderMinor ?? undefined,
      averageShippingMinor: c.offer.reward.kind === "FREE_SHIPPING" ? await averageShipping(db, shop, now) : undefined,
      pointValueMinor,
      basePointsPerOrder,
      currency,
    }).estimatedCostMinor;
  } catch (err) {
    if (!(err instanceof CampaignError)) throw err;
    costIssue = err.issues.join("; ");
  }
  let deliveryMode: DeliveryMode | null = null;
  let deliveryIssue: string | null = null;
  try {
    deliveryMode = chooseDeliveryMode(c.deliveryMode === "AUTO" ? null : c.deliveryMode, expectedTreated, c.offer.reward.kind);
  } catch (err) {
    if (!(err instanceof CampaignServiceError)) throw err;
    deliveryIssue = err.issues.join("; ");
  }
  return { audience, expectedTreated, expectedControl, expectedRedemptions, estimatedCostMinor, costIssue, deliveryMode, deliveryIssue, currency };
}

function currencyDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

async function averageShipping(db: PrismaClient, shop: string, now: Date): Promise<number | undefined> {
  const agg = await db.order.aggregate({
    where: { shop, processedAt: { gte: new Date(now.getTime() - 365 * 86_400_000), lt: now }, test: false, cancelledAt: null },
    _avg: { shippingMinor: true },
  });
  return agg._avg.shippingMinor ?? undefined;
}
