import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER_COOKIE, StorefrontSimError, startStorefrontSim, verifyAppProxySignature, type StorefrontSim } from "../../../dev/storefront-sim/index";

const SECRET = "sim-test-secret";
const NOW_MS = 1_795_000_000_123;

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

// A stand-in app behind the proxy that records what Shopify would have forwarded.
let app: Server;
let appUrl: string;
const seen: Seen[] = [];
let sim: StorefrontSim;

beforeAll(async () => {
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://app.local");
      seen.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (url.pathname === "/proxy/page") {
        res.writeHead(200, { "content-type": "application/liquid" });
        res.end("{% layout none %}<p id=\"who\">{% if customer %}{{ customer.first_name }}{% else %}guest{% endif %}</p>");
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "set-cookie": "app_session=leak; Path=/", "x-app": "retain" });
      res.end(JSON.stringify({ ok: true, path: url.pathname }));
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  sim = await startStorefrontSim({ shop: "retain-dev.myshopify.com", appProxyTarget: `${appUrl}/proxy`, apiSecret: SECRET, now: () => NOW_MS });
});

afterAll(async () => {
  await sim.close();
  await new Promise<void>((r) => app.close(() => r()));
});

const get = (path: string, init: RequestInit = {}) => fetch(`${sim.url}${path}`, { redirect: "manual", ...init });

async function signIn(id: string): Promise<string> {
  const res = await get(`/account/login?customer=${id}`);
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/account");
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  expect(cookie).toBe(`${CUSTOMER_COOKIE}=${id}`);
  return cookie;
}

describe("storefront simulator", () => {
  it("renders the account page for a guest and, after fixture sign-in, the customer's balance", async () => {
    const guest = await (await get("/account")).text();
    expect(guest).toContain('data-testid="retain-sign-in"');
    expect(guest).not.toContain('data-testid="retain-balance"');
    const cookie = await signIn("7001");
    const signedIn = await (await get("/account", { headers: { cookie } })).text();
    expect(signedIn).toMatch(/data-testid="retain-balance">1200</);
    expect(signedIn).toMatch(/data-testid="retain-tier">Gold</);
  });

  it("forwards /apps/retain/* with Shopify's signed query, for a signed-in customer", async () => {
    const cookie = await signIn("7001");
    const res = await get("/apps/retain/loyalty?x=1", { headers: { cookie, "x-custom": "kept" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, path: "/proxy/loyalty" });
    const req = seen.at(-1) as Seen;
    expect(req.path).toBe("/proxy/loyalty");
    expect(req.query.get("shop")).toBe("retain-dev.myshopify.com");
    expect(req.query.get("logged_in_customer_id")).toBe("7001");
    expect(req.query.get("path_prefix")).toBe("/apps/retain");
    expect(req.query.get("timestamp")).toBe(String(Math.floor(NOW_MS / 1000)));
    expect(req.query.get("x")).toBe("1");
    expect(verifyAppProxySignature(req.query, SECRET)).toBe(true);
    // Shopify strips cookies both ways and adds forwarding headers.
    expect(req.headers.cookie).toBeUndefined();
    expect(req.headers["x-custom"]).toBe("kept");
    expect(req.headers["x-forwarded-host"]).toBe(new URL(sim.url).host);
    expect(req.headers["x-forwarded-for"]).toBeTruthy();
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("x-app")).toBe("retain");
  });

  it("sends an empty logged_in_customer_id for guests, still signed", async () => {
    await get("/apps/retain/loyalty");
    const req = seen.at(-1) as Seen;
    expect(req.query.getAll("logged_in_customer_id")).toEqual([""]);
    expect(verifyAppProxySignature(req.query, SECRET)).toBe(true);
  });

  it("keeps the method and the exact body of a redemption POST", async () => {
    const cookie = await signIn("7002");
    const body = JSON.stringify({ rewardId: "r_1", requestKey: "0f8e6c2a-4b7d-4e21-9a3c-5d6e7f809a1b" });
    const res = await get("/apps/retain/redeem", { method: "POST", headers: { cookie, "content-type": "application/json" }, body });
    expect(res.status).toBe(200);
    const req = seen.at(-1) as Seen;
    expect(req.method).toBe("POST");
    expect(req.body).toBe(body);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.query.get("logged_in_customer_id")).toBe("7002");
  });

  it("renders an application/liquid proxy answer with the storefront's Liquid objects", async () => {
    const cookie = await signIn("7001");
    const html = await (await get("/apps/retain/page", { headers: { cookie } })).text();
    expect(html).toBe('<p id="who">Amina</p>');
  });

  it("?locale=ar and /ar/ paths render Arabic right-to-left", async () => {
    for (const path of ["/account?locale=ar", "/ar/account"]) {
      const html = await (await get(path)).text();
      expect(html).toContain('<html lang="ar" dir="rtl">');
      expect(html).toContain("تسجيل الدخول");
    }
    expect((await get("/account?locale=xx")).status).toBe(400);
  });

  it("serves the extension assets and nothing outside them", async () => {
    const js = await get("/assets/retain-loyalty.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(await js.text()).toContain("RetainLoyalty");
    expect((await get("/assets/..%2F..%2Fpackage.json")).status).toBe(404);
    expect((await get("/assets/retain-loyalty.liquid")).status).toBe(404);
  });

  it("refuses unknown customers and off-site return_to redirects", async () => {
    expect((await get("/account/login?customer=9999")).status).toBe(404);
    const res = await get("/account/login?customer=7001&return_to=//evil.example");
    expect(res.headers.get("location")).toBe("/account");
  });

  it("answers 502 TEMPORARY_FAILURE when the app is down", async () => {
    const down = await startStorefrontSim({ shop: "retain-dev.myshopify.com", appProxyTarget: "http://127.0.0.1:1/proxy", apiSecret: SECRET });
    try {
      const res = await fetch(`${down.url}/apps/retain/loyalty`);
      expect(res.status).toBe(502);
      expect((await res.json()).error.code).toBe("TEMPORARY_FAILURE");
    } finally {
      await down.close();
    }
  });

  it("rejects bad options with typed reasons", async () => {
    const base = { shop: "retain-dev.myshopify.com", appProxyTarget: "http://127.0.0.1:3000/proxy", apiSecret: SECRET };
    const reason = async (o: object) => {
      try {
        await startStorefrontSim(o as never);
        return "started";
      } catch (err) {
        return err instanceof StorefrontSimError ? err.reason : String(err);
      }
    };
    expect(await reason({ ...base, shop: "example.com" })).toBe("INVALID_OPTIONS");
    expect(await reason({ ...base, apiSecret: "" })).toBe("INVALID_SECRET");
    expect(await reason({ ...base, appProxyTarget: "ftp://x" })).toBe("INVALID_OPTIONS");
    expect(await reason({ ...base, locale: "fr" })).toBe("UNKNOWN_LOCALE");
    expect(await reason({ ...base, panelSettings: { colour: "#000" } })).toBe("UNKNOWN_BLOCK");
    const c = { id: "1", firstName: "A", email: "a@example.com" };
    expect(await reason({ ...base, customers: [c, c] })).toBe("DUPLICATE_CUSTOMER");
  });
});
