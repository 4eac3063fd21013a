// Recomputes one shop's analytics and stores the results admin pages read:
// one CustomerMetric row per customer and one ANALYTICS ShopSnapshot.
// Runs in the job worker, never in a request. Given the same rows and the same
// `now`, a rerun writes the same values (idempotent).
import type { Prisma, PrismaClient } from "@prisma/client";
import {
  buildCohortsPrepared,
  compareRfmSnapshots,
  computeRfmPrepared,
  startOfLocalDay,
  summarizeRfmSegments,
  type RfmGroup,
  type RfmSnapshot,
} from "~/domain/analytics";
import type { CustomerPrediction } from "~/domain/analytics/clv";
import {
  RANGE_DAYS,
  STANDARD_RANGES,
  type AnalyticsSnapshotPayload,
  type BacktestJson,
  type ClvJson,
  type KpiReportJson,
  type MovementJson,
  type StandardRange,
} from "~/components/analytics/types";
import { prepareOrderColumns } from "~/domain/analytics/order-columns";
import {
  buildTransactionColumns,
  runShopClvOnColumns,
  startClvWorker,
  WORKER_MIN_TRANSACTIONS,
  type ClvWorker,
  type ShopClvResult,
} from "./clv-stage.server";
import { computeKpisPrepared } from "./kpis.server";
import { loadShopColumns } from "./load.server";
import { buildMetricInsert, sqliteFileOf, writeMetricsSqlite, type MetricRow } from "./sql.server";

export const WRITE_CHUNK = 5_000;
/** Rows per INSERT statement (values are literals, so no bound-parameter limit applies). */
const INSERT_ROWS = 1_000;
/** RFM movement compares today's groups with the groups rebuilt as of this many days ago. */
export const MOVEMENT_BASIS_DAYS = 30;
/** Older ANALYTICS snapshots beyond this many are pruned. */
export const SNAPSHOTS_KEPT = 30;
/**
 * Churn risk from P(alive): below 0.3 HIGH, below 0.7 MEDIUM, else LOW. Null
 * when the shop is on the small-data fallback (no P(alive) there).
 */
export const CHURN_THRESHOLDS = { high: 0.3, medium: 0.7 } as const;
const DAY_MS = 86_400_000;

export type ChurnRisk = "LOW" | "MEDIUM" | "HIGH";

export function churnRiskOf(pAlive: number | null): ChurnRisk | null {
  if (pAlive === null || !Number.isFinite(pAlive)) return null;
  if (pAlive < CHURN_THRESHOLDS.high) return "HIGH";
  if (pAlive < CHURN_THRESHOLDS.medium) return "MEDIUM";
  return "LOW";
}

export type RecomputeStage = "load" | "metrics" | "cohorts" | "rfm" | "clv" | "write";

export interface StageStat {
  /** Wall-clock milliseconds. */
  ms: number;
  /** CPU milliseconds (user + system) of this process: less sensitive to a busy machine than wall time. */
  cpuMs: number;
  /** Peak resident set size of the process so far, in MB (process.resourceUsage().maxRSS). */
  peakRssMb: number;
}

export interface RecomputeResult {
  shop: string;
  asOf: string;
  customers: number;
  customersWithOrders: number;
  orders: number;
  metricRows: number;
  clvStatus: ClvJson["status"];
  model: string | null;
  /** Where the CLV stage ran (a worker thread for large shops, see startClvWorker). */
  clvThread: "worker" | "main";
  /** Per stage; clv is split further into its backtest, fit and prediction milliseconds. */
  stages: Record<RecomputeStage, StageStat> & { clvBacktest?: number; clvFit?: number; clvPredict?: number };
}

export interface RecomputeOptions {
  now: Date;
  reportProgress?: (progress: { stage: RecomputeStage; done?: number; total?: number }) => Promise<void>;
  /** Bootstrap draws for the CLV range (default: by shop size, see clv-stage). */
  rangeDraws?: number;
  /** Run the CLV stage on a worker thread (default: from WORKER_MIN_TRANSACTIONS orders in the shop). */
  clvInWorker?: boolean;
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function histogram(values: number[]): ClvJson["distribution"] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  // Ten equal-width buckets up to the 95th percentile, one open bucket above,
  // so a few whales do not squash every other bar into the first one.
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  const step = p95 <= 0 ? 1 : niceStep(p95 / 10);
  const buckets: ClvJson["distribution"] = [];
  for (let i = 0; i < 10; i += 1) buckets.push({ fromMinor: i * step, toMinor: (i + 1) * step, customers: 0 });
  buckets.push({ fromMinor: 10 * step, toMinor: null, customers: 0 });
  for (const v of sorted) buckets[Math.min(10, Math.floor(v / step))].customers += 1;
  return buckets;
}

