import { beforeEach, describe, expect, it } from "vitest";
import type { Job } from "@prisma/client";
import prisma from "~/db.server";
import { analyticsJobHandlers } from "~/services/analytics/jobs.server";
import { churnRiskOf, recomputeShopAnalytics } from "~/services/analytics/recompute.server";
import {
  buildTransactions,
  createLocalDayKeyer,
  currencyExponent,
  rangeDrawsFor,
  runShopClvOnTransactions,
  sampleCustomers,
  summarizeInChunks,
} from "~/services/analytics/clv-stage.server";
import { summarizeTransactions } from "~/domain/analytics/clv";
import { simulateBgNbdTransactions } from "~/domain/analytics/clv/simulate";
import { localDateKey } from "~/domain/analytics";
import { buildMetricInsert, sqlLiteral, SqlLiteralError, type MetricRow } from "~/services/analytics/sql.server";
import type { AnalyticsSnapshotPayload } from "~/components/analytics/types";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { deliverGeneratedShop, GENERATED_END } from "./generated-shop";

const SHOP = "edge.myshopify.com";
const NOW = new Date("2026-06-15T12:00:00Z");
let seq = 0;

async function addOrder(customer: string | null, at: string, totalMinor: number, extra: { refundedMinor?: number; test?: boolean; cancelled?: boolean } = {}) {
  seq += 1;
  await prisma.order.create({
    data: {
      shop: SHOP,
      shopifyId: String(1000 + seq),
      customerShopifyId: customer,
      processedAt: new Date(at),
      shopifyCreatedAt: new Date(at),
      shopifyUpdatedAt: new Date(at),
      currency: "USD",
      totalMinor,
      refundedMinor: extra.refundedMinor ?? 0,
      test: extra.test ?? false,
      cancelledAt: extra.cancelled ? new Date(at) : null,
    },
  });
}

async function payload(): Promise<AnalyticsSnapshotPayload> {
  const snap = await prisma.shopSnapshot.findFirstOrThrow({ where: { shop: SHOP, kind: "ANALYTICS" }, orderBy: { computedAt: "desc" } });
  return snap.payload as unknown as AnalyticsSnapshotPayload;
}

function fakeJob(type: string, shop: string | null): Job {
  return { id: `job-${type}`, shop, type, payload: null, dedupeKey: null, status: "RUNNING", priority: 0, runAt: NOW, attempts: 1, maxAttempts: 5, lockedBy: "w", lockedAt: NOW, lastError: null, progress: null, result: null, createdAt: NOW, startedAt: NOW, finishedAt: null };
}

