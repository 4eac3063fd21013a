// Pins the recompute's output: the CustomerMetric rows and the ANALYTICS
// snapshot of a generated shop must equal (numbers within 1e-9 relative) what
// the recompute wrote before its performance rework (fixture
// recompute-golden.json, produced by that code). Two runs: the first inserts
// rows, the second (30 days later) updates them in place and adds new buyers.
// Also run with the CLV stage on a worker thread (large shops' path).
// Regenerate only for an intended change of results:
//   RETAIN_WRITE_GOLDEN=1 npx vitest run --project integration tests/integration/analytics/recompute-golden.test.ts
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeShopAnalytics } from "~/services/analytics/recompute.server";
import { packPredictions, unpackPredictions } from "~/services/analytics/clv-stage.server";
import { parseSqliteDateMs } from "~/services/analytics/sql.server";
import type { CustomerPrediction } from "~/domain/analytics/clv";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { GENERATED_END, insertGeneratedShop } from "./generated-shop";

const SHOP = "analytics-golden.myshopify.com";
const FIXTURE = path.join(import.meta.dirname, "recompute-golden.json");
const FIRST_RUN = new Date(GENERATED_END.getTime() - 30 * 86_400_000);
const RELATIVE_TOLERANCE = 1e-9;

interface Golden {
  rows: Record<string, unknown>[];
  snapshots: Record<string, unknown>[];
}

async function readState(): Promise<Golden> {
  const metrics = await prisma.customerMetric.findMany({ where: { shop: SHOP }, orderBy: { customerShopifyId: "asc" } });
  const rows = metrics.map(({ id: _id, ...rest }) => JSON.parse(JSON.stringify(rest)) as Record<string, unknown>);
  const snaps = await prisma.shopSnapshot.findMany({ where: { shop: SHOP, kind: "ANALYTICS" }, orderBy: { computedAt: "asc" } });
  // Timings differ run to run; everything else is a pure function of the rows and `now`.
  const snapshots = snaps.map((s) => {
    const { timings: _timings, ...payload } = s.payload as Record<string, unknown>;
    return { computedAt: s.computedAt.toISOString(), payload: JSON.parse(JSON.stringify(payload)) as unknown };
  });
  return { rows, snapshots };
}

/** Paths where `actual` and `expected` differ (numbers by relative tolerance), at most `limit`. */
function differences(actual: unknown, expected: unknown, at = "$", out: string[] = [], limit = 20): string[] {
  if (out.length >= limit) return out;
  if (typeof actual === "number" && typeof expected === "number") {
    const scale = Math.max(1, Math.abs(actual), Math.abs(expected));
    if (!(Math.abs(actual - expected) <= RELATIVE_TOLERANCE * scale)) out.push(`${at}: ${actual} ≠ ${expected}`);
    return out;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) out.push(`${at}: length ${actual.length} ≠ ${expected.length}`);
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) differences(actual[i], expected[i], `${at}[${i}]`, out, limit);
    return out;
  }
  if (actual && expected && typeof actual === "object" && typeof expected === "object") {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const k of keys) differences((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${at}.${k}`, out, limit);
    return out;
  }
  if (actual !== expected) out.push(`${at}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
  return out;
}

async function recomputeGoldenShop(clvInWorker: boolean): Promise<Golden & { threads: string[] }> {
  await resetDatabase(prisma);
  await createInstalledShop(prisma, SHOP, { ianaTimezone: "America/New_York" });
  await insertGeneratedShop(prisma, SHOP, { size: 400, seed: 23 });
  const first = await recomputeShopAnalytics(prisma, SHOP, { now: FIRST_RUN, clvInWorker });
  const second = await recomputeShopAnalytics(prisma, SHOP, { now: GENERATED_END, clvInWorker });
  return { ...(await readState()), threads: [first.clvThread, second.clvThread] };
}

const readGolden = () => JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Golden;

describe("analytics recompute output pinned on a generated shop", () => {
  let state: Golden;
  beforeAll(async () => {
    const { threads, ...rest } = await recomputeGoldenShop(false);
    expect(threads).toEqual(["main", "main"]);
    state = rest;
    if (process.env.RETAIN_WRITE_GOLDEN === "1") fs.writeFileSync(FIXTURE, `${JSON.stringify(state)}\n`);
  }, 240_000);

  it("writes the same CustomerMetric rows as the recompute before its performance rework (1e-9 relative)", () => {
    const golden = readGolden();
    expect(golden.rows.length).toBeGreaterThan(300);
    expect(differences(state.rows, golden.rows)).toEqual([]);
  });

  it("writes the same snapshots (KPIs, cohorts, segments, movement, CLV and backtest) as before (1e-9 relative)", () => {
    const golden = readGolden();
    expect(golden.snapshots.length).toBe(2);
    expect(differences(state.snapshots, golden.snapshots)).toEqual([]);
  });

  it("with the CLV stage on a worker thread, writes the same rows and snapshots", async () => {
    const threaded = await recomputeGoldenShop(true);
    expect(threaded.threads).toEqual(["worker", "worker"]);
    const golden = readGolden();
    expect(differences(threaded.rows, golden.rows)).toEqual([]);
    expect(differences(threaded.snapshots, golden.snapshots)).toEqual([]);
  }, 240_000);

  it("predictions cross the thread boundary exactly: values, -0 and nulls", () => {
    const ids = ["a", "b", "c"];
    const predictions: CustomerPrediction[] = [
      { customerId: "c", frequency: 2, recency: 3.5, T: 10, monetaryValue: 12.34, expectedPurchases: 0.1 + 0.2, probabilityAlive: 0.75, nextOrderInDays: 20.5, nextOrderDate: "2026-11-21", expectedAverageSpend: 11.1, predictedClv: 1e-300, clvLow: 0.5, clvHigh: 2.5 },
      { customerId: "a", frequency: 0, recency: 0, T: -0, monetaryValue: 0, expectedPurchases: 0, probabilityAlive: null, nextOrderInDays: null, nextOrderDate: null, expectedAverageSpend: 0, predictedClv: 0, clvLow: null, clvHigh: null },
    ];
    const back = unpackPredictions(structuredClone(packPredictions(predictions, ids)), ids);
    expect(back).toEqual(predictions);
    expect(Object.is(back[1].T, -0)).toBe(true);
  });

  it("reads stored dates digit by digit exactly as Date.parse does, invalid calendar dates included", () => {
    const texts = [
      "2026-11-01T00:00:00.000+00:00", "2024-02-29T23:59:59.999+00:00", "2023-02-29T10:00:00.000+00:00", "2026-04-31T00:00:00.000+00:00",
      "2026-13-01T00:00:00.000+00:00", "2026-00-10T00:00:00.000+00:00", "2026-01-10T24:00:00.000+00:00", "1900-02-29T00:00:00.000+00:00",
      "2000-02-29T12:30:45.123+00:00", "2026-1a-01T00:00:00.000+00:00", "2026-11-01T00:00:00.000Z", "2026-11-01 00:00:00", "0999-01-01T00:00:00.000+00:00",
    ];
    for (const text of texts) expect(Object.is(parseSqliteDateMs(text), Date.parse(text)), text).toBe(true);
    expect(parseSqliteDateMs(1_700_000_000_123)).toBe(1_700_000_000_123);
  });
});
