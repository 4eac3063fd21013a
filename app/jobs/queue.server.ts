// A durable job queue in the database (docs/decisions/0005-durable-queue.md).
// Claiming is one atomic UPDATE…RETURNING; on PostgreSQL the candidate rows are
// picked with FOR UPDATE SKIP LOCKED so several workers never claim one job.
import type { PrismaClient, Job } from "@prisma/client";
import { currentProvider, directSql } from "~/db.server";
import { fromJson, JSONB, toDate, TS } from "~/services/sync/sql.server";
import type { SqlParam } from "~/lib/direct-sql.server";

export interface EnqueueOptions {
  type: string;
  shop?: string | null;
  payload?: unknown;
  /** At most one QUEUED job per key: a second enqueue moves runAt instead (debounce). */
  dedupeKey?: string;
  runAt?: Date;
  priority?: number;
  maxAttempts?: number;
}

export async function enqueueJob(db: PrismaClient, opts: EnqueueOptions, now = new Date()): Promise<Job> {
  const runAt = opts.runAt ?? now;
  const data = {
    type: opts.type,
    shop: opts.shop ?? null,
    payload: (opts.payload ?? null) as object,
    runAt,
    priority: opts.priority ?? 0,
    maxAttempts: opts.maxAttempts ?? 5,
  };
  if (!opts.dedupeKey) return db.job.create({ data });
  // The key is released when the job starts (see claimJobs), so a change that
  // arrives while the job runs queues exactly one follow-up run.
  for (let attempt = 0; ; attempt++) {
    const existing = await db.job.findUnique({ where: { dedupeKey: opts.dedupeKey } });
    if (existing) {
      return db.job.update({ where: { id: existing.id }, data: { runAt, payload: data.payload } });
    }
    try {
      return await db.job.create({ data: { ...data, dedupeKey: opts.dedupeKey } });
    } catch (err) {
      if (attempt < 3 && (err as { code?: string }).code === "P2002") continue;
      throw err;
    }
  }
}

interface JobRow {
  id: string; shop: string | null; type: string; payload: unknown; dedupeKey: string | null; status: string; priority: number; runAt: unknown; attempts: number;
  maxAttempts: number; lockedBy: string | null; lockedAt: unknown; lastError: string | null; progress: unknown; result: unknown; createdAt: unknown; startedAt: unknown; finishedAt: unknown;
}

function jobOf(r: JobRow): Job {
  return {
    id: r.id, shop: r.shop, type: r.type, payload: fromJson(r.payload) as Job["payload"], dedupeKey: r.dedupeKey, status: r.status, priority: Number(r.priority),
    runAt: toDate(r.runAt)!, attempts: Number(r.attempts), maxAttempts: Number(r.maxAttempts), lockedBy: r.lockedBy, lockedAt: toDate(r.lockedAt), lastError: r.lastError,
    progress: fromJson(r.progress) as Job["progress"], result: fromJson(r.result) as Job["result"], createdAt: toDate(r.createdAt)!, startedAt: toDate(r.startedAt),
    finishedAt: toDate(r.finishedAt),
  };
}

// Claiming and completing run for every job (one loyalty job per changed order), so they are direct SQL (ADR 008).
export async function claimJobs(
  db: PrismaClient,
  workerId: string,
  limit: number,
  now = new Date(),
  types?: string[],
): Promise<Job[]> {
  const typeFilter = types?.length ? types : null;
  const pg = currentProvider() === "postgresql";
  const typeSql = typeFilter ? ` AND "type" IN (${typeFilter.map((t) => `'${t.replace(/'/g, "''")}'`).join(",")})` : "";
  const pick = `SELECT "id" FROM "Job" WHERE "status" = 'QUEUED' AND "runAt" <= $4${TS()}${typeSql} ORDER BY "priority" DESC, "runAt" ASC LIMIT $5${pg ? " FOR UPDATE SKIP LOCKED" : ""}`;
  const sql = `UPDATE "Job" SET "status" = 'RUNNING', "lockedBy" = $1, "lockedAt" = $2${TS()}, "startedAt" = $3${TS()}, "attempts" = "attempts" + 1, "dedupeKey" = NULL WHERE "id" IN (${pick}) RETURNING *`;
  const rows = await directSql(db).query<JobRow>(sql, [workerId, now, now, now, limit]);
  return rows.map(jobOf).sort((a, b) => b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime());
}

export async function completeJob(db: PrismaClient, id: string, result?: unknown, now = new Date()): Promise<void> {
  await completeJobs(db, [{ id, result }], now);
}

/**
 * Marks jobs DONE in one transaction: a claim's worth of cheap jobs (a
 * loyalty.order-changed per changed order) costs one commit, not one each.
 */
export async function completeJobs(db: PrismaClient, done: ReadonlyArray<{ id: string; result?: unknown }>, now = new Date()): Promise<void> {
  if (done.length === 0) return;
  const sql = `UPDATE "Job" SET "status" = 'DONE', "finishedAt" = $1${TS()}, "lockedBy" = NULL, "result" = $2${JSONB()} WHERE "id" = $3`;
  const lists = done.map(({ id, result }) => [now, result === undefined || result === null ? null : JSON.stringify(result), id]);
  const direct = directSql(db);
  if (lists.length === 1) await direct.execute(sql, lists[0]);
  else if (direct.provider === "postgresql") {
    // One round trip: the ids and results as arrays.
    await direct.execute(
      `UPDATE "Job" SET "status" = 'DONE', "finishedAt" = $1::timestamp(3), "lockedBy" = NULL, "result" = d."result"
       FROM unnest($2::text[], $3::jsonb[]) AS d("id", "result") WHERE "Job"."id" = d."id"`,
      [now, lists.map((l) => l[2]) as unknown as SqlParam, lists.map((l) => l[1]) as unknown as SqlParam],
    );
  } else await direct.transaction((tx) => tx.executeEach(sql, lists));
}

/** Exponential backoff: 2^attempt seconds, capped at one hour. */
export function backoffDelayMs(attempts: number): number {
  return Math.min(3_600_000, 1000 * 2 ** Math.max(0, attempts));
}

export async function failJob(db: PrismaClient, job: Job, error: unknown, now = new Date()): Promise<void> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const dead = job.attempts >= job.maxAttempts;
  await db.job.update({
    where: { id: job.id },
    data: {
      status: dead ? "DEAD" : "QUEUED",
      lastError: message.slice(0, 4000),
      lockedBy: null,
      runAt: dead ? job.runAt : new Date(now.getTime() + backoffDelayMs(job.attempts)),
      finishedAt: dead ? now : null,
    },
  });
}

export async function updateJobProgress(db: PrismaClient, id: string, progress: unknown): Promise<void> {
  await db.job.update({ where: { id }, data: { progress: progress as object } });
}

/** Jobs left RUNNING by a crashed worker go back to the queue. */
export async function requeueStaleJobs(db: PrismaClient, olderThanMs: number, now = new Date()): Promise<number> {
  const res = await db.job.updateMany({
    where: { status: "RUNNING", lockedAt: { lt: new Date(now.getTime() - olderThanMs) } },
    data: { status: "QUEUED", lockedBy: null },
  });
  return res.count;
}

export async function cancelShopJobs(db: PrismaClient, shop: string, now = new Date()): Promise<number> {
  const res = await db.job.updateMany({
    where: { shop, status: "QUEUED" },
    data: { status: "CANCELLED", finishedAt: now, dedupeKey: null },
  });
  return res.count;
}
