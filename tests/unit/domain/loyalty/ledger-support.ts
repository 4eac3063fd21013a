// Shared helpers for the loyalty tests: a ledger invariant checker computed
// independently of the reducers, and short builders for events.
import { expect } from "vitest";
import {
  type LedgerChanges,
  type LedgerState,
  type OrderAmounts,
  type ProgramSettings,
  type ProgramSettingsInput,
  applyLedgerChanges,
  parseProgramSettings,
  summarizeBalance,
} from "~/domain/loyalty";

export const T0 = new Date("2026-01-01T00:00:00Z");
export const DAY = 86_400_000;

export function at(days: number): Date {
  return new Date(T0.getTime() + days * DAY);
}

export function usd(merchandiseMinor: number, extra: Partial<OrderAmounts> = {}): OrderAmounts {
  return { currency: "USD", merchandiseMinor, giftCardMinor: 0, shippingMinor: 0, taxMinor: 0, ...extra };
}

export function settingsWith(input: ProgramSettingsInput = {}): ProgramSettings {
  return parseProgramSettings(input);
}

/**
 * Applies changes and returns the new state; the test helper equivalent of a
 * persistence transaction. The state is frozen so a reducer that mutates its
 * input (instead of returning changes) throws in every test.
 */
export function apply(state: LedgerState, changes: LedgerChanges): LedgerState {
  const next = applyLedgerChanges(state, changes);
  for (const e of changes.entries) Object.freeze(e);
  for (const l of changes.lots) Object.freeze(l);
  Object.freeze(next.entries);
  Object.freeze(next.lots);
  return next;
}

/** Invariants every ledger state must satisfy, recomputed from raw rows. */
export function expectLedgerInvariants(state: LedgerState): void {
  let total = 0;
  let pending = 0;
  let debtAccount = 0;
  const byLot = new Map<string, number>();
  const keys = new Set<string>();
  // Plain checks inside loops: one `expect` per row would dominate the property tests' run time.
  const problems: string[] = [];
  for (const e of state.entries) {
    if (!Number.isSafeInteger(e.points)) problems.push(`row ${e.idempotencyKey}#${e.seq} points ${e.points}`);
    const k = `${e.idempotencyKey}#${e.seq}`;
    if (keys.has(k)) problems.push(`duplicate row ${k}`);
    keys.add(k);
    total += e.points;
    if (e.bucket === "PENDING") pending += e.points;
    if (e.lotId !== undefined) byLot.set(e.lotId, (byLot.get(e.lotId) ?? 0) + e.points);
    else if (e.bucket === "AVAILABLE") debtAccount += e.points;
  }
  const balance = summarizeBalance(state.entries);
  expect(balance.total).toBe(total);
  expect(balance.pending + balance.available).toBe(total);
  expect(balance.pending).toBe(pending);
  expect(debtAccount).toBeLessThanOrEqual(0);

  let activeSum = 0;
  let pendingSum = 0;
  for (const lot of state.lots) {
    if (lot.remaining < 0) problems.push(`lot ${lot.id} negative (${lot.remaining})`);
    if (lot.remaining > lot.points) problems.push(`lot ${lot.id} above its points`);
    if (lot.remaining !== (byLot.get(lot.id) ?? 0)) problems.push(`lot ${lot.id} remaining ${lot.remaining} ≠ Σ its entries ${byLot.get(lot.id) ?? 0}`);
    if (lot.status === "ACTIVE") activeSum += lot.remaining;
    if (lot.status === "PENDING") pendingSum += lot.remaining;
    if (lot.status === "VOID" && lot.remaining !== 0) problems.push(`void lot ${lot.id} still holds points`);
  }
  if (new Set(state.lots.map((l) => l.id)).size !== state.lots.length) problems.push("duplicate lot ids");
  expect(problems).toEqual([]);
  expect(pendingSum).toBe(balance.pending);
  expect(activeSum).toBe(balance.spendable);
  expect(0 - debtAccount).toBe(balance.debt);
  // Debt is only carried while there is nothing spendable to repay it from.
  if (balance.debt > 0) expect(activeSum).toBe(0);
}
