// Order-driven ledger events (job `loyalty.order-changed`). The job carries
// only the order id: the current Order row and its refunds are read and mapped
// onto the domain's award / void / refund reducers, each keyed by the order
// or refund id, so processing the same order state twice changes nothing.
import type { Order, PrismaClient, Refund } from "@prisma/client";
import {
  awardOrderPoints,
  awardSignupBonus,
  recalculateTier,
  reverseRefundPoints,
  voidOrderPoints,
  type FinancialStatus,
  type LedgerState,
  type OrderAmounts,
  type ProgramSettings,
} from "~/domain/loyalty";
import { directSql } from "~/db.server";
import { inList, listParam } from "~/lib/direct-sql.server";
import { applyLedgerEvent, ensureAccount, writeTx } from "./ledger-store.server";
import { getActiveProgram, type ActiveProgram } from "./program.server";

export interface OrderChangeResult {
  status: "skipped" | "processed";
  reason?: string;
  entriesWritten: number;
}

const KNOWN_STATUSES = new Set(["PENDING", "AUTHORIZED", "PARTIALLY_PAID", "PAID", "PARTIALLY_REFUNDED", "REFUNDED", "VOIDED", "EXPIRED"]);

/**
 * A refunded order was paid first; the award is judged on the payment, and the
 * refunds are reversed separately. Without this an order refunded before the
 * job ran would never earn, yet its refunds would still be booked.
 */
export function awardStatusOf(financialStatus: string | null): FinancialStatus | null {
  if (!financialStatus || !KNOWN_STATUSES.has(financialStatus)) return null;
  if (financialStatus === "PARTIALLY_REFUNDED" || financialStatus === "REFUNDED") return "PAID";
  return financialStatus as FinancialStatus;
}

export function orderAmountsOf(order: Pick<Order, "currency" | "subtotalMinor" | "giftCardMinor" | "shippingMinor" | "taxMinor">): OrderAmounts {
  const merchandiseMinor = Math.max(0, order.subtotalMinor);
  return {
    currency: order.currency,
    merchandiseMinor,
    giftCardMinor: Math.min(Math.max(0, order.giftCardMinor), merchandiseMinor),
    shippingMinor: Math.max(0, order.shippingMinor),
    taxMinor: Math.max(0, order.taxMinor),
  };
}

interface RefundLineJson {
  lineItemId?: string;
  subtotalMinor?: number;
}

/**
 * Splits a refund like its order so the award's inclusion rules apply.
 * With refund lines, merchandise is their subtotal (gift-card lines apart) and
 * the rest of the money is tax, then shipping. Without lines (amount-only
 * refunds, bulk summaries) the money is split in the order's own proportions.
 */
export function refundAmountsOf(
  order: Pick<Order, "currency" | "subtotalMinor" | "shippingMinor" | "taxMinor" | "totalMinor">,
  refund: Pick<Refund, "amountMinor" | "storeCreditMinor" | "lines">,
  giftCardLineIds: ReadonlySet<string>,
): OrderAmounts {
  const total = Math.max(0, refund.amountMinor) + Math.max(0, refund.storeCreditMinor);
  const lines = Array.isArray(refund.lines) ? (refund.lines as RefundLineJson[]) : [];
  if (lines.length > 0) {
    let merchandise = 0;
    let giftCards = 0;
    for (const l of lines) {
      const sub = Number.isSafeInteger(l.subtotalMinor) && (l.subtotalMinor as number) > 0 ? (l.subtotalMinor as number) : 0;
      merchandise += sub;
      if (l.lineItemId && giftCardLineIds.has(l.lineItemId)) giftCards += sub;
    }
    const rest = Math.max(0, total - merchandise);
    const tax = Math.min(rest, Math.max(0, order.taxMinor));
    const shipping = Math.min(rest - tax, Math.max(0, order.shippingMinor));
    return { currency: order.currency, merchandiseMinor: merchandise, giftCardMinor: Math.min(giftCards, merchandise), shippingMinor: shipping, taxMinor: tax };
  }
  const orderTotal = Math.max(1, order.subtotalMinor + order.shippingMinor + order.taxMinor);
  const share = (part: number) => Math.floor((total * Math.max(0, part)) / orderTotal);
  const shipping = share(order.shippingMinor);
  const tax = share(order.taxMinor);
  return { currency: order.currency, merchandiseMinor: Math.max(0, total - shipping - tax), giftCardMinor: 0, shippingMinor: shipping, taxMinor: tax };
}

