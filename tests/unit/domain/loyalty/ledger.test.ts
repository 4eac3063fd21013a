import { describe, expect, it } from "vitest";
import {
  CurrencyMismatchError,
  InsufficientPointsError,
  InvalidLoyaltyInputError,
  type LedgerState,
  RedemptionNotFoundError,
  RewardUnavailableError,
  adjustPoints,
  awardBirthdayBonus,
  awardCampaignBonus,
  awardOrderPoints,
  awardSignupBonus,
  compensateRedemption,
  confirmPendingPoints,
  createEmptyLedger,
  expireLots,
  lotsExpiringSoon,
  redeemPoints,
  reverseRefundPoints,
  reviseProgramSettings,
  summarizeBalance,
  voidOrderPoints,
} from "~/domain/loyalty";
import { apply, at, expectLedgerInvariants, settingsWith, usd } from "./ledger-support";

const rewards = [
  { type: "FIXED_AMOUNT" as const, id: "r100", name: "$10 off", amountMinor: 1000, costPoints: 100 },
  { type: "FIXED_AMOUNT" as const, id: "r150", name: "$15 off", amountMinor: 1500, costPoints: 150 },
  { type: "PERCENT" as const, id: "off", name: "10% off", percent: 10, costPoints: 50, enabled: false },
];
const base = settingsWith({ rewards, bonuses: { signupPoints: 50, birthdayPoints: 25 } });

function paid(state: LedgerState, orderId: string, merchandiseMinor: number, day: number, settings = base): LedgerState {
  return apply(
    state,
    awardOrderPoints(state, settings, { orderId, financialStatus: "PAID", amounts: usd(merchandiseMinor), paidAt: at(day), tierId: null }),
  );
}

/** Order paid on `day` and confirmed after the 30-day pending period. */
function earned(state: LedgerState, orderId: string, merchandiseMinor: number, day: number, settings = base): LedgerState {
  const s = paid(state, orderId, merchandiseMinor, day, settings);
  return apply(s, confirmPendingPoints(s, settings, at(day + settings.earn.pendingDays)));
}

function refund(state: LedgerState, orderId: string, refundId: string, merchandiseMinor: number, day: number, settings = base, extra = {}): LedgerState {
  const changes = reverseRefundPoints(state, settings, { orderId, refundId, amounts: usd(merchandiseMinor, extra), refundedAt: at(day) });
  return apply(state, changes);
}

