// Redemptions against the Admin API simulator: the code is single use and
// limited to the customer, the GraphQL sent is valid for 2026-07, a repeated
// request key never debits twice, an API failure gives the points back, and
// 100 concurrent redemptions on one balance never overspend.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { InsufficientPointsError, RewardUnavailableError } from "~/domain/loyalty";
import { RedemptionFailedError, RequestKeyConflictError } from "~/services/loyalty/errors.server";
import { adjustCustomerPoints } from "~/services/loyalty/customer.server";
import { getStoredBalance } from "~/services/loyalty/balance.server";
import { redeemReward, recoverStaleRedemptions } from "~/services/loyalty/redeem.server";
import { startSimulator, type Simulator } from "../../../dev/shopify-sim";
import { resetDatabase } from "../../helpers/db";
import { setupProgram, simAdminGraphql } from "./helpers";

const db = prisma;
const SHOP = "loyalty-redeem.myshopify.com";
const CUSTOMER = "7001";
const OTHER = "7002";
const NOW = new Date("2026-11-22T10:00:00Z");
let sim: Simulator;
let adminGraphql: ReturnType<typeof simAdminGraphql>;

beforeAll(async () => {
  await prepareDatabase(db);
  sim = await startSimulator({ apiKey: "k", apiSecret: "s" });
  adminGraphql = simAdminGraphql(sim);
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  await resetDatabase(db);
  sim.reset();
  sim.createShop({ domain: SHOP, currencyCode: "USD" } as never);
  sim.installApp(SHOP);
  await sim.upsertCustomers(SHOP, [
    { id: Number(CUSTOMER), email: "amina@example.com", first_name: "Amina" },
    { id: Number(OTHER), email: "ben@example.com", first_name: "Ben" },
  ] as never);
  sim.clearRequests();
  await setupProgram(db, SHOP, {
    rewards: [
      { type: "FIXED_AMOUNT", id: "five-off", name: "$5 off", amountMinor: 500, costPoints: 500, minimumOrderMinor: 2000, codeValidityDays: 30 },
      { type: "PERCENT", id: "ten-pct", name: "10% off", percent: 10, costPoints: 800, enabled: false },
    ],
  });
});

const redeem = (customer: string, rewardId: string, key: string) => redeemReward(db, SHOP, customer, rewardId, key, NOW, { adminGraphql });

async function ledgerOf(customer: string) {
  const account = await db.loyaltyAccount.findUniqueOrThrow({ where: { shop_customerShopifyId: { shop: SHOP, customerShopifyId: customer } } });
  const entries = await db.ledgerEntry.findMany({ where: { accountId: account.id } });
  const lots = await db.pointLot.findMany({ where: { accountId: account.id } });
  return { account, entries, lots, balance: await getStoredBalance(db, account.id) };
}

