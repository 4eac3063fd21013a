// Property tests: random sequences of shop events against the ledger's
// invariants. Seeded so a failure reproduces; sized for a 2-core machine.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InsufficientPointsError,
  type LedgerChanges,
  type LedgerState,
  type ProgramSettings,
  RedemptionNotFoundError,
  adjustPoints,
  awardBirthdayBonus,
  awardCampaignBonus,
  awardOrderPoints,
  awardSignupBonus,
  compensateRedemption,
  confirmPendingPoints,
  createEmptyLedger,
  expireLots,
  redeemPoints,
  reverseRefundPoints,
  reviseProgramSettings,
  summarizeBalance,
  voidOrderPoints,
} from "~/domain/loyalty";
import { T0, apply, expectLedgerInvariants, settingsWith, usd } from "./ledger-support";

const SEED = 20_261_122;
// ~1 s each on an idle 2-core machine; the margin covers a machine shared with other suites.
const TIMEOUT_MS = 30_000;
const HOUR = 3_600_000;
const NONE: LedgerChanges = { entries: [], lots: [] };

const settingsArb = fc
  .record({
    pointsPerUnit: fc.constantFrom(0.5, 1, 2.5),
    rounding: fc.constantFrom("floor" as const, "round" as const, "ceil" as const),
    pendingDays: fc.constantFrom(0, 7, 30),
    expiry: fc.constantFrom(
      { mode: "none" as const },
      { mode: "afterEarn" as const, months: 3 },
      { mode: "afterInactivity" as const, months: 2 },
    ),
  })
  .map(({ pointsPerUnit, rounding, pendingDays, expiry }) =>
    settingsWith({
      earn: { pointsPerUnit, rounding, pendingDays },
      expiry,
      bonuses: { signupPoints: 50, birthdayPoints: 20 },
      rewards: [
        { type: "FIXED_AMOUNT", id: "r100", name: "$5 off", amountMinor: 500, costPoints: 100 },
        { type: "FREE_SHIPPING", id: "r250", name: "Free shipping", costPoints: 250 },
      ],
    }),
  );

