// Accepting a webhook delivery: verify it with authenticate.webhook, store the
// raw body in the inbox (deduplicated on the Webhook-Id per shop) and answer
// 200 at once. Processing happens in the worker (app/jobs/worker.server.ts).
import type { PrismaClient } from "@prisma/client";
import { authenticate } from "~/shopify.server";
import { kickWorker } from "~/jobs/wake.server";
import { log } from "~/lib/log.server";

// Shopify's largest order payloads are a few hundred KB; anything far beyond is
// not a real delivery.
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

// Topics that may arrive after uninstall (no session): compliance and lifecycle.
const TOPICS_WITHOUT_SESSION = new Set(["app/uninstalled", "shop/redact", "customers/redact", "customers/data_request", "app/scopes_update"]);

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
  const known = await db.shop.findUnique({ where: { shop: ctx.shop }, select: { status: true } });
  if (!known) return reject(404, `shop ${ctx.shop} never installed Retain`, ctx.shop, topic);
  if (!ctx.session && !TOPICS_WITHOUT_SESSION.has(topic) && known.status !== "INSTALLED") {
    return reject(410, `shop ${ctx.shop} has uninstalled Retain`, ctx.shop, topic);
  }

  const triggeredHeader = request.headers.get("x-shopify-triggered-at");
  const triggeredAt = triggeredHeader && !Number.isNaN(Date.parse(triggeredHeader)) ? new Date(triggeredHeader) : null;
  try {
    await db.webhookInbox.create({
      data: {
        shop: ctx.shop,
        topic,
        webhookId: ctx.webhookId,
        eventId: request.headers.get("x-shopify-event-id"),
        apiVersion: ctx.apiVersion ?? null,
        triggeredAt,
        rawBody,
      },
    });
  } catch (err) {
    // A redelivery of something already accepted: acknowledge, change nothing.
    if ((err as { code?: string }).code === "P2002") return new Response(null, { status: 200 });
    throw err;
  }
  kickWorker();
  return new Response(null, { status: 200 });
}
