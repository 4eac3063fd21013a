// The background worker: drains the webhook inbox and runs queued jobs.
// It runs inside the app process by default (RETAIN_WORKER=inline) and as
// separate processes for scale-out (`tsx scripts/worker.ts`); on PostgreSQL
// several workers share the tables through FOR UPDATE SKIP LOCKED claiming.
import { readFileSync } from "node:fs";
import os from "node:os";
import type { Job, PrismaClient, WebhookInbox } from "@prisma/client";
import { currentProvider, portableSql } from "~/db.server";
import { log } from "~/lib/log.server";
import { backoffDelayMs, claimJobs, completeJob, failJob, requeueStaleJobs, updateJobProgress } from "./queue.server";
import { getJobHandler, processDelivery, isPermanentDeliveryError } from "./registry.server";
import { kickWorker, setWakeHandler } from "./wake.server";

export const MAX_DELIVERY_ATTEMPTS = 8;
const STALE_LOCK_MS = 5 * 60_000;

export async function claimDeliveries(db: PrismaClient, workerId: string, limit: number, now = new Date()): Promise<WebhookInbox[]> {
  const pg = currentProvider() === "postgresql";
  const pick = `SELECT "id" FROM "WebhookInbox" WHERE "status" = 'PENDING' AND "nextAttemptAt" <= $3 ORDER BY "receivedAt" ASC LIMIT $4${pg ? " FOR UPDATE SKIP LOCKED" : ""}`;
  const sql = `UPDATE "WebhookInbox" SET "status" = 'PROCESSING', "lockedBy" = $1, "lockedAt" = $2, "attempts" = "attempts" + 1 WHERE "id" IN (${pick}) RETURNING "id"`;
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(portableSql(sql), workerId, now, now, limit);
  if (rows.length === 0) return [];
  return db.webhookInbox.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { receivedAt: "asc" } });
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

/**
 * Runs one claimed delivery's effects. Returns null on success (the caller
 * marks it DONE, batched), or the terminal status after recording the failure.
 */
async function applyDelivery(db: PrismaClient, delivery: WebhookInbox, now: Date): Promise<null | "RETRY" | "DEAD"> {
  try {
    const payload: unknown = JSON.parse(delivery.rawBody);
    await withTransientRetry(() =>
      processDelivery(db, {
        shop: delivery.shop,
        topic: delivery.topic,
        webhookId: delivery.webhookId,
        payload,
        receivedAt: delivery.receivedAt,
        triggeredAt: delivery.triggeredAt,
        apiVersion: delivery.apiVersion,
      }),
    );
    return null;
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const dead = isPermanentDeliveryError(err) || err instanceof SyntaxError || delivery.attempts >= MAX_DELIVERY_ATTEMPTS;
    log.warn("webhook.process_failed", { id: delivery.id, topic: delivery.topic, shop: delivery.shop, attempts: delivery.attempts, dead, error: message });
    await withTransientRetry(() =>
      db.webhookInbox.update({
        where: { id: delivery.id },
        data: {
          status: dead ? "DEAD" : "PENDING",
          lockedBy: null,
          lastError: message.slice(0, 4000),
          nextAttemptAt: new Date(now.getTime() + backoffDelayMs(delivery.attempts)),
        },
      }),
    );
    return dead ? "DEAD" : "RETRY";
  }
}

// lockedBy is kept on DONE rows: it records which worker processed the delivery.
async function markDone(db: PrismaClient, ids: string[], processedAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await withTransientRetry(() =>
    db.webhookInbox.updateMany({ where: { id: { in: ids }, status: "PROCESSING" }, data: { status: "DONE", processedAt, lastError: null } }),
  );
}

export async function processClaimedDelivery(db: PrismaClient, delivery: WebhookInbox, now = new Date()): Promise<"DONE" | "RETRY" | "DEAD"> {
  const failed = await applyDelivery(db, delivery, now);
  if (failed) return failed;
  await markDone(db, [delivery.id], new Date());
  return "DONE";
}

/**
 * A claimed batch: each delivery's effects commit in their own short
 * transaction (so accepts are never starved of the SQLite write lock), and
 * the DONE marks go out in one statement per batch. A crash in between only
 * re-runs idempotent effects.
 */
export async function processClaimedDeliveries(db: PrismaClient, deliveries: WebhookInbox[], now = new Date()): Promise<void> {
  const done: string[] = [];
  for (const d of deliveries) {
    if ((await applyDelivery(db, d, now)) === null) done.push(d.id);
  }
  await markDone(db, done, new Date());
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

export async function runJob(db: PrismaClient, job: Job, workerId: string): Promise<void> {
  const handler = getJobHandler(job.type);
  if (!handler) {
    await failJob(db, { ...job, attempts: job.maxAttempts }, new Error(`no handler for job type ${job.type}`));
    return;
  }
  try {
    const result = await handler(db, job, {
      now: new Date(),
      workerId,
      reportProgress: (p: unknown) => updateJobProgress(db, job.id, p),
    });
    await withTransientRetry(() => completeJob(db, job.id, result));
  } catch (err) {
    log.warn("job.failed", { id: job.id, type: job.type, shop: job.shop, attempts: job.attempts, error: String(err) });
    await withTransientRetry(() => failJob(db, job, err));
  }
}

/** Deliveries claimed per pass; RETAIN_WORKER_BATCH overrides (tests use small batches to interleave workers). */
export function workerBatchSize(): number {
  const n = Number(process.env.RETAIN_WORKER_BATCH ?? "");
  return Number.isInteger(n) && n > 0 ? n : 100;
}

/** One pass: process up to `batch` deliveries and `batch` jobs. Returns how much work it found. */
export async function runWorkerOnce(db: PrismaClient, workerId: string, batch = workerBatchSize()): Promise<number> {
  const deliveries = await withTransientRetry(() => claimDeliveries(db, workerId, batch));
  await processClaimedDeliveries(db, deliveries);
  const jobs = await withTransientRetry(() => claimJobs(db, workerId, Math.max(1, Math.floor(batch / 20))));
  for (const j of jobs) await runJob(db, j, workerId);
  return deliveries.length + jobs.length;
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

export function startWorker(db: PrismaClient, opts: { workerId?: string; idleMs?: number; recoverOnStart?: boolean } = {}): WorkerHandle {
  const workerId = opts.workerId ?? `${os.hostname()}:${process.pid}`;
  const idleMs = opts.idleMs ?? 1000;
  let stopped = false;
  let wake: (() => void) | null = null;
  setWakeHandler(() => wake?.());
  running = true;
  const loop = (async () => {
    // On a fresh start anything still PROCESSING belongs to a dead process only
    // after the lock timeout: another live worker may hold it.
    await recoverDeadLocalWorkers(db).catch((e) => log.error("worker.recover_failed", { error: String(e) }));
    await recoverStaleWork(db).catch((e) => log.error("worker.recover_failed", { error: String(e) }));
    let lastRecover = Date.now();
    while (!stopped) {
      let found = 0;
      try {
        found = await runWorkerOnce(db, workerId);
        if (Date.now() - lastRecover > 60_000) {
          lastRecover = Date.now();
          await recoverStaleWork(db);
        }
      } catch (err) {
        log.error("worker.pass_failed", { error: String(err) });
      }
      if (found === 0 && !stopped) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, idleMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      setWakeHandler(null);
      running = false;
    },
  };
}

export function isWorkerRunning(): boolean {
  return running;
}
