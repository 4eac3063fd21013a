// Server-renders the analytics pages with data from their real loaders, so a
// broken component (a bad prop, a missing translation key, a chart that cannot
// render on the server) fails here rather than in the merchant's admin.
import { createElement as h, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { adminMessages } from "~/i18n/messages";
import { TranslationProvider } from "~/i18n";
import { recomputeShopAnalytics } from "~/services/analytics/recompute.server";
import * as insightsRoute from "~/routes/app.insights";
import * as customersRoute from "~/routes/app.customers._index";
import * as customerRoute from "~/routes/app.customers.$id";
import * as segmentRoute from "~/routes/app.segments.$group";
import { mintSessionToken } from "../../../dev/shopify-sim/jwt";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { GENERATED_END, insertGeneratedShop } from "./generated-shop";

const SHOP = "render.myshopify.com";
const EMPTY = "render-empty.myshopify.com";

function authed(shop: string, path: string): Request {
  const token = mintSessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET! });
  return new Request(`${process.env.SHOPIFY_APP_URL}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

interface RouteModule {
  loader: (args: { request: Request; params: Record<string, string | undefined>; context: unknown }) => Promise<unknown>;
  default: ComponentType;
}

/** Renders `route` at `path` (pattern `pattern`) for `shop`, in English or Arabic. */
async function render(route: RouteModule, pattern: string, path: string, shop: string, locale: "en" | "ar" = "en"): Promise<string> {
  const handler = createStaticHandler([
    { path: pattern, loader: ({ params }) => route.loader({ request: authed(shop, path), params, context: {} }), Component: route.default },
  ]);
  const context = await handler.query(new Request(`http://localhost${path}`));
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`);
  if (context.errors) throw Object.values(context.errors)[0];
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToString(
    h(AppProvider, { i18n: polarisEn } as never, h(TranslationProvider, { locale, messages: adminMessages(locale), children: h(StaticRouterProvider, { router, context }) })),
  );
}

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
