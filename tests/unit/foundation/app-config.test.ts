import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES } from "~/lib/scopes";

const root = path.resolve(import.meta.dirname, "../../..");
const toml = fs.readFileSync(path.join(root, "shopify.app.toml"), "utf8");
const routes = fs.readdirSync(path.join(root, "app/routes")).filter((f) => f.startsWith("webhooks."));

interface Subscription {
  handledBy: string;
  topic: string;
  compliance: boolean;
  uri: string;
}

function subscriptions(): Subscription[] {
  const out: Subscription[] = [];
  const re = /# Handled by: (\S+)\s*\n\s*\[\[webhooks\.subscriptions\]\]\s*\n\s*(compliance_topics|topics) = \[ "([^"]+)" \]\s*\n\s*uri = "([^"]+)"/g;
  for (const m of toml.matchAll(re)) out.push({ handledBy: m[1], compliance: m[2] === "compliance_topics", topic: m[3], uri: m[4] });
  return out;
}

describe("shopify.app.toml", () => {
  it("is the app Retain, embedded, on API version 2026-07", () => {
    expect(toml).toMatch(/^name = "Retain"$/m);
    expect(toml).toMatch(/^embedded = true$/m);
    expect(toml).toMatch(/^api_version = "2026-07"$/m);
  });

  it("asks for every scope the product needs", () => {
    const scopes = toml.match(/^scopes = "([^"]+)"/m)![1].split(",");
    for (const s of ["read_orders", "read_all_orders", "read_customers", "write_customers", "write_discounts", "write_app_proxy"]) {
      expect(scopes).toContain(s);
    }
    // The app's configured scopes (and the simulator's grant) equal the toml's.
    expect([...DEFAULT_SCOPES].sort()).toEqual([...scopes].sort());
  });

  it("subscribes to every topic, each with a # Handled by: comment naming a route file that exists", () => {
    const subs = subscriptions();
    const topics = subs.map((s) => s.topic).sort();
    expect(topics).toEqual(
      [
        "app/scopes_update", "app/uninstalled", "bulk_operations/finish", "customers/create", "customers/data_request",
        "customers/delete", "customers/redact", "customers/update", "orders/cancelled", "orders/create", "orders/paid",
        "orders/updated", "refunds/create", "shop/redact",
      ].sort(),
    );
    for (const s of subs) {
      expect(fs.existsSync(path.join(root, s.handledBy))).toBe(true);
      expect(s.handledBy).toBe(`/app/routes/webhooks.${s.topic.replace("/", ".")}.tsx`);
      expect(s.uri).toBe(`/webhooks/${s.topic}`);
    }
    expect(subs.filter((s) => s.compliance).map((s) => s.topic).sort()).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
    expect(routes.length).toBe(subs.length);
  });

  it("declares the app proxy at /apps/retain", () => {
    expect(toml).toMatch(/\[app_proxy\][^[]*prefix = "apps"/);
    expect(toml).toMatch(/\[app_proxy\][^[]*subpath = "retain"/);
  });
});
