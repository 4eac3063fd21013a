// The per-process caches on the request hot path: the TTL cache and the
// session storage wrapper that authenticate.webhook / appProxy read through.
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { describe, expect, it } from "vitest";
import { CachedSessionStorage, sessionCacheTtlMs } from "~/lib/cached-session-storage.server";
import { TtlCache } from "~/lib/ttl-cache.server";

class CountingStorage implements SessionStorage {
  readonly rows = new Map<string, Session>();
  loads = 0;
  async storeSession(s: Session) {
    this.rows.set(s.id, s);
    return true;
  }
  async loadSession(id: string) {
    this.loads++;
    await new Promise((r) => setTimeout(r, 1));
    return this.rows.get(id);
  }
  async deleteSession(id: string) {
    return this.rows.delete(id);
  }
  async deleteSessions(ids: string[]) {
    for (const id of ids) this.rows.delete(id);
    return true;
  }
  async findSessionsByShop(shop: string) {
    return [...this.rows.values()].filter((s) => s.shop === shop);
  }
}

const offline = (token: string) => new Session({ id: "offline_a.myshopify.com", shop: "a.myshopify.com", state: "", isOnline: false, accessToken: token });

describe("TtlCache", () => {
  it("serves a value until its TTL passes, then loads again", async () => {
    let now = 1_000;
    const cache = new TtlCache<number>(500, 10, () => now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.getOrLoad("k", load)).toBe(1);
    now += 499;
    expect(await cache.getOrLoad("k", load)).toBe(1);
    now += 1;
    expect(await cache.getOrLoad("k", load)).toBe(2);
  });

  it("shares one load between concurrent misses and does not cache a failed load", async () => {
    const cache = new TtlCache<string>(1_000);
    let loads = 0;
    const slow = () => new Promise<string>((r) => setTimeout(() => r(`v${++loads}`), 5));
    expect(await Promise.all(Array.from({ length: 20 }, () => cache.getOrLoad("k", slow)))).toEqual(Array(20).fill("v1"));
    await expect(cache.getOrLoad("bad", () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await cache.getOrLoad("bad", async () => "recovered")).toBe("recovered");
  });

  it("never holds more than maxEntries (oldest evicted first)", () => {
    const cache = new TtlCache<number>(60_000, 3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    expect([cache.get("k6"), cache.get("k7"), cache.get("k8"), cache.get("k9")]).toEqual([undefined, 7, 8, 9]);
  });
});

describe("CachedSessionStorage", () => {
  it("loads a session from the database once per TTL, including a miss", async () => {
    const inner = new CountingStorage();
    await inner.storeSession(offline("t1"));
    const cached = new CachedSessionStorage(inner, 60_000);
    for (let i = 0; i < 5; i++) expect((await cached.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("t1");
    for (let i = 0; i < 5; i++) expect(await cached.loadSession("offline_b.myshopify.com")).toBeUndefined();
    expect(inner.loads).toBe(2);
  });

  it("a store or delete through it is visible at once (reinstall, uninstall in this process)", async () => {
    const inner = new CountingStorage();
    const cached = new CachedSessionStorage(inner, 60_000);
    expect(await cached.loadSession("offline_a.myshopify.com")).toBeUndefined();
    await cached.storeSession(offline("t2"));
    expect((await cached.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("t2");
    await cached.deleteSessions(["offline_a.myshopify.com"]);
    expect(await cached.loadSession("offline_a.myshopify.com")).toBeUndefined();
  });

  it("is off under NODE_ENV=test and configurable with RETAIN_SESSION_CACHE_MS", () => {
    expect(sessionCacheTtlMs({ NODE_ENV: "test" })).toBe(0);
    expect(sessionCacheTtlMs({ NODE_ENV: "production" })).toBe(5_000);
    expect(sessionCacheTtlMs({ NODE_ENV: "production", RETAIN_SESSION_CACHE_MS: "250" })).toBe(250);
    expect(sessionCacheTtlMs({ NODE_ENV: "production", RETAIN_SESSION_CACHE_MS: "-1" })).toBe(5_000);
  });
});
