import { compareLotsFifo, findLastActivityAt, resolveLotExpiry } from "./balance";
import { buildEarnSnapshot, computeEligibleAmount, validateOrderAmounts } from "./earn";
import {
  CurrencyMismatchError,
  InsufficientPointsError,
  InvalidLoyaltyInputError,
  RedemptionNotFoundError,
  RewardUnavailableError,
} from "./errors";
import { assertPositiveInteger, formatMoney, roundRatio } from "./money";
import { type FinancialStatus, type ProgramSettings, findReward } from "./settings";
import { addUtcDays, addUtcMonths, isValidDate } from "./time";
import type {
  Bucket,
  EarnSnapshot,
  EntrySource,
  EntryType,
  LedgerChanges,
  LedgerEntry,
  LedgerState,
  Lot,
  OrderAmounts,
  RefundTrace,
  RuleSnapshot,
} from "./types";

/**
 * Event reducers. Each takes the customer's current ledger (entries + lots),
 * the settings in force and one event, and returns the rows to append and the
 * lot rows to write. An event whose idempotency key is already in the ledger
 * returns no changes, so webhook retries and job re-runs are harmless.
 *
 * Idempotency keys are per customer ledger (the database key is
 * customer + idempotencyKey + seq).
 */

function emptyChanges(): LedgerChanges {
  return { entries: [], lots: [] };
}

interface EventContext {
  key: string;
  occurredAt: Date;
  source: EntrySource;
  ruleSnapshot: RuleSnapshot;
  reason: string;
}

interface RowInput {
  type: EntryType;
  bucket: Bucket;
  points: number;
  lotId?: string;
  reason?: string;
  actor?: string;
  refund?: RefundTrace;
}

/** Working copy of a ledger while one call builds its changes. Every row goes through `add`, which keeps lots in step. */
class LedgerDraft {
  private readonly lots = new Map<string, Lot>();
  private readonly touched = new Set<string>();
  private readonly keys = new Set<string>();
  private readonly seqs = new Map<string, number>();
  readonly rows: LedgerEntry[] = [];
  /** Σ AVAILABLE rows without a lot: minus the debt. */
  debtAccount = 0;

  constructor(readonly state: LedgerState) {
    for (const lot of state.lots) this.lots.set(lot.id, { ...lot });
    for (const e of state.entries) {
      this.keys.add(e.idempotencyKey);
      this.seqs.set(e.idempotencyKey, Math.max(this.seqs.get(e.idempotencyKey) ?? 0, e.seq + 1));
      if (e.bucket === "AVAILABLE" && e.lotId === undefined) this.debtAccount += e.points;
    }
  }

