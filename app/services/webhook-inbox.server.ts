// Accepting a webhook delivery: verify it with authenticate.webhook, store the
// raw body in the inbox (deduplicated on the Webhook-Id per shop) and answer
// 200 at once. Processing happens in the worker (app/jobs/worker.server.ts).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { portableSql, prepareDatabase } from "~/db.server";
import { dateParam, TS } from "~/services/sync/sql.server";
import { authenticate } from "~/shopify.server";
import { kickWorker } from "~/jobs/wake.server";
import { log } from "~/lib/log.server";

// Shopify's largest order payloads are a few hundred KB; anything far beyond is
// not a real delivery.
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

// Topics that may arrive after uninstall (no session): compliance and lifecycle.
const TOPICS_WITHOUT_SESSION = new Set(["app/uninstalled", "shop/redact", "customers/redact", "customers/data_request", "app/scopes_update"]);

// The web process only starts the worker child (RETAIN_WORKER=child), so
// nothing else applies the SQLite pragmas here: without synchronous=NORMAL
// every accepted delivery would fsync the WAL. Applied once per client.
const prepared = new WeakMap<PrismaClient, Promise<void>>();
function ensurePrepared(db: PrismaClient): Promise<void> {
  let p = prepared.get(db);
  if (!p) {
    p = prepareDatabase(db).catch((err) => {
      prepared.delete(db);
      throw err;
    });
    prepared.set(db, p);
  }
  return p;
}

function reject(status: number, reason: string, shop?: string | null, topic?: string): Response {
  log.warn("webhook.rejected", { status, reason, shop: shop ?? undefined, topic });
  return new Response(JSON.stringify({ error: reason }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function normalizeTopic(topic: string): string {
  // The library reports topics as ORDERS_CREATE; the header and our routes use orders/create.
  return topic.includes("/") ? topic.toLowerCase() : topic.toLowerCase().replace("_", "/");
}

export async function acceptWebhook(db: PrismaClient, request: Request, expectedTopic: string): Promise<Response> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_WEBHOOK_BYTES) return reject(413, `body of ${length} bytes exceeds ${MAX_WEBHOOK_BYTES}`);
  const headerTopic = request.headers.get("x-shopify-topic");
  const headerShop = request.headers.get("x-shopify-shop-domain");
  if (headerTopic && headerTopic !== expectedTopic) {
    return reject(400, `topic header "${headerTopic}" does not match this endpoint (${expectedTopic})`, headerShop);
  }

  const rawBody = await request.clone().text();
  if (rawBody.length > MAX_WEBHOOK_BYTES) return reject(413, `body exceeds ${MAX_WEBHOOK_BYTES} bytes`, headerShop);

  let ctx: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    ctx = await authenticate.webhook(request);
  } catch (err) {
    if (err instanceof Response) {
      log.warn("webhook.unauthenticated", { status: err.status, shop: headerShop ?? undefined, topic: expectedTopic });
      return err; // 401 bad HMAC, 400 missing headers, 405 wrong method
    }
    if (err instanceof SyntaxError) return reject(400, "body is not valid JSON", headerShop, expectedTopic);
    throw err;
  }

  const topic = normalizeTopic(String(ctx.topic));
  if (topic !== expectedTopic) return reject(400, `unexpected topic ${topic}`, ctx.shop, expectedTopic);
  if (!ctx.webhookId) return reject(400, "missing X-Shopify-Webhook-Id", ctx.shop, topic);
  if (ctx.payload === null || typeof ctx.payload !== "object") {
    return reject(400, "payload must be a JSON object", ctx.shop, topic);
  }
  const triggeredHeader = request.headers.get("x-shopify-triggered-at");
  const triggeredAt = triggeredHeader && !Number.isNaN(Date.parse(triggeredHeader)) ? new Date(triggeredHeader) : null;
  // Happy path in one statement: insert only for a known shop in a state that
  // accepts this delivery, and drop a redelivery on the unique key. Only when
  // nothing was inserted do we look up why (redelivery, unknown, uninstalled).
  await ensurePrepared(db);
  const anyStatus = Boolean(ctx.session) || TOPICS_WITHOUT_SESSION.has(topic);
  const now = new Date();
  const inserted = await db.$executeRawUnsafe(
    portableSql(
      `INSERT INTO "WebhookInbox" ("id", "shop", "topic", "webhookId", "eventId", "apiVersion", "triggeredAt", "rawBody", "status", "attempts", "nextAttemptAt", "receivedAt")
       SELECT $1, $2, $3, $4, $5, $6, $7${TS()}, $8, 'PENDING', 0, $9${TS()}, $10${TS()}
       WHERE EXISTS (SELECT 1 FROM "Shop" WHERE "shop" = $11${anyStatus ? "" : ` AND "status" = 'INSTALLED'`})
       ON CONFLICT ("shop", "webhookId") DO NOTHING`,
    ),
    randomUUID(), ctx.shop, topic, ctx.webhookId, request.headers.get("x-shopify-event-id"), ctx.apiVersion ?? null,
    triggeredAt ? dateParam(triggeredAt) : null, rawBody, dateParam(now), dateParam(now), ctx.shop,
  );
  if (inserted === 0) {
    const known = await db.shop.findUnique({ where: { shop: ctx.shop }, select: { status: true } });
    if (!known) return reject(404, `shop ${ctx.shop} never installed Retain`, ctx.shop, topic);
    const seen = await db.webhookInbox.findUnique({ where: { shop_webhookId: { shop: ctx.shop, webhookId: ctx.webhookId } }, select: { id: true } });
    // A redelivery of something already accepted: acknowledge, change nothing.
    if (seen) return new Response(null, { status: 200 });
    return reject(410, `shop ${ctx.shop} has uninstalled Retain`, ctx.shop, topic);
  }
  kickWorker();
  return new Response(null, { status: 200 });
}
