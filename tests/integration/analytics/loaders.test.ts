// The admin loaders, called as App Bridge calls them: a request with a
// session token (Authorization: Bearer) for a shop with a stored offline session.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeShopAnalytics } from "~/services/analytics/recompute.server";
import { csvCell, formatMinorDecimal } from "~/services/analytics/customers.server";
import { loader as insightsLoader } from "~/routes/app.insights";
import { loader as customersLoader } from "~/routes/app.customers._index";
import { loader as customerLoader } from "~/routes/app.customers.$id";
import { loader as exportLoader } from "~/routes/app.customers.export";
import { loader as segmentLoader } from "~/routes/app.segments.$group";
import { mintSessionToken } from "../../../dev/shopify-sim/jwt";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { GENERATED_END, insertGeneratedShop } from "./generated-shop";

const SHOP = "loaders.myshopify.com";
const EMPTY_SHOP = "empty-loaders.myshopify.com";

async function storeOfflineSession(shop: string) {
  await prisma.session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_orders,read_customers", accessToken: "shpat_test_token" },
  });
}

function adminRequest(shop: string, path: string): Request {
  const token = mintSessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET! });
  return new Request(`${process.env.SHOPIFY_APP_URL}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

type LoaderFn = (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
async function call<T>(loader: LoaderFn, shop: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const result = await loader({ request: adminRequest(shop, path), params, context: {} });
  return result as T;
}

describe("analytics admin loaders", () => {
  beforeAll(async () => {
    await resetDatabase(prisma);
    await createInstalledShop(prisma, SHOP, { ianaTimezone: "America/New_York" });
    await createInstalledShop(prisma, EMPTY_SHOP);
    await storeOfflineSession(SHOP);
    await storeOfflineSession(EMPTY_SHOP);
    await insertGeneratedShop(prisma, SHOP, { size: 250, seed: 21 });
    await recomputeShopAnalytics(prisma, SHOP, { now: GENERATED_END });
  }, 120_000);

  it("the Insights loader returns KPIs, all 11 segments, cohorts and the CLV block from the snapshot", async () => {
    const { insights } = await call<{ insights: Awaited<ReturnType<typeof import("~/services/analytics/insights.server").getInsights>> }>(
      insightsLoader as LoaderFn, SHOP, "/app/insights?range=90d",
    );
    expect(insights.state).toBe("ready");
    expect(insights.kpis!.kpis).toHaveLength(12);
    expect(insights.segments).toHaveLength(11);
    expect(insights.segments.reduce((s, g) => s + g.customers, 0)).toBe(await prisma.customerMetric.count({ where: { shop: SHOP } }));
    expect(insights.cohorts!.cohorts.length).toBeGreaterThan(0);
    expect(insights.cohorts!.cohorts.length).toBeLessThanOrEqual(12);
    expect(insights.clv!.distribution.length).toBeGreaterThan(0);
    const snap = await prisma.shopSnapshot.findFirstOrThrow({ where: { shop: SHOP } });
    expect(insights.kpis).toEqual((snap.payload as { kpis: Record<string, unknown> }).kpis["90d"]);
  });

  it("a custom range is computed on demand and agrees with the stored 30-day KPIs for the same days", async () => {
    // 2026-10-02 .. 2026-10-31 inclusive = the 30 days before GENERATED_END.
    const { insights } = await call<{ insights: { kpis: { kpis: { key: string; current: { value: number | null } }[] } } }>(
      insightsLoader as LoaderFn, SHOP, "/app/insights?range=custom&start=2026-10-02&end=2026-10-31",
    );
    const snap = await prisma.shopSnapshot.findFirstOrThrow({ where: { shop: SHOP } });
    const stored = (snap.payload as { kpis: Record<string, { kpis: { key: string; current: unknown }[] }> }).kpis["30d"].kpis;
    const stored2 = stored as { key: string; current: { value: number | null } }[];
    expect(insights.kpis.kpis.map((k) => k.key)).toEqual(stored2.map((k) => k.key));
    insights.kpis.kpis.forEach((k, i) => {
      const want = stored2[i].current.value;
      if (want === null) expect(k.current.value).toBeNull();
      // Same orders, same formulas; the stored JSON may differ in the last binary digit.
      else expect(Math.abs(k.current.value! - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    });
  });

  it("an inverted custom range falls back to 30 days with a typed reason, not a crash", async () => {
    const res = await call<{ error: string }>(insightsLoader as LoaderFn, SHOP, "/app/insights?range=custom&start=2026-10-31&end=2026-10-01");
    expect(res.error).toBe("INVALID_RANGE");
  });

  it("the customers loader filters by segment and sorts by predicted CLV, descending", async () => {
    const { list } = await call<{ list: { rows: { rfmGroup: string; predictedClvMinor: number | null }[]; total: number } }>(
      customersLoader as LoaderFn, SHOP, "/app/customers?segment=CHAMPIONS&sort=predictedClv&dir=desc",
    );
    expect(list.total).toBe(await prisma.customerMetric.count({ where: { shop: SHOP, rfmGroup: "CHAMPIONS" } }));
    expect(list.rows.every((r) => r.rfmGroup === "CHAMPIONS")).toBe(true);
    const values = list.rows.map((r) => r.predictedClvMinor ?? -1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it("the customers loader pages 50 at a time and ignores an invalid sort instead of failing", async () => {
    const total = await prisma.customerMetric.count({ where: { shop: SHOP } });
    const page2 = await call<{ list: { rows: unknown[]; page: number; pages: number } }>(customersLoader as LoaderFn, SHOP, "/app/customers?page=2&sort=orders&dir=asc");
    expect(page2.list.page).toBe(2);
    expect(page2.list.pages).toBe(Math.ceil(total / 50));
    expect(page2.list.rows).toHaveLength(Math.min(50, total - 50));
    const bad = await call<{ invalidQuery: boolean }>(customersLoader as LoaderFn, SHOP, "/app/customers?sort=hacked");
    expect(bad.invalidQuery).toBe(true);
  });

  it("the customer page shows history, CLV, P(alive) and RFM group, and 404s for an unknown id", async () => {
    const metric = await prisma.customerMetric.findFirstOrThrow({ where: { shop: SHOP, ordersCount: { gt: 1 } } });
    const { detail } = await call<{ detail: { metric: { rfmGroup: string; predictedClvMinor: number }; orders: unknown[]; shopifyRfmGroup: { reason: string } } }>(
      customerLoader as LoaderFn, SHOP, `/app/customers/${metric.customerShopifyId}`, { id: metric.customerShopifyId },
    );
    expect(detail.metric.rfmGroup).toBe(metric.rfmGroup);
    expect(detail.metric.predictedClvMinor).toBe(metric.predictedClvMinor);
    expect(detail.orders.length).toBeGreaterThanOrEqual(metric.ordersCount);
    expect(detail.shopifyRfmGroup.reason).toBe("NOT_FETCHED");
    await expect(call(customerLoader as LoaderFn, SHOP, "/app/customers/999", { id: "999" })).rejects.toMatchObject({ status: 404 });
  });

  it("the segment page lists only its group and 404s for an unknown group", async () => {
    const res = await call<{ list: { rows: { rfmGroup: string }[] } }>(segmentLoader as LoaderFn, SHOP, "/app/segments/AT_RISK", { group: "AT_RISK" });
    expect(res.list.rows.every((r) => r.rfmGroup === "AT_RISK")).toBe(true);
    await expect(call(segmentLoader as LoaderFn, SHOP, "/app/segments/VIP", { group: "VIP" })).rejects.toMatchObject({ status: 404 });
  });

  it("the CSV export streams a header plus one row per customer in the segment", async () => {
    const res = await call<Response>(exportLoader as LoaderFn, SHOP, "/app/customers/export?segment=LOYAL");
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0].split(",")[0]).toBe("customer_id");
    expect(lines.length - 1).toBe(await prisma.customerMetric.count({ where: { shop: SHOP, rfmGroup: "LOYAL" } }));
  });

  it("CSV cells are quoted per RFC 4180 and formula-like text is neutralised; money is exact", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-12.50")).toBe("-12.50");
    expect([formatMinorDecimal(123456, 2), formatMinorDecimal(5, 2), formatMinorDecimal(1234, 0), formatMinorDecimal(7, 3)]).toEqual(["1234.56", "0.05", "1234", "0.007"]);
  });

  it("a shop with nothing synced gets the empty state, not an error", async () => {
    const { insights } = await call<{ insights: { state: string; kpis: unknown } }>(insightsLoader as LoaderFn, EMPTY_SHOP, "/app/insights");
    expect(insights.state).toBe("empty");
    expect(insights.kpis).toBeNull();
  });
});
