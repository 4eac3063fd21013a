// Merge rules shared by webhooks, backfill and reconciliation. Each resource
// version is ordered by Shopify's `updated_at`; the newest wins no matter in
// which order versions arrive, and replaying a version changes nothing.
import type { NormalizedRefund } from "./types";

export type VersionDecision =
  /** No row yet: create it. */
  | "insert"
  /** Incoming is newer than the stored row: overwrite it. */
  | "update"
  /** Same updated_at: a duplicate or a sibling topic (orders/paid + orders/updated); keep the row. */
  | "duplicate"
  /** Incoming is older than the stored row: ignore it. */
  | "stale";

export function decideVersion(storedUpdatedAt: Date | null | undefined, incomingUpdatedAt: Date, exists: boolean): VersionDecision {
  if (!exists) return "insert";
  // A row without a version (e.g. a stub) always yields to a real version.
  if (!storedUpdatedAt) return "update";
  const diff = incomingUpdatedAt.getTime() - storedUpdatedAt.getTime();
  if (diff > 0) return "update";
  return diff === 0 ? "duplicate" : "stale";
}

export type RefundDecision = "insert" | "enrich" | "keep";

/**
 * Refunds are immutable in Shopify, but sources differ in detail: the bulk
 * summary has no lines or transaction split, the webhook has both. The
 * detailed version wins whichever arrives first, so any delivery order ends
 * in the same row.
 */
export function decideRefund(stored: { hasLines: boolean } | null, incoming: NormalizedRefund): RefundDecision {
  if (!stored) return "insert";
  return !stored.hasLines && incoming.lines !== null ? "enrich" : "keep";
}

/** Order.refundedMinor: every refund of the order, money and store credit alike. */
export function sumRefunds(refunds: ReadonlyArray<{ amountMinor: number; storeCreditMinor: number }>): number {
  return refunds.reduce((s, r) => s + r.amountMinor + r.storeCreditMinor, 0);
}
