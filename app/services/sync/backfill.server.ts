// Bulk backfill: start a bulk query, wait for it (bulk_operations/finish or a
// poll, whichever comes first), then stream the JSONL result into the tables
// in batches. Each batch and the SyncRun's resume point commit in one
// transaction, so a crash resumes exactly after the last committed batch.
// Batches are written through direct SQL (backfill-orders.server.ts, ADR 008).
import type { PrismaClient, SyncRun } from "@prisma/client";
import { directSql } from "~/db.server";
import { computeProgress, type NormalizedCustomer, type SyncProgress } from "~/domain/sync";
import type { BackfillKind } from "~/domain/sync/backfill-batch";
import { BULK_CUSTOMERS_QUERY, BULK_OPERATION_RUN_QUERY, BULK_OPERATION_STATUS, BULK_ORDERS_QUERY } from "~/graphql/sync";
import { enqueueJob } from "~/jobs/queue.server";
import type { DirectQueries } from "~/lib/direct-sql.server";
import { adminGraphql as defaultGraphql, assertNoUserErrors } from "~/services/admin-api.server";
import { applyCustomer } from "./apply.server";
import { writeOrderBatch, type ParentMemory } from "./backfill-orders.server";
import { inlineParser, workerParser } from "./backfill-parse.server";
import type { WriterBatch } from "./backfill-rows.server";
import { notifyCustomersChanged } from "./downstream.server";
import { fetchLines } from "./lines.server";
import { TS } from "./sql.server";
import { inTransaction } from "./tx.server";

export type { BackfillKind };
export type GraphqlCaller = typeof defaultGraphql;

export const RUN_KIND: Record<BackfillKind, string> = { customers: "BACKFILL_CUSTOMERS", orders: "BACKFILL_ORDERS" };
const ACTIVE = ["PENDING", "RUNNING", "DOWNLOADING"];
export const BATCH_LINES = 2_000;
/** A DOWNLOADING run untouched this long is considered abandoned by a crashed worker. */
export const IMPORT_LEASE_MS = 120_000;

function kindOf(run: SyncRun): BackfillKind {
  return run.kind === RUN_KIND.orders ? "orders" : "customers";
}

/**
 * Queues a backfill of `kind`. Only one bulk query runs per shop at a time, so
 * a backfill requested while another is running waits as PENDING and starts
 * when that one finishes. Asking again while one is active returns it.
 */
export async function requestBackfill(db: PrismaClient, shop: string, kind: BackfillKind, now: Date, gql: GraphqlCaller = defaultGraphql): Promise<SyncRun> {
  const active = await db.syncRun.findFirst({ where: { shop, kind: RUN_KIND[kind], status: { in: ACTIVE } }, orderBy: { startedAt: "desc" } });
  if (active) return active;
  const run = await db.syncRun.create({ data: { shop, kind: RUN_KIND[kind], status: "PENDING", startedAt: now } });
  const busy = await db.syncRun.findFirst({ where: { shop, status: { in: ["RUNNING", "DOWNLOADING"] }, bulkOperationId: { not: null } } });
  if (busy) return run;
  return startBulkRun(db, run, now, gql);
}

async function startBulkRun(db: PrismaClient, run: SyncRun, now: Date, gql: GraphqlCaller): Promise<SyncRun> {
  const query = kindOf(run) === "orders" ? BULK_ORDERS_QUERY : BULK_CUSTOMERS_QUERY;
  let opId: string;
  try {
    const data = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: unknown[] } }>(
      run.shop, BULK_OPERATION_RUN_QUERY, { query: query.replace(/^#graphql\s*/, ""), groupObjects: false },
    );
    assertNoUserErrors(data.bulkOperationRunQuery, "bulkOperationRunQuery");
    if (!data.bulkOperationRunQuery.bulkOperation) throw new Error("bulkOperationRunQuery returned no operation");
    opId = data.bulkOperationRunQuery.bulkOperation.id;
  } catch (err) {
    await db.syncRun.update({ where: { id: run.id }, data: { status: "FAILED", error: String((err as Error).message ?? err).slice(0, 2000), finishedAt: now } });
    throw err;
  }
  const updated = await db.syncRun.update({ where: { id: run.id }, data: { status: "RUNNING", bulkOperationId: opId, startedAt: now } });
  // Poll in case the bulk_operations/finish webhook is late or lost; the
  // webhook reuses the dedupe key and just moves this job earlier.
  await enqueueJob(db, {
    type: "sync.bulk-finished", shop: run.shop, payload: { bulkOperationId: opId, source: "poll", polls: 0 },
    dedupeKey: `bulk:${run.shop}:${opId}`, runAt: new Date(now.getTime() + 5_000),
  }, now);
  return updated;
}