describe("awardOrderPoints", () => {
  it("earns floor(subtotal after discounts × 1 per $) as pending points, excluding shipping, tax and gift cards by default", () => {
    const changes = awardOrderPoints(createEmptyLedger(), base, {
      orderId: "o1",
      orderName: "#1001",
      financialStatus: "PAID",
      amounts: usd(10_050, { giftCardMinor: 2_000, shippingMinor: 1_000, taxMinor: 500 }),
      paidAt: at(0),
      tierId: null,
    });
    expect(changes.entries).toHaveLength(1);
    const [entry] = changes.entries;
    expect(entry).toMatchObject({ type: "PENDING_EARN", bucket: "PENDING", points: 80, source: { kind: "order", id: "o1" } });
    expect(entry.ruleSnapshot).toMatchObject({ settingsVersion: 1, earn: { eligibleAmountMinor: 8_050, points: 80, pointsPerUnit: 1 } });
    expect(entry.reason).toBe("Order #1001: $80.50 eligible");
    expect(changes.lots).toEqual([
      expect.objectContaining({ status: "PENDING", points: 80, remaining: 80, spendableAt: at(30), expiresAt: null }),
    ]);
    const state = apply(createEmptyLedger(), changes);
    expect(summarizeBalance(state.entries)).toEqual({ pending: 80, available: 0, spendable: 0, debt: 0, total: 80 });
    expectLedgerInvariants(state);
  });

  it("awards nothing for a financial status the program does not award", () => {
    const changes = awardOrderPoints(createEmptyLedger(), base, {
      orderId: "o1",
      financialStatus: "AUTHORIZED",
      amounts: usd(5_000),
      paidAt: at(0),
      tierId: null,
    });
    expect(changes).toEqual({ entries: [], lots: [] });
  });

  it("replaying orders/paid changes nothing, even after the earn rate changed", () => {
    const state = paid(createEmptyLedger(), "o1", 5_000, 0);
    const richer = reviseProgramSettings(base, { earn: { pointsPerUnit: 10 } });
    const again = awardOrderPoints(state, richer, { orderId: "o1", financialStatus: "PAID", amounts: usd(5_000), paidAt: at(1), tierId: null });
    expect(again).toEqual({ entries: [], lots: [] });
  });

  it("records a zero-point order so a retry cannot award it later", () => {
    const state = paid(createEmptyLedger(), "o1", 50, 0);
    expect(state.entries).toMatchObject([{ type: "PENDING_EARN", points: 0 }]);
    expect(state.lots).toHaveLength(0);
    expect(awardOrderPoints(state, base, { orderId: "o1", financialStatus: "PAID", amounts: usd(9_000), paidAt: at(0), tierId: null }).entries).toHaveLength(0);
  });

  it("applies the tier multiplier in force and snapshots it", () => {
    const tiered = settingsWith({ tiers: { levels: [{ id: "gold", name: "Gold", threshold: 0, multiplier: 1.5 }] } });
    const changes = awardOrderPoints(createEmptyLedger(), tiered, { orderId: "o1", financialStatus: "PAID", amounts: usd(8_099), paidAt: at(0), tierId: "gold" });
    expect(changes.entries[0].points).toBe(121); // floor(80.99 × 1.5) = floor(121.485)
    expect(changes.entries[0].ruleSnapshot.earn).toMatchObject({ tierId: "gold", tierMultiplier: 1.5 });
  });

  it("with no pending period the points are spendable at once", () => {
    const instant = settingsWith({ earn: { pendingDays: 0 } });
    const state = paid(createEmptyLedger(), "o1", 4_200, 0, instant);
    expect(summarizeBalance(state.entries)).toMatchObject({ pending: 0, spendable: 42 });
    expect(state.lots[0].status).toBe("ACTIVE");
    expectLedgerInvariants(state);
  });

  it("rejects amounts in another currency and negative amounts with typed errors", () => {
    const event = { orderId: "o1", financialStatus: "PAID" as const, paidAt: at(0), tierId: null };
    expect(() => awardOrderPoints(createEmptyLedger(), base, { ...event, amounts: { ...usd(100), currency: "EUR" } })).toThrow(CurrencyMismatchError);
    const bad = () => awardOrderPoints(createEmptyLedger(), base, { ...event, amounts: usd(-1) });
    expect(bad).toThrow(InvalidLoyaltyInputError);
    expect(bad).toThrow(/amounts.merchandiseMinor: must be a non-negative integer/);
    expect(() => awardOrderPoints(createEmptyLedger(), base, { ...event, amounts: usd(100), paidAt: new Date(Number.NaN) })).toThrow(/paidAt/);
    expect(() => awardOrderPoints(createEmptyLedger(), base, { ...event, amounts: usd(100), tierId: "nope" })).toThrow(/unknown tier/);
  });
});

describe("confirmPendingPoints", () => {
  it("moves pending points to spendable only once the pending period is over, exactly once", () => {
    const state = paid(createEmptyLedger(), "o1", 8_000, 0);
    expect(confirmPendingPoints(state, base, at(29.9)).entries).toHaveLength(0);
    const changes = confirmPendingPoints(state, base, at(30));
    expect(changes.entries.map((e) => [e.type, e.bucket, e.points])).toEqual([
      ["CONFIRM", "PENDING", -80],
      ["CONFIRM", "AVAILABLE", 80],
    ]);
    const confirmed = apply(state, changes);
    expect(summarizeBalance(confirmed.entries)).toMatchObject({ pending: 0, spendable: 80, total: 80 });
    expect(confirmPendingPoints(confirmed, base, at(31))).toEqual({ entries: [], lots: [] });
    expectLedgerInvariants(confirmed);
  });
});

