import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookHmac, type Simulator } from "../../../dev/shopify-sim/index";
import { API_SECRET, fixture, startTestSim } from "./helpers";

let sim: Simulator;
let app: Server;
const hooks: Array<{ path: string; hmac: string; raw: string }> = [];

beforeAll(async () => {
  app = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      hooks.push({ path: req.url ?? "", hmac: String(req.headers["x-shopify-hmac-sha256"]), raw });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  sim = await startTestSim();
});
afterAll(async () => {
  await sim.close();
  await new Promise<void>((r) => app.close(() => r()));
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};

describe("control API over HTTP", () => {
  it("creates a shop, installs the app and seeds webhook-shaped payloads", async () => {
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    expect((await call("POST", "/_sim/shops", { domain: "ctl-shop", currencyCode: "EUR", ianaTimezone: "Europe/Berlin", plan: "Shopify Plus" })).status).toBe(201);
    const inst = await call("POST", "/_sim/shops/ctl-shop.myshopify.com/install", { appUrl });
    expect(inst.body.accessToken).toMatch(/^shpat_/);
    expect((await call("POST", "/_sim/shops/ctl-shop.myshopify.com/customers?webhook=1", [fixture("customers-create")])).body).toEqual({ upserted: 1 });
    expect((await call("POST", "/_sim/shops/ctl-shop.myshopify.com/orders", fixture("orders-create"))).body).toEqual({ upserted: 1 });
    const refund = await call("POST", "/_sim/shops/ctl-shop.myshopify.com/refunds", fixture("refunds-create"));
    expect(refund.body.orderId).toBe("820982911946154508");
    const shop = await call("GET", "/_sim/shops/ctl-shop.myshopify.com");
    // the order's embedded customer is created too
    expect(shop.body.counts).toMatchObject({ customers: 2, orders: 1 });
    expect(shop.body.shop).toMatchObject({ currencyCode: "EUR", ianaTimezone: "Europe/Berlin", plan: { publicDisplayName: "Shopify Plus" } });
    await sim.settle();
    const created = hooks.find((h) => h.path === "/webhooks/customers/create");
    expect(created?.hmac).toBe(webhookHmac(created!.raw, API_SECRET));
  });

  it("fans an order upsert out to orders/create + orders/paid, then orders/updated + orders/cancelled, sharing event ids", async () => {
    const shop = "ctl-shop.myshopify.com";
    const base = { id: 555, name: "#1555", financial_status: "paid", total_price: "10.00", line_items: [] };
    await sim.upsertOrders(shop, base, { webhook: true });
    await sim.upsertOrders(shop, { ...base, cancelled_at: "2026-11-01T00:00:00Z", cancel_reason: "customer" }, { webhook: true });
    await sim.settle();
    const deliveries = sim.webhookDeliveries.filter((d) => d.topic.startsWith("orders/"));
    expect(deliveries.map((d) => d.topic)).toEqual(["orders/create", "orders/paid", "orders/updated", "orders/cancelled"]);
    const ev = deliveries.map((d) => d.headers["X-Shopify-Event-Id"]);
    expect(ev[0]).toBe(ev[1]);
    expect(ev[2]).toBe(ev[3]);
    expect(ev[0]).not.toBe(ev[2]);
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(4); // webhook ids are unique per delivery
  });

  it("sends customers/update when the app's own tagsAdd changes a customer", async () => {
    const res = await sim.graphql("ctl-shop.myshopify.com", `mutation { tagsAdd(id: "gid://shopify/Customer/706405506930370084", tags: ["retain:gold"]) { userErrors { message } } }`);
    expect(res.body.data.tagsAdd.userErrors).toEqual([]);
    await sim.settle();
    const upd = hooks.filter((h) => h.path === "/webhooks/customers/update").at(-1);
    expect(JSON.parse(upd!.raw)).toMatchObject({ id: 706405506930370084, tags: "retain:gold" });
    expect(upd!.hmac).toBe(webhookHmac(upd!.raw, API_SECRET));
    await sim.graphql("ctl-shop.myshopify.com", `mutation { tagsRemove(id: "gid://shopify/Customer/706405506930370084", tags: ["retain:gold"]) { userErrors { message } } }`);
  });

  it("drops a webhook on request and redelivers one with the same X-Shopify-Webhook-Id and body", async () => {
    const shop = "ctl-shop.myshopify.com";
    expect((await call("POST", "/_sim/webhooks/drop", { topic: "customers/create", count: 1 })).status).toBe(200);
    const before = hooks.length;
    await sim.upsertCustomers(shop, { id: 4242, email: "lost@example.com" }, { webhook: true });
    await sim.settle();
    expect(hooks.length).toBe(before); // lost
    const lost = sim.webhookDeliveries.at(-1)!;
    expect(lost).toMatchObject({ topic: "customers/create", dropped: true, status: null });

    const re = await call("POST", `/_sim/webhooks/${lost.id}/redeliver`);
    expect(re.body.delivery).toMatchObject({ id: lost.id, status: 200, ok: true });
    await sim.settle();
    const got = hooks.at(-1)!;
    expect(got.path).toBe("/webhooks/customers/create");
    expect(got.raw).toBe(lost.body);
    expect(got.hmac).toBe(webhookHmac(got.raw, API_SECRET));
    expect((await call("POST", "/_sim/webhooks/nope/redeliver")).status).toBe(404);
  });

  it("reads tags, deletes customers, sets throttle state and lists requests", async () => {
    expect((await call("GET", "/_sim/shops/ctl-shop.myshopify.com/customers/706405506930370084/tags")).body).toEqual({ tags: [] });
    const t = await call("PUT", "/_sim/shops/ctl-shop.myshopify.com/throttle", { currentlyAvailable: 0, restoreRate: 1 });
    expect(t.body).toEqual({ maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 1 });
    const gql = await sim.graphql("ctl-shop.myshopify.com", `query Q { customers(first: 10) { nodes { id } } }`);
    expect(gql.body.errors?.[0].extensions.code).toBe("THROTTLED");
    expect((await call("DELETE", "/_sim/shops/ctl-shop.myshopify.com/customers/706405506930370084")).body).toEqual({ deleted: true });
    const log = await call("GET", "/_sim/requests");
    expect(log.body.requests.at(-1)).toMatchObject({ operationName: "Q", throttled: true, valid: true });
  });

  it("answers clear 4xx errors for bad control input", async () => {
    expect(await call("GET", "/_sim/shops/nope.myshopify.com")).toMatchObject({ status: 404, body: { error: "unknown_shop" } });
    expect(await call("POST", "/_sim/shops", { domain: "Not A Domain!" })).toMatchObject({ status: 400, body: { error: "invalid_shop" } });
    expect(await call("POST", "/_sim/shops", { domain: "x2", currencyCode: "euro" })).toMatchObject({ status: 400, body: { error: "invalid_currency" } });
    expect(await call("POST", "/_sim/faults", { kind: "meteor" })).toMatchObject({ status: 400, body: { error: "invalid_fault" } });
    expect(await call("POST", "/_sim/shops/ctl-shop.myshopify.com/refunds", { order_id: 1 })).toMatchObject({ status: 404, body: { error: "not_found" } });
    expect((await call("GET", "/_sim/unknown")).status).toBe(404);
  });

  it("reset drops every shop and token", async () => {
    await call("POST", "/_sim/reset");
    expect((await call("GET", "/_sim/shops")).body).toEqual({ shops: [] });
    expect(sim.store.tokens.size).toBe(0);
  });
});
