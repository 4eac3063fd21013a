// Bulk backfill: start a bulk query, wait for it (bulk_operations/finish or a
// poll, whichever comes first), then stream the JSONL result into the tables
// in batches. Each batch and the SyncRun's resume point commit in one
// transaction, so a crash resumes exactly after the last committed batch.
import type { PrismaClient, SyncRun } from "@prisma/client";
import {
  computeProgress, normalizeGraphqlCustomer, normalizeGraphqlLineItem, normalizeGraphqlOrder, parseBulkLine,
  toShopifyId, decideRefund, type BulkObject, type NormalizedOrder, type NormalizedRefund, type SyncProgress,
} from "~/domain/sync";
import { BULK_CUSTOMERS_QUERY, BULK_OPERATION_RUN_QUERY, BULK_OPERATION_STATUS, BULK_ORDERS_QUERY } from "~/graphql/sync";
import { enqueueJob } from "~/jobs/queue.server";
import { adminGraphql as defaultGraphql, assertNoUserErrors } from "~/services/admin-api.server";
import { applyCustomer, applyOrder, insertOrders, JSON_COLUMNS, lineColumns, refundColumns } from "./apply.server";
import { notifyCustomersChanged } from "./downstream.server";
import { fetchLines } from "./lines.server";
import { insertRows, newRowId } from "./raw-insert.server";
import { inTransaction, lockResource, lockResources, orderLockKey } from "./tx.server";

export type BackfillKind = "customers" | "orders";
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
}

/**
 * Handles the end of a bulk operation (from the webhook or a poll): keeps
 * polling while it runs, imports its result when it completed, records a
 * failure otherwise, then starts the next pending backfill.
 */
export async function handleBulkFinished(
  db: PrismaClient, shop: string, payload: BulkFinishedPayload, now: Date,
  deps: { gql?: GraphqlCaller; fetchLines?: (url: string, signal?: AbortSignal) => AsyncIterable<string>; import?: ImportOptions } = {},
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

/** Parent orders seen recently, to decide whether a late child line belongs to an applied version. */
class RecentParents {
  private map = new Map<string, boolean>();
  constructor(private readonly limit = 5_000) {}
  set(gid: string, applied: boolean) {
    this.map.delete(gid);
    this.map.set(gid, applied);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
  }
  get(gid: string): boolean | undefined {
    return this.map.get(gid);
  }
}

/**
 * Streams JSONL `lines` into the tables, skipping the `linesDone` already
 * committed by an earlier attempt. Returns whether the stream was finished.
 */
export async function importBulkLines(
  db: PrismaClient, run: SyncRun, lines: AsyncIterable<string>, options: ImportOptions = {},
): Promise<{ finished: boolean; run: SyncRun }> {
  const batchLines = options.batchLines ?? BATCH_LINES;
  const clock = options.now ?? (() => new Date());
  const kind = kindOf(run);
  const parents = new RecentParents();
  let state = run;
  let lineNo = 0;
  let batch: Array<{ lineNo: number; obj: BulkObject }> = [];
  let batches = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const last = batch[batch.length - 1].lineNo;
    const items = batch;
    batch = [];
    const now = clock();
    const roots = await inTransaction(db, async (tx) => {
      const n = kind === "orders" ? await applyOrderBatch(tx, state.shop, items.map((i) => i.obj), parents, now) : await applyCustomerBatch(tx, state.shop, items.map((i) => i.obj));
      return { n, run: await tx.syncRun.update({ where: { id: state.id }, data: { linesDone: last, objectsDone: { increment: n } } }) };
    });
    state = roots.run;
    batches++;
    await options.onProgress?.(computeProgress({ objectsDone: state.objectsDone, objectsTotal: state.objectsTotal, startedAt: state.startedAt, now }));
  };

  for await (const text of lines) {
    lineNo++;
    if (lineNo <= state.linesDone) continue;
    if (options.signal?.aborted) return { finished: false, run: state };
    if (text.trim().length === 0) continue;
    batch.push({ lineNo, obj: parseBulkLine(text, lineNo) });
    if (batch.length >= batchLines) {
      await flush();
      if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) return { finished: false, run: state };
    }
  }
  await flush();
  return { finished: true, run: state };
}

