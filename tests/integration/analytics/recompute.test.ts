import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { RFM_GROUPS } from "~/domain/analytics";
import { recomputeShopAnalytics } from "~/services/analytics/recompute.server";
import type { AnalyticsSnapshotPayload } from "~/components/analytics/types";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { GENERATED_END, insertGeneratedShop } from "./generated-shop";

const SHOP = "analytics-gen.myshopify.com";
const NOW = GENERATED_END;

async function latestPayload(shop: string): Promise<AnalyticsSnapshotPayload> {
  const snap = await prisma.shopSnapshot.findFirstOrThrow({ where: { shop, kind: "ANALYTICS" }, orderBy: { computedAt: "desc" } });
  return snap.payload as unknown as AnalyticsSnapshotPayload;
}

describe("analytics recompute on a generated 300-customer shop written by the sync engine", () => {
  beforeAll(async () => {
    await resetDatabase(prisma);
    await createInstalledShop(prisma, SHOP, { ianaTimezone: "America/New_York" });
    const t = performance.now();
    const events = await insertGeneratedShop(prisma, SHOP, { size: 300, seed: 11 });
    console.log(`inserted ${events} customers and orders in ${Math.round(performance.now() - t)} ms`);
    const t2 = performance.now();
    await recomputeShopAnalytics(prisma, SHOP, { now: NOW });
    console.log(`recompute in ${Math.round(performance.now() - t2)} ms`);
  }, 240_000);

  it("writes one CustomerMetric row per customer with a counted order", async () => {
    const buyers = await prisma.order.findMany({
      where: { shop: SHOP, test: false, cancelledAt: null, customerShopifyId: { not: null }, processedAt: { lt: NOW } },
      distinct: ["customerShopifyId"],
      select: { customerShopifyId: true },
    });
    expect(buyers.length).toBeGreaterThan(100);
    const rows = await prisma.customerMetric.findMany({ where: { shop: SHOP, ordersCount: { gt: 0 } } });
    expect(new Set(rows.map((r) => r.customerShopifyId))).toEqual(new Set(buyers.map((b) => b.customerShopifyId)));
  });

  it("assigns valid RFM groups: PROSPECTS exactly for customers without orders", async () => {
    const rows = await prisma.customerMetric.findMany({ where: { shop: SHOP } });
    for (const r of rows) {
      expect(RFM_GROUPS).toContain(r.rfmGroup);
      expect(r.rfmGroup === "PROSPECTS").toBe(r.ordersCount === 0);
    }
    expect(new Set(rows.map((r) => r.rfmGroup)).size).toBeGreaterThanOrEqual(5);
  });

  it("stores finite, non-negative CLV with low ≤ predicted ≤ high and P(alive) in [0, 1]", async () => {
    const rows = await prisma.customerMetric.findMany({ where: { shop: SHOP, ordersCount: { gt: 0 } } });
    for (const r of rows) {
      expect(r.predictedClvMinor).not.toBeNull();
      expect(Number.isFinite(r.predictedClvMinor!)).toBe(true);
      expect(r.predictedClvMinor!).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(r.expectedPurchases!)).toBe(true);
      expect(r.expectedPurchases!).toBeGreaterThanOrEqual(0);
      if (r.pAlive !== null) {
        expect(r.pAlive).toBeGreaterThanOrEqual(0);
        expect(r.pAlive).toBeLessThanOrEqual(1);
      }
      if (r.clvLowMinor !== null) {
        expect(r.clvLowMinor).toBeLessThanOrEqual(r.predictedClvMinor!);
        expect(r.clvHighMinor!).toBeGreaterThanOrEqual(r.predictedClvMinor!);
      }
      expect(r.recencyWeeks).toBeLessThanOrEqual(r.ageWeeks + 1e-9);
    }
  });

  it("snapshot KPIs match an independent SQL sum of net revenue for the last 365 days", async () => {
    const payload = await latestPayload(SHOP);
    const start = new Date(NOW.getTime() - 365 * 86_400_000);
    const orders = await prisma.order.findMany({
      where: { shop: SHOP, test: false, cancelledAt: null, processedAt: { gte: start, lt: NOW } },
      select: { totalMinor: true, refundedMinor: true },
    });
    const net = orders.reduce((s, o) => s + o.totalMinor - o.refundedMinor, 0);
    const kpi = payload.kpis["365d"].kpis.find((k) => k.key === "netRevenueMinor")!;
    expect(kpi.current.value).toBe(net);
    expect(payload.kpis["365d"].kpis.find((k) => k.key === "orders")!.current.value).toBe(orders.length);
  });

  it("snapshot cohort sizes and segment sizes add up to the customer counts", async () => {
    const payload = await latestPayload(SHOP);
    const rows = await prisma.customerMetric.count({ where: { shop: SHOP } });
    const buyers = await prisma.customerMetric.count({ where: { shop: SHOP, ordersCount: { gt: 0 } } });
    expect(payload.cohorts.cohorts.reduce((s, c) => s + c.size, 0)).toBe(buyers);
    expect(payload.segments.reduce((s, g) => s + g.customers, 0)).toBe(rows);
    expect(payload.segments.map((s) => s.group)).toEqual([...RFM_GROUPS]);
    expect(payload.counts.customersWithOrders).toBe(buyers);
  });

  it("records the CLV model, its convergence and the backtest by frequency bucket", async () => {
    const { clv } = await latestPayload(SHOP);
    expect(["ok", "insufficient-data", "model-not-identified"]).toContain(clv.status);
    if (clv.status === "ok") {
      expect(["bg-nbd", "pareto-nbd"]).toContain(clv.model);
      expect(Number.isFinite(clv.fit!.logLikelihood)).toBe(true);
      expect(typeof clv.fit!.converged).toBe("boolean");
    } else {
      expect(clv.threshold ?? clv.reason).toBeTruthy();
    }
    if (clv.backtest.status === "ok") {
      expect(clv.backtest.buckets.map((b) => b.label)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7+"]);
      expect(clv.backtest.buckets.reduce((s, b) => s + b.customers, 0)).toBe(clv.backtest.cohortCustomers);
      expect(clv.backtest.weekly.length).toBeGreaterThan(10);
    } else {
      expect(clv.backtest.reason).toBeTruthy();
    }
    const dist = clv.distribution.reduce((s, b) => s + b.customers, 0);
    expect(dist).toBe(await prisma.customerMetric.count({ where: { shop: SHOP, predictedClvMinor: { not: null } } }));
  });

  it("is idempotent: a rerun with the same clock writes the same rows and one snapshot", async () => {
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ id: _id, ...rest }) => rest);
    const before = strip(await prisma.customerMetric.findMany({ where: { shop: SHOP }, orderBy: { customerShopifyId: "asc" } }));
    await recomputeShopAnalytics(prisma, SHOP, { now: NOW });
    const after = strip(await prisma.customerMetric.findMany({ where: { shop: SHOP }, orderBy: { customerShopifyId: "asc" } }));
    expect(after).toEqual(before);
    expect(await prisma.shopSnapshot.count({ where: { shop: SHOP, kind: "ANALYTICS", computedAt: NOW } })).toBe(1);
  });
});
