// The storefront GET answers from per-process caches (proxy-read.server.ts,
// getProxyLoyaltyJson) that are checked against the database's program and
// account stamps on every request. These tests pin that a change made by any
// writer — a redemption, the worker awarding points, an admin saving settings,
// none of which tells the proxy anything — shows on the very next GET, and
// that the direct-SQL reads give the same answer the ledger implies.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { directSql, prepareDatabase } from "~/db.server";
import { adjustCustomerPoints } from "~/services/loyalty/customer.server";
import { processOrderChanged } from "~/services/loyalty/orders.server";
import { saveProgramSettings, setProgramEnabled } from "~/services/loyalty/program.server";
import { RESPONSE_MAX_AGE_MS, clearProxyResponses, getProxyLoyalty, getProxyLoyaltyJson } from "~/services/loyalty/proxy.server";
import { markStorefrontSeen } from "~/services/setup-guide.server";
import type { Simulator } from "../../../dev/shopify-sim";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { createOrderRow, setupProgram } from "../loyalty/helpers";
import { callRoute, installProxyShop, signedProxyUrl, startProxyHarness } from "./helpers";

const db = prisma;
const SHOP = "proxy-fresh.myshopify.com";
let sim: Simulator;
let loyaltyRoute: typeof import("~/routes/proxy.loyalty");
let redeemRoute: typeof import("~/routes/proxy.redeem");

const FIVE_OFF = { id: "five-off", name: "5 off", type: "FIXED_AMOUNT", costPoints: 500, amountMinor: 500, enabled: true };

beforeAll(async () => {
  await prepareDatabase(db);
  ({ sim, loyaltyRoute, redeemRoute } = await startProxyHarness());
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  await resetDatabase(db);
  clearProxyResponses();
  await installProxyShop(db, sim, SHOP, [{ id: 7001, email: "amina@example.com" }]);
  await setupProgram(db, SHOP);
});

const get = (customer: string | null) => callRoute(loyaltyRoute.loader as never, new Request(signedProxyUrl(SHOP, "loyalty", customer)));
const redeem = (customer: string, body: unknown) =>
  callRoute(
    redeemRoute.action as never,
    new Request(signedProxyUrl(SHOP, "redeem", customer), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  );

describe("storefront GET freshness", () => {
  it("GET → redeem → GET shows the new balance and the redemption in the activity", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 1200, reason: "Welcome gift", actor: "admin" });
    expect((await get("7001")).body.customer.balance).toBe(1200);
    expect((await get("7001")).body.customer.balance).toBe(1200);
    const r = await redeem("7001", { rewardId: "five-off", requestKey: "fresh-redeem-0001" });
    expect(r).toMatchObject({ status: 200, body: { ok: true, balance: 700 } });
    const after = await get("7001");
    expect(after.body.customer.balance).toBe(700);
    expect(after.body.customer.activity.map((a: { points: number }) => a.points)).toEqual([-500, 1200]);
    // The retried request key replays: no second debit, and the GET agrees.
    await redeem("7001", { rewardId: "five-off", requestKey: "fresh-redeem-0001" });
    expect((await get("7001")).body.customer.balance).toBe(700);
  });

  it("points written by another writer (the worker's order job) show on the next GET, including a shopper's first points", async () => {
    expect((await get("7001")).body.customer).toMatchObject({ balance: 0, pending: 0, activity: [] });
    await createOrderRow(db, SHOP, { id: "9001", customer: "7001", subtotalMinor: 4200, processedAt: new Date() });
    await processOrderChanged(db, SHOP, "9001");
    expect((await get("7001")).body.customer).toMatchObject({ balance: 0, pending: 42 });
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 300, reason: "Apology", actor: "admin" });
    expect((await get("7001")).body.customer).toMatchObject({ balance: 300, pending: 42 });
  });

  it("saved settings and the on/off switch show on the next GET for members and guests, with no in-process invalidation", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 100, reason: "Welcome gift", actor: "admin" });
    expect((await get(null)).body.program.rewards.map((r: { id: string }) => r.id)).toEqual(["five-off"]);
    expect((await get("7001")).body.program.earn.points).toBe(1);
    await saveProgramSettings(db, SHOP, { earn: { pointsPerUnit: 3 }, rewards: [FIVE_OFF, { ...FIVE_OFF, id: "ten-off", name: "10 off", costPoints: 900, amountMinor: 1000 }] }, "test");
    const guest = await get(null);
    expect(guest.body.program.rewards.map((r: { id: string }) => r.id)).toEqual(["five-off", "ten-off"]);
    expect(guest.body.program.earn.points).toBe(3);
    expect((await get("7001")).body.program.earn.points).toBe(3);
    await setProgramEnabled(db, SHOP, false, "test");
    expect((await get(null)).body.program.enabled).toBe(false);
    expect((await get("7001")).body.program.enabled).toBe(false);
  });

  it("an answer is reused while the stamps are unchanged, rebuilt after RESPONSE_MAX_AGE_MS, and at once when the account version moves", async () => {
    const t0 = new Date();
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 200, reason: "Welcome gift", actor: "admin" }, t0);
    const label = async (now: Date) => JSON.parse(await getProxyLoyaltyJson(db, SHOP, "7001", now)).customer.activity[0].label as string;
    expect(await label(t0)).toBe("Welcome gift");
    // A write that bypasses the ledger store (no version bump) is not seen while the answer is fresh…
    const sql = directSql(db);
    await sql.execute(`UPDATE "LedgerEntry" SET "reason" = $1 WHERE "shop" = $2`, ["Renamed gift", SHOP]);
    expect(await label(new Date(t0.getTime() + 1000))).toBe("Welcome gift");
    // …is seen once the answer is older than the time bound (tier windows and expiry notices move with the clock)…
    expect(await label(new Date(t0.getTime() + RESPONSE_MAX_AGE_MS + 1000))).toBe("Renamed gift");
    // …and at once when the account version moves, as every ledger-store write does.
    await sql.execute(`UPDATE "LedgerEntry" SET "reason" = $1 WHERE "shop" = $2`, ["Third name", SHOP]);
    await sql.execute(`UPDATE "LoyaltyAccount" SET "version" = "version" + 1 WHERE "shop" = $1`, [SHOP]);
    expect(await label(new Date(t0.getTime() + RESPONSE_MAX_AGE_MS + 2000))).toBe("Third name");
  });
});

