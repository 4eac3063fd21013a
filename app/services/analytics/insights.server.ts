// Data for the Insights dashboard. Everything heavy was precomputed by the
// recompute job (ShopSnapshot kind ANALYTICS); only a custom date range is
// computed on demand, from the orders up to its end.
import type { PrismaClient } from "@prisma/client";
import {
  type AnalyticsSnapshotPayload,
  type DataState,
  type ClvJson,
  type CohortJson,
  type KpiReportJson,
  type MovementJson,
  type SegmentJson,
  type StandardRange,
} from "~/components/analytics/types";
import { computeKpis } from "./kpis.server";
import { loadShopData, loadShopInfo } from "./load.server";

export type { DataState };

export type InsightsRange = { kind: "standard"; range: StandardRange } | { kind: "custom"; start: Date; end: Date };

export class InsightsInputError extends Error {
  constructor(readonly reason: "INVALID_RANGE" | "RANGE_TOO_LONG", message: string) {
    super(message);
    this.name = "InsightsInputError";
  }
}

/** Custom ranges are computed in the request; keep them to what the job's lookback supports cheaply. */
export const MAX_CUSTOM_RANGE_DAYS = 3 * 366;
/** How many cohorts (most recent) and months the heatmap shows. */
export const HEATMAP_COHORTS = 12;
export const HEATMAP_MONTHS = 12;

export interface InsightsData {
  state: DataState;
  shop: string;
  currencyCode: string;
  timeZone: string;
  orderCount: number;
  /** A recompute is queued or running (the numbers may be a little behind). */
  refreshing: boolean;
  syncRunning: boolean;
  asOf: string | null;
  range: { kind: "standard"; range: StandardRange } | { kind: "custom"; start: string; end: string };
  kpis: KpiReportJson | null;
  cohorts: { cohorts: CohortJson[]; months: number } | null;
  blended: AnalyticsSnapshotPayload["cohorts"]["blended"];
  segments: SegmentJson[];
  movement: MovementJson | null;
  clv: ClvJson | null;
  counts: AnalyticsSnapshotPayload["counts"] | null;
}

export async function readLatestSnapshot(db: PrismaClient, shop: string): Promise<{ payload: AnalyticsSnapshotPayload; computedAt: Date } | null> {
  const row = await db.shopSnapshot.findFirst({
    where: { shop, kind: "ANALYTICS" },
    orderBy: { computedAt: "desc" },
    select: { payload: true, computedAt: true },
  });
  if (!row) return null;
  return { payload: row.payload as unknown as AnalyticsSnapshotPayload, computedAt: row.computedAt };
}

export async function readDataState(db: PrismaClient, shop: string) {
  const [orderCount, syncRun, pendingJob] = await Promise.all([
    db.order.count({ where: { shop } }),
    db.syncRun.findFirst({ where: { shop, status: { in: ["PENDING", "RUNNING", "DOWNLOADING"] } }, select: { id: true } }),
    db.job.findFirst({ where: { shop, type: "analytics.recompute", status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } }),
  ]);
  return { orderCount, syncRunning: syncRun !== null, refreshing: pendingJob !== null };
}

function validateCustom(start: Date, end: Date): void {
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end.getTime() <= start.getTime()) {
    throw new InsightsInputError("INVALID_RANGE", "the range end must be after its start");
  }
  if (end.getTime() - start.getTime() > MAX_CUSTOM_RANGE_DAYS * 86_400_000) {
    throw new InsightsInputError("RANGE_TOO_LONG", `a custom range can span at most ${MAX_CUSTOM_RANGE_DAYS} days`);
  }
}

export async function getInsights(db: PrismaClient, shop: string, options: { range: InsightsRange }): Promise<InsightsData> {
  const { range } = options;
  if (range.kind === "custom") validateCustom(range.start, range.end);
  const [info, snapshot, state] = await Promise.all([loadShopInfo(db, shop), readLatestSnapshot(db, shop), readDataState(db, shop)]);
  const dataState: DataState = snapshot ? "ready" : state.syncRunning ? "syncing" : state.orderCount > 0 ? "computing" : "empty";
  const rangeJson: InsightsData["range"] =
    range.kind === "standard" ? range : { kind: "custom", start: range.start.toISOString(), end: range.end.toISOString() };
  const base = {
    shop,
    currencyCode: info.currencyCode,
    timeZone: info.timeZone,
    orderCount: state.orderCount,
    refreshing: state.refreshing,
    syncRunning: state.syncRunning,
    range: rangeJson,
  };
  if (!snapshot) {
    return { ...base, state: dataState, asOf: null, kpis: null, cohorts: null, blended: [], segments: [], movement: null, clv: null, counts: null };
  }
  const p = snapshot.payload;
  let kpis: KpiReportJson;
  if (range.kind === "standard") {
    kpis = p.kpis[range.range];
  } else {
    // Orders after the range end cannot change its numbers, so load up to it.
    const data = await loadShopData(db, shop, range.end);
    kpis = computeKpis(data.orders, { start: range.start, end: range.end });
  }
  const recent = p.cohorts.cohorts.slice(-HEATMAP_COHORTS).map((c) => ({ ...c, months: c.months.slice(0, HEATMAP_MONTHS) }));
  return {
    ...base,
    state: dataState,
    asOf: p.asOf,
    kpis,
    cohorts: { cohorts: recent, months: Math.min(HEATMAP_MONTHS, Math.max(0, ...recent.map((c) => c.months.length))) },
    blended: p.cohorts.blended.slice(0, HEATMAP_MONTHS),
    segments: p.segments,
    movement: p.movement,
    clv: p.clv,
    counts: p.counts,
  };
}