  get debt(): number {
    return Math.max(0, -this.debtAccount);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  lot(id: string): Lot | undefined {
    return this.lots.get(id);
  }

  putLot(lot: Lot): void {
    this.lots.set(lot.id, lot);
    this.touched.add(lot.id);
  }

  /** ACTIVE lots with points left, oldest first. */
  activeLots(): Lot[] {
    return [...this.lots.values()].filter((l) => l.status === "ACTIVE" && l.remaining > 0).sort(compareLotsFifo);
  }

  pendingLots(): Lot[] {
    return [...this.lots.values()].filter((l) => l.status === "PENDING").sort(compareLotsFifo);
  }

  allEntries(): LedgerEntry[] {
    return [...this.state.entries, ...this.rows];
  }

  add(ctx: EventContext, row: RowInput): void {
    if (!Number.isSafeInteger(row.points)) throw new RangeError(`ledger row points must be an integer, got ${row.points}`);
    const seq = this.seqs.get(ctx.key) ?? 0;
    this.seqs.set(ctx.key, seq + 1);
    this.keys.add(ctx.key);
    const entry: LedgerEntry = {
      idempotencyKey: ctx.key,
      seq,
      type: row.type,
      bucket: row.bucket,
      points: row.points === 0 ? 0 : row.points, // no -0 in storage or comparisons
      reason: row.reason ?? ctx.reason,
      source: ctx.source,
      ruleSnapshot: ctx.ruleSnapshot,
      occurredAt: ctx.occurredAt,
    };
    if (row.lotId !== undefined) entry.lotId = row.lotId;
    if (row.actor !== undefined) entry.actor = row.actor;
    if (row.refund !== undefined) entry.refund = row.refund;
    this.rows.push(entry);
    if (row.lotId === undefined) {
      if (row.bucket === "AVAILABLE") this.debtAccount += row.points;
      return;
    }
    const lot = this.lots.get(row.lotId);
    if (!lot) throw new RangeError(`ledger row names unknown lot ${row.lotId}`);
    const remaining = lot.remaining + row.points;
    // A lot going negative would mean points were invented or double-spent: a programming error, never user input.
    if (remaining < 0) throw new RangeError(`lot ${lot.id} would go negative (${remaining})`);
    this.putLot({ ...lot, remaining });
  }

  changes(): LedgerChanges {
    return { entries: this.rows, lots: [...this.touched].map((id) => this.lots.get(id) as Lot) };
  }
}

/** Appends changes to a state, as the persistence layer would (lot rows are upserts by id). */
export function applyLedgerChanges(state: LedgerState, changes: LedgerChanges): LedgerState {
  if (changes.entries.length === 0 && changes.lots.length === 0) return state;
  const lots = new Map(state.lots.map((l) => [l.id, l]));
  for (const lot of changes.lots) lots.set(lot.id, lot);
  return { entries: [...state.entries, ...changes.entries], lots: [...lots.values()] };
}

export function createEmptyLedger(): LedgerState {
  return { entries: [], lots: [] };
}

function assertDate(value: unknown, field: string): asserts value is Date {
  if (!isValidDate(value)) throw new InvalidLoyaltyInputError(field, "must be a valid date");
}

function assertId(value: unknown, field: string): asserts value is string {
  if (typeof value !== "string" || value.trim() === "") throw new InvalidLoyaltyInputError(field, "must be a non-empty string");
}

function versionOnly(settings: ProgramSettings): RuleSnapshot {
  return { settingsVersion: settings.version };
}

function fixedExpiry(settings: ProgramSettings, earnedAt: Date): Date | null {
  return settings.expiry.mode === "afterEarn" ? addUtcMonths(earnedAt, settings.expiry.months) : null;
}

/** After points become spendable, an outstanding debt is repaid from them first (oldest lot first). */
function settleDebt(draft: LedgerDraft, ctx: EventContext): void {
  let debt = draft.debt;
  if (debt === 0) return;
  for (const lot of draft.activeLots()) {
    if (debt === 0) break;
    const take = Math.min(debt, lot.remaining);
    const reason = `Repays ${take} points of debt from earlier refunds`;
    draft.add(ctx, { type: "DEBT_REPAYMENT", bucket: "AVAILABLE", points: -take, lotId: lot.id, reason });
    draft.add(ctx, { type: "DEBT_REPAYMENT", bucket: "AVAILABLE", points: take, reason });
    debt -= take;
  }
}

/** A new spendable lot (bonus, positive adjustment), then debt repayment. */
function creditSpendableLot(
  draft: LedgerDraft,
  ctx: EventContext,
  settings: ProgramSettings,
  type: EntryType,
  points: number,
  actor?: string,
): void {
  const lot: Lot = {
    id: `lot:${ctx.key}`,
    status: "ACTIVE",
    source: ctx.source,
    earnedAt: ctx.occurredAt,
    spendableAt: ctx.occurredAt,
    expiresAt: fixedExpiry(settings, ctx.occurredAt),
    points,
    remaining: 0,
  };
  draft.putLot(lot);
  draft.add(ctx, { type, bucket: "AVAILABLE", points, lotId: lot.id, actor });
  settleDebt(draft, ctx);
}

function expireDueLots(draft: LedgerDraft, settings: ProgramSettings, now: Date): void {
  if (settings.expiry.mode === "none") return;
  const entries = draft.allEntries();
  const lastActivity = findLastActivityAt(entries);
  for (const lot of draft.activeLots()) {
    const expiresAt = resolveLotExpiry(lot, settings, lastActivity);
    if (expiresAt === null || expiresAt > now) continue;
    // A lot can expire more than once if a compensation refilled it after its date.
    const earlier = entries.filter((e) => e.type === "EXPIRY" && e.lotId === lot.id).length;
    const ctx: EventContext = {
      key: `expire:${lot.id}:${earlier}`,
      occurredAt: now,
      source: { kind: "system", id: lot.id },
      ruleSnapshot: versionOnly(settings),
      reason: `${lot.remaining} points expired (${settings.expiry.mode === "afterEarn" ? "earned" : "inactive since"} ${expiresAt.toISOString().slice(0, 10)} limit)`,
    };
    draft.add(ctx, { type: "EXPIRY", bucket: "AVAILABLE", points: -lot.remaining, lotId: lot.id });
  }
}

/** FIFO debit of spendable lots after sweeping expired ones; refuses rather than overdrawing. */
function debitSpendable(
  draft: LedgerDraft,
  ctx: EventContext,
  settings: ProgramSettings,
  type: EntryType,
  points: number,
  actor?: string,
): void {
  expireDueLots(draft, settings, ctx.occurredAt);
  const lots = draft.activeLots();
  const spendable = lots.reduce((s, l) => s + l.remaining, 0);
  if (spendable < points) throw new InsufficientPointsError(points, spendable);
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    draft.add(ctx, { type, bucket: "AVAILABLE", points: -take, lotId: lot.id, actor });
    left -= take;
  }
}

