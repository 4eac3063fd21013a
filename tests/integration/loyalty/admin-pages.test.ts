// Loyalty admin pages rendered on the server from their real loaders, and
// their actions driven with real form posts: validation comes back as 422
// with field paths, a valid save creates a settings version, adjustments need
// a reason and are audit-logged. English and Arabic render with no raw keys.
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter } from "react-router-dom/server";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { CustomerLoyaltyCard } from "~/components/loyalty/customer-loyalty-card";
import { adjustCustomerPoints, getCustomerLoyalty } from "~/services/loyalty/customer.server";
import * as settingsRoute from "~/routes/app.loyalty";
import * as rewardsRoute from "~/routes/app.loyalty_.rewards";
import * as liabilityRoute from "~/routes/app.loyalty_.liability";
import * as adjustRoute from "~/routes/app.loyalty_.adjust";
import { adminRequest, adminShell as shell, renderAdminRoute, type AdminLocale, type AdminRouteModule as RouteModule } from "../../helpers/admin-pages";
import { resetDatabase } from "../../helpers/db";
import { setupProgram } from "./helpers";

const SHOP = "loyalty-admin.myshopify.com";

const authed = (path: string, form?: Record<string, string>) => adminRequest(SHOP, path, form);
const render = (route: RouteModule, path: string, locale: AdminLocale = "en") => renderAdminRoute(route, SHOP, path, { locale });





async function post(route: { action: (args: never) => Promise<unknown> }, path: string, form: Record<string, string>) {
  const res = (await route.action({ request: authed(path, form), params: {}, context: {} } as never)) as { data?: unknown; init?: { status?: number } | null };
  // Remix `data()` wraps the body with its status.
  if (res && typeof res === "object" && "init" in res && "data" in res) return { status: res.init?.status ?? 200, body: res.data as Record<string, any> };
  return { status: 200, body: res as Record<string, any> };
}

const visible = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ");

beforeEach(async () => {
  await resetDatabase(prisma);
  await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_orders", accessToken: "shpat_x" } });
  await setupProgram(prisma, SHOP, {
    tiers: { basis: "spend", levels: [{ id: "silver", name: "Silver", threshold: 0, multiplier: 1 }, { id: "gold", name: "Gold", threshold: 50000, multiplier: 1.5 }] },
  });
});