describe("reverseRefundPoints", () => {
  it("three partial refunds of $33.33 + $33.33 + $33.34 reverse 33 + 34 + 33 = all 100 points (cumulative rounding)", () => {
    let state = earned(createEmptyLedger(), "o1", 10_000, 0);
    const reversals: number[] = [];
    for (const [i, amount] of [3_333, 3_333, 3_334].entries()) {
      const before = summarizeBalance(state.entries).total;
      state = refund(state, "o1", `r${i}`, amount, 40 + i);
      reversals.push(before - summarizeBalance(state.entries).total);
    }
    expect(reversals).toEqual([33, 34, 33]);
    expect(summarizeBalance(state.entries).total).toBe(0);
    expectLedgerInvariants(state);
  });

  it("prorates with the award's rule snapshot, not the settings in force at refund time", () => {
    let state = earned(createEmptyLedger(), "o1", 10_000, 0);
    const changed = reviseProgramSettings(base, { earn: { pointsPerUnit: 10, rounding: "ceil" }, currency: "USD" });
    state = refund(state, "o1", "r1", 5_000, 40, changed);
    expect(summarizeBalance(state.entries).total).toBe(50);
    expect(state.entries.at(-1)?.ruleSnapshot).toMatchObject({ settingsVersion: 1, earn: { pointsPerUnit: 1 } });
  });

  it("ignores refunded shipping when the award excluded shipping, and replays are no-ops", () => {
    let state = earned(createEmptyLedger(), "o1", 10_000, 0);
    const changes = reverseRefundPoints(state, base, { orderId: "o1", refundId: "r1", amounts: usd(0, { shippingMinor: 1_500 }), refundedAt: at(40) });
    expect(changes.entries).toMatchObject([{ type: "REFUND_REVERSAL", points: 0, refund: { refundedMinor: 0, cumulativeTarget: 0 } }]);
    state = apply(state, changes);
    expect(reverseRefundPoints(state, base, { orderId: "o1", refundId: "r1", amounts: usd(0, { shippingMinor: 1_500 }), refundedAt: at(40) })).toEqual({ entries: [], lots: [] });
  });

  it("refunds while pending reduce the pending lot, and only what is left is confirmed", () => {
    let state = paid(createEmptyLedger(), "o1", 10_000, 0);
    state = refund(state, "o1", "r1", 2_500, 3);
    expect(summarizeBalance(state.entries)).toMatchObject({ pending: 75, available: 0 });
    expect(state.lots[0]).toMatchObject({ status: "PENDING", remaining: 75 });
    state = apply(state, confirmPendingPoints(state, base, at(30)));
    expect(summarizeBalance(state.entries)).toMatchObject({ pending: 0, spendable: 75 });
    expectLedgerInvariants(state);
  });

  it("points the order's lot already lost to expiry are not taken a second time", () => {
    const expiring = settingsWith({ rewards, expiry: { mode: "afterEarn", months: 6 } });
    let state = earned(createEmptyLedger(), "o1", 10_000, 0, expiring);
    state = earned(state, "o2", 5_000, 200, expiring);
    state = apply(state, expireLots(state, expiring, at(200)));
    expect(summarizeBalance(state.entries)).toMatchObject({ pending: 0, spendable: 50 });
    state = refund(state, "o1", "r1", 10_000, 201, expiring);
    expect(summarizeBalance(state.entries)).toMatchObject({ spendable: 50, debt: 0 });
    expect(state.entries.at(-1)).toMatchObject({ points: 0, refund: { cumulativeTarget: 100, expiredAbsorbed: 100 } });
    expectLedgerInvariants(state);
  });
});