describe("redeemReward", () => {
  it("creates a single-use code in the simulator limited to that customer, with schema-valid GraphQL", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: CUSTOMER, points: 1200, reason: "welcome gift", actor: "staff@example.com" }, NOW);
    const out = await redeem(CUSTOMER, "five-off", "key-1");
    expect(out.code).toMatch(/^RETAIN-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(out.balance).toBe(700);
    expect(out.expiresAt.toISOString()).toBe("2026-12-22T10:00:00.000Z");

    const discounts = sim.listDiscounts(SHOP);
    expect(discounts).toHaveLength(1);
    const d = discounts[0];
    expect(d.codes.map((c) => c.code)).toEqual([out.code]);
    expect(d.usageLimit).toBe(1);
    expect(d.appliesOncePerCustomer).toBe(true);
    expect(d.context).toEqual({ type: "customers", customerIds: [CUSTOMER] });
    expect(d.minimumRequirement).toEqual({ subtotal: "20.00" });
    const sent = sim.requests.filter((r) => r.operationName === "LoyaltyDiscountCodeCreate");
    expect(sent).toHaveLength(1);
    expect(sent.map((r) => ({ valid: r.valid, errors: r.errors, unimplemented: r.unimplementedFields }))).toEqual([{ valid: true, errors: [], unimplemented: [] }]);

    const row = await db.redemption.findUniqueOrThrow({ where: { shop_requestKey: { shop: SHOP, requestKey: "key-1" } } });
    expect(row).toMatchObject({ status: "ISSUED", code: out.code, discountId: `gid://shopify/DiscountCodeNode/${d.id}`, points: 500 });
    const { balance } = await ledgerOf(CUSTOMER);
    expect(balance.spendable).toBe(700);
  });

  it("the same request key twice returns the same code with one debit and one discount", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: CUSTOMER, points: 1200, reason: "welcome gift", actor: "admin" }, NOW);
    const first = await redeem(CUSTOMER, "five-off", "same-key");
    const second = await redeem(CUSTOMER, "five-off", "same-key");
    expect(second.code).toBe(first.code);
    expect(second.replayed).toBe(true);
    expect(second.balance).toBe(700);
    const { entries } = await ledgerOf(CUSTOMER);
    expect(entries.filter((e) => e.type === "REDEEM").reduce((s, e) => s + e.points, 0)).toBe(-500);
    expect(sim.listDiscounts(SHOP)).toHaveLength(1);
    // Another customer replaying someone else's key learns nothing and spends nothing.
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: OTHER, points: 600, reason: "gift", actor: "admin" }, NOW);
    await expect(redeem(OTHER, "five-off", "same-key")).rejects.toBeInstanceOf(RequestKeyConflictError);
    expect((await ledgerOf(OTHER)).balance.spendable).toBe(600);
  });

  it("an Admin API failure compensates the debit, marks the redemption FAILED and a retry of the key gives the same failure", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: CUSTOMER, points: 600, reason: "gift", actor: "admin" }, NOW);
    sim.failNext({ operationName: "LoyaltyDiscountCodeCreate", kind: "userError" });
    await expect(redeem(CUSTOMER, "five-off", "fails")).rejects.toBeInstanceOf(RedemptionFailedError);
    const { entries, lots, balance } = await ledgerOf(CUSTOMER);
    expect(balance.spendable).toBe(600);
    expect(entries.filter((e) => e.type === "REDEEM").map((e) => e.points)).toEqual([-500]);
    expect(entries.filter((e) => e.type === "REDEMPTION_COMPENSATION").map((e) => e.points)).toEqual([500]);
    expect(lots.map((l) => l.remaining)).toEqual([600]);
    expect(await db.redemption.findUniqueOrThrow({ where: { shop_requestKey: { shop: SHOP, requestKey: "fails" } } })).toMatchObject({ status: "FAILED" });
    expect(sim.listDiscounts(SHOP)).toHaveLength(0);
    await expect(redeem(CUSTOMER, "five-off", "fails")).rejects.toBeInstanceOf(RedemptionFailedError);
    // HTTP 500 from Shopify: same outcome.
    sim.failNext({ operationName: "LoyaltyDiscountCodeCreate", kind: "http500" });
    await expect(redeem(CUSTOMER, "five-off", "fails-500")).rejects.toBeInstanceOf(RedemptionFailedError);
    expect((await ledgerOf(CUSTOMER)).balance.spendable).toBe(600);
    // A new key after the failure works.
    const ok = await redeem(CUSTOMER, "five-off", "after-failure");
    expect(ok.balance).toBe(100);
  });

  it("refuses with typed errors: not enough points, disabled or unknown reward; nothing is written", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: CUSTOMER, points: 499, reason: "gift", actor: "admin" }, NOW);
    await expect(redeem(CUSTOMER, "five-off", "k1")).rejects.toMatchObject({ reason: "insufficient_points", requested: 500, spendable: 499 });
    await expect(redeem(CUSTOMER, "ten-pct", "k2")).rejects.toMatchObject({ reason: "reward_disabled" });
    await expect(redeem(CUSTOMER, "nope", "k3")).rejects.toBeInstanceOf(RewardUnavailableError);
    await expect(redeem("999", "five-off", "k4")).rejects.toBeInstanceOf(InsufficientPointsError);
    expect(await db.redemption.count()).toBe(0);
    expect(sim.listDiscounts(SHOP)).toHaveLength(0);
  });

  it("100 concurrent redemptions on one balance never overspend: exactly balance / cost succeed", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: CUSTOMER, points: 10_250, reason: "bulk gift", actor: "admin" }, NOW);
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => redeem(CUSTOMER, "five-off", `c-${i}`)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(20);
    expect(refused.every((r) => r.reason instanceof InsufficientPointsError)).toBe(true);
    const { balance, lots, entries } = await ledgerOf(CUSTOMER);
    expect(balance.spendable).toBe(250);
    expect(lots.every((l) => l.remaining >= 0)).toBe(true);
    expect(entries.reduce((s, e) => s + e.points, 0)).toBe(250);
    expect(await db.redemption.count({ where: { status: "ISSUED" } })).toBe(20);
    const codes = new Set(sim.listDiscounts(SHOP).flatMap((d) => d.codes.map((c) => c.code)));
    expect(codes.size).toBe(20);
  });

  it("a redemption interrupted after the debit is recovered by the maintenance sweep: refunded when no code exists", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: CUSTOMER, points: 600, reason: "gift", actor: "admin" }, NOW);
    // Simulate a crash: the API call never returns, so the redemption stays PENDING.
    const hang = (() => new Promise(() => {})) as never;
    void redeemReward(db, SHOP, CUSTOMER, "five-off", "crash", NOW, { adminGraphql: hang });
    for (let i = 0; i < 50 && (await db.redemption.count()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await ledgerOf(CUSTOMER)).balance.spendable).toBe(100);
    const later = new Date(NOW.getTime() + 3600_000);
    await db.redemption.updateMany({ data: { createdAt: NOW } });
    expect(await recoverStaleRedemptions(db, SHOP, later, { adminGraphql })).toEqual({ issued: 0, failed: 1 });
    expect((await ledgerOf(CUSTOMER)).balance.spendable).toBe(600);
    expect(await recoverStaleRedemptions(db, SHOP, later, { adminGraphql })).toEqual({ issued: 0, failed: 0 });
  });
});

