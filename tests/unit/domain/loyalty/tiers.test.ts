import { describe, expect, it } from "vitest";
import {
  InvalidLoyaltyInputError,
  type LedgerState,
  awardOrderPoints,
  computeTierStatus,
  createEmptyLedger,
  measureTierMetrics,
  recalculateTier,
  reverseRefundPoints,
} from "~/domain/loyalty";
import { apply, at, settingsWith, usd } from "./ledger-support";

const levels = [
  { id: "bronze", name: "Bronze", threshold: 0, multiplier: 1 },
  { id: "silver", name: "Silver", threshold: 50_000, multiplier: 1.25, perks: "Free shipping over $50" },
  { id: "gold", name: "Gold", threshold: 150_000, multiplier: 1.5 },
];
const bySpend = settingsWith({ tiers: { basis: "spend", levels } });
const byPoints = settingsWith({ tiers: { basis: "points", levels: [{ id: "fan", name: "Fan", threshold: 200, multiplier: 1.1 }] } });

function order(state: LedgerState, id: string, amount: number, day: number): LedgerState {
  return apply(state, awardOrderPoints(state, bySpend, { orderId: id, financialStatus: "PAID", amounts: usd(amount), paidAt: at(day), tierId: null }));
}

describe("computeTierStatus", () => {
  it("finds the highest tier reached, the next one and linear progress between their thresholds", () => {
    expect(computeTierStatus(bySpend, { spendMinor: 0, points: 0 })).toMatchObject({ current: { id: "bronze" }, next: { id: "silver" }, progress: 0, remainingToNext: 50_000 });
    expect(computeTierStatus(bySpend, { spendMinor: 100_000, points: 0 })).toMatchObject({ current: { id: "silver" }, next: { id: "gold" }, progress: 0.5, remainingToNext: 50_000 });
    expect(computeTierStatus(bySpend, { spendMinor: 150_000, points: 0 })).toMatchObject({ current: { id: "gold" }, next: null, progress: 1, remainingToNext: 0 });
  });

  it("below the first threshold there is no tier yet and progress counts from zero", () => {
    expect(computeTierStatus(byPoints, { spendMinor: 999_999, points: 50 })).toMatchObject({ basis: "points", current: null, next: { id: "fan" }, progress: 0.25, remainingToNext: 150 });
    expect(computeTierStatus(settingsWith(), { spendMinor: 10, points: 10 })).toMatchObject({ current: null, next: null, progress: 1 });
  });

  it("rejects a negative or non-finite metric", () => {
    expect(() => computeTierStatus(bySpend, { spendMinor: -1, points: 0 })).toThrow(InvalidLoyaltyInputError);
    expect(() => computeTierStatus(byPoints, { spendMinor: 0, points: Number.NaN })).toThrow(/metrics.points/);
  });
});

describe("rolling 12-month metrics and recalculation", () => {
  it("measures eligible spend net of refunds and earned points inside (now − 12 months, now]", () => {
    let state = order(createEmptyLedger(), "old", 90_000, 0); // 2026-01-01
    state = order(state, "new", 80_000, 200);
    state = apply(state, reverseRefundPoints(state, bySpend, { orderId: "new", refundId: "r1", amounts: usd(20_000), refundedAt: at(210) }));
    expect(measureTierMetrics(state.entries, at(300))).toEqual({ spendMinor: 150_000, points: 1_500 });
    expect(measureTierMetrics(state.entries, new Date("2027-01-01T00:00:00Z"))).toEqual({ spendMinor: 60_000, points: 600 });
  });

  it("goes up as spend accumulates and back down when old orders leave the window", () => {
    let state = order(createEmptyLedger(), "o1", 120_000, 0);
    state = order(state, "o2", 40_000, 100);
    expect(recalculateTier(bySpend, state.entries, at(101), "silver")).toMatchObject({ tierId: "gold", direction: "up", status: { progress: 1 } });
    const later = recalculateTier(bySpend, state.entries, new Date("2027-01-02T00:00:00Z"), "gold");
    expect(later).toMatchObject({ tierId: "bronze", direction: "down", status: { value: 40_000, next: { id: "silver" }, progress: 0.8 } });
    expect(recalculateTier(bySpend, [], at(0), "bronze", 60_000)).toMatchObject({ tierId: "silver", direction: "up" });
    expect(recalculateTier(bySpend, [], at(0), "bronze")).toMatchObject({ tierId: "bronze", direction: "same" });
  });
});
