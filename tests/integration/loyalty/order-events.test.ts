// Order-driven points through real Order/Refund rows and the
// `loyalty.order-changed` mapping: awards, cancellations, partial / full /
// several partial refunds, refunds after a redemption (debt), and a rule
// change between award and refund. Every scenario is replayed to prove that
// processing the same order state twice changes nothing.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { getStoredBalance } from "~/services/loyalty/balance.server";
import { processOrderChanged, quickSkipMany } from "~/services/loyalty/orders.server";
import { loyaltyJobHandlers } from "~/services/loyalty/jobs.server";
import { saveProgramSettings } from "~/services/loyalty/program.server";
import { redeemReward } from "~/services/loyalty/redeem.server";
import { resetDatabase } from "../../helpers/db";
import { PROGRAM_START, createOrderRow, createRefundRow, setupProgram } from "./helpers";

const db = prisma;
const SHOP = "loyalty-orders.myshopify.com";
const C = "5001";
const PAID = new Date("2026-03-01T12:00:00Z");
const later = (days: number) => new Date(PAID.getTime() + days * 86_400_000);

beforeAll(async () => {
  await prepareDatabase(db);
});
beforeEach(async () => {
  await resetDatabase(db);
});

async function ledger(customer = C) {
  const account = await db.loyaltyAccount.findUnique({ where: { shop_customerShopifyId: { shop: SHOP, customerShopifyId: customer } } });
  if (!account) return null;
  const entries = await db.ledgerEntry.findMany({ where: { accountId: account.id }, orderBy: [{ createdAt: "asc" }, { seq: "asc" }] });
  const lots = await db.pointLot.findMany({ where: { accountId: account.id } });
  return { account, entries, lots, balance: await getStoredBalance(db, account.id) };
}

/** Runs the job twice: the second run must write nothing. */
async function process(orderId: string, now = later(1)) {
  const first = await processOrderChanged(db, SHOP, orderId, now);
  const count = await db.ledgerEntry.count();
  const second = await processOrderChanged(db, SHOP, orderId, now);
  expect(second.entriesWritten).toBe(0);
  expect(await db.ledgerEntry.count()).toBe(count);
  return first;
}

const refundLine = (subtotalMinor: number) => [{ lineItemId: "li-1", quantity: 1, subtotalMinor }];

