// Attribution and results: every order in the window of every assigned customer
// (the incremental view compares ALL orders of treatment vs control, not only code
// redemptions), per-customer outcomes → domain statistics → verdict.
import type { Campaign, Order, PrismaClient } from "@prisma/client";
import {
  computeCampaignResults,
  judgeCampaign,
  murmur3String,
  renderVerdictMessage,
  type CampaignResults,
  type CustomerOutcome,
  type Verdict,
} from "~/domain/campaigns";
import { resolvePointValue } from "~/domain/loyalty";
import { getActiveProgram } from "~/services/loyalty/program.server";
import { minorToDecimal } from "~/services/loyalty/redeem.server";
import { bonusPointsFor } from "./bonus.server";
import { getCampaign, offerOf, progressOf } from "./campaigns.server";

const DAY = 86_400_000;
const PAGE = 500;

export interface SeriesPoint {
  date: string;
  treatment: number;
  control: number;
}

export interface CampaignReport {
  campaign: {
    id: string;
    name: string;
    status: string;
    startsAt: string;
    endsAt: string;
    controlShare: number;
    deliveryMode: string | null;
    rewardKind: string;
    codes: string[];
  };
  currency: string;
  /** Orders that used one of the campaign's codes (treatment only by construction). */
  redemptions: number;
  /** Orders in the window by group (all orders, the incremental view). */
  orders: { treatment: number; control: number };
  results: CampaignResults;
  verdict: Verdict;
  verdictText: string;
  /** Cumulative revenue per customer by group, one point per day (minor units). */
  series: SeriesPoint[];
  measuredUntil: string;
}

interface CodeUse {
  code?: string;
  amountMinor?: number | null;
}

/** Outcomes per assigned customer plus the per-day revenue needed for the chart. */
export async function collectOutcomes(db: PrismaClient, campaign: Campaign, now: Date) {
  const offer = offerOf(campaign);
  const assignments = await db.campaignAssignment.findMany({ where: { campaignId: campaign.id }, select: { customerShopifyId: true, group: true } });
  const groupOf = new Map(assignments.map((a) => [a.customerShopifyId, a.group === "CONTROL" ? ("control" as const) : ("treatment" as const)]));
  const codes = new Set((await db.campaignCode.findMany({ where: { campaignId: campaign.id }, select: { code: true } })).map((c) => c.code.toLowerCase()));
  const until = new Date(Math.min(now.getTime(), campaign.endsAt.getTime()));
  const ids = [...groupOf.keys()];
  const orders: Order[] = [];
  for (let i = 0; i < ids.length; i += PAGE) {
    orders.push(
      ...(await db.order.findMany({
        where: { shop: campaign.shop, customerShopifyId: { in: ids.slice(i, i + PAGE) }, processedAt: { gte: campaign.startsAt, lt: until }, test: false, cancelledAt: null },
      })),
    );
  }
  let pointValueMinor = 0;
  let settings: Awaited<ReturnType<typeof getActiveProgram>>["settings"] | null = null;
  if (offer.reward.kind === "BONUS_POINTS") {
    const program = await getActiveProgram(db, campaign.shop);
    settings = program.settings;
    pointValueMinor = resolvePointValue(program.settings).pointValueMinor ?? 0;
  }
  const tiers =
    offer.reward.kind === "BONUS_POINTS" && offer.reward.multiplier !== undefined
      ? new Map((await db.loyaltyAccount.findMany({ where: { shop: campaign.shop }, select: { customerShopifyId: true, tier: true } })).map((a) => [a.customerShopifyId, a.tier]))
      : new Map<string, string | null>();

  const outcome = new Map<string, CustomerOutcome>();
  for (const [customerId, group] of groupOf) outcome.set(customerId, { customerId, group, converted: false, revenueMinor: 0, discountMinor: 0 });
  let redemptions = 0;
  const orderCounts = { treatment: 0, control: 0 };
  const daily: Array<{ day: number; group: "treatment" | "control"; revenue: number }> = [];
  for (const order of orders) {
    const o = outcome.get(order.customerShopifyId!)!;
    // Paid after discounts, without shipping and tax; refunds count against it.
    const revenue = order.subtotalMinor - order.refundedMinor;
    o.converted = true;
    o.revenueMinor += revenue;
    orderCounts[o.group]++;
    const uses = (Array.isArray(order.discountCodes) ? order.discountCodes : []) as CodeUse[];
    const used = uses.filter((u) => typeof u?.code === "string" && codes.has(u.code.toLowerCase()));
    if (used.length > 0) {
      redemptions++;
      o.discountMinor += used.reduce((s, u) => s + (u.amountMinor ?? 0), 0) || (used.length === uses.length ? order.discountsMinor : 0);
    }
    if (settings && o.group === "treatment" && order.subtotalMinor >= offer.minimumOrderMinor) {
      o.discountMinor += bonusPointsFor(offer.reward, settings, order, tiers.get(order.customerShopifyId!) ?? null) * pointValueMinor;
    }
    daily.push({ day: Math.floor((order.processedAt.getTime() - campaign.startsAt.getTime()) / DAY), group: o.group, revenue });
  }
  return { outcomes: [...outcome.values()], redemptions, orderCounts, daily, until };
}

