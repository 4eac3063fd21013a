// The maintenance job and the metafield push: pending points confirm after
// the return window, lots expire on their date (warning window counted),
// tiers follow the rolling 12 months, metafields land in $app:retain batched
// ≤ 25 per call, and a liability snapshot is stored. Re-running changes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { getStoredBalance } from "~/services/loyalty/balance.server";
import { adjustCustomerPoints, awardCampaignBonus, getCustomerLoyalty } from "~/services/loyalty/customer.server";
import { loyaltyJobHandlers } from "~/services/loyalty/jobs.server";
import { getLiabilityReport } from "~/services/loyalty/liability.server";
import { runLoyaltyMaintenance } from "~/services/loyalty/maintenance.server";
import { syncLoyaltyMetafields } from "~/services/loyalty/metafields.server";
import { processOrderChanged } from "~/services/loyalty/orders.server";
import { startSimulator, type Simulator } from "../../../dev/shopify-sim";
import { resetDatabase } from "../../helpers/db";
import { createOrderRow, setupProgram, simAdminGraphql } from "./helpers";

const db = prisma;
const SHOP = "loyalty-maint.myshopify.com";
const PAID = new Date("2026-03-01T12:00:00Z");
const day = (n: number) => new Date(PAID.getTime() + n * 86_400_000);
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
});

const TIERS = { basis: "points", levels: [{ id: "silver", name: "Silver", threshold: 0, multiplier: 1 }, { id: "gold", name: "Gold", threshold: 100, multiplier: 1.5 }] };

async function balanceOf(customer: string) {
  const a = await db.loyaltyAccount.findUniqueOrThrow({ where: { shop_customerShopifyId: { shop: SHOP, customerShopifyId: customer } } });
  return { account: a, balance: await getStoredBalance(db, a.id) };
}