// ---------------------------------------------------------------- earning

export interface OrderPaidEvent {
  orderId: string;
  /** Display name such as "#1001"; defaults to the id. */
  orderName?: string;
  financialStatus: FinancialStatus;
  amounts: OrderAmounts;
  paidAt: Date;
  /** Tier in force for the customer at payment (see `computeTierStatus`), null when none. */
  tierId: string | null;
}

function awardKey(orderId: string): string {
  return `award:${orderId}`;
}

function cancelKey(orderId: string): string {
  return `void:${orderId}`;
}

function orderLotId(orderId: string): string {
  return `lot:${awardKey(orderId)}`;
}

/**
 * Order paid → pending points on a new lot, spendable after the pending
 * period. Statuses the program does not award (default: only PAID) change
 * nothing; the later `orders/paid` event awards.
 */
export function awardOrderPoints(state: LedgerState, settings: ProgramSettings, event: OrderPaidEvent): LedgerChanges {
  assertId(event.orderId, "orderId");
  assertDate(event.paidAt, "paidAt");
  validateOrderAmounts(event.amounts);
  const draft = new LedgerDraft(state);
  const key = awardKey(event.orderId);
  if (draft.has(key) || draft.has(cancelKey(event.orderId))) return emptyChanges();
  if (!settings.earn.eligibleFinancialStatuses.includes(event.financialStatus)) return emptyChanges();

  const snapshot = buildEarnSnapshot(settings, event.amounts, event.tierId);
  const spendableAt = addUtcDays(event.paidAt, settings.earn.pendingDays);
  const ctx: EventContext = {
    key,
    occurredAt: event.paidAt,
    source: { kind: "order", id: event.orderId },
    ruleSnapshot: { settingsVersion: settings.version, earn: snapshot },
    reason: `Order ${event.orderName ?? event.orderId}: ${formatMoney(snapshot.eligibleAmountMinor, snapshot.currency)} eligible`,
  };
  if (snapshot.points === 0) {
    // Recorded anyway so a retry under different settings cannot award later.
    draft.add(ctx, { type: "PENDING_EARN", bucket: "PENDING", points: 0 });
    return draft.changes();
  }
  draft.putLot({
    id: orderLotId(event.orderId),
    status: "PENDING",
    source: ctx.source,
    earnedAt: event.paidAt,
    spendableAt,
    expiresAt: fixedExpiry(settings, event.paidAt),
    points: snapshot.points,
    remaining: 0,
  });
  draft.add(ctx, { type: "PENDING_EARN", bucket: "PENDING", points: snapshot.points, lotId: orderLotId(event.orderId) });
  const earlyRefunded = orderRefundTraces(state.entries, event.orderId).reduce(
    (sum, t) => sum + (t.amountsBeforeAward ? computeEligibleAmount(snapshot.include, t.amountsBeforeAward) : 0),
    0,
  );
  if (earlyRefunded > 0) {
    const cumulative = Math.min(snapshot.eligibleAmountMinor, earlyRefunded);
    bookReversal(draft, ctx, event.orderId, snapshot, cumulative, cumulative, "refund");
  }
  if (spendableAt <= event.paidAt) confirmDueLots(draft, settings, event.paidAt);
  return draft.changes();
}

