import { describe, expect, it } from "vitest";
import {
  type CustomerLedger,
  InvalidLoyaltyInputError,
  type LedgerState,
  awardOrderPoints,
  buildLiabilityReport,
  compensateRedemption,
  confirmPendingPoints,
  createEmptyLedger,
  expireLots,
  measureBreakageHistory,
  redeemPoints,
  resolvePointValue,
  reverseRefundPoints,
} from "~/domain/loyalty";
import { apply, at, settingsWith, usd } from "./ledger-support";

const settings = settingsWith({
  rewards: [
    { type: "FIXED_AMOUNT", id: "small", name: "$1 off", amountMinor: 100, costPoints: 100 },
    { type: "FIXED_AMOUNT", id: "fifteen", name: "$15 off", amountMinor: 1_500, costPoints: 1_000 },
    { type: "FIXED_AMOUNT", id: "off", name: "$50 off", amountMinor: 5_000, costPoints: 1_000, enabled: false },
    { type: "PERCENT", id: "pct", name: "20% off", percent: 20, costPoints: 10 },
  ],
});

function pay(state: LedgerState, id: string, amount: number, day: number): LedgerState {
  return apply(state, awardOrderPoints(state, settings, { orderId: id, financialStatus: "PAID", amounts: usd(amount), paidAt: at(day), tierId: null }));
}

// A: 100 spendable (confirmed Jan 31) + 50 pending (paid Feb 15).
// B: earned 100, spent them, then the order was refunded: 100 of debt.
function buildLedgers(): CustomerLedger[] {
  let a = pay(createEmptyLedger(), "a1", 10_000, 0);
  a = apply(a, confirmPendingPoints(a, settings, at(30)));
  a = pay(a, "a2", 5_000, 45);
  let b = pay(createEmptyLedger(), "b1", 10_000, 0);
  b = apply(b, confirmPendingPoints(b, settings, at(30)));
  b = apply(b, redeemPoints(b, settings, { redemptionId: "d1", rewardId: "small", redeemedAt: at(31) }));
  b = apply(b, reverseRefundPoints(b, settings, { orderId: "b1", refundId: "r1", amounts: usd(10_000), refundedAt: at(32) }));
  return [
    { customerId: "A", entries: a.entries },
    { customerId: "B", entries: b.entries },
  ];
}

describe("resolvePointValue", () => {
  it("uses the enabled fixed-amount reward that gives the most money per point, unless a value is configured", () => {
    expect(resolvePointValue(settings)).toMatchObject({ basis: "cheapest-reward", rewardId: "fifteen", pointValueMinor: 1.5 });
    expect(resolvePointValue(settingsWith({ ...settings, pointValueMinor: 0.8 }))).toMatchObject({ basis: "configured", pointValueMinor: 0.8 });
    expect(resolvePointValue(settingsWith({ rewards: [{ type: "FREE_SHIPPING", id: "fs", name: "Free shipping", costPoints: 300 }] }))).toMatchObject({ basis: "none", pointValueMinor: null });
  });
});

describe("buildLiabilityReport", () => {
  it("outstanding = pending + spendable per customer (debts are not netted), valued at the reward rate, with breakage from history", () => {
    const report = buildLiabilityReport(settings, buildLedgers(), {
      now: at(50),
      history: { expiredPoints: 250, redeemedPoints: 750 },
      trendFrom: at(0),
    });
    expect(report).toMatchObject({
      pendingPoints: 50,
      spendablePoints: 100,
      outstandingPoints: 150,
      debtPoints: 100,
      customersWithDebt: 1,
      valuation: { basis: "cheapest-reward", rewardId: "fifteen", pointValueMinor: 1.5 },
      outstandingValueMinor: 225,
      breakageRate: 0.25,
      expectedBreakagePoints: 38, // round(150 × 0.25 = 37.5)
      expectedLiabilityMinor: 168, // (150 − 38) × 1.5
    });
    expect(report.trend).toEqual([
      { at: new Date("2026-01-31T23:59:59.999Z"), pendingPoints: 0, spendablePoints: 200, outstandingPoints: 200, debtPoints: 0 },
      { at: at(50), pendingPoints: 50, spendablePoints: 100, outstandingPoints: 150, debtPoints: 100 },
    ]);
  });

  it("without history or a point value the unknowns are null, not guesses", () => {
    const bare = settingsWith({ rewards: [{ type: "PERCENT", id: "p", name: "10%", percent: 10, costPoints: 100 }] });
    const report = buildLiabilityReport(bare, buildLedgers(), { now: at(50), history: null });
    expect(report).toMatchObject({ outstandingValueMinor: null, breakageRate: null, expectedBreakagePoints: null, expectedLiabilityMinor: null });
    expect(report.trend).toHaveLength(12);
    expect(() => buildLiabilityReport(bare, [], { now: at(50), history: { expiredPoints: -1, redeemedPoints: 0 } })).toThrow(InvalidLoyaltyInputError);
    expect(() => buildLiabilityReport(bare, [], { now: at(50), history: null, trendFrom: at(51) })).toThrow(/trendFrom/);
  });
});

describe("measureBreakageHistory", () => {
  it("counts expired points and redeemed points net of rolled-back redemptions", () => {
    const expiring = settingsWith({ ...settings, earn: { pendingDays: 0 }, expiry: { mode: "afterEarn", months: 1 } });
    let s = apply(createEmptyLedger(), awardOrderPoints(createEmptyLedger(), expiring, { orderId: "o1", financialStatus: "PAID", amounts: usd(50_000), paidAt: at(0), tierId: null }));
    s = apply(s, redeemPoints(s, expiring, { redemptionId: "d1", rewardId: "small", redeemedAt: at(1) }));
    s = apply(s, redeemPoints(s, expiring, { redemptionId: "d2", rewardId: "small", redeemedAt: at(2) }));
    s = apply(s, compensateRedemption(s, expiring, { redemptionId: "d2", compensatedAt: at(2) }));
    s = apply(s, expireLots(s, expiring, at(40)));
    expect(measureBreakageHistory([{ customerId: "c", entries: s.entries }])).toEqual({ expiredPoints: 400, redeemedPoints: 100 });
    expect(measureBreakageHistory([{ customerId: "c", entries: s.entries }], at(3), at(60))).toEqual({ expiredPoints: 400, redeemedPoints: 0 });
  });
});