/** Tier re-evaluated after a balance change; stored on the account so the next award uses it. */
export async function refreshAccountTier(db: PrismaClient, accountId: string, currentTier: string | null, settings: ProgramSettings, state: LedgerState, now: Date): Promise<string | null> {
  if (settings.tiers.levels.length === 0 && currentTier === null) return null;
  const rec = recalculateTier(settings, state.entries, now, currentTier);
  if (rec.tierId !== currentTier) {
    await writeTx(db, (tx) => tx.loyaltyAccount.update({ where: { id: accountId }, data: { tier: rec.tierId, metafieldsDirty: true } }));
  }
  return rec.tierId;
}

/** Signup bonus for a new member (idempotent: key `signup`). Call on the first sight of a customer. */
export async function enrollCustomer(db: PrismaClient, shop: string, customerShopifyId: string, now = new Date(), program?: ActiveProgram): Promise<void> {
  const active = program ?? (await getActiveProgram(db, shop));
  if (!active.enabled) return;
  const { account } = await ensureAccount(db, shop, customerShopifyId);
  await applyLedgerEvent(db, account.id, (state) => awardSignupBonus(state, active.settings, now), { activityAt: now });
}

interface SkipProbe {
  customerShopifyId: string | null;
  test: unknown;
  enabled: unknown;
  member: unknown;
}

/** The skip decision for a probed order (undefined: no such order). Same reasons and order of checks as processOrderChanged. */
function skipFromProbe(row: SkipProbe | undefined): OrderChangeResult | null {
  if (!row) return { status: "skipped", reason: "order not synced", entriesWritten: 0 };
  if (!row.customerShopifyId) return { status: "skipped", reason: "guest order", entriesWritten: 0 };
  if (row.test === true || Number(row.test) === 1) return { status: "skipped", reason: "test order", entriesWritten: 0 };
  const enabled = row.enabled === true || Number(row.enabled) === 1;
  if (!enabled && Number(row.member) === 0) return { status: "skipped", reason: "not a member and order does not earn", entriesWritten: 0 };
  return null;
}

/**
 * The common outcome of a loyalty.order-changed job (one runs per changed
 * order) decided in one direct statement: no order, a guest or test order, or
 * a non-member's order while the program is off. Null when the full path must
 * decide (same reasons and order of checks as below).
 */
async function quickSkip(db: PrismaClient, shop: string, orderShopifyId: string): Promise<OrderChangeResult | null> {
  const rows = await directSql(db).query<SkipProbe>(
    `SELECT o."customerShopifyId", o."test", p."enabled",
       (SELECT COUNT(*) FROM "LoyaltyAccount" a WHERE a."shop" = o."shop" AND a."customerShopifyId" = o."customerShopifyId") AS "member"
     FROM "Order" o LEFT JOIN "LoyaltyProgram" p ON p."shop" = o."shop" WHERE o."shop" = $1 AND o."shopifyId" = $2`,
    [shop, orderShopifyId],
  );
  return skipFromProbe(rows[0]);
}

/**
 * quickSkip for many orders of a shop in one statement (a worker runs these
 * jobs in claims of dozens; on PostgreSQL each probe was a round trip).
 * Returns the orders that are settled by a skip; the others need
 * processOrderChanged.
 */
export async function quickSkipMany(db: PrismaClient, shop: string, orderShopifyIds: readonly string[]): Promise<Map<string, OrderChangeResult>> {
  const q = directSql(db);
  const ids = [...new Set(orderShopifyIds)];
  const rows = await q.query<SkipProbe & { shopifyId: string }>(
    `SELECT o."shopifyId", o."customerShopifyId", o."test", p."enabled",
       (SELECT COUNT(*) FROM "LoyaltyAccount" a WHERE a."shop" = o."shop" AND a."customerShopifyId" = o."customerShopifyId") AS "member"
     FROM "Order" o LEFT JOIN "LoyaltyProgram" p ON p."shop" = o."shop" WHERE o."shop" = $1 AND o.${inList(q, "shopifyId", 2)}`,
    [shop, listParam(q, ids)],
    { prepared: false }, // planned with this claim's list
  );
  const found = new Map(rows.map((r) => [r.shopifyId, r]));
  const settled = new Map<string, OrderChangeResult>();
  for (const id of ids) {
    const skip = skipFromProbe(found.get(id));
    if (skip) settled.set(id, skip);
  }
  return settled;
}