/** Starts the next PENDING backfill of the shop, if any (after one finished). */
export async function startNextPending(db: PrismaClient, shop: string, now: Date, gql: GraphqlCaller): Promise<SyncRun | null> {
  const next = await db.syncRun.findFirst({ where: { shop, status: "PENDING", kind: { in: Object.values(RUN_KIND) } }, orderBy: { startedAt: "asc" } });
  return next ? startBulkRun(db, next, now, gql) : null;
}

interface BulkOperationView {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string | number;
  rootObjectCount: string | number;
  url: string | null;
  partialDataUrl: string | null;
}

export interface BulkFinishedPayload {
  bulkOperationId: string;
  source?: "poll" | "webhook";
  polls?: number;
}

export interface ImportOptions {
  now?: () => Date;
  batchLines?: number;
  signal?: AbortSignal;
  /** Test hook: stop (as a crash would) after this many committed batches. */
  stopAfterBatches?: number;
  onProgress?: (p: SyncProgress) => Promise<void> | void;
  /** Per committed batch: how long its write transaction was held (benchmarks watch this stay short). */
  onBatch?: (b: { objects: number; transactionMs: number; parserWaitMs: number; parsedOnWorker: boolean }) => void;
  /** Parse on a worker thread (default: when the run expects ≥ 20k more objects or does not say). */
  parseInWorker?: boolean;
}

/**
 * Handles the end of a bulk operation (from the webhook or a poll): keeps
 * polling while it runs, imports its result when it completed, records a
 * failure otherwise, then starts the next pending backfill.
 */
export async function handleBulkFinished(
  db: PrismaClient, shop: string, payload: BulkFinishedPayload, now: Date,
  deps: { gql?: GraphqlCaller; fetchLines?: (url: string, signal?: AbortSignal) => AsyncIterable<string | readonly string[]>; import?: ImportOptions } = {},
): Promise<{ status: string; runId?: string }> {
  const gql = deps.gql ?? defaultGraphql;
  const run = await db.syncRun.findFirst({ where: { shop, bulkOperationId: payload.bulkOperationId } });
  if (!run) return { status: "unknown-operation" };
  if (!ACTIVE.includes(run.status)) return { status: `already-${run.status.toLowerCase()}`, runId: run.id };
  if (run.status === "DOWNLOADING" && now.getTime() - run.updatedAt.getTime() < IMPORT_LEASE_MS) {
    // Another worker is importing; look again after the lease in case it died.
    await enqueueJob(db, {
      type: "sync.bulk-finished", shop, payload: { bulkOperationId: payload.bulkOperationId, source: "poll", polls: payload.polls ?? 0 },
      dedupeKey: `bulk:${shop}:${payload.bulkOperationId}`, runAt: new Date(now.getTime() + IMPORT_LEASE_MS),
    }, now);
    return { status: "import-in-progress", runId: run.id };
  }
  const data = await gql<{ bulkOperation: BulkOperationView | null }>(shop, BULK_OPERATION_STATUS, { id: payload.bulkOperationId });
  const op = data.bulkOperation;
  if (!op) {
    await db.syncRun.update({ where: { id: run.id }, data: { status: "FAILED", error: "bulk operation not found", finishedAt: now } });
    await startNextPending(db, shop, now, gql);
    return { status: "failed", runId: run.id };
  }
  if (op.status === "CREATED" || op.status === "RUNNING" || op.status === "CANCELING") {
    const polls = (payload.polls ?? 0) + 1;
    await enqueueJob(db, {
      type: "sync.bulk-finished", shop, payload: { bulkOperationId: op.id, source: "poll", polls },
      dedupeKey: `bulk:${shop}:${op.id}`, runAt: new Date(now.getTime() + Math.min(60_000, 5_000 * 2 ** Math.min(polls, 4))),
    }, now);
    return { status: "waiting", runId: run.id };
  }
  if (op.status !== "COMPLETED") {
    await db.syncRun.update({ where: { id: run.id }, data: { status: "FAILED", error: `bulk operation ${op.status.toLowerCase()}${op.errorCode ? `: ${op.errorCode}` : ""}`, finishedAt: now } });
    await startNextPending(db, shop, now, gql);
    return { status: "failed", runId: run.id };
  }
  const total = Number(op.rootObjectCount);
  let current = await db.syncRun.update({
    where: { id: run.id },
    data: { status: "DOWNLOADING", resultUrl: op.url, objectsTotal: Number.isFinite(total) ? total : null },
  });
  if (op.url) {
    const lines = (deps.fetchLines ?? fetchLines)(op.url, deps.import?.signal);
    const result = await importBulkLines(db, current, lines, deps.import);
    if (!result.finished) return { status: "interrupted", runId: run.id };
    current = result.run;
  }
  await completeRun(db, current, deps.import?.now?.() ?? now);
  await startNextPending(db, shop, now, gql);
  return { status: "completed", runId: run.id };
}