const order = fc.integer({ min: 0, max: 4 });
const opArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("pay" as const), order, merch: fc.integer({ min: 0, max: 30_000 }), shipping: fc.integer({ min: 0, max: 2_000 }), paid: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("refund" as const), order, merch: fc.integer({ min: 0, max: 12_000 }), shipping: fc.integer({ min: 0, max: 1_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), order }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("confirm" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("expire" as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("redeem" as const), reward: fc.constantFrom("r100", "r250") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("compensate" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("adjust" as const), points: fc.integer({ min: -300, max: 300 }).filter((p) => p !== 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("signup" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("birthday" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("campaign" as const), id: fc.integer({ min: 0, max: 2 }), points: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("revise" as const), pointsPerUnit: fc.constantFrom(0.5, 1, 4) }) },
);
const stepArb = fc.record({ op: opArb, advanceHours: fc.integer({ min: 0, max: 24 * 25 }) });
type OpValue = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

interface Action {
  op: OpValue;
  timeDriven: boolean;
  run: (state: LedgerState, settings: ProgramSettings) => LedgerChanges;
}

/** Gives every event its ids and time up front, so it can be re-run exactly (a webhook retry). */
function toActions(steps: { op: OpValue; advanceHours: number }[]): Action[] {
  let t = T0.getTime();
  let n = 0;
  const redemptions: string[] = [];
  return steps.map(({ op, advanceHours }) => {
    t += advanceHours * HOUR;
    const now = new Date(t);
    n += 1;
    const id = `e${n}`;
    switch (op.kind) {
      case "pay":
        return { op, timeDriven: false, run: (s, cfg) => awardOrderPoints(s, cfg, { orderId: `o${op.order}`, financialStatus: op.paid ? "PAID" : "PENDING", amounts: usd(op.merch, { shippingMinor: op.shipping }), paidAt: now, tierId: null }) };
      case "refund":
        return { op, timeDriven: false, run: (s, cfg) => reverseRefundPoints(s, cfg, { orderId: `o${op.order}`, refundId: id, amounts: usd(op.merch, { shippingMinor: op.shipping }), refundedAt: now }) };
      case "cancel":
        return { op, timeDriven: false, run: (s, cfg) => voidOrderPoints(s, cfg, { orderId: `o${op.order}`, cancelledAt: now }) };
      case "confirm":
        return { op, timeDriven: true, run: (s, cfg) => confirmPendingPoints(s, cfg, now) };
      case "expire":
        return { op, timeDriven: true, run: (s, cfg) => expireLots(s, cfg, now) };
      case "redeem":
        redemptions.push(id);
        return { op, timeDriven: false, run: (s, cfg) => redeemPoints(s, cfg, { redemptionId: id, rewardId: op.reward, redeemedAt: now }) };
      case "compensate": {
        const target = redemptions.length ? redemptions[op.pick % redemptions.length] : "none";
        return { op, timeDriven: false, run: (s, cfg) => compensateRedemption(s, cfg, { redemptionId: target, compensatedAt: now }) };
      }
      case "adjust":
        return { op, timeDriven: false, run: (s, cfg) => adjustPoints(s, cfg, { adjustmentId: id, points: op.points, reason: "property test", actor: "staff:1", adjustedAt: now }) };
      case "signup":
        return { op, timeDriven: false, run: (s, cfg) => awardSignupBonus(s, cfg, now) };
      case "birthday":
        return { op, timeDriven: false, run: (s, cfg) => awardBirthdayBonus(s, cfg, now) };
      case "campaign":
        return { op, timeDriven: false, run: (s, cfg) => awardCampaignBonus(s, cfg, { campaignId: `c${op.id}`, points: op.points, reason: "campaign", awardedAt: now }) };
      case "revise":
        return { op, timeDriven: false, run: () => NONE };
    }
  });
}

/** Refusals the ledger is expected to give for some random sequences; anything else is a bug. */
function isExpectedRefusal(error: unknown): boolean {
  return error instanceof InsufficientPointsError || error instanceof RedemptionNotFoundError;
}

describe("ledger properties over random event sequences", () => {
  it("balance = Σ entries, lots never negative, Σ lots = spendable/pending, debt only without spendable lots, replays change nothing, refunds add up per order, rebuilds are identical", () => {
    fc.assert(
      fc.property(settingsArb, fc.array(stepArb, { minLength: 1, maxLength: 40, size: "max" }), (initial, steps) => {
        let settings = initial;
        let state = createEmptyLedger();
        const done: { action: Action; settings: ProgramSettings }[] = [];
        const refundedByOrder = new Map<string, number>();
        for (const action of toActions(steps)) {
          if (action.op.kind === "revise") {
            settings = reviseProgramSettings(settings, { earn: { ...settings.earn, pointsPerUnit: action.op.pointsPerUnit } });
            continue;
          }
          let changes: LedgerChanges;
          try {
            changes = action.run(state, settings);
          } catch (error) {
            if (isExpectedRefusal(error)) continue;
            throw error;
          }
          if (action.op.kind === "refund" && changes.entries.length > 0) {
            const key = `o${action.op.order}`;
            refundedByOrder.set(key, (refundedByOrder.get(key) ?? 0) + action.op.merch);
          }
          state = apply(state, changes);
          expectLedgerInvariants(state);
          expect(action.run(state, settings)).toEqual(NONE);
          done.push({ action, settings });
        }
        // A retry of any past event (not the clock-driven sweeps) is still a no-op at the end.
        for (const { action, settings: used } of done) {
          if (!action.timeDriven) expect(action.run(state, used)).toEqual(NONE);
        }
        // Deterministic: the same events rebuild the same ledger (no clock, no random ids).
        const rebuilt = done.reduce((s, { action, settings: used }) => apply(s, action.run(s, used)), createEmptyLedger());
        expect(rebuilt).toEqual(state);
        // Per order: reversed + absorbed by expiry = the cumulative target = round(awarded × refunded / eligible).
        for (const award of state.entries.filter((e) => e.type === "PENDING_EARN")) {
          const orderId = award.source.id;
          const snap = award.ruleSnapshot.earn;
          if (!snap) throw new Error("award without snapshot");
          const rows = state.entries.filter((e) => e.refund?.orderId === orderId);
          const traces = new Map(rows.map((e) => [e.idempotencyKey, e.refund]));
          const target = Math.max(0, ...[...traces.values()].map((t) => t?.cumulativeTarget ?? 0));
          const absorbed = [...traces.values()].reduce((s, t) => s + (t?.expiredAbsorbed ?? 0), 0);
          expect(rows.reduce((s, e) => s + e.points, 0) - absorbed).toBe(0 - target);
          const cancelled = state.entries.some((e) => e.idempotencyKey === `void:${orderId}`);
          const refunded = Math.min(snap.eligibleAmountMinor, refundedByOrder.get(orderId) ?? 0);
          const expected = cancelled || snap.eligibleAmountMinor === 0 ? snap.points : Math.round((snap.points * refunded) / snap.eligibleAmountMinor);
          if (cancelled || refunded > 0) expect(target).toBe(expected);
          else expect(target).toBe(0);
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  }, TIMEOUT_MS);

  it("several partial refunds add up exactly to the full reversal, each step matching round(total × cumulative / eligible)", () => {
    const splitArb = fc
      .record({
        eligible: fc.integer({ min: 1, max: 1_000_000 }),
        pointsPerUnit: fc.constantFrom(0.3, 1, 2.5, 7),
        rounding: fc.constantFrom("floor" as const, "round" as const, "ceil" as const),
        cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 0, maxLength: 6 }),
      })
      .map(({ eligible, cuts, ...rest }) => {
        const points = [0, ...cuts.map((c) => Math.floor(c * eligible)).sort((a, b) => a - b), eligible];
        return { eligible, parts: points.slice(1).map((p, i) => p - points[i]), ...rest };
      });
    fc.assert(
      fc.property(splitArb, ({ eligible, parts, pointsPerUnit, rounding }) => {
        const settings = settingsWith({ earn: { pointsPerUnit, rounding, pendingDays: 0 } });
        let state = createEmptyLedger();
        state = apply(state, awardOrderPoints(state, settings, { orderId: "o1", financialStatus: "PAID", amounts: usd(eligible), paidAt: T0, tierId: null }));
        const awarded = summarizeBalance(state.entries).total;
        let cumulative = 0;
        parts.forEach((part, i) => {
          cumulative += part;
          state = apply(state, reverseRefundPoints(state, settings, { orderId: "o1", refundId: `r${i}`, amounts: usd(part, { shippingMinor: 999 }), refundedAt: T0 }));
          expect(awarded - summarizeBalance(state.entries).total).toBe(Math.round((awarded * cumulative) / eligible));
        });
        expect(summarizeBalance(state.entries).total).toBe(0);
        expectLedgerInvariants(state);
      }),
      { seed: SEED, numRuns: 200 },
    );
  }, TIMEOUT_MS);

  it("a rule change between award and refund prorates on the original snapshot", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(0.5, 1, 3),
        fc.constantFrom(0.25, 2, 10),
        fc.constantFrom("floor" as const, "ceil" as const),
        (eligible, share, before, after, rounding) => {
          const v1 = settingsWith({ earn: { pointsPerUnit: before, pendingDays: 0 } });
          let state = apply(createEmptyLedger(), awardOrderPoints(createEmptyLedger(), v1, { orderId: "o1", financialStatus: "PAID", amounts: usd(eligible), paidAt: T0, tierId: null }));
          const awarded = summarizeBalance(state.entries).total;
          const v2 = reviseProgramSettings(v1, { earn: { pointsPerUnit: after, rounding, pendingDays: 0 } });
          const refunded = Math.floor(share * eligible);
          state = apply(state, reverseRefundPoints(state, v2, { orderId: "o1", refundId: "r1", amounts: usd(refunded), refundedAt: T0 }));
          expect(awarded - summarizeBalance(state.entries).total).toBe(Math.round((awarded * refunded) / eligible));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  }, TIMEOUT_MS);

  it("refund after redemption leaves a debt of the spent points, which later earnings repay first", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: 60_000 }), fc.integer({ min: 0, max: 40_000 }), (first, second) => {
        const settings = settingsWith({
          earn: { pendingDays: 14 },
          rewards: [{ type: "FIXED_AMOUNT", id: "r100", name: "$1 off", amountMinor: 100, costPoints: 100 }],
        });
        let state = createEmptyLedger();
        const step = (changes: LedgerChanges) => {
          state = apply(state, changes);
          expectLedgerInvariants(state);
        };
        const day = (d: number) => new Date(T0.getTime() + d * 86_400_000);
        step(awardOrderPoints(state, settings, { orderId: "o1", financialStatus: "PAID", amounts: usd(first), paidAt: day(0), tierId: null }));
        step(confirmPendingPoints(state, settings, day(14)));
        const earnedFirst = Math.floor(first / 100);
        const redemptions = Math.floor(earnedFirst / 100);
        for (let i = 0; i < redemptions; i++) step(redeemPoints(state, settings, { redemptionId: `d${i}`, rewardId: "r100", redeemedAt: day(15) }));
        step(reverseRefundPoints(state, settings, { orderId: "o1", refundId: "r1", amounts: usd(first), refundedAt: day(16) }));
        const debt = redemptions * 100;
        expect(summarizeBalance(state.entries)).toMatchObject({ debt, spendable: 0, total: -debt });
        step(awardOrderPoints(state, settings, { orderId: "o2", financialStatus: "PAID", amounts: usd(second), paidAt: day(17), tierId: null }));
        expect(summarizeBalance(state.entries).debt).toBe(debt); // pending points do not repay until confirmed
        step(confirmPendingPoints(state, settings, day(31)));
        const earnedSecond = Math.floor(second / 100);
        expect(summarizeBalance(state.entries)).toMatchObject({
          debt: Math.max(0, debt - earnedSecond),
          spendable: Math.max(0, earnedSecond - debt),
        });
      }),
      { seed: SEED, numRuns: 100 },
    );
  }, TIMEOUT_MS);
});
