// Sends Shopify-style webhook deliveries to the app, signed like Shopify does:
// base64 HMAC-SHA256 of the raw body bytes with the app's client secret. It can
// also misbehave the way the platform does (duplicate deliveries with the same
// X-Shopify-Webhook-Id, out-of-order delivery) and tamper with bodies for
// negative tests. Uses Node's global fetch (undici), which keeps connections alive.

import { createHmac } from "node:crypto";
import { GeneratorInputError } from "./generator/errors";
import { derivedUuid } from "./generator/format";
import { Rng } from "./generator/random";

export const DEFAULT_API_VERSION = "2026-07";

/** Base64 HMAC-SHA256 of the exact body bytes. */
export function signWebhook(rawBody: string | Uint8Array, secret: string): string {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", "webhook secret must be a non-empty string");
  }
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

const TOPIC_PATTERN = /^[a-z_]+\/[a-z_]+$/;

/** `/webhooks/<topic>`: the topic's slash stays a path separator (orders/create → /webhooks/orders/create). */
export function webhookPath(topic: string): string {
  if (!TOPIC_PATTERN.test(topic)) {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", `topic must look like "resource/action", got "${topic}"`);
  }
  return `/webhooks/${topic}`;
}

export interface WebhookHeaderInput {
  topic: string;
  shop: string;
  /** Base64 signature; omit to leave the header out (a negative test). */
  hmac?: string;
  apiVersion?: string;
  webhookId: string;
  eventId: string;
  triggeredAt: Date | string;
  /** Optional subscription name (X-Shopify-Name). */
  name?: string;
}

export function buildWebhookHeaders(input: WebhookHeaderInput): Record<string, string> {
  webhookPath(input.topic);
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(input.shop)) {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", `shop must be a myshopify.com domain, got "${input.shop}"`);
  }
  const triggeredAt = input.triggeredAt instanceof Date ? input.triggeredAt.toISOString() : input.triggeredAt;
  if (!Number.isFinite(Date.parse(triggeredAt))) {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", `triggeredAt is not a date: ${triggeredAt}`);
  }
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": input.topic,
    "X-Shopify-Shop-Domain": input.shop,
    "X-Shopify-API-Version": input.apiVersion ?? DEFAULT_API_VERSION,
    "X-Shopify-Webhook-Id": input.webhookId,
    "X-Shopify-Triggered-At": triggeredAt,
    "X-Shopify-Event-Id": input.eventId,
  };
  if (input.hmac !== undefined) headers["X-Shopify-Hmac-Sha256"] = input.hmac;
  if (input.name !== undefined) headers["X-Shopify-Name"] = input.name;
  return headers;
}

/** body: sign, then change the body; hmac: sign with a wrong secret; missing-hmac: no signature header. */
export type TamperMode = "body" | "hmac" | "missing-hmac";

export interface SendWebhookOptions {
  appUrl: string;
  secret: string;
  topic: string;
  shop: string;
  /** A JSON value, serialised once; or pass `rawBody` to send exact bytes. */
  payload?: unknown;
  rawBody?: string;
  apiVersion?: string;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: Date | string;
  tamper?: TamperMode;
  /** Shopify gives up after 5 s. */
  timeoutMs?: number;
}

export interface SendResult {
  status: number;
  ok: boolean;
  latencyMs: number;
  webhookId: string;
  topic: string;
  /** Network error or timeout message; status is 0 then. */
  error?: string;
}

function tamperedBody(body: string): string {
  // Still valid JSON, different bytes: the signature must no longer verify.
  return body.endsWith("}") ? `${body.slice(0, -1)},"_tampered":true}` : `${body} `;
}