describe("out-of-order webhooks", () => {
  it("a refund that arrives before orders/paid is recorded with 0 points and reversed when the award lands", () => {
    let state = refund(createEmptyLedger(), "o1", "r1", 4_000, 0);
    expect(state.entries).toMatchObject([{ type: "REFUND_REVERSAL", points: 0, refund: { orderId: "o1", amountsBeforeAward: { merchandiseMinor: 4_000 } } }]);
    state = paid(state, "o1", 10_000, 0);
    expect(state.entries.slice(1).map((e) => [e.type, e.bucket, e.points])).toEqual([
      ["PENDING_EARN", "PENDING", 100],
      ["REFUND_REVERSAL", "PENDING", -40],
    ]);
    state = refund(state, "o1", "r2", 6_000, 1);
    expect(summarizeBalance(state.entries).total).toBe(0);
    expectLedgerInvariants(state);
  });

  it("an order cancelled before its orders/paid arrives never earns", () => {
    let state = apply(createEmptyLedger(), voidOrderPoints(createEmptyLedger(), base, { orderId: "o1", cancelledAt: at(0) }));
    expect(state.entries).toMatchObject([{ type: "VOID", points: 0 }]);
    expect(awardOrderPoints(state, base, { orderId: "o1", financialStatus: "PAID", amounts: usd(5_000), paidAt: at(0), tierId: null })).toEqual({ entries: [], lots: [] });
    state = refund(state, "o2", "r1", 100, 1, base);
    expect(summarizeBalance(state.entries).total).toBe(0);
  });
});

describe("voidOrderPoints", () => {
  it("cancellation before confirmation voids the pending points; later refunds find nothing left", () => {
    let state = paid(createEmptyLedger(), "o1", 6_000, 0);
    const changes = voidOrderPoints(state, base, { orderId: "o1", cancelledAt: at(2), reason: "customer" });
    expect(changes.entries).toMatchObject([{ type: "VOID", bucket: "PENDING", points: -60 }]);
    state = apply(state, changes);
    expect(state.lots[0]).toMatchObject({ status: "VOID", remaining: 0 });
    state = refund(state, "o1", "r1", 6_000, 3);
    expect(summarizeBalance(state.entries).total).toBe(0);
    expect(confirmPendingPoints(state, base, at(40)).entries).toHaveLength(0);
    expect(voidOrderPoints(state, base, { orderId: "o1", cancelledAt: at(4) })).toEqual({ entries: [], lots: [] });
    expectLedgerInvariants(state);
  });

  it("cancellation after confirmation is a full refund of what is left after partial refunds", () => {
    let state = earned(createEmptyLedger(), "o1", 10_000, 0);
    state = refund(state, "o1", "r1", 3_000, 35);
    const changes = voidOrderPoints(state, base, { orderId: "o1", cancelledAt: at(36) });
    expect(changes.entries).toMatchObject([{ type: "REFUND_REVERSAL", points: -70 }]);
    state = apply(state, changes);
    expect(summarizeBalance(state.entries).total).toBe(0);
    expectLedgerInvariants(state);
  });
});

