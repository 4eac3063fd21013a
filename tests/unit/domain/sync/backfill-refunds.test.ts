import { describe, expect, it } from "vitest";
import { planBackfillRefunds, type StoredRefundView } from "~/domain/sync/backfill-refunds";
import type { NormalizedRefund } from "~/domain/sync";

const refund = (id: string, order: string, amount: number, lines: NormalizedRefund["lines"] = null, storeCredit = 0): NormalizedRefund => ({
  shopifyId: id, orderShopifyId: order, amountMinor: amount, storeCreditMinor: storeCredit, lines, note: null, processedAt: new Date(Date.UTC(2024, 0, 2)),
});
const stored = (id: string, order: string, amount: number, opts: Partial<StoredRefundView> = {}): StoredRefundView => ({
  id: `row-${id}`, shopifyId: id, orderShopifyId: order, amountMinor: amount, storeCreditMinor: 0, hasLines: false, held: false, ...opts,
});

describe("planBackfillRefunds", () => {
  it("inserts unseen refunds once and sums money and store credit per order (sumRefunds rule)", () => {
    const plan = planBackfillRefunds([refund("r1", "o1", 500), refund("r2", "o1", 0, null, 250), refund("r1", "o1", 500), refund("r3", "o2", 100)], []);
    expect(plan.create.map((r) => r.shopifyId)).toEqual(["r1", "r2", "r3"]);
    expect([...plan.refundedByOrder]).toEqual([["o1", 750], ["o2", 100]]);
    expect(plan.enrich).toEqual([]);
    expect(plan.release).toEqual([]);
  });

  it("a detailed stored refund is kept; a stored summary is enriched by a detailed incoming one (decideRefund)", () => {
    const detailed = stored("r1", "o1", 700, { hasLines: true, held: true });
    const summary = stored("r2", "o1", 300);
    const lines = [{ lineItemId: "9", quantity: 1, subtotalMinor: 310 }];
    const plan = planBackfillRefunds([refund("r1", "o1", 650), refund("r2", "o1", 310, lines)], [detailed, summary]);
    expect(plan.create).toEqual([]);
    expect(plan.enrich).toEqual([{ id: "row-r2", refund: refund("r2", "o1", 310, lines) }]);
    // r1 keeps its stored 700 (the webhook's detail wins); r2 takes the incoming 310.
    expect(plan.refundedByOrder.get("o1")).toBe(1010);
    expect(plan.release).toEqual(["row-r1"]);
  });

  it("held refunds of a fresh order that the bulk summary does not carry still count and are released", () => {
    const plan = planBackfillRefunds([], [stored("r9", "o5", 420, { held: true, storeCreditMinor: 80 })]);
    expect(plan.refundedByOrder.get("o5")).toBe(500);
    expect(plan.release).toEqual(["row-r9"]);
  });
});
