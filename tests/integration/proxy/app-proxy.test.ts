// The storefront app proxy end to end: signed requests (dev/storefront-sim's
// signer) into the real Remix route modules, the Admin API through the app's
// own shopify-app-remix client pointed at the simulator. Forged and expired
// signatures get 401, the customer comes only from the signed query, guests
// see nothing personal, and a redemption returns the code and new balance.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { createResourceDispatcher } from "~/lib/resource-dispatch.server";
import { adjustCustomerPoints } from "~/services/loyalty/customer.server";
import { getStoredBalance } from "~/services/loyalty/balance.server";
import type { Simulator } from "../../../dev/shopify-sim";
import { resetDatabase } from "../../helpers/db";
import { setupProgram } from "../loyalty/helpers";
import { installProxyShop, signedProxyUrl, startProxyHarness, type SignOptions } from "./helpers";

const db = prisma;
const SHOP = "proxy-test.myshopify.com";
const APP = process.env.SHOPIFY_APP_URL as string;
let sim: Simulator;
let loyaltyRoute: typeof import("~/routes/proxy.loyalty");
let redeemRoute: typeof import("~/routes/proxy.redeem");

beforeAll(async () => {
  await prepareDatabase(db);
  ({ sim, loyaltyRoute, redeemRoute } = await startProxyHarness());
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  await resetDatabase(db);
  await installProxyShop(db, sim, SHOP, [{ id: 7001, email: "amina@example.com" }, { id: 7002, email: "ben@example.com" }]);
  await setupProgram(db, SHOP);
});

const signedUrl = (path: string, customer: string | null, opts: SignOptions = {}) => signedProxyUrl(SHOP, path, customer, opts);

async function get(customer: string | null, opts = {}) {
  const res = await loyaltyRoute.loader({ request: new Request(signedUrl("loyalty", customer, opts)), params: {}, context: {} }).catch((r: unknown) => r as Response);
  return { status: res.status, body: await res.json() };
}

async function post(customer: string | null, body: unknown, opts: { raw?: string; lang?: string } = {}) {
  const request = new Request(signedUrl("redeem", customer), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(opts.lang ? { "Accept-Language": opts.lang } : {}) },
    body: opts.raw ?? JSON.stringify(body),
  });
  const res = await redeemRoute.action({ request, params: {}, context: {} }).catch((r: unknown) => r as Response);
  return { status: res.status, body: await res.json() };
}

const balanceOf = async (customer: string) => {
  const a = await db.loyaltyAccount.findUnique({ where: { shop_customerShopifyId: { shop: SHOP, customerShopifyId: customer } } });
  return a ? (await getStoredBalance(db, a.id)).spendable : 0;
};

describe("app proxy: signature", () => {
  it("a forged signature gets 401 with a JSON reason", async () => {
    const res = await get("7001", { secret: "not-the-app-secret" });
    expect(res).toEqual({ status: 401, body: { ok: false, error: { code: "UNAUTHORIZED", message: expect.any(String) } } });
  });

  it("an expired timestamp gets 401 even with a valid signature", async () => {
    expect((await get("7001", { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
  });

  it("a customer id swapped after signing gets 401", async () => {
    expect((await get("7001", { tamper: { logged_in_customer_id: "7002" } })).status).toBe(401);
    expect((await post("7001", { rewardId: "five-off", requestKey: "k".repeat(10) }, {})).status).not.toBe(401);
  });
});

describe("GET /apps/retain/loyalty", () => {
  it("a guest sees the program and rewards but no balance or activity", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 1200, reason: "gift", actor: "admin" });
    const res = await get(null);
    expect(res.status).toBe(200);
    expect(res.body.customer).toBeNull();
    expect(res.body.program).toMatchObject({ enabled: true, currency: "USD", earn: { points: 1, perAmount: "1.00" } });
    expect(res.body.program.rewards).toEqual([{ id: "five-off", title: "5 off", type: "FIXED_AMOUNT", cost: 500, value: "5.00", minimumOrder: null, enabled: true }]);
    expect(JSON.stringify(res.body)).not.toContain("1200");
  });

  it("a signed-in customer gets balance, pending, tier progress and activity", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 1200, reason: "Welcome gift", actor: "admin" }, new Date("2026-11-01T00:00:00Z"));
    const res = await get("7001");
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ balance: 1200, pending: 0, tier: null, nextTier: null, expiring: null });
    expect(res.body.customer.activity).toEqual([{ date: "2026-11-01", points: 1200, label: "Welcome gift" }]);
    // A signed-in shopper who never earned gets zeros, and no row is created by reading.
    const other = await get("7002");
    expect(other.body.customer).toMatchObject({ balance: 0, pending: 0, activity: [] });
    expect(await db.loyaltyAccount.count({ where: { customerShopifyId: "7002" } })).toBe(0);
  });
});

