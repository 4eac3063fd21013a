// What a backfill batch does with the refunds embedded in orders it inserts
// fresh, given the refund rows already stored (held ones that webhooks stored
// before their order landed, or ones seen before). The merge rule is the
// webhook path's (decideRefund): the detailed version wins, a summary never
// overwrites it; each fresh order's refundedMinor is the sum of its refunds'
// final versions, money and store credit alike (sumRefunds).
import { decideRefund } from "./merge";
import type { NormalizedRefund } from "./types";

export interface StoredRefundView {
  id: string;
  shopifyId: string;
  orderShopifyId: string;
  amountMinor: number;
  storeCreditMinor: number;
  /** The stored row carries refund lines (the detailed webhook version). */
  hasLines: boolean;
  /** Stored while its order had not landed (appliedAt null). */
  held: boolean;
}

export interface BackfillRefundPlan {
  /** Refunds to insert (first version of each shopifyId in the batch). */
  create: NormalizedRefund[];
  /** Stored summary rows to overwrite with a more detailed incoming version. */
  enrich: Array<{ id: string; refund: NormalizedRefund }>;
  /** Held rows to mark applied: their order is being inserted now. */
  release: string[];
  /** orderShopifyId -> sum of its refunds' final amounts. */
  refundedByOrder: Map<string, number>;
}

export function planBackfillRefunds(embedded: readonly NormalizedRefund[], stored: readonly StoredRefundView[]): BackfillRefundPlan {
  const known = new Map<string, StoredRefundView>();
  for (const r of stored) known.set(r.shopifyId, r);
  const final = new Map<string, { orderShopifyId: string; minor: number }>();
  for (const r of known.values()) final.set(r.shopifyId, { orderShopifyId: r.orderShopifyId, minor: r.amountMinor + r.storeCreditMinor });

  const create = new Map<string, NormalizedRefund>();
  const enrich: BackfillRefundPlan["enrich"] = [];
  for (const r of embedded) {
    const k = known.get(r.shopifyId);
    if (!k) {
      if (create.has(r.shopifyId)) continue; // a repeat within the batch: the first version is the one inserted
      create.set(r.shopifyId, r);
    } else if (decideRefund({ hasLines: k.hasLines }, r) === "enrich") {
      enrich.push({ id: k.id, refund: r });
    } else {
      continue;
    }
    final.set(r.shopifyId, { orderShopifyId: r.orderShopifyId, minor: r.amountMinor + r.storeCreditMinor });
  }

  const refundedByOrder = new Map<string, number>();
  for (const f of final.values()) refundedByOrder.set(f.orderShopifyId, (refundedByOrder.get(f.orderShopifyId) ?? 0) + f.minor);
  const release: string[] = [];
  for (const r of known.values()) if (r.held) release.push(r.id);
  return { create: [...create.values()], enrich, release, refundedByOrder };
}
