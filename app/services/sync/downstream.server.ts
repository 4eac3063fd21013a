// Other parts of the product react to order changes through queued jobs.
// Enqueued inside the same transaction as the change, so a crash can never
// store an order without its follow-up work.
//
// Same semantics as enqueueJob (app/jobs/queue.server.ts) with a dedupe key:
// one QUEUED job per key whose runAt/payload a later enqueue moves (claimJobs
// clears the key when the job starts). Written as one raw upsert on the unique
// dedupeKey because it runs twice for every order delivery (the hot path).
import { dateParam, execute, JSONB, TS } from "./sql.server";
import { newRowId } from "./raw-insert.server";
import type { Tx } from "./tx.server";

export const ANALYTICS_DEBOUNCE_MS = 30_000;

async function upsertQueuedJob(tx: Tx, type: string, shop: string, dedupeKey: string, runAt: Date, payload: unknown, now: Date): Promise<void> {
  await execute(
    tx,
    `INSERT INTO "Job" ("id", "shop", "type", "payload", "dedupeKey", "runAt", "createdAt") VALUES ($1, $2, $3, $4${JSONB()}, $5, $6${TS()}, $7${TS()})
     ON CONFLICT ("dedupeKey") DO UPDATE SET "runAt" = excluded."runAt", "payload" = excluded."payload"`,
    newRowId(), shop, type, payload === null ? null : JSON.stringify(payload), dedupeKey, dateParam(runAt), dateParam(now),
  );
}

export async function notifyOrderChanged(tx: Tx, shop: string, orderShopifyId: string, now: Date): Promise<void> {
  await upsertQueuedJob(tx, "analytics.recompute", shop, `analytics:${shop}`, new Date(now.getTime() + ANALYTICS_DEBOUNCE_MS), null, now);
  await upsertQueuedJob(tx, "loyalty.order-changed", shop, `loyalty-order:${shop}:${orderShopifyId}`, now, { orderShopifyId }, now);
}

export async function notifyCustomersChanged(tx: Tx, shop: string, now: Date): Promise<void> {
  await upsertQueuedJob(tx, "analytics.recompute", shop, `analytics:${shop}`, new Date(now.getTime() + ANALYTICS_DEBOUNCE_MS), null, now);
}
