import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLeanRequest, createResourceDispatcher, type ServerBuildLike } from "~/lib/resource-dispatch.server";

const build: ServerBuildLike = {
  routes: {
    root: { id: "root", path: "", module: { default: () => null } },
    "routes/webhooks.orders.create": {
      id: "routes/webhooks.orders.create",
      path: "webhooks/orders/create",
      parentId: "root",
      module: {
        action: async ({ request }) =>
          Response.json({ body: await request.text(), hmac: request.headers.get("x-shopify-hmac-sha256"), method: request.method }),
      },
    },
    "routes/proxy.loyalty": {
      id: "routes/proxy.loyalty",
      path: "proxy/loyalty",
      parentId: "root",
      module: {
        loader: async ({ request }) => {
          if (!new URL(request.url).searchParams.get("signature")) throw new Response("bad signature", { status: 401 });
          return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
        },
      },
    },
    "routes/proxy.crash": { id: "routes/proxy.crash", path: "proxy/crash", parentId: "root", module: { loader: async () => { throw new Error("boom"); } } },
    "routes/app.page": { id: "routes/app.page", path: "app/page", parentId: "root", module: { default: () => null, loader: async () => ({}) } },
  },
};

let server: http.Server;
let base = "";
beforeAll(async () => {
  const dispatch = createResourceDispatcher(build, { maxBodyBytes: 1024 });
  server = http.createServer((req, res) => {
    void dispatch(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(299);
        res.end("fallthrough");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("direct dispatch of webhook and app-proxy resource routes", () => {
  it("hands the route's action the exact raw body and headers (HMAC is computed over them)", async () => {
    const body = '{"id":1, "note":"spaces  kept"}';
    const res = await fetch(`${base}/webhooks/orders/create`, { method: "POST", body, headers: { "X-Shopify-Hmac-Sha256": "abc=" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body, hmac: "abc=", method: "POST" });
  });

  it("a thrown Response is the answer (401 on a bad proxy signature)", async () => {
    const res = await fetch(`${base}/proxy/loyalty?shop=x`);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("bad signature");
    const ok = await fetch(`${base}/proxy/loyalty?signature=s`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
  });

  it("an oversized body gets 413 with a reason; a crash gets 500", async () => {
    const res = await fetch(`${base}/webhooks/orders/create`, { method: "POST", body: "x".repeat(5000) });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/exceeds 1024 bytes/);
    expect((await fetch(`${base}/proxy/crash`)).status).toBe(500);
  });

  it("UI routes, unknown paths and methods without a handler fall through to Remix", async () => {
    expect((await fetch(`${base}/app/page`)).status).toBe(299);
    expect((await fetch(`${base}/webhooks/unknown`, { method: "POST", body: "{}" })).status).toBe(299);
    expect((await fetch(`${base}/webhooks/orders/create`)).status).toBe(299);
  });
});

describe("createLeanRequest (the dispatcher's Request)", () => {
  const url = "https://app.example/proxy/loyalty?shop=s.myshopify.com&signature=abc";
  const bodyText = '\uFEFF{"note":"café ✓"}';
  const lean = () => createLeanRequest(url, "POST", new Headers({ "content-type": "application/json", "X-Shopify-Topic": "orders/create" }), Buffer.from(bodyText, "utf8"));
  const real = () => new Request(url, { method: "POST", headers: { "content-type": "application/json", "X-Shopify-Topic": "orders/create" }, body: bodyText });

  it("reads like undici's Request: method, url, headers, text (BOM dropped), json, arrayBuffer, instanceof", async () => {
    const [a, b] = [lean(), real()];
    expect(a instanceof Request).toBe(true);
    expect([a.method, a.url, a.headers.get("x-shopify-topic")]).toEqual([b.method, b.url, b.headers.get("x-shopify-topic")]);
    expect(await a.text()).toBe(await b.text());
    expect(await lean().json()).toEqual(await real().json());
    expect(new Uint8Array(await lean().arrayBuffer())).toEqual(new Uint8Array(await real().arrayBuffer()));
  });

  it("a body reads once, as Fetch says: bodyUsed turns true and a second read is a TypeError", async () => {
    const a = lean();
    expect(a.bodyUsed).toBe(false);
    await a.text();
    expect(a.bodyUsed).toBe(true);
    await expect(a.json()).rejects.toThrow(TypeError);
  });

  it("everything else is served by a real Request built on demand (signal, clone, formData, body)", async () => {
    const a = lean();
    expect(a.signal).toBeInstanceOf(AbortSignal);
    expect(await a.clone().text()).toBe(await real().text());
    const form = createLeanRequest("https://x.example/f", "POST", new Headers({ "content-type": "application/x-www-form-urlencoded" }), Buffer.from("a=1&b=two"));
    expect(Object.fromEntries(await form.formData())).toEqual({ a: "1", b: "two" });
    const get = createLeanRequest("https://x.example/g", "GET", new Headers(), undefined);
    expect([get.body, await get.text()]).toEqual([null, ""]);
  });
});