function confirmDueLots(draft: LedgerDraft, settings: ProgramSettings, now: Date): void {
  for (const lot of draft.pendingLots()) {
    if (lot.spendableAt > now) continue;
    const ctx: EventContext = {
      key: `confirm:${lot.id}`,
      occurredAt: now,
      source: lot.source,
      ruleSnapshot: versionOnly(settings),
      reason: `${lot.remaining} points became spendable`,
    };
    if (draft.has(ctx.key)) continue;
    if (lot.remaining === 0) {
      // Fully refunded while pending: nothing left to confirm.
      draft.putLot({ ...lot, status: "VOID" });
      continue;
    }
    draft.add(ctx, { type: "CONFIRM", bucket: "PENDING", points: -lot.remaining, lotId: lot.id });
    draft.putLot({ ...(draft.lot(lot.id) as Lot), status: "ACTIVE" });
    draft.add(ctx, { type: "CONFIRM", bucket: "AVAILABLE", points: lot.remaining, lotId: lot.id });
    settleDebt(draft, ctx);
  }
}

/** Moves every pending lot whose pending period has ended to spendable; repays debt first. */
export function confirmPendingPoints(state: LedgerState, settings: ProgramSettings, now: Date): LedgerChanges {
  assertDate(now, "now");
  const draft = new LedgerDraft(state);
  confirmDueLots(draft, settings, now);
  return draft.changes();
}

// ---------------------------------------------------------------- refunds and cancellations

interface OrderAward {
  entry: LedgerEntry;
  snapshot: EarnSnapshot;
}

function findOrderAward(entries: readonly LedgerEntry[], orderId: string): OrderAward | undefined {
  const key = awardKey(orderId);
  const entry = entries.find((e) => e.idempotencyKey === key && e.type === "PENDING_EARN");
  if (!entry?.ruleSnapshot.earn) return undefined;
  return { entry, snapshot: entry.ruleSnapshot.earn };
}

function zeroTrace(orderId: string): RefundTrace {
  return { orderId, refundedMinor: 0, cumulativeRefundedMinor: 0, cumulativeTarget: 0, expiredAbsorbed: 0 };
}

/** One trace per event (rows of an event share it). */
function orderRefundTraces(entries: readonly LedgerEntry[], orderId: string): RefundTrace[] {
  const byKey = new Map<string, RefundTrace>();
  for (const e of entries) if (e.refund?.orderId === orderId) byKey.set(e.idempotencyKey, e.refund);
  return [...byKey.values()];
}

/**
 * Takes the points an order must give back, as of a new cumulative refunded
 * amount. Order: the order's own lot; then points of that lot already lost to
 * expiry (never taken twice); then other spendable lots FIFO; the rest becomes
 * debt (negative AVAILABLE balance) repaid by the next spendable earnings.
 */