describe("analytics recompute on degenerate shops", () => {
  beforeEach(async () => {
    await resetDatabase(prisma);
    await createInstalledShop(prisma, SHOP, { ianaTimezone: "Asia/Tokyo" });
  });

  it("an empty shop (no customers, no orders) writes no rows and a snapshot with status no-data", async () => {
    const result = await recomputeShopAnalytics(prisma, SHOP, { now: NOW });
    expect(result.metricRows).toBe(0);
    const p = await payload();
    expect(p.clv.status).toBe("no-data");
    expect(p.cohorts.cohorts).toEqual([]);
    expect(p.kpis["30d"].kpis.find((k) => k.key === "averageOrderValueMinor")!.current).toEqual({ value: null, reason: "NO_ORDERS_IN_PERIOD" });
  });

  it("customers without orders are PROSPECTS with no prediction", async () => {
    await prisma.customer.create({ data: { shop: SHOP, shopifyId: "1", shopifyCreatedAt: new Date("2026-01-01T00:00:00Z") } });
    await recomputeShopAnalytics(prisma, SHOP, { now: NOW });
    const rows = await prisma.customerMetric.findMany({ where: { shop: SHOP } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rfmGroup: "PROSPECTS", ordersCount: 0, predictedClvMinor: null, pAlive: null, churnRisk: null });
  });

  it("a 1-customer shop falls back to the historical average with the threshold shown, finite and non-negative", async () => {
    await prisma.customer.create({ data: { shop: SHOP, shopifyId: "7", shopifyCreatedAt: new Date("2025-01-01T00:00:00Z") } });
    await addOrder("7", "2025-02-01T10:00:00Z", 5_000);
    await addOrder("7", "2025-05-01T10:00:00Z", 7_000, { refundedMinor: 2_000 });
    await addOrder("7", "2025-06-01T10:00:00Z", 9_999, { test: true });
    await recomputeShopAnalytics(prisma, SHOP, { now: NOW });
    const p = await payload();
    expect(p.clv.status).toBe("insufficient-data");
    expect(p.clv.threshold).toEqual({ customers: 200, repeaters: 20 });
    expect(p.clv.have).toEqual({ customers: 1, repeaters: 1 });
    const row = await prisma.customerMetric.findFirstOrThrow({ where: { shop: SHOP } });
    expect(row.ordersCount).toBe(2);
    expect(row.historicalClvMinor).toBe(10_000);
    expect(row.pAlive).toBeNull();
    expect(row.predictedClvMinor).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(row.expectedPurchases!)).toBe(true);
  });

  it("everything on one day (0 repeaters, T = 0) does not crash and predicts 0 repeat purchases", async () => {
    for (let i = 0; i < 30; i++) await addOrder(String(i + 1), "2026-06-15T01:00:00Z", 1_000 + i);
    await recomputeShopAnalytics(prisma, SHOP, { now: NOW });
    const rows = await prisma.customerMetric.findMany({ where: { shop: SHOP } });
    expect(rows).toHaveLength(30);
    for (const r of rows) {
      expect(r.expectedPurchases).toBe(0);
      expect(r.predictedClvMinor).toBe(0);
      expect(r.frequency).toBe(0);
      expect(r.ageWeeks).toBe(0);
    }
  });

  it("an order whose refund exceeds its total is clamped and counted, not fatal", async () => {
    await addOrder("1", "2026-05-01T00:00:00Z", 1_000, { refundedMinor: 1_500 });
    await recomputeShopAnalytics(prisma, SHOP, { now: NOW });
    expect((await payload()).counts.clampedOrders).toBe(1);
    expect((await prisma.customerMetric.findFirstOrThrow({ where: { shop: SHOP } })).historicalClvMinor).toBe(0);
  });

  it("orders of a deleted customer count as guest orders and the deleted customer's row is removed", async () => {
    await addOrder("5", "2026-05-01T00:00:00Z", 1_000);
    await recomputeShopAnalytics(prisma, SHOP, { now: new Date(NOW.getTime() - 1000) });
    expect(await prisma.customerMetric.count({ where: { shop: SHOP } })).toBe(1);
    await prisma.customer.create({ data: { shop: SHOP, shopifyId: "5", deletedAt: NOW } });
    await recomputeShopAnalytics(prisma, SHOP, { now: NOW });
    expect(await prisma.customerMetric.count({ where: { shop: SHOP } })).toBe(0);
    expect((await payload()).counts.deletedCustomerOrders).toBe(1);
  });

  it("dates transactions by the shop's calendar: 23:30 UTC on Jan 31 is Feb 1 in Tokyo", () => {
    const keyer = createLocalDayKeyer("Asia/Tokyo", Date.parse("2026-01-01T00:00:00Z"), Date.parse("2026-03-01T00:00:00Z"));
    expect(keyer(Date.parse("2026-01-31T23:30:00Z"))).toBe("2026-02-01");
    expect(keyer(Date.parse("2026-01-31T14:59:59Z"))).toBe("2026-01-31");
    // Agrees with the domain's Intl-based keyer across a DST change (New York, 2026-03-08).
    const ny = createLocalDayKeyer("America/New_York", Date.parse("2026-03-01T00:00:00Z"), Date.parse("2026-03-20T00:00:00Z"));
    for (let t = Date.parse("2026-03-01T00:00:00Z"); t < Date.parse("2026-03-20T00:00:00Z"); t += 37 * 60_000) {
      expect(ny(t)).toBe(localDateKey(new Date(t), "America/New_York"));
    }
  });

  it("converts net minor units to major units by the currency's exponent (JPY 0, USD 2, KWD 3)", () => {
    expect([currencyExponent("JPY"), currencyExponent("USD"), currencyExponent("KWD")]).toEqual([0, 2, 3]);
    const tx = buildTransactions(
      [{ id: "a", customerId: "c", processedAt: new Date("2026-01-01T12:00:00Z"), totalMinor: 1234, refundedMinor: 34, cancelled: false, test: false }],
      "UTC",
      "JPY",
    );
    expect(tx).toEqual([{ customerId: "c", date: "2026-01-01", amount: 1200 }]);
  });

  it("the fit sample keeps about the target share of customers, whole customers only, and is stable across runs", () => {
    const tx = Array.from({ length: 100_000 }, (_, i) => ({ customerId: String(7_210_000_000_001 + (i >> 1)), date: i % 2 ? "2026-01-02" : "2026-01-01", amount: 1 }));
    const a = sampleCustomers(tx, 50_000, 10_000, 1);
    const ids = new Set(a.map((t) => t.customerId));
    expect(ids.size).toBeGreaterThan(9_500);
    expect(ids.size).toBeLessThan(10_500);
    expect(a.length).toBe(ids.size * 2);
    expect(sampleCustomers(tx, 50_000, 10_000, 1)).toEqual(a);
    expect(sampleCustomers(tx, 50_000, 60_000, 1)).toBe(tx);
  });

  it("summarises 150k customers in chunks, identical to one engine call where that call fits on the stack", () => {
    const tx = Array.from({ length: 300_000 }, (_, i) => ({ customerId: `c${i % 150_000}`, date: i < 150_000 ? "2025-01-01" : `2025-0${1 + (i % 9)}-1${i % 10}`, amount: (i % 97) + 1 }));
    const chunked = summarizeInChunks(tx, "2025-12-31");
    expect(chunked).toHaveLength(150_000);
    const small = tx.filter((t) => Number(t.customerId.slice(1)) < 30_000);
    expect(summarizeInChunks(small, "2025-12-31")).toEqual(summarizeTransactions(small, { observationEnd: "2025-12-31" }).customers);
  });

  it("bootstrap draws shrink with shop size and stop below 20 (the delta method takes over there)", () => {
    expect([rangeDrawsFor(0), rangeDrawsFor(1_000), rangeDrawsFor(10_000), rangeDrawsFor(20_000), rangeDrawsFor(20_001)]).toEqual([0, 200, 40, 20, 0]);
  });

  it("no feature locked behind scale: a 24,000-customer shop (fit on a sample) gets a delta-method CLV range for every customer", () => {
    const transactions = simulateBgNbdTransactions(
      { r: 0.8, alpha: 8, a: 0.6, b: 2.5 },
      { p: 6, q: 4, gamma: 15 },
      { customers: 24_000, startDate: "2024-01-01", acquisitionDays: 500, days: 700, seed: 11 },
    );
    const result = runShopClvOnTransactions(transactions, { timeZone: "UTC", currencyCode: "USD", now: new Date("2025-12-01T00:00:00Z") });
    expect(result.status).toBe("ok");
    expect(result.selectionRule).toMatch(/seeded sample of \d+ of 24000 customers/);
    expect(result.rangeMethod).toBe("delta");
    expect(result.rangeDraws).toBe(0);
    expect(result.predictions).toHaveLength(24_000);
    const withoutRange = result.predictions.filter((p) => p.clvLow === null || p.clvHigh === null);
    expect(withoutRange).toEqual([]);
    expect(result.predictions.every((p) => p.clvLow! <= p.predictedClv && p.predictedClv <= p.clvHigh!)).toBe(true);
    // A real band, not a point: positive CLVs get a positive width.
    const positive = result.predictions.filter((p) => p.predictedClv > 1);
    expect(positive.length).toBeGreaterThan(1000);
    expect(positive.every((p) => p.clvHigh! > p.clvLow!)).toBe(true);
  }, 60_000);

  it("the literal INSERT (the PostgreSQL write path) round-trips quotes, nulls, floats and dates", async () => {
    const row: MetricRow = {
      shop: SHOP, customerShopifyId: "o'brien", ordersCount: 3, firstOrderAt: new Date("2025-01-02T03:04:05.678Z"), lastOrderAt: null,
      historicalClvMinor: 12_345, frequency: 2, recencyWeeks: 1 / 3, ageWeeks: 10.5, monetaryMinor: 4_000, expectedPurchases: 1e-7, pAlive: 0.123456789012345,
      predictedClvMinor: 0, clvLowMinor: null, clvHighMinor: null, nextOrderAt: null, rfmRecency: 5, rfmFrequency: 4, rfmMonetary: 3,
      rfmGroup: "CHAMPIONS", previousRfmGroup: null, churnRisk: "LOW", model: "bg-nbd", computedAt: NOW,
    };
    await prisma.$executeRawUnsafe(buildMetricInsert([row], true));
    const stored = await prisma.customerMetric.findFirstOrThrow({ where: { shop: SHOP } });
    const { id: _id, ...rest } = stored;
    expect(rest).toEqual(row);
    expect(() => sqlLiteral(Number.NaN, true)).toThrow(SqlLiteralError);
  });

  it("churn risk thresholds: P(alive) < 0.3 HIGH, < 0.7 MEDIUM, else LOW, null without P(alive)", () => {
    expect([churnRiskOf(0.29), churnRiskOf(0.3), churnRiskOf(0.69), churnRiskOf(0.7), churnRiskOf(null)]).toEqual(["HIGH", "MEDIUM", "MEDIUM", "LOW", null]);
  });
});

