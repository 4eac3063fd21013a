// BONUS_POINTS offers: during the window, each qualifying order of a TREATED customer
// earns the bonus through loyalty. Control customers are never looked at. The order id
// is the ledger key, so running this again never pays twice.
import type { Order, PrismaClient } from "@prisma/client";
import { buildEarnSnapshot, type ProgramSettings } from "~/domain/loyalty";
import { awardCampaignBonus } from "~/services/loyalty/customer.server";
import { orderAmountsOf } from "~/services/loyalty/orders.server";
import { getActiveProgram } from "~/services/loyalty/program.server";
import { offerOf } from "./campaigns.server";

type Reward = ReturnType<typeof offerOf>["reward"];

/** Bonus points for one order: the fixed bonus, or (multiplier − 1) × what the order earns. */
export function bonusPointsFor(reward: Reward, settings: ProgramSettings, order: Pick<Order, "currency" | "subtotalMinor" | "giftCardMinor" | "shippingMinor" | "taxMinor">, tier: string | null): number {
  if (reward.kind !== "BONUS_POINTS") return 0;
  if (reward.points !== undefined) return reward.points;
  if (order.currency !== settings.currency) return 0;
  const knownTier = tier && settings.tiers.levels.some((t) => t.id === tier) ? tier : null;
  const base = buildEarnSnapshot(settings, orderAmountsOf(order), knownTier).points;
  return Math.round(((reward.multiplier ?? 1) - 1) * base);
}

const PAGE = 500;

/** Orders in [startsAt, min(now, endsAt)) of the campaign's treated customers that reach the minimum. */
export async function qualifyingTreatedOrders(db: PrismaClient, campaignId: string, now: Date) {
  const campaign = await db.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  const offer = offerOf(campaign);
  const treated = (await db.campaignAssignment.findMany({ where: { campaignId, group: "TREATMENT" }, select: { customerShopifyId: true } })).map((a) => a.customerShopifyId);
  const until = new Date(Math.min(now.getTime(), campaign.endsAt.getTime()));
  const orders: Order[] = [];
  for (let i = 0; i < treated.length; i += PAGE) {
    orders.push(
      ...(await db.order.findMany({
        where: {
          shop: campaign.shop,
          customerShopifyId: { in: treated.slice(i, i + PAGE) },
          processedAt: { gte: campaign.startsAt, lt: until },
          test: false,
          cancelledAt: null,
          subtotalMinor: { gte: offer.minimumOrderMinor },
        },
      })),
    );
  }
  return { campaign, offer, orders };
}

export async function awardCampaignBonuses(db: PrismaClient, campaignId: string, now: Date): Promise<{ awarded: number; orders: number }> {
  const { campaign, offer, orders } = await qualifyingTreatedOrders(db, campaignId, now);
  if (offer.reward.kind !== "BONUS_POINTS" || (campaign.status !== "RUNNING" && campaign.status !== "ENDED")) return { awarded: 0, orders: 0 };
  const program = await getActiveProgram(db, campaign.shop);
  if (!program.enabled) return { awarded: 0, orders: orders.length };
  const tiers = new Map(
    (await db.loyaltyAccount.findMany({ where: { shop: campaign.shop, customerShopifyId: { in: [...new Set(orders.map((o) => o.customerShopifyId!))] } }, select: { customerShopifyId: true, tier: true } })).map(
      (a) => [a.customerShopifyId, a.tier],
    ),
  );
  let awarded = 0;
  for (const order of orders) {
    const points = bonusPointsFor(offer.reward, program.settings, order, tiers.get(order.customerShopifyId!) ?? null);
    if (points <= 0) continue;
    const res = await awardCampaignBonus(db, campaign.shop, order.customerShopifyId!, points, campaign.id, `order:${order.shopifyId}`, now);
    if (res.awarded) awarded++;
  }
  return { awarded, orders: orders.length };
}
