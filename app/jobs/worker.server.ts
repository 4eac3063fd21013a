// The background worker: drains the webhook inbox and runs queued jobs.
// It runs in a child process of the app by default (RETAIN_WORKER=child, see
// boot.server.ts), inside it with RETAIN_WORKER=inline, and as separate
// processes for scale-out (`tsx scripts/worker.ts`); on PostgreSQL several
// workers share the tables through FOR UPDATE SKIP LOCKED claiming. The hot
// path (claim, apply, DONE marks, job claim/complete) is direct SQL (ADR 008).
import { readFileSync } from "node:fs";
import os from "node:os";
import type { Job, PrismaClient, WebhookInbox } from "@prisma/client";
import { currentProvider, directSql } from "~/db.server";
import type { DirectQueries } from "~/lib/direct-sql.server";
import { log } from "~/lib/log.server";
import { offloadSqliteCheckpoints } from "~/lib/sqlite-checkpointer.server";
import { insertNewOrders, isPlainNewOrder, OrderVersions, type NewOrder } from "~/services/sync/apply.server";
import { Notifications } from "~/services/sync/downstream.server";
import { applyPlannedDelivery, planDelivery, type PlannedDelivery } from "~/services/sync/process-delivery.server";
import { toDate, TS } from "~/services/sync/sql.server";
import { lockResources } from "~/services/sync/tx.server";
import { backoffDelayMs, claimJobs, completeJobs, failJob, requeueStaleJobs, updateJobProgress } from "./queue.server";
import { getJobBatchPreparer, getJobHandler, processDelivery, isPermanentDeliveryError } from "./registry.server";
import { kickWorker, setWakeHandler } from "./wake.server";
import { acceptYieldStats, noteBacklogAge, underAcceptPressure, yieldToAcceptPath } from "./accept-pressure.server";

export const MAX_DELIVERY_ATTEMPTS = 8;
const STALE_LOCK_MS = 5 * 60_000;

const stats = { transactions: 0, deliveries: 0, maxTransactionMs: 0, totalTransactionMs: 0, maxClaimMs: 0, recentMs: [] as number[], recentCommitMs: [] as number[] };

interface InboxRow {
  id: string; shop: string; topic: string; webhookId: string; eventId: string | null; apiVersion: string | null; triggeredAt: unknown; rawBody: string;
  status: string; attempts: number | bigint; nextAttemptAt: unknown; lockedBy: string | null; lockedAt: unknown; receivedAt: unknown; processedAt: unknown; lastError: string | null;
}

function inboxOf(r: InboxRow): WebhookInbox {
  return {
    id: r.id, shop: r.shop, topic: r.topic, webhookId: r.webhookId, eventId: r.eventId, apiVersion: r.apiVersion, triggeredAt: toDate(r.triggeredAt), rawBody: r.rawBody,
    status: r.status, attempts: Number(r.attempts), nextAttemptAt: toDate(r.nextAttemptAt)!, lockedBy: r.lockedBy, lockedAt: toDate(r.lockedAt), receivedAt: toDate(r.receivedAt)!,
    processedAt: toDate(r.processedAt), lastError: r.lastError,
  };
}

/**
 * Claims up to `limit` due deliveries (one statement, whole rows back), the
 * longest due first. Ordered by "nextAttemptAt" (the accept path sets it to
 * "receivedAt"), which the ("status", "nextAttemptAt") index yields in order:
 * ordering by "receivedAt" made every claim read and sort all pending rows,
 * each behind its multi-page rawBody. The claimed rows are handed on in
 * arrival order.
 */
export async function claimDeliveries(db: PrismaClient, workerId: string, limit: number, now = new Date()): Promise<WebhookInbox[]> {
  const pg = currentProvider() === "postgresql";
  const pick = `SELECT "id" FROM "WebhookInbox" WHERE "status" = 'PENDING' AND "nextAttemptAt" <= $3${TS()} ORDER BY "nextAttemptAt" ASC LIMIT $4${pg ? " FOR UPDATE SKIP LOCKED" : ""}`;
  const sql = `UPDATE "WebhookInbox" SET "status" = 'PROCESSING', "lockedBy" = $1, "lockedAt" = $2${TS()}, "attempts" = "attempts" + 1 WHERE "id" IN (${pick}) RETURNING *`;
  const began = performance.now();
  const rows = await directSql(db).query<InboxRow>(sql, [workerId, now, now, limit]);
  stats.maxClaimMs = Math.max(stats.maxClaimMs, performance.now() - began);
  return rows.map(inboxOf).sort((x, y) => x.receivedAt.getTime() - y.receivedAt.getTime());
}

