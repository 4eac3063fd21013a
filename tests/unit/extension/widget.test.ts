import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import vm from "node:vm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_FIXTURE_CUSTOMERS, type FixtureCustomer } from "../../../dev/storefront-sim/fixtures";
import { StorefrontRenderer } from "../../../dev/storefront-sim/liquid";
import { WIDGET_ASSET } from "../../../dev/storefront-sim/paths";
import { FakeDocument, type FakeElement } from "./fake-dom";

// Runs the shipped (minified) widget against real rendered Liquid with a scripted fetch.

interface Call {
  url: string;
  method: string;
  body: { rewardId?: string; requestKey?: string } | null;
}
type Reply = { status: number; body: unknown } | Error | Promise<{ status: number; body: unknown }>;

const LOYALTY = {
  program: {
    enabled: true,
    pointsName: "points",
    currency: "USD",
    earn: { points: 1, perAmount: "1.00" },
    tiers: [
      { name: "Silver", threshold: 0 },
      { name: "Gold", threshold: 1000 },
      { name: "Platinum", threshold: 2000 },
    ],
    rewards: [
      { id: "r_2", title: "Free shipping", type: "FREE_SHIPPING", cost: 2000, value: "0.00", minimumOrder: "50.00", enabled: true },
      { id: "r_1", title: "$5 off", type: "FIXED_AMOUNT", cost: 500, value: "5.00", minimumOrder: null, enabled: true },
      { id: "r_3", title: "Retired", type: "PERCENT", cost: 100, value: "10", minimumOrder: null, enabled: false },
    ],
  },
  customer: {
    balance: 1200,
    pending: 300,
    tier: { name: "Gold" },
    nextTier: { name: "Platinum", remaining: 800, progress: 0.6 },
    expiring: { points: 100, on: "2026-12-01" },
    activity: [
      { date: "2026-10-01", points: 80, label: "Order #1001" },
      { date: "2026-09-12", points: -500, label: "Redeemed $5 off" },
      { date: "2026-08-30", points: 120, label: "Order #0998" },
      { date: "2026-08-01", points: 40, label: "Order #0990" },
    ],
  },
};

const renderer = new StorefrontRenderer();
const amina = DEFAULT_FIXTURE_CUSTOMERS[0] as FixtureCustomer;

async function page(customer: FixtureCustomer | null, locale = "en") {
  return renderer.renderPage(
    [
      { handle: "loyalty-panel", id: "p1", settings: { activity_count: 3 } },
      { handle: "loyalty-launcher", id: "l1" },
    ],
    { shop: "retain-dev.myshopify.com", locale, customer, path: "/account", host: "127.0.0.1" },
    { title: "Account" },
  );
}

