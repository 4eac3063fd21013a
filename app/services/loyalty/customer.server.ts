// One member's loyalty for the admin (customer card) and manual adjustments.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import {
  InvalidLoyaltyInputError,
  adjustPoints,
  awardBirthdayBonus,
  awardCampaignBonus as awardCampaignBonusEvent,
  computeTierStatus,
  lotsExpiringSoon,
  measureTierMetrics,
  summarizeBalance,
  type LedgerBalance,
  type LotStatus,
} from "~/domain/loyalty";
import { applyLedgerEvent, ensureAccount, loadLedgerState } from "./ledger-store.server";
import { refreshAccountTier } from "./orders.server";
import { getActiveProgram } from "./program.server";

export interface CustomerLoyalty {
  customerShopifyId: string;
  member: boolean;
  programEnabled: boolean;
  currency: string;
  balance: LedgerBalance;
  tier: { id: string; name: string } | null;
  nextTier: { name: string; remaining: number; progress: number } | null;
  tierBasis: "spend" | "points";
  lots: Array<{ id: string; status: LotStatus; points: number; remaining: number; earnedAt: string; spendableAt: string; expiresAt: string | null }>;
  expiringSoon: Array<{ points: number; expiresAt: string }>;
  ledger: Array<{ key: string; type: string; bucket: string; points: number; reason: string; occurredAt: string; actor: string | null }>;
  redemptions: Array<{ id: string; rewardId: string; points: number; status: string; code: string | null; createdAt: string }>;
}

/** Everything the customer loyalty card shows; a customer who never joined gets zeros. */
export async function getCustomerLoyalty(db: PrismaClient, shop: string, customerShopifyId: string, now = new Date()): Promise<CustomerLoyalty> {
  const program = await getActiveProgram(db, shop);
  const settings = program.settings;
  const account = await db.loyaltyAccount.findUnique({ where: { shop_customerShopifyId: { shop, customerShopifyId } } });
  const state = account ? await loadLedgerState(db, account.id) : { entries: [], lots: [] };
  const status = computeTierStatus(settings, measureTierMetrics(state.entries, now));
  const redemptions = account ? await db.redemption.findMany({ where: { accountId: account.id }, orderBy: { createdAt: "desc" }, take: 20 }) : [];
  return {
    customerShopifyId,
    member: account !== null,
    programEnabled: program.enabled,
    currency: settings.currency,
    balance: summarizeBalance(state.entries),
    tier: status.current ? { id: status.current.id, name: status.current.name } : null,
    nextTier: status.next ? { name: status.next.name, remaining: status.remainingToNext, progress: Math.round(status.progress * 100) / 100 } : null,
    tierBasis: status.basis,
    lots: [...state.lots]
      .sort((a, b) => b.earnedAt.getTime() - a.earnedAt.getTime())
      .map((l) => ({ id: l.id, status: l.status, points: l.points, remaining: l.remaining, earnedAt: l.earnedAt.toISOString(), spendableAt: l.spendableAt.toISOString(), expiresAt: l.expiresAt?.toISOString() ?? null })),
    expiringSoon: lotsExpiringSoon(state, settings, now).map((l) => ({ points: l.points, expiresAt: l.expiresAt.toISOString() })),
    ledger: [...state.entries]
      .reverse()
      .slice(0, 200)
      .map((e) => ({ key: e.idempotencyKey, type: e.type, bucket: e.bucket, points: e.points, reason: e.reason, occurredAt: e.occurredAt.toISOString(), actor: e.actor ?? null })),
    redemptions: redemptions.map((r) => ({ id: r.id, rewardId: r.rewardId, points: r.points, status: r.status, code: r.code, createdAt: r.createdAt.toISOString() })),
  };
}

export interface AdjustmentInput {
  customerShopifyId: string;
  points: number;
  reason: string;
  /** Who: the staff member's email or user id, else "admin". */
  actor: string;
  /** Client-generated id so a double-submitted form adjusts once. */
  adjustmentId?: string;
}

/** Staff adjustment with a required reason; audit-logged with who and when. Deductions never create debt. */
export async function adjustCustomerPoints(db: PrismaClient, shop: string, input: AdjustmentInput, now = new Date()) {
  if (typeof input.reason !== "string" || input.reason.trim().length < 3) throw new InvalidLoyaltyInputError("reason", "a manual adjustment needs a reason");
  const program = await getActiveProgram(db, shop);
  const { account } = await ensureAccount(db, shop, input.customerShopifyId);
  const adjustmentId = input.adjustmentId ?? randomUUID();
  const result = await applyLedgerEvent(
    db,
    account.id,
    (state) => adjustPoints(state, program.settings, { adjustmentId, points: input.points, reason: input.reason, actor: input.actor, adjustedAt: now }),
    {
      within: async (tx, { changes }) => {
        if (changes.entries.length === 0) return;
        await tx.auditLog.create({
          data: { shop, actor: input.actor, action: "loyalty.points.adjusted", subject: input.customerShopifyId, details: { points: input.points, reason: input.reason.trim(), adjustmentId }, createdAt: now },
        });
      },
    },
  );
  await refreshAccountTier(db, account.id, result.account.tier, program.settings, result.state, now);
  return { adjustmentId, balance: summarizeBalance(result.state.entries) };
}

/**
 * Campaign bonus for the campaigns engine. `key` makes repeated calls for the
 * same campaign and customer idempotent (e.g. the assignment id).
 */
export async function awardCampaignBonus(db: PrismaClient, shop: string, customerShopifyId: string, points: number, campaignId: string, key: string, now = new Date()): Promise<{ awarded: boolean }> {
  const program = await getActiveProgram(db, shop);
  const { account } = await ensureAccount(db, shop, customerShopifyId);
  const res = await applyLedgerEvent(db, account.id, (state) =>
    awardCampaignBonusEvent(state, program.settings, { campaignId: `${campaignId}:${key}`, points, reason: `Campaign ${campaignId} bonus`, awardedAt: now }),
  );
  if (res.changes.entries.length > 0) await refreshAccountTier(db, account.id, res.account.tier, program.settings, res.state, now);
  return { awarded: res.changes.entries.length > 0 };
}

/** Birthday bonuses for members whose birthday (month and day, UTC) is today; once per year by ledger key. */
export async function awardBirthdayBonuses(db: PrismaClient, shop: string, now: Date): Promise<number> {
  const program = await getActiveProgram(db, shop);
  if (!program.enabled || program.settings.bonuses.birthdayPoints === 0) return 0;
  const customers = await db.customer.findMany({ where: { shop, birthday: { not: null }, deletedAt: null }, select: { shopifyId: true, birthday: true } });
  const today = customers.filter((c) => c.birthday && c.birthday.getUTCMonth() === now.getUTCMonth() && c.birthday.getUTCDate() === now.getUTCDate());
  let awarded = 0;
  for (const c of today) {
    const account = await db.loyaltyAccount.findUnique({ where: { shop_customerShopifyId: { shop, customerShopifyId: c.shopifyId } } });
    if (!account) continue; // only members
    const res = await applyLedgerEvent(db, account.id, (state) => awardBirthdayBonus(state, program.settings, now));
    if (res.changes.entries.length > 0) awarded += 1;
  }
  return awarded;
}

