/**
 * Ledger model. The ledger is append-only: state changes are new entries plus
 * updated lot rows, returned by the reducers in `ledger.ts` so a service can
 * persist them in one database transaction.
 *
 * Balances are derived, never stored:
 *   pending   = Σ points of entries in the PENDING bucket   (earned, inside the return window)
 *   available = Σ points of entries in the AVAILABLE bucket (may be negative: a debt)
 *   total     = Σ points of all entries = pending + available
 *   spendable = max(0, available), debt = max(0, -available)
 */

export const ENTRY_TYPES = [
  "PENDING_EARN",
  "CONFIRM",
  "VOID",
  "REDEEM",
  "REDEMPTION_COMPENSATION",
  "REFUND_REVERSAL",
  "EXPIRY",
  "MANUAL_ADJUSTMENT",
  "SIGNUP_BONUS",
  "BIRTHDAY_BONUS",
  "CAMPAIGN_BONUS",
  "DEBT_REPAYMENT",
] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** Which balance an entry moves. A confirmation is a transfer: −N PENDING, +N AVAILABLE. */
export type Bucket = "PENDING" | "AVAILABLE";

export type SourceKind = "order" | "refund" | "redemption" | "admin" | "system" | "campaign";

export interface EntrySource {
  kind: SourceKind;
  id: string;
}

export type RoundingMode = "floor" | "round" | "ceil";

export interface AmountInclusion {
  shipping: boolean;
  tax: boolean;
  giftCards: boolean;
}

/** Order or refund amounts in the shop currency's minor units, as a service extracts them from Shopify. */
export interface OrderAmounts {
  currency: string;
  /** Line items after discounts, tax excluded (strip it for tax-inclusive shops), gift-card lines included. */
  merchandiseMinor: number;
  /** Part of `merchandiseMinor` that buys gift cards. */
  giftCardMinor: number;
  shippingMinor: number;
  taxMinor: number;
}

/** Everything needed to recompute or prorate an order award, frozen at award time. */
export interface EarnSnapshot {
  currency: string;
  eligibleAmountMinor: number;
  pointsPerUnit: number;
  tierId: string | null;
  tierMultiplier: number;
  rounding: RoundingMode;
  include: AmountInclusion;
  points: number;
}

export interface RuleSnapshot {
  settingsVersion: number;
  earn?: EarnSnapshot;
  rewardId?: string;
}

/** Written on every REFUND_REVERSAL / VOID row so cumulative proration can be replayed from entries alone. */
export interface RefundTrace {
  orderId: string;
  /** Eligible amount refunded by this event (after the snapshot's inclusion rules). */
  refundedMinor: number;
  cumulativeRefundedMinor: number;
  /** round(awarded × cumulativeRefunded / eligible): points that must have left the customer for this order so far. */
  cumulativeTarget: number;
  /** Part of this event's increment already taken by expiry of the order's own lot (not taken twice). */
  expiredAbsorbed: number;
  /** Raw amounts of a refund that arrived before the order's award; the award reverses them when it lands. */
  amountsBeforeAward?: OrderAmounts;
}

export interface LedgerEntry {
  /** Key of the event that produced the row; all rows of one event share it. Unique with `seq`. */
  idempotencyKey: string;
  seq: number;
  type: EntryType;
  bucket: Bucket;
  /** Signed integer change to `bucket`. */
  points: number;
  reason: string;
  source: EntrySource;
  ruleSnapshot: RuleSnapshot;
  occurredAt: Date;
  /** The lot this row credits or debits. Rows without a lot in AVAILABLE are the debt account. */
  lotId?: string;
  /** Who made a manual adjustment. */
  actor?: string;
  refund?: RefundTrace;
}

export type LotStatus = "PENDING" | "ACTIVE" | "VOID";

/**
 * A batch of points with one earn date and one expiry date. Redemption and
 * expiry consume ACTIVE lots first-in first-out. Invariant:
 * lot.remaining = Σ points of the entries naming the lot, 0 ≤ remaining.
 */
export interface Lot {
  id: string;
  status: LotStatus;
  source: EntrySource;
  earnedAt: Date;
  spendableAt: Date;
  /** Fixed expiry ("months after earning"); null when expiry is off or inactivity-based. */
  expiresAt: Date | null;
  points: number;
  remaining: number;
}

export interface LedgerState {
  entries: readonly LedgerEntry[];
  lots: readonly Lot[];
}

/** What a reducer asks the persistence layer to write: rows to append and lot rows to insert or replace. */
export interface LedgerChanges {
  entries: LedgerEntry[];
  lots: Lot[];
}

export interface LedgerBalance {
  pending: number;
  /** May be negative; see `debt`. */
  available: number;
  spendable: number;
  debt: number;
  total: number;
}