function bookReversal(
  draft: LedgerDraft,
  ctx: EventContext,
  orderId: string,
  snapshot: EarnSnapshot,
  cumulativeRefundedMinor: number,
  refundedMinor: number,
  cause: "refund" | "cancel",
): void {
  const traces = orderRefundTraces(draft.allEntries(), orderId);
  const previousTarget = traces.reduce((m, t) => Math.max(m, t.cumulativeTarget), 0);
  const target =
    snapshot.eligibleAmountMinor === 0
      ? snapshot.points
      : roundRatio(BigInt(snapshot.points) * BigInt(cumulativeRefundedMinor), BigInt(snapshot.eligibleAmountMinor), "round");
  const cumulativeTarget = Math.max(previousTarget, target);
  let due = cumulativeTarget - previousTarget;

  const lot = draft.lot(orderLotId(orderId));
  const pending = lot?.status === "PENDING";
  // Cancelling before confirmation is a VOID; every other reversal is a refund reversal.
  const type: EntryType = pending && cause === "cancel" ? "VOID" : "REFUND_REVERSAL";
  const fromOwnLot = lot && lot.status !== "VOID" ? Math.min(due, lot.remaining) : 0;
  due -= fromOwnLot;
  let expiredAbsorbed = 0;
  if (lot?.status === "ACTIVE" && due > 0) {
    const expired = -draft.allEntries().reduce((s, e) => s + (e.type === "EXPIRY" && e.lotId === lot.id ? e.points : 0), 0);
    const absorbedBefore = traces.reduce((s, t) => s + t.expiredAbsorbed, 0);
    expiredAbsorbed = Math.min(due, Math.max(0, expired - absorbedBefore));
    due -= expiredAbsorbed;
  }

  const trace: RefundTrace = { orderId, refundedMinor, cumulativeRefundedMinor, cumulativeTarget, expiredAbsorbed };
  let written = 0;
  const write = (row: Omit<RowInput, "refund">) => {
    draft.add(ctx, { ...row, refund: trace });
    written += 1;
  };
  if (lot && fromOwnLot > 0) {
    write({ type, bucket: pending ? "PENDING" : "AVAILABLE", points: -fromOwnLot, lotId: lot.id });
    const after = draft.lot(lot.id) as Lot;
    if (pending && after.remaining === 0) draft.putLot({ ...after, status: "VOID" });
  }
  for (const other of due > 0 ? draft.activeLots() : []) {
    if (due === 0) break;
    const take = Math.min(due, other.remaining);
    write({ type: "REFUND_REVERSAL", bucket: "AVAILABLE", points: -take, lotId: other.id });
    due -= take;
  }
  if (due > 0) {
    write({ type: "REFUND_REVERSAL", bucket: "AVAILABLE", points: -due, reason: `${ctx.reason}; ${due} points already spent become debt` });
  }
  // Even a 0-point reversal is written: later refunds prorate on the cumulative amount it records.
  if (written === 0) write({ type, bucket: pending ? "PENDING" : "AVAILABLE", points: 0 });
}

export interface RefundEvent {
  orderId: string;
  refundId: string;
  /** What this refund gives back, split like the order so the award's inclusion rules apply. */
  amounts: OrderAmounts;
  refundedAt: Date;
}

/**
 * Partial or full refund → reversal prorated with the award's rule snapshot:
 * reversal_k = round(awarded × cumulativeRefunded_k / eligible) − already reversed,
 * so any split of refunds adds up exactly to the full award. Refunds of
 * orders that never earned change nothing.
 */
