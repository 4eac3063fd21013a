// A local stand-in for the part of Shopify admin that opens an embedded app:
// it mints session tokens (signed with the app secret, as Shopify does), sends
// the browser to the app with `id_token`, and serves the App Bridge stand-in.
// Development and tests only (docs/decisions/0004-offline-shopify-simulator.md).
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mintSessionToken } from "../shopify-sim/jwt";

export interface AdminShellOptions {
  port?: number;
  appUrl: string;
  apiKey: string;
  apiSecret: string;
  shops: string[];
}

export interface AdminShell {
  url: string;
  appBridgeUrl: string;
  /** The URL a merchant would click in admin to open Retain for a shop. */
  openAppUrl(shop: string, opts?: { path?: string; locale?: string }): string;
  close(): Promise<void>;
}

const standin = fs.readFileSync(new URL("./app-bridge-standin.js", import.meta.url), "utf8");

export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64").replace(/=+$/, "");
}

export function embeddedAppUrl(opts: { appUrl: string; apiKey: string; apiSecret: string; shop: string; path?: string; locale?: string }): string {
  const target = new URL(opts.path ?? "/app", opts.appUrl);
  target.searchParams.set("embedded", "1");
  target.searchParams.set("shop", opts.shop);
  target.searchParams.set("host", hostParam(opts.shop));
  target.searchParams.set("locale", opts.locale ?? "en");
  target.searchParams.set("id_token", mintSessionToken({ shop: opts.shop, apiKey: opts.apiKey, apiSecret: opts.apiSecret, userId: 1 }));
  return target.toString();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function startAdminShell(options: AdminShellOptions): Promise<AdminShell> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const cors = { "Access-Control-Allow-Origin": "*" };
    if (url.pathname === "/app-bridge.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", ...cors });
      res.end(standin);
      return;
    }
    if (url.pathname === "/session-token") {
      const shop = url.searchParams.get("shop") ?? "";
      if (!options.shops.includes(shop)) {
        res.writeHead(404, { "content-type": "application/json", ...cors });
        res.end(JSON.stringify({ error: `unknown shop ${shop}` }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", ...cors });
      res.end(JSON.stringify({ token: mintSessionToken({ shop, apiKey: options.apiKey, apiSecret: options.apiSecret, userId: 1 }) }));
      return;
    }
    const m = url.pathname.match(/^\/store\/([a-z0-9-]+)\/apps\/retain(\/.*)?$/);
    if (m) {
      const shop = `${m[1]}.myshopify.com`;
      if (!options.shops.includes(shop)) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end(`No demo shop ${shop}`);
        return;
      }
      const location = embeddedAppUrl({
        ...options,
        shop,
        path: `/app${m[2] && m[2] !== "/" ? m[2] : ""}`,
        locale: url.searchParams.get("locale") ?? "en",
      });
      res.writeHead(302, { location, "cache-control": "no-store" });
      res.end();
      return;
    }
    if (url.pathname === "/") {
      const items = options.shops
        .map((s) => {
          const name = s.replace(/\.myshopify\.com$/, "");
          return `<li><a href="/store/${name}/apps/retain">${escapeHtml(s)}</a> · <a href="/store/${name}/apps/retain?locale=ar" lang="ar">العربية</a></li>`;
        })
        .join("");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Retain demo admin</title></head><body style="font:16px system-ui;max-width:40rem;margin:3rem auto"><main><h1>Retain demo admin</h1><p>Open Retain for a demo shop:</p><ul>${items}</ul></main></body></html>`);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    appBridgeUrl: `${url}/app-bridge.js`,
    openAppUrl: (shop, o) =>
      `${url}/store/${shop.replace(/\.myshopify\.com$/, "")}/apps/retain${o?.path ?? ""}${o?.locale ? `?locale=${o.locale}` : ""}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
