import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GeneratorInputError } from "../../../dev/generator/errors";
import { createShop } from "../../../dev/generator/index";
import {
  buildWebhookHeaders,
  planDeliveries,
  sendWebhook,
  sendWebhooks,
  signWebhook,
  webhookPath,
  type Delivery,
} from "../../../dev/webhook-sender";

const SECRET = "shpss_test_secret";
const SHOP = "retain-demo.myshopify.com";

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  verified: boolean;
}

let server: Server;
let appUrl: string;
const received: Received[] = [];

/** Verifies like the platform docs say: base64 HMAC of the raw bytes, constant-time compare. */
function verify(body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", SECRET).update(body).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const hmac = req.headers["x-shopify-hmac-sha256"];
      const verified = verify(body, typeof hmac === "string" ? hmac : undefined);
      received.push({ path: req.url ?? "", headers: req.headers, body, verified });
      res.statusCode = !hmac ? 400 : verified ? 200 : 401;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("signWebhook", () => {
  it("matches openssl's base64 HMAC-SHA256 for fixed vectors", () => {
    // printf '%s' BODY | openssl dgst -sha256 -hmac SECRET -binary | base64
    expect(signWebhook('{"id":820982911946154508,"email":"jon@example.com"}', SECRET)).toBe("LnwdZPLBbdjkBwPD/lDL1/rYEGby/GHPtL1aAH6Dxjc=");
    expect(signWebhook("héllo", "k")).toBe("eV4saB/rfoNGHObNQ62oQJ+wr+J61W49b4PgdZT9we0=");
  });

  it("equals an independent node:crypto computation over the raw bytes", () => {
    const body = JSON.stringify([...createShop({ size: 3, seed: 5 }).events()][1].payload);
    const reference = createHmac("sha256", SECRET).update(Buffer.from(body, "utf8")).digest("base64");
    expect(signWebhook(body, SECRET)).toBe(reference);
    expect(signWebhook(Buffer.from(body, "utf8"), SECRET)).toBe(reference);
  });

  it("rejects an empty secret with a typed error", () => {
    expect(() => signWebhook("{}", "")).toThrow(GeneratorInputError);
  });
});

describe("buildWebhookHeaders and webhookPath", () => {
  it("sets every X-Shopify-* header the platform sends", () => {
    const headers = buildWebhookHeaders({
      topic: "orders/create",
      shop: SHOP,
      hmac: "abc=",
      webhookId: "w-1",
      eventId: "e-1",
      triggeredAt: new Date("2026-07-01T12:00:00Z"),
    });
    expect(headers).toEqual({
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Hmac-Sha256": "abc=",
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Webhook-Id": "w-1",
      "X-Shopify-Triggered-At": "2026-07-01T12:00:00.000Z",
      "X-Shopify-Event-Id": "e-1",
    });
  });

  it("maps topics to /webhooks/<resource>/<action> and rejects malformed input", () => {
    expect(webhookPath("customers/data_request")).toBe("/webhooks/customers/data_request");
    expect(() => webhookPath("orders")).toThrow(GeneratorInputError);
    expect(() =>
      buildWebhookHeaders({ topic: "orders/create", shop: "not a shop", webhookId: "w", eventId: "e", triggeredAt: new Date(0) }),
    ).toThrow(GeneratorInputError);
  });
});

describe("sendWebhook against a local receiver", () => {
  it("POSTs a body whose signature verifies, with status and latency", async () => {
    received.length = 0;
    const result = await sendWebhook({ appUrl, secret: SECRET, topic: "customers/data_request", shop: SHOP, payload: { shop_id: 1 }, webhookId: "fixed-id" });
    expect(result).toMatchObject({ status: 200, ok: true, webhookId: "fixed-id" });
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(received[0].path).toBe("/webhooks/customers/data_request");
    expect(received[0].verified).toBe(true);
    expect(received[0].headers["x-shopify-webhook-id"]).toBe("fixed-id");
    expect(received[0].body.toString()).toBe('{"shop_id":1}');
  });

  it("tampered bodies and wrong secrets fail verification (401); a missing HMAC gets 400", async () => {
    const base = { appUrl, secret: SECRET, topic: "orders/create", shop: SHOP, payload: { id: 1 } };
    expect((await sendWebhook({ ...base, tamper: "body" })).status).toBe(401);
    expect((await sendWebhook({ ...base, tamper: "hmac" })).status).toBe(401);
    expect((await sendWebhook({ ...base, tamper: "missing-hmac" })).status).toBe(400);
  });

  it("reports an unreachable app as status 0 with an error instead of throwing", async () => {
    const result = await sendWebhook({ appUrl: "http://127.0.0.1:1", secret: SECRET, topic: "orders/create", shop: SHOP, payload: {}, timeoutMs: 2000 });
    expect(result.status).toBe(0);
    expect(result.error).toBeTruthy();
  });
});

describe("planDeliveries and sendWebhooks", () => {
  const events = [...createShop({ size: 8, seed: 11 }).events()];

  it("without options delivers every event once, in order", async () => {
    const plan = await collect(planDeliveries(events));
    expect(plan.map((d) => d.sourceIndex)).toEqual(events.map((_, i) => i));
    expect(plan.every((d) => !d.duplicate && d.tamper === null)).toBe(true);
    expect(plan.every((d, i) => d.triggeredAt === events[i].at.toISOString() && d.eventId === events[i].eventId)).toBe(true);
  });

  it("duplicates reuse the Webhook-Id and body; the shuffle is seeded and jumps ahead by at most the window", async () => {
    const options = { duplicateRate: 0.3, shuffleWindow: 8, seed: 3 };
    const plan = await collect(planDeliveries(events, options));
    const again = await collect(planDeliveries(events, options));
    expect(again).toEqual(plan);
    const duplicates = plan.filter((d) => d.duplicate);
    expect(duplicates.length / events.length).toBeGreaterThan(0.2);
    expect(duplicates.length / events.length).toBeLessThan(0.4);
    const byId = new Map<string, Delivery[]>();
    for (const d of plan) byId.set(d.webhookId, [...(byId.get(d.webhookId) ?? []), d]);
    expect(byId.size).toBe(events.length);
    for (const copies of byId.values()) {
      expect(copies.length).toBeLessThanOrEqual(2);
      if (copies.length === 2) expect(copies[0].body).toBe(copies[1].body);
    }
    const order = plan.filter((d) => !d.duplicate).map((d) => d.sourceIndex);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    // Nothing is sent before it entered the buffer: a delivery can jump ahead of its
    // source position by at most the window (lateness is random, geometric).
    order.forEach((source, position) => expect(source - position).toBeLessThanOrEqual(8));
  });

  it("sends a generated stream with concurrency; every untampered delivery verifies", async () => {
    received.length = 0;
    const summary = await sendWebhooks(events, {
      appUrl,
      secret: SECRET,
      shop: SHOP,
      concurrency: 4,
      duplicateRate: 0.1,
      shuffleWindow: 4,
      seed: 9,
      tamper: { rate: 0.1, mode: "body" },
    });
    expect(summary.sent).toBe(events.length + summary.duplicates);
    expect(received).toHaveLength(summary.sent);
    expect(summary.statusCounts["401"] ?? 0).toBe(summary.tampered);
    expect(summary.ok).toBe(summary.sent - summary.tampered);
    expect(received.filter((r) => r.verified)).toHaveLength(summary.ok);
    expect(summary.latencyMs.p95).toBeGreaterThanOrEqual(summary.latencyMs.p50);
    const topics = new Set(received.map((r) => r.headers["x-shopify-topic"]));
    expect(topics.has("orders/create")).toBe(true);
    for (const r of received) expect(r.path).toBe(`/webhooks/${r.headers["x-shopify-topic"]}`);
  });

  it("rejects bad rates and concurrency with typed errors", async () => {
    await expect(collect(planDeliveries(events, { duplicateRate: 2 }))).rejects.toThrow(GeneratorInputError);
    await expect(sendWebhooks(events, { appUrl, secret: SECRET, shop: SHOP, concurrency: 0 })).rejects.toThrow(GeneratorInputError);
  });
});