describe("storefront GET contents (direct SQL reads)", () => {
  it("tier from the order's eligible spend, pending points, and the expiry notice of points earned 11 months ago", async () => {
    await saveProgramSettings(
      db,
      SHOP,
      {
        expiry: { mode: "afterEarn", months: 12, warningDays: 30 },
        tiers: {
          basis: "spend",
          levels: [
            { id: "silver", name: "Silver", threshold: 5000, multiplier: 1 },
            { id: "gold", name: "Gold", threshold: 20000, multiplier: 1.5 },
          ],
        },
        rewards: [FIVE_OFF],
      },
      "test",
    );
    const earned = new Date("2026-01-10T12:00:00Z");
    const now = new Date("2026-12-20T12:00:00Z");
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 1200, reason: "Welcome gift", actor: "admin" }, earned);
    const paid = new Date("2026-12-01T12:00:00Z");
    await createOrderRow(db, SHOP, { id: "9101", customer: "7001", subtotalMinor: 8000, processedAt: paid });
    await processOrderChanged(db, SHOP, "9101", paid);
    const res = await getProxyLoyalty(db, SHOP, "7001", now);
    expect(res.customer).toEqual({
      balance: 1200,
      pending: 80,
      // $80.00 of eligible spend in the last 12 months: Silver (50.00), 120.00 short of Gold (200.00).
      tier: { name: "Silver" },
      nextTier: { name: "Gold", remaining: 12000, progress: 0.2 },
      expiring: { points: 1200, on: "2027-01-10" },
      activity: [
        { date: "2026-12-01", points: 80, label: expect.any(String) },
        { date: "2026-01-10", points: 1200, label: "Welcome gift" },
      ],
    });
    // The cached JSON is the same answer.
    expect(JSON.parse(await getProxyLoyaltyJson(db, SHOP, "7001", now))).toEqual(JSON.parse(JSON.stringify(res)));
  });

  it("a signed-in shopper with no member row reads zeros and creates nothing; an unknown shop reads a switched-off default program", async () => {
    expect((await get("7002")).body.customer).toEqual({ balance: 0, pending: 0, tier: null, nextTier: null, expiring: null, activity: [] });
    expect(await db.loyaltyAccount.count()).toBe(0);
    const other = JSON.parse(await getProxyLoyaltyJson(db, "no-program.myshopify.com", "7001"));
    expect(other.program).toMatchObject({ enabled: false, currency: "USD" });
    expect(await db.loyaltyProgram.count({ where: { shop: "no-program.myshopify.com" } })).toBe(0);
  });
});

describe("markStorefrontSeen", () => {
  it("writes once per shop within the hour and again after it; the storefront step needs only one", async () => {
    // A shop no GET above has marked (the memo is per process).
    const shop = "proxy-seen.myshopify.com";
    await createInstalledShop(db, shop);
    const t0 = new Date("2026-11-22T10:00:00Z");
    await markStorefrontSeen(db, shop, t0);
    const first = (await db.shop.findUniqueOrThrow({ where: { shop } })).storefrontSeenAt;
    expect(first?.toISOString()).toBe(t0.toISOString());
    await markStorefrontSeen(db, shop, new Date(t0.getTime() + 30 * 60_000));
    expect((await db.shop.findUniqueOrThrow({ where: { shop } })).storefrontSeenAt?.toISOString()).toBe(t0.toISOString());
    const later = new Date(t0.getTime() + 61 * 60_000);
    await markStorefrontSeen(db, shop, later);
    expect((await db.shop.findUniqueOrThrow({ where: { shop } })).storefrontSeenAt?.toISOString()).toBe(later.toISOString());
  });
});