/**
 * Lock contention is not a failure of the delivery: on SQLite a transaction
 * that read a snapshot and then writes after another process committed gets
 * SQLITE_BUSY at once (no busy wait), and PostgreSQL may pick a deadlock or
 * serialization victim. The transaction rolled back, so it is simply re-run
 * here, without spending one of the delivery's attempts.
 */
export function isTransientDbError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const o = e as { code?: unknown; message?: unknown; cause?: unknown; meta?: { code?: unknown } };
    const code = String(o.code ?? o.meta?.code ?? "");
    // P1008: Prisma's "Operation has timed out", what a SQLite busy wait that ran out becomes.
    if (/^SQLITE_BUSY|^SQLITE_LOCKED|^P1008$|^40P01$|^40001$|^55P03$/.test(code)) return true;
    if (typeof o.message === "string" && /database is locked|database table is locked|SQLITE_BUSY|Operation has timed out|deadlock detected|could not serialize access/i.test(o.message)) return true;
    e = o.cause;
  }
  return false;
}

const TRANSIENT_RETRIES = 20;

async function withTransientRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= TRANSIENT_RETRIES || !isTransientDbError(err)) throw err;
      // Jittered so two workers that collided do not collide again.
      await new Promise((r) => setTimeout(r, 2 + Math.random() * Math.min(200, 5 * 2 ** i)));
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Parks a failed delivery: back to PENDING with backoff, or DEAD when retrying cannot help or attempts ran out. */
async function recordFailure(db: PrismaClient, delivery: WebhookInbox, err: unknown, now: Date): Promise<"RETRY" | "DEAD"> {
  const message = errorText(err);
  const dead = isPermanentDeliveryError(err) || err instanceof SyntaxError || delivery.attempts >= MAX_DELIVERY_ATTEMPTS;
  log.warn("webhook.process_failed", { id: delivery.id, topic: delivery.topic, shop: delivery.shop, attempts: delivery.attempts, dead, error: message });
  await withTransientRetry(() =>
    directSql(db).execute(
      `UPDATE "WebhookInbox" SET "status" = $1, "lockedBy" = NULL, "lastError" = $2, "nextAttemptAt" = $3${TS()} WHERE "id" = $4`,
      [dead ? "DEAD" : "PENDING", message.slice(0, 4000), new Date(now.getTime() + backoffDelayMs(delivery.attempts)), delivery.id],
    ),
  );
  return dead ? "DEAD" : "RETRY";
}

// lockedBy is kept on DONE rows: it records which worker processed the delivery.
async function markDone(q: DirectQueries, ids: string[], processedAt: Date): Promise<void> {
  if (ids.length === 0) return;
  if (ids.length === 1) {
    await q.execute(`UPDATE "WebhookInbox" SET "status" = 'DONE', "processedAt" = $1${TS()}, "lastError" = $2 WHERE "status" = 'PROCESSING' AND "id" = $3`, [processedAt, null, ids[0]]);
    return;
  }
  // One statement text whatever the count (a prepared statement per batch size would churn the cache).
  const list = q.provider === "postgresql" ? `SELECT unnest($3::text[])` : `SELECT "value" FROM json_each($3)`;
  await q.execute(
    `UPDATE "WebhookInbox" SET "status" = 'DONE', "processedAt" = $1${TS()}, "lastError" = $2 WHERE "status" = 'PROCESSING' AND "id" IN (${list})`,
    // pg sends a JS array as a PostgreSQL array literal.
    [processedAt, null, q.provider === "postgresql" ? (ids as unknown as string) : JSON.stringify(ids)],
  );
}

/**
 * One delivery on its own: lifecycle/GDPR/bulk topics, and a delivery that
 * failed inside a batch. The effects and the DONE mark commit together when
 * the delivery is an order/refund/customer one.
 */
