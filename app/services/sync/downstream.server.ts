// Other parts of the product react to order changes through queued jobs.
// Enqueued inside the same transaction as the change, so a crash can never
// store an order without its follow-up work.
//
// Same semantics as enqueueJob (app/jobs/queue.server.ts) with a dedupe key:
// one QUEUED job per key whose runAt/payload a later enqueue moves (claimJobs
// clears the key when the job starts). Written as one raw upsert on the unique
// dedupeKey because it runs for every order delivery (the hot path). A batch of
// deliveries collects its notifications in a Notifications set and writes each
// key once at the end of its transaction (later upserts of one key in the same
// transaction would only rewrite the same values).
import type { DirectQueries } from "~/lib/direct-sql.server";
import { JSONB, newSortableId, sqlOf, TS } from "./sql.server";
import type { Tx } from "./tx.server";

export const ANALYTICS_DEBOUNCE_MS = 30_000;

const UPSERT_JOB = () =>
  `INSERT INTO "Job" ("id", "shop", "type", "payload", "dedupeKey", "runAt", "createdAt") VALUES ($1, $2, $3, $4${JSONB()}, $5, $6${TS()}, $7${TS()})
   ON CONFLICT ("dedupeKey") DO UPDATE SET "runAt" = excluded."runAt", "payload" = excluded."payload"`;

const MAX_UPSERT_ROWS = 64;

const upsertSqlCache = new Map<string, string>();

function upsertJobsSql(rows: number): string {
  const key = `${JSONB()}:${rows}`;
  const cached = upsertSqlCache.get(key);
  if (cached) return cached;
  let n = 0;
  const tuple = () => `($${++n}, $${++n}, $${++n}, $${++n}${JSONB()}, $${++n}, $${++n}${TS()}, $${++n}${TS()})`;
  const sql = `INSERT INTO "Job" ("id", "shop", "type", "payload", "dedupeKey", "runAt", "createdAt") VALUES ${Array.from({ length: rows }, tuple).join(", ")}
   ON CONFLICT ("dedupeKey") DO UPDATE SET "runAt" = excluded."runAt", "payload" = excluded."payload"`;
  upsertSqlCache.set(key, sql);
  return sql;
}

async function upsertQueuedJob(tx: Tx | DirectQueries, type: string, shop: string, dedupeKey: string, runAt: Date, payload: unknown, now: Date): Promise<void> {
  await sqlOf(tx).execute(UPSERT_JOB(), [newSortableId(), shop, type, payload === null ? null : JSON.stringify(payload), dedupeKey, runAt, now]);
}

/** Follow-up jobs collected over a batch, one per dedupe key. */
export class Notifications {
  private readonly analytics = new Set<string>();
  private readonly orders = new Map<string, { shop: string; orderShopifyId: string }>();

  orderChanged(shop: string, orderShopifyId: string): void {
    this.analytics.add(shop);
    this.orders.set(`${shop}\n${orderShopifyId}`, { shop, orderShopifyId });
  }

  customersChanged(shop: string): void {
    this.analytics.add(shop);
  }

  get size(): number {
    return this.analytics.size + this.orders.size;
  }

  /** Writes every collected job. */
  async flush(tx: Tx | DirectQueries, now: Date): Promise<void> {
    await this.flushOrders(tx, now);
    for (const shop of this.analytics) {
      await upsertQueuedJob(tx, "analytics.recompute", shop, `analytics:${shop}`, new Date(now.getTime() + ANALYTICS_DEBOUNCE_MS), null, now);
    }
    this.analytics.clear();
  }

  /** Writes the per-order jobs collected so far (the per-shop ones wait for flush). */
  async flushOrders(tx: Tx | DirectQueries, now: Date): Promise<void> {
    const orders = [...this.orders.values()];
    // Several rows per statement, in power-of-two chunks so only a few statement texts are ever prepared.
    for (let start = 0; start < orders.length; ) {
      const size = Math.min(MAX_UPSERT_ROWS, 2 ** Math.floor(Math.log2(orders.length - start)));
      const params: (string | Date)[] = [];
      for (const { shop, orderShopifyId } of orders.slice(start, start + size)) {
        params.push(newSortableId(), shop, "loyalty.order-changed", JSON.stringify({ orderShopifyId }), `loyalty-order:${shop}:${orderShopifyId}`, now, now);
      }
      await sqlOf(tx).execute(upsertJobsSql(size), params);
      start += size;
    }
    this.orders.clear();
  }
}

export async function notifyOrderChanged(tx: Tx | DirectQueries, shop: string, orderShopifyId: string, now: Date): Promise<void> {
  await upsertQueuedJob(tx, "analytics.recompute", shop, `analytics:${shop}`, new Date(now.getTime() + ANALYTICS_DEBOUNCE_MS), null, now);
  await upsertQueuedJob(tx, "loyalty.order-changed", shop, `loyalty-order:${shop}:${orderShopifyId}`, now, { orderShopifyId }, now);
}

export async function notifyCustomersChanged(tx: Tx | DirectQueries, shop: string, now: Date): Promise<void> {
  await upsertQueuedJob(tx, "analytics.recompute", shop, `analytics:${shop}`, new Date(now.getTime() + ANALYTICS_DEBOUNCE_MS), null, now);
}