describe("loyalty admin pages", () => {
  it("settings page renders the live preview and the tiers in English and Arabic, with no raw translation keys", async () => {
    const en = await render(settingsRoute as RouteModule, "/app/loyalty");
    expect(visible(en)).toMatch(/An order of \$80\.00 earns 80 points, spendable on/);
    expect(en).toContain("Gold");
    expect(visible(en)).not.toMatch(/loyalty\.[a-z]+\.[a-zA-Z]/);
    const ar = await render(settingsRoute as RouteModule, "/app/loyalty", "ar");
    expect(ar).toContain("برنامج الولاء");
    // The preview is the admin's language too: Arabic words, 80 points in Arabic's plural form.
    expect(visible(ar)).toMatch(/طلب بقيمة .+ يكسب (80|٨٠) نقطة، قابلة للاستخدام في/);
    expect(visible(ar)).not.toMatch(/loyalty\.[a-z]+\.[a-zA-Z]/);
  });

  it("saving invalid settings answers 422 with field paths; a valid save creates a new version", async () => {
    const bad = await post(settingsRoute, "/app/loyalty", { intent: "save", settings: JSON.stringify({ earn: { pointsPerUnit: -1, pendingDays: 30 }, tiers: { basis: "points", levels: [{ id: "a", name: "A", threshold: 10, multiplier: 1 }, { id: "b", name: "B", threshold: 5, multiplier: 1 }] } }) });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors).sort()).toEqual(["earn.pointsPerUnit", "tiers.levels.1.threshold"]);
    const before = await prisma.loyaltyProgram.findUniqueOrThrow({ where: { shop: SHOP } });
    const ok = await post(settingsRoute, "/app/loyalty", { intent: "save", settings: JSON.stringify({ earn: { pointsPerUnit: 2, pendingDays: 14 } }) });
    expect(ok).toMatchObject({ status: 200, body: { ok: true } });
    const after = await prisma.loyaltyProgram.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(after.currentVersion).toBe(before.currentVersion + 1);
    // Changing tiers marks every member's metafields for a push.
    await adjustCustomerPoints(prisma, SHOP, { customerShopifyId: "9", points: 1, reason: "seed", actor: "admin" });
    await prisma.loyaltyAccount.updateMany({ data: { metafieldsDirty: false } });
    await post(settingsRoute, "/app/loyalty", { intent: "save", settings: JSON.stringify({ tiers: { basis: "points", levels: [{ id: "vip", name: "VIP", threshold: 10, multiplier: 2 }] } }) });
    expect(await prisma.loyaltyAccount.count({ where: { shop: SHOP, metafieldsDirty: true } })).toBe(1);
    expect(await prisma.job.count({ where: { type: "loyalty.metafields-sync", shop: SHOP } })).toBe(1);
    // Rewards survive a settings save that does not send them.
    const html = await render(rewardsRoute as RouteModule, "/app/loyalty/rewards");
    expect(visible(html)).toContain("5 off");
  });

  it("rewards: create with validation, then disable", async () => {
    const bad = await post(rewardsRoute, "/app/loyalty/rewards", { intent: "upsert", reward: JSON.stringify({ type: "PERCENT", name: "Ten", costPoints: 0, percent: 150 }) });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors).sort()).toEqual(["reward.costPoints", "reward.percent"]);
    const ok = await post(rewardsRoute, "/app/loyalty/rewards", { intent: "upsert", reward: JSON.stringify({ type: "PERCENT", name: "Ten percent", costPoints: 900, percent: 10 }) });
    expect(ok.body.ok).toBe(true);
    let html = visible(await render(rewardsRoute as RouteModule, "/app/loyalty/rewards"));
    expect(html).toContain("Ten percent");
    expect(html).toContain("10% off for 900 points");
    const toggled = await post(rewardsRoute, "/app/loyalty/rewards", { intent: "toggle", id: "five-off", enabled: "false" });
    expect(toggled.body.ok).toBe(true);
    html = visible(await render(rewardsRoute as RouteModule, "/app/loyalty/rewards"));
    expect(html).toMatch(/5 off\s+Disabled/);
  });

  it("manual adjustment needs a reason, records who did it, and the customer card shows it", async () => {
    const noReason = await post(adjustRoute, "/app/loyalty/adjust", { customerShopifyId: "42", points: "100", reason: "" });
    expect(noReason.status).toBe(422);
    expect(Object.keys(noReason.body.errors)).toEqual(["reason"]);
    const tooMuch = await post(adjustRoute, "/app/loyalty/adjust", { customerShopifyId: "42", points: "-5", reason: "oops" });
    expect(tooMuch).toMatchObject({ status: 422, body: { errors: { points: expect.stringContaining("only 0 are spendable") } } });
    const ok = await post(adjustRoute, "/app/loyalty/adjust", { customerShopifyId: "42", points: "100", reason: "Damaged parcel" });
    expect(ok.body).toMatchObject({ ok: true, data: { spendable: 100 } });
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { shop: SHOP, action: "loyalty.points.adjusted" } });
    expect(audit.subject).toBe("42");
    expect(audit.actor.length).toBeGreaterThan(0);

    const loyalty = JSON.parse(JSON.stringify(await getCustomerLoyalty(prisma, SHOP, "42")));
    const handler = createStaticHandler([{ path: "/", Component: () => h(CustomerLoyaltyCard, { loyalty }) }]);
    const context = await handler.query(new Request("http://localhost/"));
    if (context instanceof Response) throw new Error("unexpected response");
    const html = visible(renderToString(shell("en", createStaticRouter(handler.dataRoutes, context), context)));
    expect(html).toContain("Damaged parcel");
    expect(html).toContain("Manual adjustment");
    expect(html).toMatch(/\$500\.00 more spend to reach Gold/);
    expect(html).not.toMatch(/loyalty\.[a-z]+\.[a-zA-Z]/);
  });

  it("liability page renders the stored or live report", async () => {
    await adjustCustomerPoints(prisma, SHOP, { customerShopifyId: "7", points: 250, reason: "seed", actor: "admin" });
    const html = visible(await render(liabilityRoute as RouteModule, "/app/loyalty/liability"));
    expect(html).toContain("Outstanding points");
    expect(html).toContain("250");
    expect(html).toContain("$2.50");
    expect(html).not.toMatch(/loyalty\.[a-z]+\.[a-zA-Z]/);
  });

  it("first visit of a new shop creates a switched-off program, version 1, in the shop's currency", async () => {
    await prisma.loyaltySettingsVersion.deleteMany({ where: { shop: SHOP } });
    await prisma.loyaltyProgram.deleteMany({ where: { shop: SHOP } });
    await prisma.shop.update({ where: { shop: SHOP }, data: { currencyCode: "EUR" } });
    const html = visible(await render(settingsRoute as RouteModule, "/app/loyalty"));
    expect(html).toContain("Turn on");
    expect(html).toMatch(/An order of €80\.00 earns 80 points/);
    const program = await prisma.loyaltyProgram.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(program).toMatchObject({ enabled: false, currentVersion: 1 });
    const v1 = await prisma.loyaltySettingsVersion.findUniqueOrThrow({ where: { shop_version: { shop: SHOP, version: 1 } } });
    expect((v1.settings as { currency: string }).currency).toBe("EUR");
  });
});