/** 1, 2 or 5 × 10^k at or above x (round bucket edges). */
function niceStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * power >= x) return m * power;
  return 10 * power;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function toBacktestJson(clv: ShopClvResult): BacktestJson {
  const b = clv.backtest;
  return {
    status: b.status,
    reason: b.reason,
    calibrationEnd: b.calibrationEnd,
    observationEnd: b.observationEnd,
    holdoutWeeks: b.holdoutWeeks,
    cohortCustomers: b.cohortCustomers,
    chosen: b.chosen,
    scores: b.scores.map((s) => ({ ...s, totalRelativeError: finiteOrNull(s.totalRelativeError) })),
    fits: b.fits as Record<string, BacktestJson["fits"][string]>,
    buckets: b.report?.buckets ?? [],
    weekly: b.report?.weekly ?? [],
  };
}

function buildMovement(previous: RfmSnapshot, current: RfmSnapshot, since: Date): MovementJson {
  const m = compareRfmSnapshots(previous, current);
  const flows: MovementJson["flows"] = [];
  for (const [from, row] of Object.entries(m.matrix)) {
    for (const [to, customers] of Object.entries(row)) {
      if (from !== to && customers > 0) flows.push({ from, to, customers });
    }
  }
  flows.sort((a, b) => b.customers - a.customers || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return { since: since.toISOString(), basisDays: MOVEMENT_BASIS_DAYS, unchanged: m.unchanged, moved: m.moved, entered: m.entered, left: m.left, flows };
}

export async function recomputeShopAnalytics(db: PrismaClient, shop: string, options: RecomputeOptions): Promise<RecomputeResult> {
  const progress = options.reportProgress ?? (async () => {});
  const stages = {} as RecomputeResult["stages"];
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  const done = (stage: RecomputeStage) => {
    const cpu = process.cpuUsage(cpu0);
    stages[stage] = { ms: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: peakRssMb() };
    t0 = performance.now();
    cpu0 = process.cpuUsage();
  };

  await progress({ stage: "load", done: 0 });
  // A large shop's CLV stage runs on a worker thread (see below); the thread
  // starts now, so loading its sources overlaps the order read.
  const useWorker = options.clvInWorker ?? (await db.order.count({ where: { shop } })) >= WORKER_MIN_TRANSACTIONS;
  const clvWorker = useWorker ? startClvWorker() : null;
  try {
    return await recomputeWith(db, shop, options, clvWorker, stages, done);
  } finally {
    clvWorker?.close();
  }
}

async function recomputeWith(
  db: PrismaClient,
  shop: string,
  options: RecomputeOptions,
  clvWorker: ClvWorker | null,
  stages: RecomputeResult["stages"],
  done: (stage: RecomputeStage) => void,
): Promise<RecomputeResult> {
  const { now } = options;
  const progress = options.reportProgress ?? (async () => {});
  // Orders as typed columns (no object per order): validated, cleaned, sorted
  // and grouped once for every report below, and the CLV transactions derived
  // in load order, as columns too.
  const data = await loadShopColumns(db, shop, now, (read) => progress({ stage: "load", done: read }));
  const { info, customers } = data;
  const transactions = buildTransactionColumns(data.orders, info.timeZone, info.currencyCode);
  // CLV is the longest stage and needs only the transactions: on a large shop
  // it runs on a worker thread while this thread prepares the orders and
  // builds the other reports (same result either way; see startClvWorker).
  const clvOptions = { timeZone: info.timeZone, currencyCode: info.currencyCode, now, rangeDraws: options.rangeDraws };
  const clvRun = clvWorker ? clvWorker.run(transactions, clvOptions) : null;
  // Never left unhandled while the other stages run; awaited below.
  clvRun?.catch(() => {});
  const prepared = prepareOrderColumns(data.orders);
  done("load");

  await progress({ stage: "metrics" });
  const kpis = {} as Record<StandardRange, KpiReportJson>;
  for (const range of STANDARD_RANGES) {
    kpis[range] = computeKpisPrepared(prepared, { start: new Date(now.getTime() - RANGE_DAYS[range] * DAY_MS), end: now });
  }
  done("metrics");

  await progress({ stage: "cohorts" });
  const cohortReport = buildCohortsPrepared(prepared, { timeZone: info.timeZone, asOf: now });
  done("cohorts");

  await progress({ stage: "rfm" });
  const rfm = computeRfmPrepared(prepared, { customers, asOf: now });
  const since = new Date(now.getTime() - MOVEMENT_BASIS_DAYS * DAY_MS);
  const rfmBefore = computeRfmPrepared(prepared, { customers, asOf: since });
  const previousGroups = new Map<string, RfmGroup>(rfmBefore.customers.map((c) => [c.customerId, c.group]));
  const movement = buildMovement(rfmBefore, rfm, since);
  done("rfm");

  await progress({ stage: "clv" });
  const clv = clvRun ? await clvRun : runShopClvOnColumns(transactions, clvOptions);
  const scale = 10 ** clv.currencyExponent;
  const predictionById = new Map<string, CustomerPrediction>(clv.predictions.map((p) => [p.customerId, p]));
  const clvMinorById = new Map<string, number>();
  for (const p of clv.predictions) clvMinorById.set(p.customerId, Math.round(p.predictedClv * scale));
  stages.clvBacktest = Math.round(clv.timings.backtest ?? 0);
  stages.clvFit = Math.round(clv.timings.fit ?? 0);
  stages.clvPredict = Math.round(clv.timings.predict ?? 0);
  done("clv");

  await progress({ stage: "write", done: 0, total: rfm.customers.length });
  const nextOrderCache = new Map<string, Date>();
  const nextOrderAt = (date: string | null): Date | null => {
    if (date === null) return null;
    let d = nextOrderCache.get(date);
    if (!d) nextOrderCache.set(date, (d = startOfLocalDay(date, info.timeZone)));
    return d;
  };
  const churnCounts = { LOW: 0, MEDIUM: 0, HIGH: 0, UNKNOWN: 0 };
  for (const c of rfm.customers) {
    const p = predictionById.get(c.customerId);
    churnCounts[(p ? churnRiskOf(p.probabilityAlive) : null) ?? "UNKNOWN"] += 1;
  }
  // Rows are built batch by batch as they are written, not all at once: a
  // large shop's quarter-million row objects would otherwise sit in the heap.
  const rowOf = (c: RfmSnapshot["customers"][number]): MetricRow => {
    const p = predictionById.get(c.customerId);
    // First and last counted order: the ends of the customer's time-sorted list (orders are all before now).
    const list = prepared.byCustomer.get(c.customerId);
    const span = list ? { first: list[0].at, last: list[list.length - 1].at } : undefined;
    const risk = p ? churnRiskOf(p.probabilityAlive) : null;
    return {
      shop,
      customerShopifyId: c.customerId,
      ordersCount: c.frequency,
      firstOrderAt: span ? new Date(span.first) : null,
      lastOrderAt: span ? new Date(span.last) : null,
      historicalClvMinor: c.monetaryMinor,
      frequency: p?.frequency ?? 0,
      recencyWeeks: p?.recency ?? 0,
      ageWeeks: p?.T ?? 0,
      monetaryMinor: p ? Math.round(p.monetaryValue * scale) : 0,
      expectedPurchases: p ? p.expectedPurchases : null,
      pAlive: p ? p.probabilityAlive : null,
      predictedClvMinor: p ? Math.round(p.predictedClv * scale) : null,
      clvLowMinor: p && p.clvLow !== null ? Math.round(p.clvLow * scale) : null,
      clvHighMinor: p && p.clvHigh !== null ? Math.round(p.clvHigh * scale) : null,
      nextOrderAt: p ? nextOrderAt(p.nextOrderDate) : null,
      rfmRecency: c.scores?.r ?? null,
      rfmFrequency: c.scores?.f ?? null,
      rfmMonetary: c.scores?.m ?? null,
      rfmGroup: c.group,
      previousRfmGroup: previousGroups.get(c.customerId) ?? null,
      churnRisk: risk,
      model: p ? clv.model : null,
      computedAt: now,
    };
  };
  const rowCount = rfm.customers.length;
  function* rowBatches(size: number): Generator<MetricRow[]> {
    for (let i = 0; i < rowCount; i += size) yield rfm.customers.slice(i, i + size).map(rowOf);
  }

  const segments = summarizeRfmSegments(rfm, clvMinorById).map((s) => ({
    group: s.group,
    customers: s.customers,
    share: s.share.value,
    orders: s.orders,
    revenueMinor: s.revenueMinor,
    averageClvMinor: s.averageClv.value,
    averageRecencyDays: s.averageRecencyDays.value,
  }));

  const payload: AnalyticsSnapshotPayload = {
    version: 1,
    asOf: now.toISOString(),
    timeZone: info.timeZone,
    currencyCode: info.currencyCode,
    counts: {
      ordersRead: data.stats.ordersRead,
      customers: rfm.customers.length,
      customersWithOrders: cohortReport.customersWithOrders,
      futureOrders: data.stats.futureOrders,
      clampedOrders: data.stats.clampedOrders,
      deletedCustomerOrders: data.stats.deletedCustomerOrders,
    },
    kpis,
    cohorts: {
      lastMonth: cohortReport.lastMonth,
      cohorts: cohortReport.cohorts.map((c) => ({
        cohort: c.cohort,
        size: c.size,
        months: c.months.map((m) => ({
          k: m.monthIndex,
          activeShare: m.activeShare,
          orders: m.orders,
          revenueMinor: m.revenueMinor,
          cumulativePerCustomerMinor: m.cumulativeRevenuePerCustomerMinor,
          complete: m.complete,
        })),
      })),
      blended: cohortReport.blended.map((b) => ({
        k: b.monthIndex,
        activeShare: b.activeShare,
        cumulativePerCustomerMinor: b.cumulativeRevenuePerCustomerMinor,
        customers: b.customers,
      })),
    },
    segments,
    movement,
    clv: {
      status: clv.status,
      reason: clv.reason,
      threshold: clv.sufficiency && clv.sufficiency.status === "insufficient-data" ? clv.sufficiency.threshold : null,
      have: clv.sufficiency?.have ?? null,
      model: clv.model,
      selectionRule: clv.selectionRule,
      fit: clv.fit,
      spend: clv.spend,
      calibrationEnd: clv.calibrationEnd,
      horizonWeeks: clv.horizonWeeks,
      discountRate: clv.discountRate,
      rangeDraws: clv.rangeDraws,
      rangeMethod: clv.rangeMethod,
      backtest: toBacktestJson(clv),
      distribution: histogram([...clvMinorById.values()]),
      totalPredictedClvMinor: [...clvMinorById.values()].reduce((s, v) => s + v, 0),
      churn: { thresholds: { ...CHURN_THRESHOLDS }, counts: churnCounts },
    },
    timings: {},
  };

  // Batches of rows, each batch in its own short transaction, so the write
  // lock is never held for the whole shop and progress is visible. SQLite
  // upserts rows in place (see writeMetricsSqlite). Elsewhere rows are sorted
  // by customer id, so each batch replaces one id range (a range, not an IN
  // list, which would exceed the bound-parameter limit).
  const sqliteFile = await sqliteFileOf(db);
  if (sqliteFile) {
    await writeMetricsSqlite(sqliteFile, shop, rowBatches(WRITE_CHUNK), (written) => progress({ stage: "write", done: written, total: rowCount }));
  } else {
    let written = 0;
    for (const batch of rowBatches(WRITE_CHUNK)) {
      const range = { gte: batch[0].customerShopifyId as string, lte: batch[batch.length - 1].customerShopifyId as string };
      const inserts = [];
      for (let j = 0; j < batch.length; j += INSERT_ROWS) inserts.push(db.$executeRawUnsafe(buildMetricInsert(batch.slice(j, j + INSERT_ROWS), false)));
      await db.$transaction([db.customerMetric.deleteMany({ where: { shop, customerShopifyId: range } }), ...inserts]);
      written += batch.length;
      await progress({ stage: "write", done: written, total: rowCount });
    }
  }
  // Customers gone since an earlier run (deleted, redacted). `lt` rather than
  // `not` so a slower run with an older `now` never deletes a newer run's rows.
  await db.customerMetric.deleteMany({ where: { shop, computedAt: { lt: now } } });
  done("write");
  payload.timings = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, typeof v === "number" ? v : v.ms]));
  const json = JSON.parse(JSON.stringify(payload)) as Prisma.InputJsonValue;
  await db.$transaction([
    db.shopSnapshot.deleteMany({ where: { shop, kind: "ANALYTICS", computedAt: now } }),
    db.shopSnapshot.create({ data: { shop, kind: "ANALYTICS", payload: json, computedAt: now } }),
  ]);
  const old = await db.shopSnapshot.findMany({
    where: { shop, kind: "ANALYTICS" },
    orderBy: { computedAt: "desc" },
    skip: SNAPSHOTS_KEPT,
    select: { id: true },
  });
  if (old.length > 0) await db.shopSnapshot.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });

  return {
    shop,
    asOf: now.toISOString(),
    customers: rfm.customers.length,
    customersWithOrders: cohortReport.customersWithOrders,
    orders: data.stats.ordersRead,
    metricRows: rowCount,
    clvStatus: clv.status,
    model: clv.model,
    clvThread: clv.thread ?? "main",
    stages,
  };
}