describe("redeemPoints", () => {
  it("debits lots first-in first-out", () => {
    let state = earned(createEmptyLedger(), "o1", 8_000, 0);
    state = earned(state, "o2", 10_000, 5);
    const changes = redeemPoints(state, base, { redemptionId: "d1", rewardId: "r150", redeemedAt: at(40) });
    expect(changes.entries.map((e) => [e.type, e.lotId, e.points])).toEqual([
      ["REDEEM", "lot:award:o1", -80],
      ["REDEEM", "lot:award:o2", -70],
    ]);
    state = apply(state, changes);
    expect(summarizeBalance(state.entries).spendable).toBe(30);
    expect(redeemPoints(state, base, { redemptionId: "d1", rewardId: "r150", redeemedAt: at(41) })).toEqual({ entries: [], lots: [] });
    expectLedgerInvariants(state);
  });

  it("refuses with InsufficientPointsError when spendable points fall short; pending points do not count", () => {
    let state = earned(createEmptyLedger(), "o1", 8_000, 0);
    state = paid(state, "o2", 10_000, 31);
    try {
      redeemPoints(state, base, { redemptionId: "d1", rewardId: "r100", redeemedAt: at(32) });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InsufficientPointsError);
      expect(error).toMatchObject({ reason: "insufficient_points", requested: 100, spendable: 80 });
    }
  });

  it("refuses unknown and disabled rewards", () => {
    const state = earned(createEmptyLedger(), "o1", 80_000, 0);
    expect(() => redeemPoints(state, base, { redemptionId: "d1", rewardId: "nope", redeemedAt: at(40) })).toThrow(RewardUnavailableError);
    expect(() => redeemPoints(state, base, { redemptionId: "d1", rewardId: "off", redeemedAt: at(40) })).toThrow(/disabled/);
  });

  it("expired points cannot be spent: the redemption sweeps them first", () => {
    const expiring = settingsWith({ rewards, expiry: { mode: "afterEarn", months: 2 } });
    let state = earned(createEmptyLedger(), "o1", 10_000, 0, expiring);
    state = earned(state, "o2", 20_000, 40, expiring);
    const changes = redeemPoints(state, expiring, { redemptionId: "d1", rewardId: "r150", redeemedAt: at(75) });
    expect(changes.entries.map((e) => [e.type, e.lotId, e.points])).toEqual([
      ["EXPIRY", "lot:award:o1", -100],
      ["REDEEM", "lot:award:o2", -150],
    ]);
    expectLedgerInvariants(apply(state, changes));
  });
});

describe("compensateRedemption", () => {
  it("gives each lot back exactly what the failed redemption took, once", () => {
    let state = earned(createEmptyLedger(), "o1", 8_000, 0);
    state = earned(state, "o2", 10_000, 5);
    const before = state.lots.map((l) => ({ ...l }));
    state = apply(state, redeemPoints(state, base, { redemptionId: "d1", rewardId: "r150", redeemedAt: at(40) }));
    const changes = compensateRedemption(state, base, { redemptionId: "d1", compensatedAt: at(40), reason: "discountCodeBasicCreate failed" });
    expect(changes.entries.map((e) => [e.type, e.lotId, e.points])).toEqual([
      ["REDEMPTION_COMPENSATION", "lot:award:o1", 80],
      ["REDEMPTION_COMPENSATION", "lot:award:o2", 70],
    ]);
    state = apply(state, changes);
    expect(state.lots).toEqual(before);
    expect(compensateRedemption(state, base, { redemptionId: "d1", compensatedAt: at(41) })).toEqual({ entries: [], lots: [] });
    expect(() => compensateRedemption(state, base, { redemptionId: "nope", compensatedAt: at(41) })).toThrow(RedemptionNotFoundError);
    expectLedgerInvariants(state);
  });
});

