import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createResourceDispatcher } from "~/lib/resource-dispatch.server";
import { MAX_WEBHOOK_BYTES } from "~/services/webhook-inbox.server";
import { buildWebhookHeaders, signWebhook } from "../../../dev/webhook-sender";
import { createInstalledShop, resetDatabase } from "../../helpers/db";

const SECRET = process.env.SHOPIFY_API_SECRET!;
const SHOP = "accept-test.myshopify.com";
const samples = path.resolve(import.meta.dirname, "../../../dev/generator/samples/2026-07");

function sample(topic: string): string {
  return fs.readFileSync(path.join(samples, `${topic}.json`), "utf8");
}

let seq = 0;
function delivery(topic: string, body: string, opts: { secret?: string; shop?: string; headerTopic?: string; hmac?: string | null } = {}) {
  const headers = buildWebhookHeaders({
    topic: opts.headerTopic ?? topic,
    shop: opts.shop ?? SHOP,
    webhookId: `wh-${++seq}`,
    eventId: `ev-${seq}`,
    triggeredAt: new Date("2026-11-01T10:00:00Z"),
    hmac: opts.hmac === null ? undefined : (opts.hmac ?? signWebhook(body, opts.secret ?? SECRET)),
  });
  return new Request(`http://127.0.0.1/webhooks/${topic}`, { method: "POST", headers, body });
}

async function routeFor(topic: string) {
  const mod = await import(`~/routes/webhooks.${topic.replace("/", ".")}.tsx`);
  return (request: Request) => mod.action({ request, params: {}, context: {} }) as Promise<Response>;
}

describe("webhook acceptance (authenticate.webhook + inbox)", () => {
  beforeEach(async () => {
    await resetDatabase(prisma);
    await createInstalledShop(prisma, SHOP);
  });

  it("accepts a delivery signed like Shopify and stores the exact raw body", async () => {
    const body = sample("orders/create");
    const res = await (await routeFor("orders/create"))(delivery("orders/create", body));
    expect(res.status).toBe(200);
    const rows = await prisma.webhookInbox.findMany({ where: { shop: SHOP } });
    expect(rows).toHaveLength(1);
    expect(rows[0].rawBody).toBe(body);
    expect(rows[0].topic).toBe("orders/create");
    expect(rows[0].status).toBe("PENDING");
  });

  it("accepts every topic whose name has an underscore (bulk_operations/finish, customers/data_request, app/scopes_update)", async () => {
    const bodies: Record<string, string> = {
      "bulk_operations/finish": sample("bulk_operations/finish"),
      "customers/data_request": sample("customers/data_request"),
      "app/scopes_update": JSON.stringify({ id: 1, previous: ["read_orders"], current: ["read_orders", "read_customers"], updated_at: "2026-11-01T10:00:00Z" }),
    };
    for (const [topic, body] of Object.entries(bodies)) {
      const res = await (await routeFor(topic))(delivery(topic, body));
      expect(res.status, topic).toBe(200);
    }
    const stored = await prisma.webhookInbox.findMany({ where: { shop: SHOP }, select: { topic: true } });
    expect(stored.map((r) => r.topic).sort()).toEqual(["app/scopes_update", "bulk_operations/finish", "customers/data_request"]);
  });

  it("authenticate.webhook converts requests with Retain's adapter (ADR 016), and a delivery still verifies through it", async () => {
    await import("~/shopify.server");
    const runtime = await import("@shopify/shopify-api/runtime");
    const { convertRequest } = await import("~/lib/shopify-request-adapter.server");
    expect(runtime.abstractConvertRequest).toBe(convertRequest);
    const body = sample("orders/create");
    const res = await (await routeFor("orders/create"))(delivery("orders/create", body));
    expect(res.status).toBe(200);
  });

  it("answers 401 to a tampered body and stores nothing", async () => {
    const body = sample("orders/paid");
    const req = delivery("orders/paid", body);
    const forged = body.replace(/"test":\s*true/, '"test": false');
    expect(forged).not.toBe(body);
    const tampered = new Request(req.url, { method: "POST", headers: req.headers, body: forged });
    const res = await (await routeFor("orders/paid"))(tampered);
    expect(res.status).toBe(401);
    expect(await prisma.webhookInbox.count()).toBe(0);
  });

  it("answers 401 to a signature made with another secret", async () => {
    const res = await (await routeFor("orders/create"))(delivery("orders/create", sample("orders/create"), { secret: "not-the-app-secret" }));
    expect(res.status).toBe(401);
  });

  it.each(["customers/data_request", "customers/redact", "shop/redact"])("compliance topic %s answers 401 on a bad HMAC", async (topic) => {
    const body = sample(topic).replace("{shop}.myshopify.com", SHOP);
    const res = await (await routeFor(topic))(delivery(topic, body, { secret: "forged" }));
    expect(res.status).toBe(401);
  });

  it("stores a redelivery with the same Webhook-Id once", async () => {
    const body = sample("customers/create");
    const route = await routeFor("customers/create");
    const first = delivery("customers/create", body);
    const again = new Request(first.url, { method: "POST", headers: first.headers, body });
    expect((await route(first)).status).toBe(200);
    expect((await route(again)).status).toBe(200);
    expect(await prisma.webhookInbox.count()).toBe(1);
  });

  it("rejects a topic header that does not match the endpoint with 400", async () => {
    const body = sample("orders/create");
    const res = await (await routeFor("orders/create"))(delivery("orders/create", body, { headerTopic: "orders/paid" }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/does not match/);
  });

  it("rejects a shop that never installed with 404 and a reason", async () => {
    const res = await (await routeFor("orders/create"))(delivery("orders/create", sample("orders/create"), { shop: "stranger.myshopify.com" }));
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/never installed/);
  });

  it("rejects a signed body that is not JSON with 400", async () => {
    const res = await (await routeFor("orders/create"))(delivery("orders/create", "{not json"));
    expect(res.status).toBe(400);
    expect(await prisma.webhookInbox.count()).toBe(0);
  });

  it("rejects a missing signature with 400 (library behaviour) and an oversized body with 413", async () => {
    const route = await routeFor("orders/create");
    expect((await route(delivery("orders/create", sample("orders/create"), { hmac: null }))).status).toBe(400);
    const huge = JSON.stringify({ id: 1, pad: "x".repeat(MAX_WEBHOOK_BYTES) });
    expect((await route(delivery("orders/create", huge))).status).toBe(413);
    expect(await prisma.webhookInbox.count()).toBe(0);
  });

  it("through server.ts's direct dispatcher (its lean Request): a signed delivery is stored byte for byte, a tampered one gets 401", async () => {
    const mod = await import("~/routes/webhooks.orders.create");
    const dispatch = createResourceDispatcher({
      routes: { "routes/webhooks.orders.create": { id: "routes/webhooks.orders.create", path: "webhooks/orders/create", parentId: "root", module: mod } },
    });
    const server = http.createServer((req, res) => void dispatch(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const body = sample("orders/create");
      const good = delivery("orders/create", body);
      const res = await fetch(`${base}/webhooks/orders/create`, { method: "POST", headers: good.headers, body });
      expect(res.status).toBe(200);
      const tampered = delivery("orders/create", body);
      const bad = await fetch(`${base}/webhooks/orders/create`, { method: "POST", headers: tampered.headers, body: body.replace("1", "2") });
      expect(bad.status).toBe(401);
      const rows = await prisma.webhookInbox.findMany({ where: { shop: SHOP } });
      expect(rows.map((r) => [r.webhookId, r.rawBody === body])).toEqual([[good.headers.get("x-shopify-webhook-id"), true]]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