async function processOne(db: PrismaClient, delivery: WebhookInbox, plan: PlannedDelivery | null, now: Date): Promise<"DONE" | "RETRY" | "DEAD"> {
  try {
    if (plan) {
      await runBatch(db, [{ delivery, plan }], now, Infinity);
      return "DONE";
    }
    await withTransientRetry(() =>
      processDelivery(db, {
        shop: delivery.shop, topic: delivery.topic, webhookId: delivery.webhookId, payload: delivery.rawBody,
        receivedAt: delivery.receivedAt, triggeredAt: delivery.triggeredAt, apiVersion: delivery.apiVersion,
      }),
    );
    await withTransientRetry(() => markDone(directSql(db), [delivery.id], new Date()));
    return "DONE";
  } catch (err) {
    return recordFailure(db, delivery, err instanceof BatchItemError ? err.error : err, now);
  }
}

export async function processClaimedDelivery(db: PrismaClient, delivery: WebhookInbox, now = new Date()): Promise<"DONE" | "RETRY" | "DEAD"> {
  let plan: PlannedDelivery | null;
  try {
    plan = planDelivery({ shop: delivery.shop, topic: delivery.topic, payload: delivery.rawBody });
  } catch (err) {
    return recordFailure(db, delivery, err, now);
  }
  return processOne(db, delivery, plan, now);
}

/**
 * Longest a batch transaction keeps adding deliveries (ms); RETAIN_WORKER_TX_MS
 * overrides. SQLite has one write lock for the whole file, and webhook accepts
 * wait for it: short. PostgreSQL locks only the batch's own rows and
 * resources, and each commit costs a WAL flush: longer.
 */
export function workerTransactionBudgetMs(pressure = false): number {
  const n = Number(process.env.RETAIN_WORKER_TX_MS ?? "");
  if (Number.isFinite(n) && n > 0) return n;
  // Under accept pressure, SQLite transactions stay shorter: each one makes the accept path wait for the write lock.
  return currentProvider() === "postgresql" ? 50 : pressure ? 3 : 8;
}

/**
 * Batch transaction counters of this process (benchmarks, tests): wall time
 * from BEGIN to after COMMIT, p99 over the last 10,000 transactions, and of
 * the COMMIT alone (it includes a WAL checkpoint when the commit runs one,
 * although that runs after the write lock is released); the longest claim.
 */
export function workerStats() {
  const p99 = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length ? +sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))].toFixed(2) : 0;
  };
  return {
    transactions: stats.transactions, batchedDeliveries: stats.deliveries, maxTransactionMs: +stats.maxTransactionMs.toFixed(2),
    p99TransactionMs: p99(stats.recentMs), p99CommitMs: p99(stats.recentCommitMs), meanTransactionMs: +(stats.totalTransactionMs / Math.max(1, stats.transactions)).toFixed(2),
    maxClaimMs: +stats.maxClaimMs.toFixed(2), yieldedToAccept: acceptYieldStats(),
  };
}

interface Planned {
  delivery: WebhookInbox;
  plan: PlannedDelivery;
}

class BatchItemError extends Error {
  /** `span` > 1: one of `span` deliveries inserted together (insertNewOrders) failed; which one, a re-run one by one tells. */
  constructor(readonly index: number, readonly error: unknown, readonly span = 1) {
    super(`delivery ${index} of the batch failed`);
    this.name = "BatchItemError";
  }
}

/**
 * Longest run of new orders in one statement while the web process is saturated. Measured (20,000
 * deliveries): runs of any length during bursts, 1,410–1,465 accepted/s with p99 25–32 ms; no runs,
 * 1,606–1,706/s and 1,249–1,292 orders/s end to end; runs of 8, 1,638–1,684/s, p99 19 ms, 1,307–1,362.
 */
const RUN_UNDER_PRESSURE = 8;

/** How many plain new orders from `start` on (distinct, in inbox order, at most `cap`) can go in together on PostgreSQL. */
function newOrderRun(items: Planned[], start: number, versions: OrderVersions | undefined, cap = Infinity): NewOrder[] {
  const run: NewOrder[] = [];
  const seen = new Set<string>();
  for (let i = start; i < items.length && versions && run.length < cap; i++) {
    const plan = items[i].plan;
    if (plan.kind !== "order" || !isPlainNewOrder(plan.shop, plan.order, versions)) break;
    const key = `${plan.shop}\n${plan.order.shopifyId}`;
    if (seen.has(key)) break;
    seen.add(key);
    run.push({ shop: plan.shop, order: plan.order });
  }
  return run;
}

