// Server-renders the analytics pages with data from their real loaders, so a
// broken component (a bad prop, a missing translation key, a chart that cannot
// render on the server) fails here rather than in the merchant's admin.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeShopAnalytics } from "~/services/analytics/recompute.server";
import * as insightsRoute from "~/routes/app.insights";
import * as customersRoute from "~/routes/app.customers._index";
import * as customerRoute from "~/routes/app.customers.$id";
import * as segmentRoute from "~/routes/app.segments.$group";
import { renderAdminRoute, type AdminLocale, type AdminRouteModule as RouteModule } from "../../helpers/admin-pages";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { GENERATED_END, insertGeneratedShop } from "./generated-shop";

const SHOP = "render.myshopify.com";
const EMPTY = "render-empty.myshopify.com";

const render = (route: RouteModule, pattern: string, path: string, shop: string, locale: AdminLocale = "en") => renderAdminRoute(route, shop, path, { pattern, locale });




describe("analytics pages render on the server", () => {
  beforeAll(async () => {
    await resetDatabase(prisma);
    for (const shop of [SHOP, EMPTY]) {
      await createInstalledShop(prisma, shop);
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_orders", accessToken: "shpat_x" } });
    }
    await insertGeneratedShop(prisma, SHOP, { size: 250, seed: 4 });
    await recomputeShopAnalytics(prisma, SHOP, { now: GENERATED_END });
  }, 120_000);

  it("Insights shows KPI cards, the 11 segments, the cohort table and the model, with no raw translation keys", async () => {
    const html = await render(insightsRoute as unknown as RouteModule, "/app/insights", "/app/insights?range=365d", SHOP);
    for (const text of ["Net revenue", "Customer retention rate", "Champions", "Previously loyal", "Prospects", "Cohorts by month of first order", "Month 0"]) {
      expect(html).toContain(text);
    }
    expect(html).not.toMatch(/(insights|segments|customers)\.[a-zA-Z]+\.[a-zA-Z_]+/);
  });

  it("Insights renders in Arabic with every analytics key translated", async () => {
    const html = await render(insightsRoute as unknown as RouteModule, "/app/insights", "/app/insights", SHOP, "ar");
    expect(html).toContain("الرؤى");
    expect(html).toContain("الأبطال");
    expect(html).not.toMatch(/(insights|segments|customers)\.[a-zA-Z]+\.[a-zA-Z_]+/);
  });

  it("Insights for a shop with nothing synced shows the empty state", async () => {
    const html = await render(insightsRoute as unknown as RouteModule, "/app/insights", "/app/insights", EMPTY);
    expect(html).toContain("No orders yet");
  });

  it("the customer list, a customer page and a segment page render", async () => {
    const list = await render(customersRoute as unknown as RouteModule, "/app/customers", "/app/customers?sort=orders", SHOP);
    expect(list).toContain("Export CSV");
    const metric = await prisma.customerMetric.findFirstOrThrow({ where: { shop: SHOP, ordersCount: { gt: 1 } } });
    const page = await render(customerRoute as unknown as RouteModule, "/app/customers/:id", `/app/customers/${metric.customerShopifyId}`, SHOP);
    expect(page).toContain("Probability still active");
    expect(page).toContain("not available");
    const segment = await render(segmentRoute as unknown as RouteModule, "/app/segments/:group", "/app/segments/LOYAL", SHOP);
    expect(segment).toContain("Loyal");
  });

  it("the model panel says how the CLV range was made: the bootstrap with its draws, or the delta method on the Hessian", async () => {
    const page = () => render(insightsRoute as unknown as RouteModule, "/app/insights", "/app/insights", SHOP);
    expect(await page()).toMatch(/5th to 95th percentile of 200 parametric bootstrap draws/);
    // rangeDraws 0 is what a shop above 20,000 customers gets: the delta method.
    await recomputeShopAnalytics(prisma, SHOP, { now: GENERATED_END, rangeDraws: 0 });
    const html = await page();
    expect(html).toContain("by the delta method on the fit&#x27;s Hessian");
    const withRange = await prisma.customerMetric.count({ where: { shop: SHOP, predictedClvMinor: { gt: 0 }, clvLowMinor: { not: null }, clvHighMinor: { not: null } } });
    expect(withRange).toBe(await prisma.customerMetric.count({ where: { shop: SHOP, predictedClvMinor: { gt: 0 } } }));
    await recomputeShopAnalytics(prisma, SHOP, { now: GENERATED_END });
  }, 60_000);
});