describe("analytics job handlers", () => {
  beforeEach(async () => {
    await resetDatabase(prisma);
  });

  it("analytics.nightly-all enqueues one deduplicated recompute per installed shop and schedules itself", async () => {
    await createInstalledShop(prisma, "a.myshopify.com");
    await createInstalledShop(prisma, "b.myshopify.com");
    await createInstalledShop(prisma, "gone.myshopify.com", { status: "UNINSTALLED" });
    const ctx = { now: NOW, workerId: "w", reportProgress: async () => {} };
    await analyticsJobHandlers["analytics.nightly-all"](prisma, fakeJob("analytics.nightly-all", null), ctx);
    await analyticsJobHandlers["analytics.nightly-all"](prisma, fakeJob("analytics.nightly-all", null), ctx);
    const jobs = await prisma.job.findMany({ where: { type: "analytics.recompute" }, orderBy: { shop: "asc" } });
    expect(jobs.map((j) => j.shop)).toEqual(["a.myshopify.com", "b.myshopify.com"]);
    expect(await prisma.job.count({ where: { dedupeKey: "recurring:analytics.nightly-all" } })).toBe(1);
  });

  it("analytics.recompute reports progress by stage and skips an uninstalled shop", async () => {
    await createInstalledShop(prisma, SHOP);
    await addOrder("1", "2026-05-01T00:00:00Z", 1_000);
    const stages: string[] = [];
    const ctx = { now: NOW, workerId: "w", reportProgress: async (p: unknown) => void stages.push((p as { stage: string }).stage) };
    const result = (await analyticsJobHandlers["analytics.recompute"](prisma, fakeJob("analytics.recompute", SHOP), ctx)) as { customers: number };
    expect(result.customers).toBe(1);
    expect([...new Set(stages)]).toEqual(["load", "metrics", "cohorts", "rfm", "clv", "write"]);
    await prisma.shop.update({ where: { shop: SHOP }, data: { status: "UNINSTALLED" } });
    expect(await analyticsJobHandlers["analytics.recompute"](prisma, fakeJob("analytics.recompute", SHOP), ctx)).toEqual({ skipped: "uninstalled" });
  });
});

describe("webhook path end to end", () => {
  it("a small generated shop delivered through processDelivery gets RFM groups and CLV rows", async () => {
    await resetDatabase(prisma);
    const shop = "webhook-e2e.myshopify.com";
    await createInstalledShop(prisma, shop, { ianaTimezone: "America/New_York" });
    await deliverGeneratedShop(prisma, shop, { size: 30, seed: 5 });
    // The sync engine queued the debounced recompute itself.
    expect(await prisma.job.count({ where: { type: "analytics.recompute", shop, dedupeKey: `analytics:${shop}` } })).toBe(1);
    await recomputeShopAnalytics(prisma, shop, { now: GENERATED_END });
    const rows = await prisma.customerMetric.findMany({ where: { shop, ordersCount: { gt: 0 } } });
    expect(rows.length).toBeGreaterThan(15);
    for (const r of rows) {
      expect(r.rfmGroup).not.toBe("PROSPECTS");
      expect(r.predictedClvMinor).toBeGreaterThanOrEqual(0);
    }
  }, 120_000);
});
