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
import { enqueueJob } from "~/jobs/queue.server";
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
  /** That recompute's progress, read from its Job row. */
  recompute: RecomputeProgress | null;
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
  const [orderCount, syncRun, recompute] = await Promise.all([
    db.order.count({ where: { shop } }),
    db.syncRun.findFirst({ where: { shop, status: { in: ["PENDING", "RUNNING", "DOWNLOADING"] } }, select: { id: true } }),
    readRecomputeJob(db, shop),
  ]);
  return { orderCount, syncRunning: syncRun !== null, refreshing: recompute !== null, recompute: recompute ? recomputeProgressOf(recompute, orderCount) : null };
}

// ---- Recompute progress -----------------------------------------------------
// The recompute job (recompute.server.ts) reports { stage, done?, total? } on its
// Job row. Here that is turned into one overall percentage that only moves
// forward: finished stages count in full, the current one by done/total.

export const RECOMPUTE_STAGES = ["load", "metrics", "cohorts", "rfm", "clv", "write"] as const;
export type RecomputeStageName = (typeof RECOMPUTE_STAGES)[number];

/**
 * Share of a run per stage when the shop has no finished run to learn from:
 * wall times of the 250k-customer benchmark (docs/benchmarks.md), rounded.
 */
export const DEFAULT_STAGE_WEIGHTS: Record<RecomputeStageName, number> = { load: 20, metrics: 3, cohorts: 1, rfm: 7, clv: 37, write: 32 };

export interface RecomputeProgress {
  jobId: string;
  /** queued: waiting (debounce or worker busy); running: a worker has it. */
  status: "queued" | "running";
  /** null until the job has reported its first stage. */
  stage: RecomputeStageName | null;
  done: number | null;
  total: number | null;
  /** 0–100, non-decreasing over one run. */
  percent: number;
  /** A previous attempt failed and the queue will retry it. */
  retrying: boolean;
  runAt: string;
  startedAt: string | null;
}

interface RecomputeJobRow {
  id: string;
  status: string;
  progress: unknown;
  attempts: number;
  lastError: string | null;
  runAt: Date;
  startedAt: Date | null;
  /** stagesMs of the shop's last finished run before this one started, if any. */
  previousStagesMs: Record<string, number> | null;
}

async function readRecomputeJob(db: PrismaClient, shop: string): Promise<RecomputeJobRow | null> {
  // A running job wins over a queued follow-up (the dedupe key lets one of each exist).
  const jobs = await db.job.findMany({
    where: { shop, type: "analytics.recompute", status: { in: ["QUEUED", "RUNNING"] } },
    select: { id: true, status: true, progress: true, attempts: true, lastError: true, runAt: true, startedAt: true },
    orderBy: { runAt: "asc" },
  });
  const job = jobs.find((j) => j.status === "RUNNING") ?? jobs[0];
  if (!job) return null;
  // Weights from this shop's last finished run; fixed for the whole run because
  // only runs finished before this one started are considered.
  const last = await db.job.findFirst({
    where: { shop, type: "analytics.recompute", status: "DONE", ...(job.startedAt ? { finishedAt: { lte: job.startedAt } } : {}) },
    orderBy: { finishedAt: "desc" },
    select: { result: true },
  });
  const stagesMs = (last?.result as { stagesMs?: unknown } | null)?.stagesMs;
  return { ...job, previousStagesMs: stagesMs && typeof stagesMs === "object" ? (stagesMs as Record<string, number>) : null };
}

/** Stage weights summing to 1: the shop's own last run when it covers every stage, else the defaults. */
export function stageWeights(previousStagesMs: Record<string, number> | null): Record<RecomputeStageName, number> {
  const own = previousStagesMs && RECOMPUTE_STAGES.every((s) => Number.isFinite(previousStagesMs[s]) && previousStagesMs[s] >= 0) ? previousStagesMs : null;
  // A floor keeps a stage that took ~0 ms last time from making the bar jump.
  const raw = RECOMPUTE_STAGES.map((s) => (own ? Math.max(own[s], 1) : DEFAULT_STAGE_WEIGHTS[s]));
  const sum = raw.reduce((a, b) => a + b, 0);
  const floor = 0.01;
  const shares = raw.map((w) => Math.max(w / sum, floor));
  const total = shares.reduce((a, b) => a + b, 0);
  return Object.fromEntries(RECOMPUTE_STAGES.map((s, i) => [s, shares[i] / total])) as Record<RecomputeStageName, number>;
}

const finiteCount = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);

/**
 * Overall progress of a recompute job from its Job row. `orderCount` stands in
 * for the load stage's total (the job reports orders read, not how many exist).
 */
export function recomputeProgressOf(job: Omit<RecomputeJobRow, "previousStagesMs"> & { previousStagesMs?: Record<string, number> | null }, orderCount: number): RecomputeProgress {
  const raw = (job.progress && typeof job.progress === "object" ? job.progress : {}) as { stage?: unknown; done?: unknown; total?: unknown };
  const running = job.status === "RUNNING";
  // A queued job's progress is a failed attempt's leftovers: it starts again from zero.
  const stage = running && RECOMPUTE_STAGES.includes(raw.stage as RecomputeStageName) ? (raw.stage as RecomputeStageName) : null;
  const done = stage ? finiteCount(raw.done) : null;
  let total = stage ? finiteCount(raw.total) : null;
  if (stage === "load" && total === null && orderCount > 0) total = orderCount;
  const weights = stageWeights(job.previousStagesMs ?? null);
  let percent = 0;
  if (stage) {
    const index = RECOMPUTE_STAGES.indexOf(stage);
    const before = RECOMPUTE_STAGES.slice(0, index).reduce((s, k) => s + weights[k], 0);
    const within = done !== null && total !== null && total > 0 ? Math.min(1, done / total) : 0;
    percent = (before + weights[stage] * within) * 100;
  }
  return {
    jobId: job.id,
    status: running ? "running" : "queued",
    stage,
    done,
    total,
    // Never 100 while the job is still on the queue; one decimal is plenty for a bar.
    percent: Math.min(99, Math.round(percent * 10) / 10),
    retrying: !running && job.attempts > 0 && job.lastError !== null,
    runAt: job.runAt.toISOString(),
    startedAt: job.startedAt ? job.startedAt.toISOString() : null,
  };
}

/** Queues a recompute to run now; a queued (debounced) one is moved forward instead of duplicated. */
export async function requestRecompute(db: PrismaClient, shop: string, now: Date): Promise<void> {
  await enqueueJob(db, { type: "analytics.recompute", shop, dedupeKey: `analytics:${shop}`, runAt: now }, now);
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
    recompute: state.recompute,
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