/**
 * Applies planned deliveries in one transaction, marks them DONE in it and
 * writes their follow-up jobs once per key, so a batch costs one commit. It
 * stops taking deliveries once `budgetMs` have passed since the transaction
 * began (the SQLite write lock is held throughout, and webhook accepts queue
 * behind it); returns how many it applied. Transient lock errors re-run the
 * whole batch; any other error of one delivery rolls the batch back and is
 * reported as BatchItemError with its index.
 */
async function runBatch(db: PrismaClient, items: Planned[], now: Date, budgetMs: number, together = true): Promise<number> {
  const processedAt = () => new Date();
  return withTransientRetry(async () => {
    let began = 0;
    let bodyEnd = 0;
    let done = 0;
    await directSql(db).transaction(async (q) => {
      began = performance.now();
      await lockResources(q, items.map((i) => i.plan.lockKey));
      const orders = items.flatMap((i) => (i.plan.kind === "order" ? [{ shop: i.plan.shop, order: i.plan.order }] : []));
      const versions = orders.length > 1 ? await OrderVersions.load(q, orders) : undefined;
      const notes = new Notifications();
      // SQLite: each delivery's DONE mark and per-order job are written with it, so the time
      // budget covers them (a DONE mark rewrites the whole inbox row, body included) and only
      // the per-shop jobs and the COMMIT come after it. PostgreSQL: one statement each per
      // batch (round trips are its cost).
      const perItem = q.provider === "sqlite";
      for (; done < items.length; done++) {
        if (done > 0 && performance.now() - began >= budgetMs) break;
        // PostgreSQL: a run of new orders in one statement; short runs while the web process is saturated
        // (one large statement keeps a server process busy for milliseconds, and accept latency pays for it).
        const run = !perItem && together ? newOrderRun(items, done, versions, underAcceptPressure() ? RUN_UNDER_PRESSURE : Infinity) : [];
        if (run.length > 1) {
          try {
            await insertNewOrders(q, run, now, versions!);
          } catch (err) {
            if (isTransientDbError(err)) throw err;
            throw new BatchItemError(done, err, run.length);
          }
          for (const { shop, order } of run) notes.orderChanged(shop, order.shopifyId);
          done += run.length - 1;
          continue;
        }
        try {
          await applyPlannedDelivery(q, items[done].plan, now, notes, versions);
          if (perItem) {
            await notes.flushOrders(q, now);
            await markDone(q, [items[done].delivery.id], processedAt());
          }
        } catch (err) {
          if (isTransientDbError(err)) throw err;
          throw new BatchItemError(done, err);
        }
      }
      await notes.flush(q, now);
      if (!perItem) await markDone(q, items.slice(0, done).map((i) => i.delivery.id), processedAt());
      bodyEnd = performance.now();
      // Not durable (ADR 010): effects, follow-up jobs and DONE marks are one transaction, so a server
      // crash that loses it loses all of it and the deliveries, still in the inbox, are applied again.
    }, { durable: false });
    const end = performance.now();
    const ms = end - began;
    if (stats.recentCommitMs.length >= 10_000) stats.recentCommitMs.shift();
    stats.recentCommitMs.push(end - bodyEnd);
    stats.transactions++;
    if (stats.recentMs.length >= 10_000) stats.recentMs.shift();
    stats.recentMs.push(ms);
    stats.deliveries += done;
    stats.totalTransactionMs += ms;
    if (ms > stats.maxTransactionMs) stats.maxTransactionMs = ms;
    return done;
  });
}

/**
 * A claimed batch. Payloads are parsed and normalized outside any lock;
 * order/refund/customer deliveries are then applied in short batch
 * transactions (effects and DONE marks commit together, so a crash re-runs
 * nothing that committed). Parsing goes chunk by chunk, about as many as the
 * last transaction took, between the transactions: the SQLite write lock is
 * then free for a few milliseconds after each commit, long enough for the
 * webhook accept path (which polls for it every millisecond) to get in. A
 * delivery whose effects fail is retried on its own, so it never fails its
 * batch-mates; lifecycle, GDPR and bulk topics run one by one through
 * processDelivery.
 */