describe("expireLots and lotsExpiringSoon", () => {
  const yearly = settingsWith({ rewards, expiry: { mode: "afterEarn", months: 12, warningDays: 30 } });

  it("warns inside the warning window, then expires what is left on the expiry date, once", () => {
    let state = earned(createEmptyLedger(), "o1", 10_000, 0, yearly);
    state = apply(state, redeemPoints(state, yearly, { redemptionId: "d1", rewardId: "r100", redeemedAt: at(40) }));
    state = earned(state, "o2", 3_000, 100, yearly);
    expect(lotsExpiringSoon(state, yearly, at(320))).toEqual([]);
    expect(lotsExpiringSoon(state, yearly, at(340))).toEqual([]); // o1 fully spent
    expect(lotsExpiringSoon(state, yearly, at(440))).toEqual([{ lotId: "lot:award:o2", points: 30, expiresAt: new Date("2027-04-11T00:00:00Z") }]);
    expect(expireLots(state, yearly, at(464.9)).entries).toHaveLength(0);
    const changes = expireLots(state, yearly, at(465));
    expect(changes.entries).toMatchObject([{ type: "EXPIRY", points: -30, lotId: "lot:award:o2" }]);
    state = apply(state, changes);
    expect(expireLots(state, yearly, at(500))).toEqual({ entries: [], lots: [] });
    expect(summarizeBalance(state.entries).total).toBe(0);
    expectLedgerInvariants(state);
  });

  it("inactivity expiry: any purchase or redemption restarts the clock for every lot", () => {
    const inactive = settingsWith({ rewards, expiry: { mode: "afterInactivity", months: 6, warningDays: 14 } });
    let state = earned(createEmptyLedger(), "o1", 10_000, 0, inactive);
    state = earned(state, "o2", 1_000, 150, inactive);
    expect(expireLots(state, inactive, at(200)).entries).toHaveLength(0); // o1 is 200 days old, but activity on day 150
    expect(lotsExpiringSoon(state, inactive, at(320)).map((l) => l.lotId)).toEqual(["lot:award:o1", "lot:award:o2"]);
    const changes = expireLots(state, inactive, at(335));
    expect(changes.entries.map((e) => e.points)).toEqual([-100, -10]);
    expectLedgerInvariants(apply(state, changes));
  });

  it("no expiry policy: nothing ever expires", () => {
    const state = earned(createEmptyLedger(), "o1", 10_000, 0);
    expect(expireLots(state, base, at(5_000)).entries).toHaveLength(0);
    expect(lotsExpiringSoon(state, base, at(5_000), 30)).toEqual([]);
  });
});

describe("adjustPoints", () => {
  it("records the actor and reason; a deduction takes spendable points FIFO and cannot overdraw", () => {
    let state = earned(createEmptyLedger(), "o1", 10_000, 0);
    const plus = adjustPoints(state, base, { adjustmentId: "a1", points: 40, reason: " goodwill ", actor: "staff:7", adjustedAt: at(31) });
    expect(plus.entries).toMatchObject([{ type: "MANUAL_ADJUSTMENT", points: 40, actor: "staff:7", reason: "goodwill", source: { kind: "admin", id: "a1" } }]);
    state = apply(state, plus);
    const minus = adjustPoints(state, base, { adjustmentId: "a2", points: -120, reason: "duplicate account", actor: "staff:7", adjustedAt: at(32) });
    expect(minus.entries.map((e) => [e.lotId, e.points])).toEqual([
      ["lot:award:o1", -100],
      ["lot:adjust:a1", -20],
    ]);
    state = apply(state, minus);
    expect(summarizeBalance(state.entries).spendable).toBe(20);
    expect(() => adjustPoints(state, base, { adjustmentId: "a3", points: -21, reason: "x", actor: "staff:7", adjustedAt: at(33) })).toThrow(InsufficientPointsError);
    expectLedgerInvariants(state);
  });

  it("a reason, an actor and a non-zero integer are required", () => {
    const state = createEmptyLedger();
    const event = { adjustmentId: "a1", points: 5, reason: "ok", actor: "staff:1", adjustedAt: at(0) };
    expect(() => adjustPoints(state, base, { ...event, reason: "  " })).toThrow(/reason: a manual adjustment needs a reason/);
    expect(() => adjustPoints(state, base, { ...event, actor: "" })).toThrow(/actor/);
    expect(() => adjustPoints(state, base, { ...event, points: 0 })).toThrow(/points: must be a non-zero integer/);
    expect(() => adjustPoints(state, base, { ...event, points: 1.5 })).toThrow(InvalidLoyaltyInputError);
  });
});