describe("loyalty.order-changed", () => {
  it("a paid order earns pending points on the subtotal after discounts (tax and shipping excluded); a replay changes nothing", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "1001", customer: C, subtotalMinor: 8000, taxMinor: 640, shippingMinor: 500, processedAt: PAID });
    const res = await process("1001");
    expect(res.entriesWritten).toBe(1);
    const l = (await ledger())!;
    expect(l.balance).toMatchObject({ pending: 80, spendable: 0 });
    expect(l.lots).toEqual([expect.objectContaining({ status: "PENDING", points: 80, remaining: 80, spendableAt: later(30) })]);
    expect(l.entries[0]).toMatchObject({ type: "PENDING_EARN", points: 80, sourceKind: "order", sourceId: "1001" });
    expect((l.entries[0].ruleSnapshot as { earn: { eligibleAmountMinor: number } }).earn.eligibleAmountMinor).toBe(8000);
  });

  it("partial refund reverses the prorated share: $20 of $80 → 20 of 80 points", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "1002", customer: C, subtotalMinor: 8000, processedAt: PAID });
    await process("1002");
    await createRefundRow(db, SHOP, { id: "r1", orderId: "1002", amountMinor: 2000, lines: refundLine(2000), processedAt: later(3) });
    await process("1002", later(3));
    const l = (await ledger())!;
    expect(l.balance.pending).toBe(60);
    expect(l.entries.filter((e) => e.type === "REFUND_REVERSAL").map((e) => e.points)).toEqual([-20]);
  });

  it("full refund reverses everything and voids the pending lot", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "1003", customer: C, subtotalMinor: 8000, taxMinor: 800, processedAt: PAID, status: "REFUNDED" });
    await createRefundRow(db, SHOP, { id: "r2", orderId: "1003", amountMinor: 8800, lines: refundLine(8000), processedAt: later(2) });
    await process("1003", later(2));
    const l = (await ledger())!;
    expect(l.balance).toMatchObject({ pending: 0, available: 0 });
    expect(l.lots).toEqual([expect.objectContaining({ status: "VOID", remaining: 0 })]);
  });

  it("several partial refunds add up exactly to the award (cumulative rounding: 27 + 26 + 27 = 80)", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "1004", customer: C, subtotalMinor: 8000, processedAt: PAID });
    await process("1004");
    const parts = [2667, 2667, 2666];
    for (const [i, amount] of parts.entries()) {
      await createRefundRow(db, SHOP, { id: `r4-${i}`, orderId: "1004", amountMinor: amount, lines: refundLine(amount), processedAt: later(2 + i) });
      await process("1004", later(2 + i));
    }
    const l = (await ledger())!;
    expect(l.entries.filter((e) => e.type === "REFUND_REVERSAL").map((e) => e.points)).toEqual([-27, -26, -27]);
    expect(l.balance.pending).toBe(0);
  });

  it("refund after the points were spent becomes a debt that the next confirmed earnings repay", async () => {
    await setupProgram(db, SHOP, {
      earn: { pendingDays: 0 },
      rewards: [{ type: "FIXED_AMOUNT", id: "r50", name: "$0.50 off", amountMinor: 50, costPoints: 50 }],
    });
    await createOrderRow(db, SHOP, { id: "1005", customer: C, subtotalMinor: 8000, processedAt: PAID });
    await process("1005");
    expect((await ledger())!.balance.spendable).toBe(80);
    const fake = (async () => ({ discountCodeBasicCreate: { codeDiscountNode: { id: "gid://shopify/DiscountCodeNode/1" }, userErrors: [] } })) as never;
    await redeemReward(db, SHOP, C, "r50", "spend-50", later(1), { adminGraphql: fake });
    await createRefundRow(db, SHOP, { id: "r5", orderId: "1005", amountMinor: 8000, lines: refundLine(8000), processedAt: later(2) });
    await process("1005", later(2));
    let l = (await ledger())!;
    expect(l.balance).toMatchObject({ available: -50, spendable: 0, debt: 50 });
    expect(l.lots.every((lot) => lot.remaining >= 0)).toBe(true);
    // The next order (confirmed at once) repays the debt first.
    await createOrderRow(db, SHOP, { id: "1006", customer: C, subtotalMinor: 10000, processedAt: later(5) });
    await process("1006", later(5));
    l = (await ledger())!;
    expect(l.balance).toMatchObject({ available: 50, spendable: 50, debt: 0 });
    expect(l.entries.filter((e) => e.type === "DEBT_REPAYMENT").map((e) => e.points).sort((a, b) => a - b)).toEqual([-50, 50]);
  });

  it("a rule change between award and refund prorates on the original award's snapshot", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "1007", customer: C, subtotalMinor: 8000, processedAt: PAID });
    await process("1007");
    await saveProgramSettings(db, SHOP, { earn: { pointsPerUnit: 3, pendingDays: 30 } }, "test", later(1));
    await createRefundRow(db, SHOP, { id: "r7", orderId: "1007", amountMinor: 4000, lines: refundLine(4000), processedAt: later(2) });
    await process("1007", later(2));
    await createOrderRow(db, SHOP, { id: "1008", customer: C, subtotalMinor: 1000, processedAt: later(3) });
    await process("1008", later(3));
    const l = (await ledger())!;
    expect(l.entries.filter((e) => e.type === "REFUND_REVERSAL").map((e) => e.points)).toEqual([-40]);
    expect(l.entries.filter((e) => e.type === "PENDING_EARN").map((e) => e.points)).toEqual([80, 30]);
    expect(l.balance.pending).toBe(70);
  });

  it("a cancellation before confirmation voids the pending points, and a cancelled order first seen later never earns", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "1009", customer: C, subtotalMinor: 5000, processedAt: PAID });
    await process("1009");
    await createOrderRow(db, SHOP, { id: "1009", customer: C, subtotalMinor: 5000, processedAt: PAID, cancelledAt: later(1), status: "VOIDED" });
    await process("1009", later(1));
    await createOrderRow(db, SHOP, { id: "1010", customer: C, subtotalMinor: 5000, processedAt: PAID, cancelledAt: later(1) });
    await process("1010", later(1));
    const l = (await ledger())!;
    expect(l.entries.filter((e) => e.type === "VOID").map((e) => e.points)).toEqual([-50, 0]);
    expect(l.entries.filter((e) => e.type === "PENDING_EARN").map((e) => e.sourceId)).toEqual(["1009"]);
    expect(l.balance.pending).toBe(0);
  });

  it("guest orders, test orders, orders before the program started and disabled programs create no member", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "2001", customer: C, subtotalMinor: 5000, processedAt: new Date(PROGRAM_START.getTime() - 86_400_000) });
    expect((await processOrderChanged(db, SHOP, "2001")).status).toBe("skipped");
    await db.order.create({ data: { shop: SHOP, shopifyId: "2002", processedAt: PAID, shopifyCreatedAt: PAID, shopifyUpdatedAt: PAID, currency: "USD", subtotalMinor: 5000, financialStatus: "PAID" } });
    expect((await processOrderChanged(db, SHOP, "2002")).reason).toBe("guest order");
    await createOrderRow(db, SHOP, { id: "2003", customer: C, subtotalMinor: 5000, processedAt: PAID });
    await db.order.update({ where: { shop_shopifyId: { shop: SHOP, shopifyId: "2003" } }, data: { test: true } });
    expect((await processOrderChanged(db, SHOP, "2003")).reason).toBe("test order");
    expect((await processOrderChanged(db, SHOP, "missing")).reason).toBe("order not synced");
    expect(await ledger()).toBeNull();
  });

  it("quickSkipMany settles exactly the orders processOrderChanged skips in its first check, with the same result (guest, test, missing, program off); the rest go the full path", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "2101", customer: C, subtotalMinor: 5000, processedAt: PAID });
    await db.order.create({ data: { shop: SHOP, shopifyId: "2102", processedAt: PAID, shopifyCreatedAt: PAID, shopifyUpdatedAt: PAID, currency: "USD", subtotalMinor: 5000, financialStatus: "PAID" } });
    await createOrderRow(db, SHOP, { id: "2103", customer: "5002", subtotalMinor: 5000, processedAt: PAID });
    await db.order.update({ where: { shop_shopifyId: { shop: SHOP, shopifyId: "2103" } }, data: { test: true } });
    const ids = ["2101", "2102", "2103", "missing"];
    const settled = await quickSkipMany(db, SHOP, ids);
    expect([...settled.keys()].sort()).toEqual(["2102", "2103", "missing"]);
    for (const [id, result] of settled) expect(await processOrderChanged(db, SHOP, id)).toEqual(result);

    // Program off: a non-member's order is settled, a member's is not.
    await process("2101");
    await db.loyaltyProgram.update({ where: { shop: SHOP }, data: { enabled: false } });
    await createOrderRow(db, SHOP, { id: "2104", customer: "5003", subtotalMinor: 5000, processedAt: PAID });
    await createOrderRow(db, SHOP, { id: "2105", customer: C, subtotalMinor: 5000, processedAt: later(1) });
    const off = await quickSkipMany(db, SHOP, ["2104", "2105"]);
    expect([...off.keys()]).toEqual(["2104"]);
    expect(off.get("2104")).toEqual(await processOrderChanged(db, SHOP, "2104"));
  });

  it("the first order of a new member also grants the signup bonus once", async () => {
    await setupProgram(db, SHOP, { bonuses: { signupPoints: 25 } });
    await createOrderRow(db, SHOP, { id: "3001", customer: C, subtotalMinor: 1000, processedAt: PAID });
    await process("3001");
    await createOrderRow(db, SHOP, { id: "3002", customer: C, subtotalMinor: 1000, processedAt: later(2) });
    await process("3002", later(2));
    const l = (await ledger())!;
    expect(l.entries.filter((e) => e.type === "SIGNUP_BONUS").map((e) => e.points)).toEqual([25]);
    expect(l.balance).toMatchObject({ spendable: 25, pending: 20 });
  });

  it("the job handler processes the order, queues one debounced metafield sync, and rejects a payload without an order id", async () => {
    await setupProgram(db, SHOP);
    await createOrderRow(db, SHOP, { id: "4001", customer: C, subtotalMinor: 2500, processedAt: PAID });
    const ctx = { now: later(1), workerId: "w", reportProgress: async () => {} };
    const job = (payload: unknown) => ({ id: "j", type: "loyalty.order-changed", shop: SHOP, payload }) as never;
    expect(await loyaltyJobHandlers["loyalty.order-changed"](db, job({ orderShopifyId: "4001" }), ctx)).toMatchObject({ status: "processed", entriesWritten: 1 });
    expect(await loyaltyJobHandlers["loyalty.order-changed"](db, job({ orderShopifyId: "4001" }), ctx)).toMatchObject({ entriesWritten: 0 });
    expect(await db.job.count({ where: { type: "loyalty.metafields-sync", shop: SHOP } })).toBe(1);
    await expect(loyaltyJobHandlers["loyalty.order-changed"](db, job({}), ctx)).rejects.toMatchObject({ reason: "invalid_payload" });
  });
});
