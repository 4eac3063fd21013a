import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { DEFAULT_FIXTURE_CUSTOMERS, type FixtureCustomer } from "../../../dev/storefront-sim/fixtures";
import { StorefrontRenderer, type PageContext } from "../../../dev/storefront-sim/liquid";
import { WIDGET_SOURCE } from "../../../dev/storefront-sim/paths";

const renderer = new StorefrontRenderer();
const amina = DEFAULT_FIXTURE_CUSTOMERS.find((c) => c.id === "7001") as FixtureCustomer;
const chen = DEFAULT_FIXTURE_CUSTOMERS.find((c) => c.id === "7003") as FixtureCustomer;
const ctx = (customer: FixtureCustomer | null, locale = "en"): PageContext => ({ shop: "retain-dev.myshopify.com", locale, customer, path: "/account", host: "127.0.0.1" });
const panel = { handle: "loyalty-panel", id: "p1" };
const launcher = { handle: "loyalty-launcher", id: "l1" };
const testIds = (html: string) => new Set([...html.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1]));
const i18nBlocks = (html: string) =>
  [...html.matchAll(/<script type="application\/json" data-retain-i18n>([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]) as Record<string, string>);

describe("loyalty panel Liquid", () => {
  let fetchSpy: MockInstance<typeof fetch>;
  beforeEach(() => {
    fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("no network during render"));
  });
  afterEach(() => fetchSpy.mockRestore());

  it("a guest sees how the program works and a sign-in / create-account call to action, nothing personal", async () => {
    const html = await renderer.renderPage([panel, launcher], ctx(null), { title: "Account" });
    const ids = testIds(html);
    expect(ids.has("retain-guest")).toBe(true);
    for (const personal of ["retain-balance", "retain-tier", "retain-next-tier", "retain-activity", "retain-expiring", "retain-pending"]) {
      expect(ids.has(personal), personal).toBe(false);
    }
    expect(html).toContain('data-logged-in="false"');
    expect(html).toMatch(/<a class="retain-button" href="\/account\/login" data-testid="retain-sign-in">Sign in<\/a>/);
    expect(html).toMatch(/href="\/account\/register" data-testid="retain-register">Create account<\/a>/);
    expect(html).toContain("Earn points on every order");
    for (const c of DEFAULT_FIXTURE_CUSTOMERS) {
      expect(html).not.toContain(c.email);
      expect(html).not.toContain(c.firstName);
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("a signed-in customer sees balance, tier and progress from $app:retain metafields with no network call", async () => {
    const html = await renderer.renderPage([panel], ctx(amina), { title: "Account" });
    expect(html).toMatch(/<strong data-retain-balance data-testid="retain-balance">1200<\/strong>/);
    expect(html).toMatch(/<strong data-retain-tier data-testid="retain-tier">Gold<\/strong>/);
    expect(html).toContain('aria-valuenow="60"');
    expect(html).toContain('style="inline-size: 60%;"');
    expect(html).toMatch(/data-testid="retain-next-tier">800 points to Platinum</);
    expect(html).toContain('data-logged-in="true"');
    expect(testIds(html).has("retain-guest")).toBe(false);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("a customer without metafields still gets the panel with reserved slots for live data", async () => {
    const html = await renderer.renderPage([panel], ctx(chen), { title: "Account" });
    expect(html).toMatch(/data-testid="retain-balance"><\/strong>/);
    expect(html).toMatch(/data-testid="retain-tier">Member<\/strong>/);
    expect(html).toContain('aria-valuenow="0"');
    // Five skeleton activity rows (the block default) and three reward rows hold the space until data arrives.
    expect(html.match(/retain-skeleton--row/g)?.length).toBe(5);
    expect(html.match(/<li class="retain-skeleton"/g)?.length).toBe(3);
  });

  it("escapes metafield and setting values (a tier name cannot inject markup)", async () => {
    const evil: FixtureCustomer = { ...amina, metafields: { balance: 5, tier: '<img src=x onerror="alert(1)">', nextTier: { name: "</script><b>", remaining: 1, progress: 0.5 } } };
    const html = await renderer.renderPage([{ ...panel, settings: { heading: "<i>Hi</i>" } }], ctx(evil), { title: "Account" });
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<i>Hi</i>");
    expect(html).toContain("&lt;img src=x");
    expect(html).not.toMatch(/<\/script><b>/);
  });

  it("Arabic renders right-to-left with Arabic strings", async () => {
    const html = await renderer.renderPage([panel, launcher], ctx(amina, "ar"), { title: "Account" });
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain("رصيد النقاط");
    expect(html).toMatch(/800 نقطة للوصول إلى Platinum/);
    expect(html).not.toContain("translation missing");
  });

  it("schema javascript and stylesheet are included once per page, the script deferred", async () => {
    const html = await renderer.renderPage([panel, launcher], ctx(amina), { title: "Account" });
    expect(html.match(/<script src="\/assets\/retain-loyalty\.js" defer><\/script>/g)?.length).toBe(1);
    expect(html.match(/<link rel="stylesheet" href="\/assets\/retain-loyalty\.css">/g)?.length).toBe(1);
  });

  it("the launcher honours show_for_guests, position and renders a labelled dialog with a lazy panel", async () => {
    const hidden = await renderer.renderBlock({ ...launcher, settings: { show_for_guests: false } }, ctx(null));
    expect(hidden).not.toContain("retain-launcher__button");
    const shown = await renderer.renderBlock({ ...launcher, settings: { show_for_guests: false, position: "left" } }, ctx(amina));
    expect(shown).toContain("retain-launcher--left");
    expect(shown).toContain('aria-controls="retain-dialog-l1"');
    expect(shown).toContain('aria-labelledby="retain-h-l1"');
    expect(shown).toContain('id="retain-h-l1"');
    expect(shown).toMatch(/<section[^>]*data-lazy/);
    expect(shown).toContain('aria-label="Close"');
  });

  it("gives the widget every string it asks for, in both locales", async () => {
    const used = new Set([...readFileSync(WIDGET_SOURCE, "utf8").matchAll(/this\.t\('(\w+)'/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(15);
    for (const locale of ["en", "ar"]) {
      const blocks = i18nBlocks(await renderer.renderPage([panel], ctx(amina, locale), { title: "Account" }));
      expect(blocks.length).toBe(1);
      for (const key of used) expect(blocks[0][key], `${locale} ${key}`).toBeTruthy();
      expect(blocks[0].next_tier).toMatch(/\[remaining\].*\[tier\]|\[tier\].*\[remaining\]/);
    }
  });
});