export async function processClaimedDeliveries(db: PrismaClient, deliveries: WebhookInbox[], now = new Date()): Promise<void> {
  let oldest = now.getTime();
  for (const d of deliveries) oldest = Math.min(oldest, d.receivedAt.getTime());
  noteBacklogAge(now.getTime() - oldest);
  const budgetMs = workerTransactionBudgetMs(underAcceptPressure());
  let pending: Planned[] = [];
  const applyPending = async (all: boolean) => {
    while (pending.length > 0 && (all || pending.length >= chunk)) {
      const offered = all ? pending.length : chunk;
      const taken = await applyInBatches(db, pending.slice(0, offered), now, budgetMs, all);
      pending = pending.slice(taken.applied);
      await yieldToAcceptPath();
      // A transaction that took everything offered had time to spare: offer more next time;
      // one that ran out of time took what fits.
      if (taken.lastBatch >= offered) chunk = Math.min(MAX_CHUNK, chunk * 2);
      else if (taken.lastBatch > 0) chunk = Math.max(MIN_CHUNK, taken.lastBatch);
      if (!all) return;
    }
  };
  for (const delivery of deliveries) {
    let plan: PlannedDelivery | null;
    try {
      plan = planDelivery({ shop: delivery.shop, topic: delivery.topic, payload: delivery.rawBody });
    } catch (err) {
      await recordFailure(db, delivery, err, now);
      continue;
    }
    if (plan) {
      pending.push({ delivery, plan });
      await applyPending(false);
      continue;
    }
    // Keep the inbox order around topics that are not batched (e.g. app/uninstalled).
    await applyPending(true);
    await processOne(db, delivery, null, now);
  }
  await applyPending(true);
}

const MIN_CHUNK = 4;
const MAX_CHUNK = 256;
// Deliveries parsed per transaction, learnt from the last transactions (per process).
let chunk = 16;

/**
 * Applies `items` in batch transactions. With `all` false it stops after one
 * transaction (the caller parses more before the next). Returns how many
 * items were settled (applied or failed) and the size of the last batch.
 */
async function applyInBatches(
  db: PrismaClient, items: Planned[], now: Date, budgetMs: number, all = true, together = true,
): Promise<{ applied: number; lastBatch: number }> {
  let settled = 0;
  let lastBatch = 0;
  while (settled < items.length) {
    const rest = items.slice(settled);
    try {
      lastBatch = await runBatch(db, rest, now, budgetMs, together);
      settled += lastBatch;
    } catch (err) {
      if (!(err instanceof BatchItemError)) {
        // Not one delivery's fault (e.g. the database went away): each is retried later.
        for (const item of rest) await recordFailure(db, item.delivery, err, now);
        return { applied: items.length, lastBatch: 0 };
      }
      if (err.span > 1) {
        // New orders that went in together failed: up to them, one by one, so the failure is its own delivery's.
        await applyInBatches(db, rest.slice(0, err.index + err.span), now, budgetMs, true, false);
        settled += err.index + err.span;
        if (!all) break;
        continue;
      }
      // The batch rolled back: its deliveries before the failing one are applied again without it,
      // and it runs alone, recording its own failure.
      if (err.index > 0) await applyInBatches(db, rest.slice(0, err.index), now, budgetMs);
      await processOne(db, rest[err.index].delivery, rest[err.index].plan, now);
      settled += err.index + 1;
    }
    if (!all) break;
  }
  return { applied: settled, lastBatch };
}

/** Put a dead delivery back in the queue (from the admin's Data sync page). */
export async function replayDelivery(db: PrismaClient, shop: string, id: string): Promise<boolean> {
  const res = await db.webhookInbox.updateMany({
    where: { id, shop, status: "DEAD" },
    data: { status: "PENDING", attempts: 0, nextAttemptAt: new Date(), lastError: null },
  });
  if (res.count > 0) kickWorker();
  return res.count > 0;
}

/**
 * Runs claimed jobs one after another; a failure is recorded at once, the
 * successes are marked DONE together at the end (one commit). Handlers are
 * idempotent (a crash before that commit re-runs them, as it always could
 * between a handler and its completion).
 */