describe("POST /apps/retain/redeem", () => {
  it("happy path: returns the code and the balance after; the code exists in the simulator for that customer only", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 1200, reason: "gift", actor: "admin" });
    const res = await post("7001", { rewardId: "five-off", requestKey: "2f0e7a0c-9a55-4c1e-9a3f-0d7a3c3b1e11" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, balance: 700, reward: { id: "five-off", cost: 500 } });
    expect(res.body.code).toMatch(/^RETAIN-/);
    const discounts = sim.listDiscounts(SHOP);
    expect(discounts.map((d) => [d.codes[0].code, d.context])).toEqual([[res.body.code, { type: "customers", customerIds: ["7001"] }]]);
    expect(sim.requests.filter((r) => r.operationName === "LoyaltyDiscountCodeCreate").every((r) => r.valid && r.unimplementedFields.length === 0)).toBe(true);
    // The widget's retry with the same key: same code, no second debit.
    const again = await post("7001", { rewardId: "five-off", requestKey: "2f0e7a0c-9a55-4c1e-9a3f-0d7a3c3b1e11" });
    expect(again.body).toMatchObject({ ok: true, code: res.body.code, balance: 700 });
    expect(sim.listDiscounts(SHOP)).toHaveLength(1);
  });

  it("a customer id injected in the body is ignored: the signed customer pays and gets the code", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 600, reason: "gift", actor: "admin" });
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7002", points: 5000, reason: "gift", actor: "admin" });
    const res = await post("7001", { rewardId: "five-off", requestKey: "inject-0001", customerId: "7002", customer_id: "7002", logged_in_customer_id: "7002" });
    expect(res.status).toBe(200);
    expect(await balanceOf("7001")).toBe(100);
    expect(await balanceOf("7002")).toBe(5000);
    expect(sim.listDiscounts(SHOP)[0].context).toEqual({ type: "customers", customerIds: ["7001"] });
    // A guest cannot redeem on someone else's behalf through the body either.
    const guest = await post(null, { rewardId: "five-off", requestKey: "inject-0002", customerId: "7002" });
    expect(guest).toMatchObject({ status: 401, body: { ok: false, error: { code: "NOT_LOGGED_IN" } } });
    expect(await balanceOf("7002")).toBe(5000);
  });

  it("errors carry the codes the widget expects: INSUFFICIENT_POINTS 409, REWARD_DISABLED 410, INVALID_REQUEST 400/422, TEMPORARY_FAILURE 503", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 600, reason: "gift", actor: "admin" });
    expect(await post("7002", { rewardId: "five-off", requestKey: "poor-00001" })).toMatchObject({ status: 409, body: { error: { code: "INSUFFICIENT_POINTS" } } });
    expect(await post("7001", { rewardId: "gone", requestKey: "gone-00001" })).toMatchObject({ status: 410, body: { error: { code: "REWARD_DISABLED" } } });
    expect(await post("7001", null, { raw: "{not json" })).toMatchObject({ status: 400, body: { error: { code: "INVALID_REQUEST" } } });
    expect(await post("7001", { rewardId: "five-off" })).toMatchObject({ status: 422, body: { error: { code: "INVALID_REQUEST" } } });
    sim.failNext({ operationName: "LoyaltyDiscountCodeCreate", kind: "userError" });
    const failed = await post("7001", { rewardId: "five-off", requestKey: "fail-00001" }, { lang: "ar" });
    expect(failed).toMatchObject({ status: 503, body: { ok: false, error: { code: "TEMPORARY_FAILURE" } } });
    expect(failed.body.error.message).toMatch(/[\u0600-\u06FF]/);
    expect(await balanceOf("7001")).toBe(600);
  });

  it("50 concurrent GETs: measured latency of the loader (signature, session, ledger reads)", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 1200, reason: "gift", actor: "admin" });
    const times: number[] = [];
    const one = async () => {
      const t0 = performance.now();
      const r = await get("7001");
      times.push(performance.now() - t0);
      expect(r.status).toBe(200);
    };
    await Promise.all(Array.from({ length: 10 }, one)); // warm-up
    times.length = 0;
    for (let round = 0; round < 4; round++) await Promise.all(Array.from({ length: 50 }, one));
    times.sort((a, b) => a - b);
    const seq: number[] = [];
    for (let i = 0; i < 100; i++) { const t0 = performance.now(); await get("7001"); seq.push(performance.now() - t0); }
    const { authenticate } = await import("~/shopify.server");
    const a0 = performance.now();
    for (let i = 0; i < 100; i++) await authenticate.public.appProxy(new Request(signedUrl("loyalty", "7001")));
    const authMs = (performance.now() - a0) / 100;
    const { getProxyLoyalty } = await import("~/services/loyalty/proxy.server");
    const g0 = performance.now();
    for (let i = 0; i < 100; i++) await getProxyLoyalty(db, SHOP, "7001");
    console.log(`sequential mean ${(seq.reduce((x, y) => x + y, 0) / 100).toFixed(2)} ms; auth ${authMs.toFixed(2)} ms; data ${((performance.now() - g0) / 100).toFixed(2)} ms`);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    console.log(`proxy GET in-process, 50 concurrent × 4: p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms`);
    expect(times).toHaveLength(200);
  });
});

describe("app proxy through server.ts's direct dispatcher (its lean Request)", () => {
  it("a signed GET gets the balance, a forged one 401, and a signed redeem debits once", async () => {
    await adjustCustomerPoints(db, SHOP, { customerShopifyId: "7001", points: 1200, reason: "gift", actor: "admin" });
    const route = (id: string, path: string, module: object) => [id, { id, path, parentId: "root", module }] as const;
    const dispatch = createResourceDispatcher({
      routes: Object.fromEntries([route("routes/proxy.loyalty", "proxy/loyalty", loyaltyRoute), route("routes/proxy.redeem", "proxy/redeem", redeemRoute)]),
    });
    const server = http.createServer((req, res) => void dispatch(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const local = (url: string) => url.replace(APP, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const ok = await fetch(local(signedUrl("loyalty", "7001")));
      expect([ok.status, (await ok.json()).customer.balance]).toEqual([200, 1200]);
      expect((await fetch(local(signedUrl("loyalty", "7001", { secret: "not-the-app-secret" })))).status).toBe(401);
      const redeem = await fetch(local(signedUrl("redeem", "7001")), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rewardId: "five-off", requestKey: "lean-request-1" }),
      });
      expect(redeem.status).toBe(200);
      expect(await balanceOf("7001")).toBe(700);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