function boot(html: string, replies: Reply[], crypto: object = webcrypto) {
  const calls: Call[] = [];
  const clipboard: string[] = [];
  const fetchImpl = async (url: string, init: { method?: string; body?: string } = {}) => {
    calls.push({ url, method: init.method ?? "GET", body: init.body ? JSON.parse(init.body) : null });
    const reply = replies.shift();
    if (!reply) throw new Error(`unexpected request ${url}`);
    if (reply instanceof Error) throw reply;
    const { status, body } = await reply;
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
  const document = new FakeDocument(html);
  const context: Record<string, unknown> = {
    document,
    navigator: { language: "en-US", clipboard: { writeText: async (t: string) => void clipboard.push(t) } },
    crypto,
    fetch: fetchImpl,
    // Looked up at call time so vitest's fake timers drive the widget's retry delays.
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  };
  context.window = context;
  vm.createContext(context);
  vm.runInContext(readFileSync(WIDGET_ASSET, "utf8"), context);
  const blockPanel = document.querySelectorAll("[data-retain-panel]").find((p) => !p.hasAttribute("data-lazy")) as FakeElement;
  const within = (sel: string) => blockPanel.querySelector(sel) as FakeElement;
  const buttons = () => blockPanel.querySelectorAll('[data-testid="retain-redeem"]');
  return { document, calls, clipboard, context, within, buttons, api: context.RetainLoyalty as Record<string, (...a: unknown[]) => Promise<Record<string, unknown>>> };
}

const settle = async () => {
  for (let i = 0; i < 30; i++) await vi.advanceTimersByTimeAsync(0);
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("storefront widget (shipped build, real Liquid markup)", () => {
  it("a signed-in shopper sees live balance, affordable rewards first with redeem buttons, activity and expiring points", async () => {
    const w = boot(await page(amina), [{ status: 200, body: LOYALTY }]);
    await settle();
    // The dialog's panel is lazy: one GET for the page.
    expect(w.calls.map((c) => `${c.method} ${c.url}`)).toEqual(["GET /apps/retain/loyalty"]);
    expect(w.within("[data-retain-balance]").textContent).toBe("1200");
    expect(w.within("[data-retain-rewards]").hasAttribute("aria-busy")).toBe(false);
    const rewards = w.within("[data-retain-rewards]").querySelectorAll('[data-testid="retain-reward"]');
    expect(rewards.map((r) => r.getAttribute("data-reward-id"))).toEqual(["r_1", "r_2"]);
    expect(w.buttons().map((b) => b.getAttribute("data-reward-id"))).toEqual(["r_1"]);
    expect(w.buttons()[0].getAttribute("aria-label")).toBe("Redeem $5 off for 500 points");
    expect(rewards[1].textContent).toContain("800 more points needed");
    expect(w.within("[data-retain-activity]").children.length).toBe(3);
    expect(w.within("[data-retain-activity]").textContent).toContain("-500");
    expect(w.within("[data-retain-expiring]").textContent).toBe("100 points expire on Dec 1, 2026");
    expect(w.within("[data-retain-pending]").textContent).toBe("300 points pending");
    expect(w.within("[data-retain-next-tier]").textContent).toBe("800 points to Platinum");
  });

  it("a guest sees the earn rate and rewards but no redeem buttons and no personal data", async () => {
    // Even if the app wrongly returned customer data, a guest panel must not show it.
    const w = boot(await page(null), [{ status: 200, body: LOYALTY }]);
    await settle();
    expect(w.within("[data-retain-earn]").textContent).toBe("Earn 1 points for every $1.00 spent");
    expect(w.within("[data-retain-rewards]").querySelectorAll('[data-testid="retain-reward"]').length).toBe(2);
    expect(w.buttons()).toEqual([]);
    const text = w.document.documentElement.textContent;
    expect(text).not.toContain("1200");
    expect(text).not.toContain("Order #1001");
  });

  it("redeem: button disabled in flight, transient failures retried with the same requestKey, then code and new balance shown", async () => {
    let release!: (r: { status: number; body: unknown }) => void;
    const slow = new Promise<{ status: number; body: unknown }>((r) => (release = r));
    const w = boot(await page(amina), [
      { status: 200, body: LOYALTY },
      slow,
      { status: 503, body: { ok: false, error: { code: "TEMPORARY_FAILURE", message: "Try again in a moment." } } },
      new Error("network down"),
      { status: 200, body: { ok: true, code: "RETAIN-7KQ2-9XPD", balance: 700, reward: LOYALTY.program.rewards[1], expiresAt: "2026-12-31T00:00:00Z" } },
    ]);
    await settle();
    const button = w.buttons()[0];
    button.click();
    await settle();
    expect(button.disabled).toBe(true);
    expect(button.textContent).toBe("Redeeming");
    expect(button.getAttribute("aria-busy")).toBe("true");
    button.click(); // ignored while in flight
    release({ status: 502, body: null });
    await settle();
    await vi.advanceTimersByTimeAsync(600);
    await settle();
    await vi.advanceTimersByTimeAsync(1800);
    await settle();
    // Three attempts (initial + two automatic retries) exhausted: the app's message is shown and the button is back.
    expect(w.within("[data-retain-error]").textContent).toBe("We could not reach the rewards service. Please try again.");
    expect(button.disabled).toBe(false);
    expect(w.document.activeElement).toBe(button);
    // The shopper retries by hand: same key again, and this time it succeeds.
    button.click();
    await settle();
    const redeems = w.calls.filter((c) => c.method === "POST");
    expect(redeems.length).toBe(4);
    expect(new Set(redeems.map((c) => c.body?.requestKey)).size).toBe(1);
    expect(redeems[0].body?.requestKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(redeems.every((c) => c.url === "/apps/retain/redeem" && c.body?.rewardId === "r_1")).toBe(true);
    expect(w.within('[data-testid="retain-code"]').textContent).toBe("RETAIN-7KQ2-9XPD");
    expect(w.within("[data-retain-balance]").textContent).toBe("700");
    expect(w.within("[data-retain-error]").textContent).toBe("");
    await vi.advanceTimersByTimeAsync(60);
    expect(w.within("[data-retain-live]").textContent).toBe("Reward redeemed. Your new balance is 700 points.");
    // Copy puts the code on the clipboard and announces it.
    w.within('[data-testid="retain-copy"]').click();
    await settle();
    await vi.advanceTimersByTimeAsync(60);
    expect(w.clipboard).toEqual(["RETAIN-7KQ2-9XPD"]);
    expect(w.within("[data-retain-live]").textContent).toBe("Code copied");
  });

  it("a definitive refusal shows the app's message, is not retried, and the next click gets a fresh requestKey", async () => {
    const refuse = { status: 409, body: { ok: false, error: { code: "INSUFFICIENT_POINTS", message: "You need 500 points for this reward." } } };
    const w = boot(await page(amina), [{ status: 200, body: LOYALTY }, refuse, refuse]);
    await settle();
    w.buttons()[0].click();
    await settle();
    expect(w.within("[data-retain-error]").textContent).toBe("You need 500 points for this reward.");
    w.buttons()[0].click();
    await settle();
    const keys = w.calls.filter((c) => c.method === "POST").map((c) => c.body?.requestKey);
    expect(keys.length).toBe(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("a failed load replaces the skeleton with a message instead of spinning forever", async () => {
    const w = boot(await page(amina), [{ status: 500, body: null }]);
    await settle();
    const list = w.within("[data-retain-rewards]");
    expect(list.hasAttribute("aria-busy")).toBe(false);
    expect(list.textContent).toBe("Rewards are unavailable right now.");
  });

  it("a paused program says so and offers nothing to redeem", async () => {
    const w = boot(await page(amina), [{ status: 200, body: { ...LOYALTY, program: { ...LOYALTY.program, enabled: false } } }]);
    await settle();
    expect(w.within("[data-retain-rewards]").textContent).toBe("The rewards program is paused.");
    expect(w.buttons()).toEqual([]);
  });

  it("Arabic pages get Arabic widget strings", async () => {
    const w = boot(await page(amina, "ar"), [{ status: 200, body: LOYALTY }]);
    await settle();
    expect(w.buttons()[0].textContent).toBe("استبدال");
    expect(w.within("[data-retain-pending]").textContent).toBe("300 نقطة قيد الانتظار");
  });

  it("launcher dialog: opens modal, focuses inside, traps Tab, Escape closes and focus returns to the launcher", async () => {
    const w = boot(await page(amina), [{ status: 200, body: LOYALTY }]);
    await settle();
    const launcher = w.document.querySelector('[data-testid="retain-launcher"]') as FakeElement;
    const dialog = w.document.querySelector('[data-testid="retain-dialog"]') as FakeElement;
    launcher.focus();
    launcher.click();
    await settle();
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(launcher.getAttribute("aria-expanded")).toBe("true");
    const close = dialog.querySelector("[data-retain-close]") as FakeElement;
    expect(w.document.activeElement).toBe(close);
    // The lazy panel reuses the page's single GET and now shows the live rewards.
    expect(w.calls.length).toBe(1);
    const dialogButtons = dialog.querySelectorAll('[data-testid="retain-redeem"]');
    expect(dialogButtons.length).toBe(1);
    // Tab from the last focusable wraps to the first; Shift+Tab from the first wraps to the last.
    const focusables = dialog.querySelectorAll('a[href],button:not([disabled])');
    const last = focusables[focusables.length - 1];
    last.focus();
    dialog.dispatch("keydown", { key: "Tab" });
    expect(w.document.activeElement).toBe(close);
    dialog.dispatch("keydown", { key: "Tab", shiftKey: true });
    expect(w.document.activeElement).toBe(last);
    dialog.dispatch("keydown", { key: "Escape" });
    expect(dialog.hasAttribute("open")).toBe(false);
    expect(launcher.getAttribute("aria-expanded")).toBe("false");
    expect(w.document.activeElement).toBe(launcher);
    // The close button does the same.
    launcher.click();
    close.click();
    expect(dialog.hasAttribute("open")).toBe(false);
    expect(w.document.activeElement).toBe(launcher);
  });

  it("postRedeem classifies answers: only network, 429 and 5xx / TEMPORARY_FAILURE are retryable", async () => {
    const w = boot("<html></html>", []);
    const post = w.api.postRedeem;
    const answer = (status: number, body: unknown) => async () => ({ ok: status < 300, status, json: async () => body });
    expect(await post("/p", "r", "k", answer(200, { ok: true, code: "C", balance: 1 }))).toEqual({ ok: true, code: "C", balance: 1, expiresAt: null });
    expect(await post("/p", "r", "k", answer(200, { ok: true }))).toMatchObject({ ok: false, retryable: false });
    expect(await post("/p", "r", "k", answer(400, { ok: false, error: { code: "INVALID_REQUEST", message: "Bad" } }))).toEqual({ ok: false, code: "INVALID_REQUEST", message: "Bad", retryable: false });
    expect(await post("/p", "r", "k", answer(401, { ok: false, error: { code: "NOT_LOGGED_IN", message: "Sign in" } }))).toMatchObject({ retryable: false });
    expect(await post("/p", "r", "k", answer(429, null))).toMatchObject({ code: "HTTP_429", retryable: true });
    expect(await post("/p", "r", "k", answer(503, { ok: false, error: { code: "TEMPORARY_FAILURE", message: "" } }))).toMatchObject({ message: null, retryable: true });
    expect(await post("/p", "r", "k", async () => Promise.reject(new Error("offline")))).toMatchObject({ code: "NETWORK", retryable: true });
  });

  it("request keys are RFC 4122 v4 UUIDs, also without crypto.randomUUID", async () => {
    const w = boot("<html></html>", [], { getRandomValues: (a: Uint8Array) => webcrypto.getRandomValues(a) });
    const keys = Array.from({ length: 50 }, () => w.api.newRequestKey() as unknown as string);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(50);
  });

  it("loads once per page even when the script is included twice", async () => {
    const html = await page(amina);
    const w = boot(html, [{ status: 200, body: LOYALTY }]);
    const first = w.context.RetainLoyalty;
    vm.runInContext(readFileSync(WIDGET_ASSET, "utf8"), w.context as vm.Context);
    await settle();
    expect(w.context.RetainLoyalty).toBe(first);
    expect(w.calls.length).toBe(1);
  });
});