export function reverseRefundPoints(state: LedgerState, settings: ProgramSettings, event: RefundEvent): LedgerChanges {
  assertId(event.orderId, "orderId");
  assertId(event.refundId, "refundId");
  assertDate(event.refundedAt, "refundedAt");
  validateOrderAmounts(event.amounts);
  const draft = new LedgerDraft(state);
  const key = `refund:${event.refundId}`;
  if (draft.has(key)) return emptyChanges();
  const award = findOrderAward(state.entries, event.orderId);
  if (!award) {
    // Webhooks arrive out of order: keep the refund so a later award starts from it.
    // For orders that never earn (placed before the program) the row just documents the refund.
    if (event.amounts.currency !== settings.currency) throw new CurrencyMismatchError(settings.currency, event.amounts.currency);
    const marker: EventContext = {
      key,
      occurredAt: event.refundedAt,
      source: { kind: "refund", id: event.refundId },
      ruleSnapshot: versionOnly(settings),
      reason: `Refund ${event.refundId} of order ${event.orderId} recorded before the order earned points`,
    };
    draft.add(marker, {
      type: "REFUND_REVERSAL",
      bucket: "AVAILABLE",
      points: 0,
      refund: { ...zeroTrace(event.orderId), amountsBeforeAward: event.amounts },
    });
    return draft.changes();
  }
  if (event.amounts.currency !== award.snapshot.currency) {
    throw new CurrencyMismatchError(award.snapshot.currency, event.amounts.currency);
  }
  const refundedMinor = computeEligibleAmount(award.snapshot.include, event.amounts);
  const before = orderRefundTraces(state.entries, event.orderId).reduce((m, t) => Math.max(m, t.cumulativeRefundedMinor), 0);
  // Refunds beyond the eligible amount (e.g. shipping refunded in a program that excludes it) cap at a full reversal.
  const cumulative = Math.min(award.snapshot.eligibleAmountMinor, before + refundedMinor);
  const ctx: EventContext = {
    key,
    occurredAt: event.refundedAt,
    source: { kind: "refund", id: event.refundId },
    ruleSnapshot: { settingsVersion: award.entry.ruleSnapshot.settingsVersion, earn: award.snapshot },
    reason: `Refund ${event.refundId} of order ${event.orderId}: ${formatMoney(refundedMinor, award.snapshot.currency)} eligible refunded`,
  };
  bookReversal(draft, ctx, event.orderId, award.snapshot, cumulative, cumulative - before, "refund");
  return draft.changes();
}

export interface CancelEvent {
  orderId: string;
  cancelledAt: Date;
  reason?: string;
}

/**
 * Order cancelled. Pending points are voided; once confirmed, the
 * cancellation is a full refund (same reversal and debt rules).
 */
export function voidOrderPoints(state: LedgerState, settings: ProgramSettings, event: CancelEvent): LedgerChanges {
  assertId(event.orderId, "orderId");
  assertDate(event.cancelledAt, "cancelledAt");
  const draft = new LedgerDraft(state);
  const key = cancelKey(event.orderId);
  if (draft.has(key)) return emptyChanges();
  const award = findOrderAward(state.entries, event.orderId);
  if (!award) {
    // Cancelled before (or without) an award: remember it so a late orders/paid earns nothing.
    const marker: EventContext = {
      key,
      occurredAt: event.cancelledAt,
      source: { kind: "order", id: event.orderId },
      ruleSnapshot: versionOnly(settings),
      reason: `Order ${event.orderId} cancelled before it earned points`,
    };
    draft.add(marker, { type: "VOID", bucket: "PENDING", points: 0, refund: zeroTrace(event.orderId) });
    return draft.changes();
  }
  const before = orderRefundTraces(state.entries, event.orderId).reduce((m, t) => Math.max(m, t.cumulativeRefundedMinor), 0);
  const eligible = award.snapshot.eligibleAmountMinor;
  const ctx: EventContext = {
    key,
    occurredAt: event.cancelledAt,
    source: { kind: "order", id: event.orderId },
    ruleSnapshot: { settingsVersion: award.entry.ruleSnapshot.settingsVersion, earn: award.snapshot },
    reason: `Order ${event.orderId} cancelled${event.reason ? `: ${event.reason}` : ""}`,
  };
  bookReversal(draft, ctx, event.orderId, award.snapshot, eligible, eligible - before, "cancel");
  return draft.changes();
}

// ---------------------------------------------------------------- spending

export interface RedeemEvent {
  redemptionId: string;
  rewardId: string;
  redeemedAt: Date;
}