export async function runJobs(db: PrismaClient, jobs: readonly Job[], workerId: string): Promise<void> {
  const done: Array<{ id: string; result: unknown }> = [];
  const settled = await settleInBatches(db, jobs);
  for (const job of jobs) {
    if (settled.has(job.id)) {
      done.push({ id: job.id, result: settled.get(job.id) });
      continue;
    }
    const handler = getJobHandler(job.type);
    if (!handler) {
      await failJob(db, { ...job, attempts: job.maxAttempts }, new Error(`no handler for job type ${job.type}`));
      continue;
    }
    try {
      const result = await handler(db, job, {
        now: new Date(),
        workerId,
        reportProgress: (p: unknown) => updateJobProgress(db, job.id, p),
      });
      done.push({ id: job.id, result });
    } catch (err) {
      log.warn("job.failed", { id: job.id, type: job.type, shop: job.shop, attempts: job.attempts, error: String(err) });
      await withTransientRetry(() => failJob(db, job, err));
    }
  }
  await withTransientRetry(() => completeJobs(db, done));
}

/** Jobs of the claim that their type's batch preparer settles at once (registry.server.ts); on its failure the handlers decide. */
async function settleInBatches(db: PrismaClient, jobs: readonly Job[]): Promise<Map<string, unknown>> {
  const settled = new Map<string, unknown>();
  for (const type of new Set(jobs.map((j) => j.type))) {
    const prepare = getJobBatchPreparer(type);
    const group = jobs.filter((j) => j.type === type);
    if (!prepare || group.length < 2) continue;
    try {
      for (const [id, result] of await prepare(db, group)) settled.set(id, result);
    } catch (err) {
      log.warn("job.batch_prepare_failed", { type, jobs: group.length, error: String(err) });
    }
  }
  return settled;
}

/** Deliveries claimed per pass; RETAIN_WORKER_BATCH overrides (tests use small batches to interleave workers). */
export function workerBatchSize(): number {
  const n = Number(process.env.RETAIN_WORKER_BATCH ?? "");
  return Number.isInteger(n) && n > 0 ? n : 100;
}

const JOB_PASS_MS = 20;

/** How long an idle worker sleeps before it looks again (a kick wakes it sooner); RETAIN_WORKER_IDLE_MS overrides. */
export function workerIdleMs(): number {
  const n = Number(process.env.RETAIN_WORKER_IDLE_MS ?? "");
  return Number.isFinite(n) && n > 0 ? n : 1000;
}

/** One pass: process up to `batch` deliveries, then jobs for up to JOB_PASS_MS. Returns how much work it found. */
export async function runWorkerOnce(db: PrismaClient, workerId: string, batch = workerBatchSize()): Promise<number> {
  const deliveries = await withTransientRetry(() => claimDeliveries(db, workerId, batch));
  await processClaimedDeliveries(db, deliveries);
  // Jobs in claims until this pass has spent JOB_PASS_MS on them: cheap ones (a
  // loyalty.order-changed per changed order) keep pace with the inbox, a heavy one
  // (an analytics recompute) runs alone and the inbox gets its turn again. Claims are
  // smaller on SQLite (each holds the write lock briefly); PostgreSQL pays round trips
  // per claim and per completion, so it claims as many jobs as deliveries (1,025 -> 1,132 orders/s).
  let jobCount = 0;
  const started = performance.now();
  const perClaim = currentProvider() === "postgresql" ? batch : Math.max(1, Math.floor(batch / 4));
  do {
    const jobs = await withTransientRetry(() => claimJobs(db, workerId, perClaim));
    await runJobs(db, jobs, workerId);
    jobCount += jobs.length;
    await yieldToAcceptPath();
    if (jobs.length < perClaim) break;
  } while (performance.now() - started < JOB_PASS_MS);
  return deliveries.length + jobCount;
}

/** Deliveries and jobs left in flight by a crashed process go back to the queue. */
export async function recoverStaleWork(db: PrismaClient, now = new Date(), olderThanMs = STALE_LOCK_MS): Promise<number> {
  const cutoff = new Date(now.getTime() - olderThanMs);
  const inbox = await db.webhookInbox.updateMany({
    where: { status: "PROCESSING", lockedAt: { lt: cutoff } },
    data: { status: "PENDING", lockedBy: null },
  });
  return inbox.count + (await requeueStaleJobs(db, olderThanMs, now));
}

