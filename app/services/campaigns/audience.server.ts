// Audiences are evaluated against the precomputed analytics rows (CustomerMetric)
// and loyalty tiers, never against raw orders: the wizard answers in one query.
import type { PrismaClient } from "@prisma/client";
import { RFM_GROUPS, type RfmGroup } from "~/domain/analytics/rfm";
import {
  parseAudienceDefinition,
  selectAudience,
  summarizeAudience,
  type AudienceDefinition,
  type AudienceSummary,
  type CustomerFacts,
} from "~/domain/campaigns";

const RFM_SET = new Set<string>(RFM_GROUPS);
const PAGE = 5_000;

/** Facts for every customer the analytics engine has scored, in customer-id order. */
export async function loadCustomerFacts(db: PrismaClient, shop: string): Promise<CustomerFacts[]> {
  const tiers = new Map<string, string>();
  for (const a of await db.loyaltyAccount.findMany({ where: { shop, tier: { not: null } }, select: { customerShopifyId: true, tier: true } })) {
    if (a.tier) tiers.set(a.customerShopifyId, a.tier);
  }
  const deleted = new Set(
    (await db.customer.findMany({ where: { shop, OR: [{ deletedAt: { not: null } }, { redactedAt: { not: null } }] }, select: { shopifyId: true } })).map(
      (c) => c.shopifyId,
    ),
  );
  const facts: CustomerFacts[] = [];
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.customerMetric.findMany({
      where: { shop, ...(cursor ? { customerShopifyId: { gt: cursor } } : {}) },
      orderBy: { customerShopifyId: "asc" },
      take: PAGE,
      select: { customerShopifyId: true, rfmGroup: true, predictedClvMinor: true, pAlive: true, lastOrderAt: true },
    });
    for (const r of rows) {
      // Deleted or redacted customers are never targeted.
      if (deleted.has(r.customerShopifyId)) continue;
      facts.push({
        customerId: r.customerShopifyId,
        rfmGroup: RFM_SET.has(r.rfmGroup) ? (r.rfmGroup as RfmGroup) : null,
        predictedClvMinor: r.predictedClvMinor,
        pAlive: r.pAlive,
        loyaltyTier: tiers.get(r.customerShopifyId) ?? null,
        lastOrderAt: r.lastOrderAt,
      });
    }
    if (rows.length < PAGE) break;
    cursor = rows[rows.length - 1].customerShopifyId;
  }
  return facts;
}

export interface AudienceEstimate extends AudienceSummary {
  /** Customers scored by analytics (the denominator of the share). */
  scoredCustomers: number;
  /** Average net order value over the last 365 days, for the cost estimate (minor units). */
  averageOrderMinor: number | null;
  /** Average orders per audience member over a window of the campaign's length, from the last 365 days. */
  ordersPerCustomerPerDay: number | null;
}

/** Size and expected value of an audience before launch, plus the inputs of the cost estimate. */
export async function estimateAudience(db: PrismaClient, shop: string, input: unknown, now: Date): Promise<AudienceEstimate> {
  const def = parseAudienceDefinition(input);
  const facts = await loadCustomerFacts(db, shop);
  const summary = summarizeAudience(def, facts, now);
  const ids = summary.size > 0 ? selectAudience(def, facts, now) : [];
  const since = new Date(now.getTime() - 365 * 86_400_000);
  let orders = 0;
  let revenue = 0;
  // Chunked: SQLite limits bound parameters per statement.
  for (let i = 0; i < ids.length; i += 500) {
    const agg = await db.order.aggregate({
      where: { shop, customerShopifyId: { in: ids.slice(i, i + 500) }, processedAt: { gte: since, lt: now }, test: false, cancelledAt: null },
      _count: { _all: true },
      _sum: { subtotalMinor: true, refundedMinor: true },
    });
    orders += agg._count._all;
    revenue += (agg._sum.subtotalMinor ?? 0) - (agg._sum.refundedMinor ?? 0);
  }
  return {
    ...summary,
    scoredCustomers: facts.length,
    averageOrderMinor: orders > 0 ? Math.round(revenue / orders) : null,
    ordersPerCustomerPerDay: ids.length > 0 ? orders / ids.length / 365 : null,
  };
}

/** Audience member ids at `now`, sorted so batches are stable across restarts. */
export async function selectAudienceIds(db: PrismaClient, shop: string, def: AudienceDefinition, now: Date): Promise<string[]> {
  const facts = await loadCustomerFacts(db, shop);
  return selectAudience(def, facts, now).sort();
}