describe("bonuses", () => {
  it("signup bonus once, birthday bonus once per calendar year, campaign bonus once per campaign", () => {
    let state = createEmptyLedger();
    state = apply(state, awardSignupBonus(state, base, at(0)));
    expect(awardSignupBonus(state, base, at(1)).entries).toHaveLength(0);
    state = apply(state, awardBirthdayBonus(state, base, new Date("2026-03-10T00:00:00Z")));
    expect(awardBirthdayBonus(state, base, new Date("2026-12-31T00:00:00Z")).entries).toHaveLength(0);
    state = apply(state, awardBirthdayBonus(state, base, new Date("2027-03-10T00:00:00Z")));
    const campaign = { campaignId: "c1", points: 200, reason: "Win-back", awardedAt: at(5) };
    state = apply(state, awardCampaignBonus(state, base, campaign));
    expect(awardCampaignBonus(state, base, campaign).entries).toHaveLength(0);
    expect(state.entries.map((e) => [e.type, e.points])).toEqual([
      ["SIGNUP_BONUS", 50],
      ["BIRTHDAY_BONUS", 25],
      ["BIRTHDAY_BONUS", 25],
      ["CAMPAIGN_BONUS", 200],
    ]);
    expect(summarizeBalance(state.entries).spendable).toBe(300);
    expect(awardSignupBonus(createEmptyLedger(), settingsWith(), at(0)).entries).toHaveLength(0); // 0 configured
    expect(() => awardCampaignBonus(state, base, { ...campaign, campaignId: "c2", points: -5 })).toThrow(/points: must be a positive integer/);
    expectLedgerInvariants(state);
  });
});

describe("negative carry (debt)", () => {
  it("refund after redemption creates a debt that the next confirmed earnings repay first", () => {
    let state = earned(createEmptyLedger(), "o1", 10_000, 0);
    state = apply(state, redeemPoints(state, base, { redemptionId: "d1", rewardId: "r100", redeemedAt: at(31) }));
    state = refund(state, "o1", "r1", 10_000, 32);
    expect(summarizeBalance(state.entries)).toEqual({ pending: 0, available: -100, spendable: 0, debt: 100, total: -100 });
    expect(state.lots.every((l) => l.remaining >= 0)).toBe(true);
    expectLedgerInvariants(state);

    state = paid(state, "o2", 15_000, 33);
    expect(summarizeBalance(state.entries)).toMatchObject({ pending: 150, debt: 100, spendable: 0 });
    const confirm = confirmPendingPoints(state, base, at(63));
    expect(confirm.entries.map((e) => [e.type, e.bucket, e.points, e.lotId ?? null])).toEqual([
      ["CONFIRM", "PENDING", -150, "lot:award:o2"],
      ["CONFIRM", "AVAILABLE", 150, "lot:award:o2"],
      ["DEBT_REPAYMENT", "AVAILABLE", -100, "lot:award:o2"],
      ["DEBT_REPAYMENT", "AVAILABLE", 100, null],
    ]);
    state = apply(state, confirm);
    expect(summarizeBalance(state.entries)).toEqual({ pending: 0, available: 50, spendable: 50, debt: 0, total: 50 });
    expect(state.lots.find((l) => l.id === "lot:award:o2")).toMatchObject({ points: 150, remaining: 50 });
    expectLedgerInvariants(state);
  });

  it("a refund takes the order's own lot first, then other spendable lots, before any debt", () => {
    let state = earned(createEmptyLedger(), "o1", 10_000, 0);
    state = earned(state, "o2", 8_000, 1);
    state = apply(state, redeemPoints(state, base, { redemptionId: "d1", rewardId: "r150", redeemedAt: at(40) }));
    // o1 fully spent, o2 has 30 left: the 100-point reversal takes 30 and leaves 70 of debt.
    state = refund(state, "o1", "r1", 10_000, 41);
    expect(summarizeBalance(state.entries)).toMatchObject({ spendable: 0, debt: 70 });
    state = apply(state, adjustPoints(state, base, { adjustmentId: "a1", points: 100, reason: "goodwill", actor: "staff:1", adjustedAt: at(42) }));
    expect(summarizeBalance(state.entries)).toMatchObject({ spendable: 30, debt: 0 });
    expectLedgerInvariants(state);
  });
});