export async function processOrderChanged(db: PrismaClient, shop: string, orderShopifyId: string, now = new Date()): Promise<OrderChangeResult> {
  const skip = await quickSkip(db, shop, orderShopifyId);
  if (skip) return skip;
  const order = await db.order.findUnique({ where: { shop_shopifyId: { shop, shopifyId: orderShopifyId } } });
  if (!order) return { status: "skipped", reason: "order not synced", entriesWritten: 0 };
  if (!order.customerShopifyId) return { status: "skipped", reason: "guest order", entriesWritten: 0 };
  if (order.test) return { status: "skipped", reason: "test order", entriesWritten: 0 };
  const program = await getActiveProgram(db, shop);
  const canEarn = program.enabled && program.startedAt !== null && order.processedAt >= program.startedAt;
  const existing = await db.loyaltyAccount.findUnique({ where: { shop_customerShopifyId: { shop, customerShopifyId: order.customerShopifyId } } });
  // Refunds and cancellations only matter for members; orders from before the program never create one.
  if (!existing && !canEarn) return { status: "skipped", reason: "not a member and order does not earn", entriesWritten: 0 };
  const { account, created } = existing ? { account: existing, created: false } : await ensureAccount(db, shop, order.customerShopifyId);
  if (created) await enrollCustomer(db, shop, order.customerShopifyId, order.processedAt, program);

  const settings = program.settings;
  const refunds = await db.refund.findMany({ where: { shop, orderShopifyId }, orderBy: [{ processedAt: "asc" }, { shopifyId: "asc" }] });
  const giftCardLines = refunds.some((r) => Array.isArray(r.lines) && r.lines.length > 0)
    ? new Set((await db.orderLineItem.findMany({ where: { orderId: order.id, giftCard: true }, select: { shopifyId: true } })).map((l) => l.shopifyId))
    : new Set<string>();
  const status = awardStatusOf(order.financialStatus);
  const orderName = order.name ?? orderShopifyId;

  let written = 0;
  const result = await applyLedgerEvent(
    db,
    account.id,
    (state, acc) => {
      // All events of the order in one transaction: award, then cancellation, then refunds in time order.
      let current = state;
      const all = { entries: [] as LedgerState["entries"][number][], lots: new Map<string, LedgerState["lots"][number]>() };
      const step = (changes: ReturnType<typeof awardOrderPoints>) => {
        all.entries.push(...changes.entries);
        for (const l of changes.lots) all.lots.set(l.id, l);
        const lots = new Map(current.lots.map((l) => [l.id, l]));
        for (const l of changes.lots) lots.set(l.id, l);
        current = { entries: [...current.entries, ...changes.entries], lots: [...lots.values()] };
      };
      if (canEarn && status && !order.cancelledAt) {
        step(awardOrderPoints(current, settings, { orderId: orderShopifyId, orderName, financialStatus: status, amounts: orderAmountsOf(order), paidAt: order.processedAt, tierId: validTier(settings, acc.tier) }));
      }
      if (order.cancelledAt) {
        step(voidOrderPoints(current, settings, { orderId: orderShopifyId, cancelledAt: order.cancelledAt, reason: order.cancelReason ?? undefined }));
      }
      for (const r of refunds) {
        step(reverseRefundPoints(current, settings, { orderId: orderShopifyId, refundId: r.shopifyId, amounts: refundAmountsOf(order, r, giftCardLines), refundedAt: r.processedAt }));
      }
      written = all.entries.length;
      return { entries: all.entries, lots: [...all.lots.values()] };
    },
    { activityAt: canEarn ? order.processedAt : undefined },
  );
  if (written > 0) await refreshAccountTier(db, account.id, result.account.tier, settings, result.state, now);
  return { status: "processed", entriesWritten: written };
}

/** A stored tier that the current settings no longer define earns at ×1 rather than failing the award. */
function validTier(settings: ProgramSettings, tier: string | null): string | null {
  return tier && settings.tiers.levels.some((t) => t.id === tier) ? tier : null;
}