/** Debits the reward's cost from spendable lots, oldest first. Expired lots are swept first so they cannot be spent. */
export function redeemPoints(state: LedgerState, settings: ProgramSettings, event: RedeemEvent): LedgerChanges {
  assertId(event.redemptionId, "redemptionId");
  assertDate(event.redeemedAt, "redeemedAt");
  const draft = new LedgerDraft(state);
  const key = `redeem:${event.redemptionId}`;
  if (draft.has(key)) return emptyChanges();
  const reward = findReward(settings, event.rewardId);
  if (!reward) throw new RewardUnavailableError(event.rewardId, "unknown");
  if (!reward.enabled) throw new RewardUnavailableError(event.rewardId, "disabled");
  const ctx: EventContext = {
    key,
    occurredAt: event.redeemedAt,
    source: { kind: "redemption", id: event.redemptionId },
    ruleSnapshot: { settingsVersion: settings.version, rewardId: reward.id },
    reason: `Redeemed "${reward.name}" for ${reward.costPoints} points`,
  };
  debitSpendable(draft, ctx, settings, "REDEEM", reward.costPoints);
  return draft.changes();
}

export interface CompensateEvent {
  redemptionId: string;
  compensatedAt: Date;
  reason?: string;
}

/**
 * The discount could not be created (Admin API failure): each lot gets back
 * exactly what the redemption took from it, keeping its dates, then any debt is repaid.
 */
export function compensateRedemption(state: LedgerState, settings: ProgramSettings, event: CompensateEvent): LedgerChanges {
  assertId(event.redemptionId, "redemptionId");
  assertDate(event.compensatedAt, "compensatedAt");
  const draft = new LedgerDraft(state);
  const key = `compensate:${event.redemptionId}`;
  if (draft.has(key)) return emptyChanges();
  const redeemKey = `redeem:${event.redemptionId}`;
  const debits = state.entries.filter((e) => e.idempotencyKey === redeemKey && e.type === "REDEEM");
  if (debits.length === 0) throw new RedemptionNotFoundError(event.redemptionId);
  const ctx: EventContext = {
    key,
    occurredAt: event.compensatedAt,
    source: { kind: "redemption", id: event.redemptionId },
    ruleSnapshot: versionOnly(settings),
    reason: `Redemption ${event.redemptionId} rolled back${event.reason ? `: ${event.reason}` : ""}`,
  };
  for (const debit of debits) {
    draft.add(ctx, { type: "REDEMPTION_COMPENSATION", bucket: "AVAILABLE", points: -debit.points, lotId: debit.lotId });
  }
  settleDebt(draft, ctx);
  return draft.changes();
}

// ---------------------------------------------------------------- expiry

/** Expires what is left of every lot past its expiry under the current policy. */
export function expireLots(state: LedgerState, settings: ProgramSettings, now: Date): LedgerChanges {
  assertDate(now, "now");
  const draft = new LedgerDraft(state);
  expireDueLots(draft, settings, now);
  return draft.changes();
}

export interface ExpiringLot {
  lotId: string;
  points: number;
  expiresAt: Date;
}

/** Lots that expire after `now` and within `warningDays` (default: the policy's warning window), soonest first. */
export function lotsExpiringSoon(
  state: LedgerState,
  settings: ProgramSettings,
  now: Date,
  warningDays?: number,
): ExpiringLot[] {
  assertDate(now, "now");
  if (settings.expiry.mode === "none") return [];
  const days = warningDays ?? settings.expiry.warningDays;
  if (!Number.isSafeInteger(days) || days < 0) throw new InvalidLoyaltyInputError("warningDays", "must be a non-negative integer");
  const horizon = addUtcDays(now, days);
  const lastActivity = findLastActivityAt(state.entries);
  const out: ExpiringLot[] = [];
  for (const lot of state.lots) {
    if (lot.status !== "ACTIVE" || lot.remaining === 0) continue;
    const expiresAt = resolveLotExpiry(lot, settings, lastActivity);
    if (expiresAt && expiresAt > now && expiresAt <= horizon) out.push({ lotId: lot.id, points: lot.remaining, expiresAt });
  }
  return out.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.lotId < b.lotId ? -1 : 1));
}