function buildSeries(campaign: Campaign, until: Date, daily: Array<{ day: number; group: "treatment" | "control"; revenue: number }>, nT: number, nC: number): SeriesPoint[] {
  const days = Math.max(1, Math.ceil((until.getTime() - campaign.startsAt.getTime()) / DAY));
  const t = new Array<number>(days).fill(0);
  const c = new Array<number>(days).fill(0);
  for (const d of daily) (d.group === "treatment" ? t : c)[Math.min(days - 1, Math.max(0, d.day))] += d.revenue;
  const series: SeriesPoint[] = [];
  let cumT = 0;
  let cumC = 0;
  for (let i = 0; i < days; i++) {
    cumT += t[i];
    cumC += c[i];
    series.push({
      date: new Date(campaign.startsAt.getTime() + (i + 1) * DAY).toISOString().slice(0, 10),
      treatment: nT > 0 ? Math.round(cumT / nT) : 0,
      control: nC > 0 ? Math.round(cumC / nC) : 0,
    });
  }
  return series;
}

export async function getCampaignReport(db: PrismaClient, shop: string, id: string, now: Date): Promise<CampaignReport> {
  const campaign = await getCampaign(db, shop, id);
  return buildCampaignReport(db, campaign, now);
}

export async function buildCampaignReport(db: PrismaClient, campaign: Campaign, now: Date): Promise<CampaignReport> {
  const shopRow = await db.shop.findUnique({ where: { shop: campaign.shop }, select: { currencyCode: true } });
  const currency = shopRow?.currencyCode ?? "USD";
  const { outcomes, redemptions, orderCounts, daily, until } = await collectOutcomes(db, campaign, now);
  const results = computeCampaignResults(outcomes, {
    grossMarginRate: progressOf(campaign).grossMarginRate,
    // Seeded by the campaign so the report is identical on every load.
    resamplingSeed: murmur3String(campaign.seed, 0x2f1b3c5d) % 2_000_000_000,
  });
  // A cancelled campaign is judged as of the cancellation.
  const judgedAt = campaign.cancelledAt && campaign.cancelledAt < now ? campaign.cancelledAt : now;
  const endsAt = campaign.cancelledAt && campaign.cancelledAt < campaign.endsAt ? new Date(Math.max(campaign.cancelledAt.getTime(), campaign.startsAt.getTime() + 1)) : campaign.endsAt;
  const verdict = judgeCampaign({ results, startsAt: campaign.startsAt, endsAt, now: judgedAt });
  const verdictText = renderVerdictMessage(verdict, (minor) => formatMoneyText(minor, currency));
  const codes = (await db.campaignCode.findMany({ where: { campaignId: campaign.id, customerShopifyId: null }, select: { code: true } })).map((c) => c.code);
  return {
    campaign: {
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      startsAt: campaign.startsAt.toISOString(),
      endsAt: campaign.endsAt.toISOString(),
      controlShare: campaign.controlShare,
      deliveryMode: campaign.deliveryMode,
      rewardKind: offerOf(campaign).reward.kind,
      codes,
    },
    currency,
    redemptions,
    orders: orderCounts,
    results,
    verdict,
    verdictText,
    series: buildSeries(campaign, until, daily, results.treatment.n, results.control.n),
    measuredUntil: until.toISOString(),
  };
}

function formatMoneyText(minor: number, currency: string): string {
  const rounded = Math.round(minor);
  return `${rounded < 0 ? "−" : ""}${minorToDecimal(Math.abs(rounded), currency)} ${currency}`;
}