type BatchTx = Parameters<Parameters<typeof inTransaction>[1]>[0];

// Prisma caps bound parameters (999 on SQLite), so long `in` lists are split.
const IN_CHUNK = 900;
async function findInChunks<T>(ids: string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) out.push(...(await query(ids.slice(i, i + IN_CHUNK))));
  return out;
}

/** Set-wise insert of orders absent from the table: a handful of statements per batch. */
async function insertFreshOrders(tx: BatchTx, shop: string, fresh: NormalizedOrder[], now: Date): Promise<void> {
  if (fresh.length === 0) return;
  const customerIds = [...new Set(fresh.map((o) => o.customerShopifyId).filter((id): id is string => id !== null))];
  const redacted = new Set(
    (await findInChunks(customerIds, (ids) => tx.customer.findMany({ where: { shop, shopifyId: { in: ids }, redactedAt: { not: null } }, select: { shopifyId: true } }))).map((c) => c.shopifyId),
  );
  const freshIds = fresh.map((o) => o.shopifyId);
  const embedded = fresh.flatMap((o) => o.refunds);
  // Refunds already stored: held ones of these orders, or the embedded ones seen before.
  const refundSelect = { id: true, shopifyId: true, orderShopifyId: true, amountMinor: true, storeCreditMinor: true, lines: true, appliedAt: true } as const;
  const byOrder = await findInChunks(freshIds, (ids) => tx.refund.findMany({ where: { shop, orderShopifyId: { in: ids } }, select: refundSelect }));
  const byId = await findInChunks(embedded.map((r) => r.shopifyId), (ids) => tx.refund.findMany({ where: { shop, shopifyId: { in: ids } }, select: refundSelect }));
  const storedRefunds = [...new Map([...byOrder, ...byId].map((r) => [r.id, r])).values()];
  const finalRefunds = new Map(storedRefunds.map((r) => [r.shopifyId, { orderShopifyId: r.orderShopifyId, amountMinor: r.amountMinor, storeCreditMinor: r.storeCreditMinor }]));
  const known = new Map(storedRefunds.map((r) => [r.shopifyId, r]));
  const toCreate = new Map<string, NormalizedRefund>();
  const toEnrich: Array<{ id: string; refund: NormalizedRefund }> = [];
  for (const r of embedded) {
    const k = known.get(r.shopifyId);
    if (!k) {
      if (!toCreate.has(r.shopifyId)) toCreate.set(r.shopifyId, r);
    } else if (decideRefund({ hasLines: k.lines !== null }, r) === "enrich") toEnrich.push({ id: k.id, refund: r });
    else continue;
    finalRefunds.set(r.shopifyId, { orderShopifyId: r.orderShopifyId, amountMinor: r.amountMinor, storeCreditMinor: r.storeCreditMinor });
  }
  const refunded = new Map<string, number>();
  for (const r of finalRefunds.values()) refunded.set(r.orderShopifyId, (refunded.get(r.orderShopifyId) ?? 0) + r.amountMinor + r.storeCreditMinor);

  await insertOrders(tx, shop, fresh, now, (o) => (o.customerShopifyId && redacted.has(o.customerShopifyId) ? null : o.email), (o) => refunded.get(o.shopifyId) ?? 0);
  const refundRows = [...toCreate.values()].map((r) => [
    newRowId(), shop, r.shopifyId, r.orderShopifyId, r.amountMinor, r.storeCreditMinor, r.lines === null ? null : JSON.stringify(r.lines), r.note, r.processedAt, now, now,
  ]);
  await insertRows(tx, "Refund", ["id", "shop", "shopifyId", "orderShopifyId", "amountMinor", "storeCreditMinor", "lines", "note", "processedAt", "appliedAt", "createdAt"], refundRows, JSON_COLUMNS);
  for (const e of toEnrich) await tx.refund.update({ where: { id: e.id }, data: refundColumns(e.refund) });
  if (storedRefunds.some((r) => r.appliedAt === null)) {
    const held = storedRefunds.filter((r) => r.appliedAt === null).map((r) => r.id);
    for (let i = 0; i < held.length; i += IN_CHUNK) await tx.refund.updateMany({ where: { id: { in: held.slice(i, i + IN_CHUNK) } }, data: { appliedAt: now } });
  }
}