export async function sendWebhook(options: SendWebhookOptions): Promise<SendResult> {
  let base: URL;
  try {
    base = new URL(options.appUrl);
  } catch {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", `appUrl is not a URL: ${options.appUrl}`);
  }
  if (options.rawBody === undefined && options.payload === undefined) {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", "sendWebhook needs payload or rawBody");
  }
  const signedBody = options.rawBody ?? JSON.stringify(options.payload);
  const webhookId = options.webhookId ?? crypto.randomUUID();
  let hmac: string | undefined = signWebhook(signedBody, options.secret);
  let body = signedBody;
  if (options.tamper === "body") body = tamperedBody(signedBody);
  else if (options.tamper === "hmac") hmac = signWebhook(signedBody, `${options.secret}-wrong`);
  else if (options.tamper === "missing-hmac") hmac = undefined;
  const headers = buildWebhookHeaders({
    topic: options.topic,
    shop: options.shop,
    hmac,
    apiVersion: options.apiVersion,
    webhookId,
    eventId: options.eventId ?? webhookId,
    triggeredAt: options.triggeredAt ?? new Date(),
  });
  const url = new URL(webhookPath(options.topic), base);
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    // Drain the body so the keep-alive socket is reusable.
    await response.arrayBuffer();
    const latencyMs = performance.now() - started;
    return { status: response.status, ok: response.status >= 200 && response.status < 300, latencyMs, webhookId, topic: options.topic };
  } catch (error) {
    return {
      status: 0,
      ok: false,
      latencyMs: performance.now() - started,
      webhookId,
      topic: options.topic,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** What the sender needs from an event; `ShopEvent` from the generator fits. */
export interface DeliverableEvent {
  topic: string;
  payload: unknown;
  at?: Date;
  eventId?: string;
}

export interface Delivery {
  topic: string;
  body: string;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  /** True for the second copy of a duplicated delivery (same webhookId and body). */
  duplicate: boolean;
  tamper: TamperMode | null;
  /** Position of the source event in the input stream. */
  sourceIndex: number;
}

export interface DeliveryPlanOptions {
  /** Probability that a delivery is sent a second time with the same Webhook-Id. */
  duplicateRate?: number;
  /** Reorders within a sliding buffer of this many deliveries (0 = in order). */
  shuffleWindow?: number;
  seed?: number;
  /** Share of deliveries to tamper with, and how. */
  tamper?: { rate: number; mode: TamperMode };
  /** X-Shopify-Triggered-At: the event's simulated time (default) or the wall clock at planning. */
  triggeredAt?: "event" | "now";
}

function assertRate(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", `${what} must be in [0, 1], got ${value}`);
  }
}

/**
 * Turns events into deliveries: ids, duplicates and reordering, all seeded.
 * A duplicate enters the shuffle buffer as its own delivery, so with a window
 * it can arrive later than — or even before — its twin, as on the platform.
 */
export async function* planDeliveries(
  events: Iterable<DeliverableEvent> | AsyncIterable<DeliverableEvent>,
  options: DeliveryPlanOptions = {},
): AsyncGenerator<Delivery> {
  const duplicateRate = options.duplicateRate ?? 0;
  const window = options.shuffleWindow ?? 0;
  const seed = options.seed ?? 1;
  assertRate(duplicateRate, "duplicateRate");
  if (options.tamper) assertRate(options.tamper.rate, "tamper.rate");
  if (!Number.isInteger(window) || window < 0) {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", `shuffleWindow must be a non-negative integer, got ${window}`);
  }
  const rng = new Rng(seed);
  const buffer: Delivery[] = [];
  let index = 0;
  for await (const event of events) {
    const body = JSON.stringify(event.payload);
    const webhookId = derivedUuid(seed, index, 0x77656268);
    const triggeredAt = (options.triggeredAt === "now" || !event.at ? new Date() : event.at).toISOString();
    const tamper = options.tamper && rng.bernoulli(options.tamper.rate) ? options.tamper.mode : null;
    const delivery: Delivery = {
      topic: event.topic,
      body,
      webhookId,
      eventId: event.eventId ?? derivedUuid(seed, index, 0x65766964),
      triggeredAt,
      duplicate: false,
      tamper,
      sourceIndex: index,
    };
    index++;
    buffer.push(delivery);
    if (rng.bernoulli(duplicateRate)) buffer.push({ ...delivery, duplicate: true });
    while (buffer.length > window) {
      const pick = window === 0 ? 0 : rng.int(buffer.length);
      yield buffer.splice(pick, 1)[0];
    }
  }
  while (buffer.length > 0) {
    const pick = window === 0 ? 0 : rng.int(buffer.length);
    yield buffer.splice(pick, 1)[0];
  }
}

export interface SendWebhooksOptions extends DeliveryPlanOptions {
  appUrl: string;
  secret: string;
  shop: string;
  apiVersion?: string;
  /** Deliveries in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  onResult?: (result: SendResult, delivery: Delivery) => void;
}

export interface SendSummary {
  sent: number;
  duplicates: number;
  tampered: number;
  ok: number;
  statusCounts: Record<string, number>;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  elapsedMs: number;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export async function sendWebhooks(
  events: Iterable<DeliverableEvent> | AsyncIterable<DeliverableEvent>,
  options: SendWebhooksOptions,
): Promise<SendSummary> {
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
    throw new GeneratorInputError("INVALID_WEBHOOK_INPUT", `concurrency must be an integer in [1, 1024], got ${concurrency}`);
  }
  const plan = planDeliveries(events, options);
  const latencies: number[] = [];
  const summary: SendSummary = {
    sent: 0,
    duplicates: 0,
    tampered: 0,
    ok: 0,
    statusCounts: {},
    latencyMs: { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 },
    elapsedMs: 0,
  };
  const started = performance.now();
  // Workers share one async generator; its next() calls queue, so each delivery goes out once.
  const worker = async () => {
    for await (const delivery of plan) {
      const result = await sendWebhook({
        appUrl: options.appUrl,
        secret: options.secret,
        topic: delivery.topic,
        shop: options.shop,
        rawBody: delivery.body,
        apiVersion: options.apiVersion,
        webhookId: delivery.webhookId,
        eventId: delivery.eventId,
        triggeredAt: delivery.triggeredAt,
        tamper: delivery.tamper ?? undefined,
        timeoutMs: options.timeoutMs,
      });
      summary.sent++;
      if (delivery.duplicate) summary.duplicates++;
      if (delivery.tamper) summary.tampered++;
      if (result.ok) summary.ok++;
      const key = String(result.status);
      summary.statusCounts[key] = (summary.statusCounts[key] ?? 0) + 1;
      latencies.push(result.latencyMs);
      options.onResult?.(result, delivery);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  summary.elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  summary.latencyMs = {
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    mean: latencies.length ? latencies.reduce((s, v) => s + v, 0) / latencies.length : 0,
  };
  return summary;
}
