import type { ProgramSettings } from "./settings";
import { addUtcMonths } from "./time";
import type { EntryType, LedgerBalance, LedgerEntry, Lot } from "./types";

/** Balances as of `at` (inclusive), or over every entry. Pure sums: the ledger is the truth. */
export function summarizeBalance(entries: readonly LedgerEntry[], at?: Date): LedgerBalance {
  let pending = 0;
  let available = 0;
  const cutoff = at?.getTime() ?? Number.POSITIVE_INFINITY;
  for (const e of entries) {
    if (e.occurredAt.getTime() > cutoff) continue;
    if (e.bucket === "PENDING") pending += e.points;
    else available += e.points;
  }
  return {
    pending,
    available,
    spendable: Math.max(0, available),
    debt: Math.max(0, -available),
    total: pending + available,
  };
}

/** First in, first out: the lot that became spendable first is used first. */
export function compareLotsFifo(a: Lot, b: Lot): number {
  return (
    a.spendableAt.getTime() - b.spendableAt.getTime() ||
    a.earnedAt.getTime() - b.earnedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Customer-driven events that reset the inactivity clock. Bonuses the shop grants on its own do not. */
const ACTIVITY_TYPES: ReadonlySet<EntryType> = new Set(["PENDING_EARN", "REDEEM", "SIGNUP_BONUS"]);

export function findLastActivityAt(entries: readonly LedgerEntry[]): Date | null {
  let last: Date | null = null;
  for (const e of entries) {
    if (ACTIVITY_TYPES.has(e.type) && (last === null || e.occurredAt > last)) last = e.occurredAt;
  }
  return last;
}

/**
 * When a lot expires under the current policy. Fixed dates are honoured as
 * promised when the lot was earned; a lot earned while expiry was off counts
 * from its earn date once the merchant turns it on.
 */
export function resolveLotExpiry(lot: Lot, settings: ProgramSettings, lastActivityAt: Date | null): Date | null {
  const policy = settings.expiry;
  if (policy.mode === "none") return null;
  if (policy.mode === "afterEarn") return lot.expiresAt ?? addUtcMonths(lot.earnedAt, policy.months);
  const anchor = lastActivityAt && lastActivityAt > lot.earnedAt ? lastActivityAt : lot.earnedAt;
  return addUtcMonths(anchor, policy.months);
}