// ---------------------------------------------------------------- adjustments and bonuses

export interface AdjustmentEvent {
  adjustmentId: string;
  /** Signed, non-zero. Deductions can only take spendable points. */
  points: number;
  reason: string;
  actor: string;
  adjustedAt: Date;
}

export function adjustPoints(state: LedgerState, settings: ProgramSettings, event: AdjustmentEvent): LedgerChanges {
  assertId(event.adjustmentId, "adjustmentId");
  assertDate(event.adjustedAt, "adjustedAt");
  if (!Number.isSafeInteger(event.points) || event.points === 0) {
    throw new InvalidLoyaltyInputError("points", "must be a non-zero integer");
  }
  if (typeof event.reason !== "string" || event.reason.trim() === "") {
    throw new InvalidLoyaltyInputError("reason", "a manual adjustment needs a reason");
  }
  assertId(event.actor, "actor");
  const draft = new LedgerDraft(state);
  const key = `adjust:${event.adjustmentId}`;
  if (draft.has(key)) return emptyChanges();
  const ctx: EventContext = {
    key,
    occurredAt: event.adjustedAt,
    source: { kind: "admin", id: event.adjustmentId },
    ruleSnapshot: versionOnly(settings),
    reason: event.reason.trim(),
  };
  if (event.points > 0) creditSpendableLot(draft, ctx, settings, "MANUAL_ADJUSTMENT", event.points, event.actor);
  else debitSpendable(draft, ctx, settings, "MANUAL_ADJUSTMENT", -event.points, event.actor);
  return draft.changes();
}

export function awardSignupBonus(state: LedgerState, settings: ProgramSettings, now: Date): LedgerChanges {
  assertDate(now, "now");
  const points = settings.bonuses.signupPoints;
  const draft = new LedgerDraft(state);
  const ctx: EventContext = {
    key: "signup",
    occurredAt: now,
    source: { kind: "system", id: "signup" },
    ruleSnapshot: versionOnly(settings),
    reason: `Signup bonus`,
  };
  if (points === 0 || draft.has(ctx.key)) return emptyChanges();
  creditSpendableLot(draft, ctx, settings, "SIGNUP_BONUS", points);
  return draft.changes();
}

/** Once per calendar year (UTC): the key carries the year. The caller decides it is the customer's birthday. */
export function awardBirthdayBonus(state: LedgerState, settings: ProgramSettings, now: Date): LedgerChanges {
  assertDate(now, "now");
  const points = settings.bonuses.birthdayPoints;
  const year = now.getUTCFullYear();
  const draft = new LedgerDraft(state);
  const ctx: EventContext = {
    key: `birthday:${year}`,
    occurredAt: now,
    source: { kind: "system", id: `birthday-${year}` },
    ruleSnapshot: versionOnly(settings),
    reason: `Birthday bonus ${year}`,
  };
  if (points === 0 || draft.has(ctx.key)) return emptyChanges();
  creditSpendableLot(draft, ctx, settings, "BIRTHDAY_BONUS", points);
  return draft.changes();
}

export interface CampaignBonusEvent {
  campaignId: string;
  points: number;
  reason: string;
  awardedAt: Date;
}

export function awardCampaignBonus(state: LedgerState, settings: ProgramSettings, event: CampaignBonusEvent): LedgerChanges {
  assertId(event.campaignId, "campaignId");
  assertPositiveInteger(event.points, "points");
  assertDate(event.awardedAt, "awardedAt");
  assertId(event.reason, "reason");
  const draft = new LedgerDraft(state);
  const ctx: EventContext = {
    key: `campaign:${event.campaignId}`,
    occurredAt: event.awardedAt,
    source: { kind: "campaign", id: event.campaignId },
    ruleSnapshot: versionOnly(settings),
    reason: event.reason,
  };
  if (draft.has(ctx.key)) return emptyChanges();
  creditSpendableLot(draft, ctx, settings, "CAMPAIGN_BONUS", event.points);
  return draft.changes();
}