describe("loyalty maintenance", () => {
  it("confirms pending points after the return window, expires lots on their date, and a second run changes nothing", async () => {
    await setupProgram(db, SHOP, { earn: { pendingDays: 14 }, expiry: { mode: "afterEarn", months: 6, warningDays: 30 } });
    await createOrderRow(db, SHOP, { id: "9001", customer: "1", subtotalMinor: 12000, processedAt: PAID });
    await processOrderChanged(db, SHOP, "9001", PAID);
    const opts = { adminGraphql, syncMetafields: false };

    expect((await runLoyaltyMaintenance(db, SHOP, day(13), opts)).confirmedAccounts).toBe(0);
    expect((await balanceOf("1")).balance).toMatchObject({ pending: 120, spendable: 0 });
    expect((await runLoyaltyMaintenance(db, SHOP, day(14), opts)).confirmedAccounts).toBe(1);
    expect((await balanceOf("1")).balance).toMatchObject({ pending: 0, spendable: 120 });
    expect((await runLoyaltyMaintenance(db, SHOP, day(14), opts)).confirmedAccounts).toBe(0);

    // Six months after earning (Sep 1): inside the 30-day warning window first, then expired.
    const warn = await runLoyaltyMaintenance(db, SHOP, new Date("2026-08-15T00:00:00Z"), opts);
    expect(warn).toMatchObject({ expiredAccounts: 0, expiringSoonPoints: 120 });
    const expired = await runLoyaltyMaintenance(db, SHOP, new Date("2026-09-01T12:00:00Z"), opts);
    expect(expired.expiredAccounts).toBe(1);
    expect((await balanceOf("1")).balance.spendable).toBe(0);
    const count = await db.ledgerEntry.count();
    await runLoyaltyMaintenance(db, SHOP, new Date("2026-09-02T00:00:00Z"), opts);
    expect(await db.ledgerEntry.count()).toBe(count);
  });

  it("recalculates tiers on the rolling window: up with earnings, back down when they leave the 12 months", async () => {
    await setupProgram(db, SHOP, { tiers: TIERS });
    await awardCampaignBonus(db, SHOP, "2", 150, "spring", "a1", PAID);
    expect((await balanceOf("2")).account.tier).toBe("gold");
    const later = new Date("2027-03-02T00:00:00Z");
    const res = await runLoyaltyMaintenance(db, SHOP, later, { adminGraphql, syncMetafields: false });
    expect(res.tierChanges).toBe(1);
    expect((await balanceOf("2")).account.tier).toBe("silver");
  });

  it("pushes balance, tier and next-tier progress to $app:retain metafields in batches of ≤ 25, then marks accounts clean", async () => {
    await setupProgram(db, SHOP, { tiers: TIERS });
    const ids = Array.from({ length: 10 }, (_, i) => String(100 + i));
    await sim.upsertCustomers(SHOP, ids.map((id) => ({ id: Number(id), email: `c${id}@example.com` })) as never);
    for (const [i, id] of ids.entries()) await adjustCustomerPoints(db, SHOP, { customerShopifyId: id, points: 10 * (i + 1), reason: "seed", actor: "admin" }, PAID);
    await awardCampaignBonus(db, SHOP, "100", 100, "boost", "x", PAID); // 110 points earned → Gold
    sim.clearRequests();
    const res = await syncLoyaltyMetafields(db, SHOP, PAID, { adminGraphql });
    expect(res).toEqual({ accounts: 10, calls: 2, failed: 0 });
    const sets = sim.requests.filter((r) => r.operationName === "LoyaltyMetafieldsSet");
    expect(sets.every((r) => r.valid && r.errors.length === 0)).toBe(true);
    expect(sets.every((r) => ((r.variables as { metafields: unknown[] }).metafields.length) <= 25)).toBe(true);

    const mf = (id: string) => Object.fromEntries(sim.listMetafields(SHOP, `gid://shopify/Customer/${id}`).map((m) => [m.key, m]));
    const gold = mf("100");
    expect(gold.balance).toMatchObject({ type: "number_integer", value: "110" });
    expect(gold.tier).toMatchObject({ type: "single_line_text_field", value: "Gold" });
    expect(JSON.parse(gold.next_tier.value)).toEqual({});
    expect(gold.balance.namespace).toMatch(/^app--\d+--retain$/);
    const silver = mf("104");
    expect(silver.balance.value).toBe("50");
    expect(silver.tier.value).toBe("Silver");
    // Adjustments do not count towards a points tier; the 50 points were not "earned".
    expect(JSON.parse(silver.next_tier.value)).toEqual({ name: "Gold", remaining: 100, progress: 0 });
    expect(await db.loyaltyAccount.count({ where: { shop: SHOP, metafieldsDirty: true } })).toBe(0);
    expect(await syncLoyaltyMetafields(db, SHOP, PAID, { adminGraphql })).toEqual({ accounts: 0, calls: 0, failed: 0 });
  });

  it("one customer unknown to Shopify does not block the batch: the others are written one by one, it stays dirty", async () => {
    await setupProgram(db, SHOP);
    await sim.upsertCustomers(SHOP, [{ id: 301, email: "a@example.com" }, { id: 302, email: "b@example.com" }] as never);
    for (const id of ["301", "302", "399"]) await adjustCustomerPoints(db, SHOP, { customerShopifyId: id, points: 5, reason: "seed", actor: "admin" }, PAID);
    const res = await syncLoyaltyMetafields(db, SHOP, PAID, { adminGraphql });
    expect(res).toEqual({ accounts: 2, calls: 4, failed: 1 });
    expect(sim.listMetafields(SHOP, "gid://shopify/Customer/302").map((m) => m.key).sort()).toEqual(["balance", "next_tier"]);
    const dirty = await db.loyaltyAccount.findMany({ where: { metafieldsDirty: true }, select: { customerShopifyId: true } });
    expect(dirty).toEqual([{ customerShopifyId: "399" }]);
  });

  it("a failed metafieldsSet leaves the accounts dirty for the next run", async () => {
    await setupProgram(db, SHOP);
    await sim.upsertCustomers(SHOP, [{ id: 300, email: "x@example.com" }] as never);
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "300", points: 5, reason: "seed", actor: "admin" }, PAID);
    sim.failNext({ operationName: "LoyaltyMetafieldsSet", kind: "userError" });
    expect(await syncLoyaltyMetafields(db, SHOP, PAID, { adminGraphql })).toEqual({ accounts: 0, calls: 1, failed: 1 });
    expect(await db.loyaltyAccount.count({ where: { metafieldsDirty: true } })).toBe(1);
    expect(await syncLoyaltyMetafields(db, SHOP, PAID, { adminGraphql })).toEqual({ accounts: 1, calls: 1, failed: 0 });
  });

  it("stores a daily liability snapshot: outstanding points valued at the cheapest fixed reward", async () => {
    await setupProgram(db, SHOP, { earn: { pendingDays: 0 } });
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "400", points: 700, reason: "seed", actor: "admin" }, PAID);
    await createOrderRow(db, SHOP, { id: "9400", customer: "401", subtotalMinor: 30000, processedAt: PAID });
    await processOrderChanged(db, SHOP, "9400", PAID);
    const first = await runLoyaltyMaintenance(db, SHOP, day(1), { adminGraphql, syncMetafields: false });
    expect(first.liabilitySnapshot).toBe(true);
    expect((await runLoyaltyMaintenance(db, SHOP, day(1), { adminGraphql, syncMetafields: false })).liabilitySnapshot).toBe(false);
    const { report, stored } = await getLiabilityReport(db, SHOP, day(1));
    expect(stored).toBe(true);
    // Default reward: $5 for 500 points → 1 cent per point.
    expect(report).toMatchObject({ outstandingPoints: 1000, spendablePoints: 1000, outstandingValueMinor: 1000, members: 2, currency: "USD" });
    expect(report.trend.at(-1)?.outstandingPoints).toBe(1000);
  });

  it("the maintenance-all job runs every enabled shop and schedules its next run", async () => {
    await setupProgram(db, SHOP, { earn: { pendingDays: 0 } });
    const job = { id: "j", type: "loyalty.maintenance-all", shop: null, payload: null } as never;
    const ctx = { now: day(1), workerId: "w", reportProgress: async () => {} };
    const res = (await loyaltyJobHandlers["loyalty.maintenance-all"](db, job, ctx)) as Record<string, unknown>;
    expect(Object.keys(res)).toEqual([SHOP]);
    const next = await db.job.findUnique({ where: { dedupeKey: "recurring:loyalty.maintenance-all" } });
    expect(next?.runAt.getTime()).toBe(day(1).getTime() + 3600_000);
  });

  it("the customer card loader shows balance, tier, lots and the ledger with reasons", async () => {
    await setupProgram(db, SHOP, { tiers: TIERS });
    await awardCampaignBonus(db, SHOP, "500", 120, "vip", "k", PAID);
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "500", points: -20, reason: "goodwill correction", actor: "staff@example.com" }, day(1));
    const card = await getCustomerLoyalty(db, SHOP, "500", day(2));
    expect(card.balance).toMatchObject({ spendable: 100, pending: 0 });
    expect(card.tier).toEqual({ id: "gold", name: "Gold" });
    expect(card.ledger.map((e) => [e.type, e.points, e.reason, e.actor])).toEqual([
      ["MANUAL_ADJUSTMENT", -20, "goodwill correction", "staff@example.com"],
      ["CAMPAIGN_BONUS", 120, "Campaign vip bonus", null],
    ]);
    expect(card.lots).toEqual([expect.objectContaining({ points: 120, remaining: 100, status: "ACTIVE" })]);
    const audit = await db.auditLog.findFirstOrThrow({ where: { shop: SHOP, action: "loyalty.points.adjusted" } });
    expect(audit).toMatchObject({ actor: "staff@example.com", subject: "500" });
    await expect(adjustCustomerPoints(db, SHOP, { customerShopifyId: "500", points: 5, reason: " ", actor: "admin" })).rejects.toMatchObject({ reason: "invalid_input" });
  });
});