describe("redeemReward across database connections", () => {
  it("two processes with their own connections redeeming 50 each at once never overspend (SQLite deferred transactions, PostgreSQL row lock)", async () => {
    const { spawn } = await import("node:child_process");
    const path = await import("node:path");
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: CUSTOMER, points: 10_250, reason: "bulk gift", actor: "admin" }, NOW);
    const root = path.resolve(import.meta.dirname, "../../..");
    const proc = spawn(
      path.join(root, "node_modules/.bin/tsx"),
      [path.join(import.meta.dirname, "fixtures/redeem-worker.ts"), SHOP, CUSTOMER, "five-off", "50", "p2-", NOW.toISOString()],
      { cwd: root, env: { ...process.env }, stdio: ["pipe", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    proc.stderr.on("data", (d) => (err += d));
    const ready = new Promise<void>((resolve, reject) => {
      proc.stdout.on("data", (d) => ((out += d), out.includes("ready") && resolve()));
      proc.on("exit", (code) => reject(new Error(`worker exited ${code} before it was ready: ${err}`)));
    });
    const child = new Promise<{ ok: number; errors: string[] }>((resolve, reject) =>
      proc.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1) as string)) : reject(new Error(`worker exited ${code}: ${err}`)))),
    );
    await Promise.race([ready, new Promise((_, rej) => setTimeout(() => rej(new Error(`not ready: ${out} ${err}`)), 20_000))]);
    const fake = (async () => ({ discountCodeBasicCreate: { codeDiscountNode: { id: "gid://shopify/DiscountCodeNode/p1" }, userErrors: [] } })) as never;
    proc.stdin.end("go\n");
    const mine = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => redeemReward(db, SHOP, CUSTOMER, "five-off", `p1-${i}`, NOW, { adminGraphql: fake })));
    const theirs = (await Promise.race([child, new Promise((_, rej) => setTimeout(() => rej(new Error(`child stuck: ${out} ${err}`)), 20_000))])) as { ok: number; errors: string[] };
    const okHere = mine.filter((r) => r.status === "fulfilled").length;
    expect(okHere + theirs.ok).toBe(20);
    expect(theirs.errors.every((e) => e === "insufficient_points")).toBe(true);
    expect(mine.every((r) => r.status === "fulfilled" || (r.reason as InsufficientPointsError) instanceof InsufficientPointsError)).toBe(true);
    const { balance, lots } = await ledgerOf(CUSTOMER);
    expect(balance.spendable).toBe(250);
    expect(lots.every((l) => l.remaining >= 0)).toBe(true);
    const rows = await db.redemption.findMany();
    expect(rows.map((r) => r.status).sort().join(",")).toBe(Array(20).fill("ISSUED").join(","));
  });
});