function isLocalDeadWorker(lockedBy: string | null): boolean {
  if (!lockedBy) return false;
  const [host, pidText] = lockedBy.split(":");
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // A killed process that nobody reaped yet still answers signal 0.
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** After a crash on this host: work locked by a process that no longer exists is requeued at once. */
export async function recoverDeadLocalWorkers(db: PrismaClient): Promise<number> {
  const inbox = await db.webhookInbox.findMany({ where: { status: "PROCESSING" }, select: { id: true, lockedBy: true } });
  const jobs = await db.job.findMany({ where: { status: "RUNNING" }, select: { id: true, lockedBy: true } });
  const deadInbox = inbox.filter((r) => isLocalDeadWorker(r.lockedBy)).map((r) => r.id);
  const deadJobs = jobs.filter((r) => isLocalDeadWorker(r.lockedBy)).map((r) => r.id);
  if (deadInbox.length) {
    await db.webhookInbox.updateMany({ where: { id: { in: deadInbox }, status: "PROCESSING" }, data: { status: "PENDING", lockedBy: null } });
  }
  if (deadJobs.length) {
    await db.job.updateMany({ where: { id: { in: deadJobs }, status: "RUNNING" }, data: { status: "QUEUED", lockedBy: null } });
  }
  return deadInbox.length + deadJobs.length;
}

/** Drain everything that is due (tests and scripts). */
export async function drainWork(db: PrismaClient, workerId = "drain", maxPasses = 10_000): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxPasses; i++) {
    const n = await runWorkerOnce(db, workerId);
    if (n === 0) break;
    total += n;
  }
  return total;
}

let running = false;

export interface WorkerHandle {
  stop(): Promise<void>;
}

/**
 * Claim loops per worker process (RETAIN_WORKER_LOOPS): 2 on PostgreSQL, where
 * one loop spends much of its time waiting on round trips and a second one
 * works meanwhile (rows are claimed with SKIP LOCKED, as between processes);
 * 1 on SQLite, whose single write lock leaves a second loop nothing to overlap.
 */
export function workerLoops(): number {
  const n = Number(process.env.RETAIN_WORKER_LOOPS ?? "");
  if (Number.isInteger(n) && n > 0) return n;
  return currentProvider() === "postgresql" ? 2 : 1;
}

export function startWorker(db: PrismaClient, opts: { workerId?: string; idleMs?: number; recoverOnStart?: boolean; loops?: number } = {}): WorkerHandle {
  const baseId = opts.workerId ?? `${os.hostname()}:${process.pid}`;
  const idleMs = opts.idleMs ?? workerIdleMs();
  const loops = opts.loops ?? workerLoops();
  let stopped = false;
  // Idle loops waiting for work; a kick wakes them all.
  const sleepers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };
  setWakeHandler(wakeAll);
  running = true;
  let stopCheckpointer: (() => Promise<void>) | null = null;
  // Loop 0 has the process's id; further loops add ":n", so a local crash is still traced to this pid.
  const runLoop = async (workerId: string, recovers: boolean) => {
    let lastRecover = Date.now();
    while (!stopped) {
      let found = 0;
      try {
        found = await runWorkerOnce(db, workerId);
        if (recovers && Date.now() - lastRecover > 60_000) {
          lastRecover = Date.now();
          await recoverStaleWork(db);
        }
      } catch (err) {
        log.error("worker.pass_failed", { error: String(err) });
      }
      if (found === 0 && !stopped) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(t);
            sleepers.delete(wake);
            resolve();
          };
          const t = setTimeout(wake, idleMs);
          sleepers.add(wake);
        });
      }
    }
  };
  const loop = (async () => {
    stopCheckpointer = await offloadSqliteCheckpoints(directSql(db)).catch((e) => {
      log.error("worker.checkpointer_failed", { error: String(e) });
      return null;
    });
    // On a fresh start anything still PROCESSING belongs to a dead process only
    // after the lock timeout: another live worker may hold it.
    await recoverDeadLocalWorkers(db).catch((e) => log.error("worker.recover_failed", { error: String(e) }));
    await recoverStaleWork(db).catch((e) => log.error("worker.recover_failed", { error: String(e) }));
    await Promise.all(Array.from({ length: loops }, (_, i) => runLoop(i === 0 ? baseId : `${baseId}:${i}`, i === 0)));
  })();
  return {
    async stop() {
      stopped = true;
      wakeAll();
      await loop;
      await stopCheckpointer?.();
      setWakeHandler(null);
      running = false;
    },
  };
}

export function isWorkerRunning(): boolean {
  return running;
}