async function completeRun(db: PrismaClient, run: SyncRun, now: Date): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.syncRun.update({ where: { id: run.id }, data: { status: "COMPLETED", finishedAt: now, objectsTotal: run.objectsTotal ?? run.objectsDone } });
    // One recompute for the whole import rather than one per order.
    await notifyCustomersChanged(tx, run.shop, now);
  });
}

/**
 * Parent orders seen recently, to decide whether a late child line belongs to
 * an applied version. Two generations of at least `limit` entries each: a set
 * per order, no deletes (a Map delete per order was ~1% of the writer).
 */
class RecentParents implements ParentMemory {
  private current = new Map<string, boolean>();
  private previous = new Map<string, boolean>();
  constructor(private readonly limit = 5_000) {}
  set(gid: string, applied: boolean) {
    if (this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(gid, applied);
  }
  get(gid: string): boolean | undefined {
    return this.current.get(gid) ?? this.previous.get(gid);
  }
}

/** Batches prepared ahead of the writer (each holds at most `batchLines` lines, so memory stays bounded). */
const PREFETCH = 2;
/** Below this many expected objects a parser thread costs more to start (~1 s) than it saves. */
const WORKER_MIN_OBJECTS = 20_000;

/**
 * Streams JSONL `lines` (one at a time or in blocks) into the tables, skipping the `linesDone` already
 * committed by an earlier attempt. Returns whether the stream was finished.
 *
 * Each batch is one direct-SQL transaction (ADR 008) holding its rows and the
 * run's resume point, so a crash resumes exactly after the last committed
 * batch. A batch of BATCH_LINES lines commits in tens of milliseconds, short
 * enough that webhooks written meanwhile (same SQLite file) are not starved.
 * Parsing runs ahead on a worker thread (backfill-parse.server.ts).
 */
export async function importBulkLines(
  db: PrismaClient, run: SyncRun, lines: AsyncIterable<string | readonly string[]>, options: ImportOptions = {},
): Promise<{ finished: boolean; run: SyncRun }> {
  const batchLines = options.batchLines ?? BATCH_LINES;
  const clock = options.now ?? (() => new Date());
  const kind = kindOf(run);
  const parents = new RecentParents();
  const sql = directSql(db);
  const useWorker = options.parseInWorker ?? (run.objectsTotal === null || run.objectsTotal - run.objectsDone >= WORKER_MIN_OBJECTS);
  const parser = useWorker ? workerParser() : inlineParser();
  // PostgreSQL takes new line items as COPY text, encoded next to the parsing (ADR 014).
  const lineFormat = sql.provider === "postgresql" ? "copy" : "values";
  let state = run;
  let batches = 0;
  // SQLite: a 32 MB page cache while importing (the default is 2 MB). New orders land at random
  // places of the (shop, customerShopifyId) index; a cache that holds more of it spares a read
  // per insert (244k orders: +5–8 % measured, docs/benchmarks.md). Restored afterwards.
  const restoreCache = await enlargeSqliteCache(sql, IMPORT_CACHE_KIB);

  const write = async (last: number, prepared: Promise<WriterBatch>) => {
    const waitStart = performance.now();
    const batch = await prepared;
    const now = clock();
    const begun = performance.now();
    const parserWaitMs = begun - waitStart;
    state = await sql.transaction(async (q) => {
      const n = batch.kind === "orders" ? await writeOrderBatch(q, state.shop, batch, parents, now) : await writeCustomerBatch(q, state.shop, batch.customers, now);
      // Prisma's @updatedAt is wall time; the import lease (IMPORT_LEASE_MS) reads it.
      const touched = new Date();
      const [row] = await q.query<{ objectsDone: number | string }>(
        `UPDATE "SyncRun" SET "linesDone" = $1, "objectsDone" = "objectsDone" + $2, "updatedAt" = $3${TS()} WHERE "id" = $4 RETURNING "objectsDone"`,
        [last, n, touched, state.id],
      );
      if (!row) throw new Error(`sync run ${state.id} vanished during its import`);
      return { ...state, linesDone: last, objectsDone: Number(row.objectsDone), updatedAt: touched };
      // Not durable (ADR 010): the batch and its resume point commit together, so a commit lost in a
      // server crash is imported again from the resume point before it.
    }, { durable: false });
    batches++;
    options.onBatch?.({ objects: batch.roots, transactionMs: performance.now() - begun, parserWaitMs, parsedOnWorker: parser.threaded() });
    await options.onProgress?.(computeProgress({ objectsDone: state.objectsDone, objectsTotal: state.objectsTotal, startedAt: state.startedAt, now }));
  };

  const queue: Array<{ last: number; prepared: Promise<WriterBatch> }> = [];
  const enqueue = (texts: string[], lineNos: number[]) => {
    const prepared = parser.prepare(kind, state.shop, texts, lineNos, lineFormat);
    prepared.catch(() => undefined); // surfaced when its turn to be written comes
    queue.push({ last: lineNos[lineNos.length - 1], prepared });
  };
  const stopped = () => options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches;
  try {
    let lineNo = 0;
    let texts: string[] = [];
    let lineNos: number[] = [];
    for await (const item of lines) {
      const block = typeof item === "string" ? [item] : item;
      for (const text of block) {
        lineNo++;
        if (lineNo <= state.linesDone) continue;
        if (text.length === 0 || text.trim().length === 0) continue;
        texts.push(text);
        lineNos.push(lineNo);
        if (texts.length >= batchLines) {
          if (options.signal?.aborted) return { finished: false, run: state };
          enqueue(texts, lineNos);
          texts = [];
          lineNos = [];
          if (queue.length > PREFETCH) {
            const next = queue.shift()!;
            await write(next.last, next.prepared);
            if (stopped()) return { finished: false, run: state };
          }
        }
      }
    }
    if (options.signal?.aborted) return { finished: false, run: state };
    if (texts.length > 0) enqueue(texts, lineNos);
    while (queue.length > 0) {
      if (options.signal?.aborted) return { finished: false, run: state };
      const next = queue.shift()!;
      await write(next.last, next.prepared);
      if (stopped() && queue.length > 0) return { finished: false, run: state };
    }
    return { finished: true, run: state };
  } finally {
    await parser.close();
    await restoreCache();
  }
}

const IMPORT_CACHE_KIB = 32_000;

async function enlargeSqliteCache(sql: DirectQueries, kib: number): Promise<() => Promise<void>> {
  if (sql.provider !== "sqlite") return async () => undefined;
  const [before] = await sql.query<{ cache_size: number }>("PRAGMA cache_size");
  await sql.execute(`PRAGMA cache_size = -${kib}`);
  return async () => {
    await sql.execute(`PRAGMA cache_size = ${Number(before?.cache_size ?? -2000)}`).catch(() => undefined);
  };
}

async function writeCustomerBatch(q: DirectQueries, shop: string, customers: NormalizedCustomer[], now: Date): Promise<number> {
  for (const c of customers) await applyCustomer(q, shop, c, now);
  return customers.length;
}