async function applyCustomerBatch(tx: BatchTx, shop: string, objects: BulkObject[]): Promise<number> {
  const customers = objects.filter((o) => o.type === "Customer").map((o) => normalizeGraphqlCustomer(o.node, `customer ${o.id}`));
  for (const c of customers) await applyCustomer(tx, shop, c);
  return customers.length;
}

async function applyOrderBatch(tx: BatchTx, shop: string, objects: BulkObject[], parents: RecentParents, now: Date): Promise<number> {
  const children = new Map<string, BulkObject[]>();
  const orders: BulkObject[] = [];
  for (const o of objects) {
    if (o.type === "Order") orders.push(o);
    else if (o.type === "LineItem" && o.parentGid) {
      const list = children.get(o.parentGid) ?? [];
      list.push(o);
      children.set(o.parentGid, list);
    }
  }
  const normalized = orders.map((o) => {
    const lines = children.get(o.id) ?? [];
    children.delete(o.id);
    return { gid: o.id, order: normalizeGraphqlOrder(o.node, lines.map((l) => l.node), `order ${o.id}`) };
  });
  await lockResources(tx, normalized.map((n) => orderLockKey(shop, n.order.shopifyId)));
  const stored = new Set(
    (await findInChunks(normalized.map((n) => n.order.shopifyId), (ids) => tx.order.findMany({ where: { shop, shopifyId: { in: ids } }, select: { shopifyId: true } }))).map((o) => o.shopifyId),
  );
  // Orders we have never seen (the whole table on a first backfill) are
  // inserted set-wise; the rest go through the per-order merge rules.
  const seen = new Set<string>();
  const fresh: NormalizedOrder[] = [];
  for (const n of normalized) {
    if (stored.has(n.order.shopifyId) || seen.has(n.order.shopifyId)) {
      const res = await applyOrder(tx, shop, n.order, now);
      parents.set(n.gid, res.decision === "insert" || res.decision === "update");
    } else {
      seen.add(n.order.shopifyId);
      fresh.push(n.order);
      parents.set(n.gid, true);
    }
  }
  await insertFreshOrders(tx, shop, fresh, now);
  // Children whose parent line came in an earlier batch.
  for (const [parentGid, lines] of children) {
    if (parents.get(parentGid) === false) continue; // that bulk version was older than what we hold
    const orderShopifyId = toShopifyId(parentGid, "__parentId", "Order");
    await lockResource(tx, orderLockKey(shop, orderShopifyId));
    const order = await tx.order.findUnique({ where: { shop_shopifyId: { shop, shopifyId: orderShopifyId } }, select: { id: true, currency: true } });
    if (!order) continue;
    for (const l of lines) {
      const item = normalizeGraphqlLineItem(l.node, order.currency, `line item ${l.id}`);
      const cols = lineColumns(shop, order.id, item);
      await tx.orderLineItem.upsert({ where: { orderId_shopifyId: { orderId: order.id, shopifyId: item.shopifyId } }, create: cols, update: cols });
    }
    if (lines.length > 0) {
      const all = await tx.orderLineItem.findMany({ where: { orderId: order.id, giftCard: true }, select: { priceMinor: true, quantity: true, discountMinor: true } });
      const giftCardMinor = all.reduce((s, l) => s + l.priceMinor * l.quantity - l.discountMinor, 0);
      await tx.order.update({ where: { id: order.id }, data: { giftCardMinor } });
    }
  }
  return orders.length;
}

