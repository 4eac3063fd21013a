// authenticate.webhook and authenticate.public.appProxy load the shop's
// offline session from the database on every request; at webhook rates that
// read competes with the inbox writes. This wrapper keeps loaded sessions
// (and misses) for a few seconds. Writes through this process invalidate at
// once; a session deleted by another process (app/uninstalled in the worker)
// stays visible here for at most the TTL, which only means a delivery for a
// just-uninstalled shop may still be accepted into the inbox — harmless.
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { TtlCache } from "./ttl-cache.server";

/**
 * RETAIN_SESSION_CACHE_MS overrides. Off under NODE_ENV=test, where tests
 * rewrite the Session table directly between cases.
 */
export function sessionCacheTtlMs(env: Record<string, string | undefined> = process.env): number {
  const configured = Number(env.RETAIN_SESSION_CACHE_MS);
  if (env.RETAIN_SESSION_CACHE_MS !== undefined && Number.isFinite(configured) && configured >= 0) return configured;
  return env.NODE_ENV === "test" ? 0 : 5_000;
}

export class CachedSessionStorage<S extends SessionStorage> implements SessionStorage {
  // null marks a cached miss, so an uninstalled shop's deliveries do not hit the DB either.
  private readonly cache: TtlCache<Session | null>;

  constructor(
    readonly inner: S,
    ttlMs = sessionCacheTtlMs(),
  ) {
    this.cache = new TtlCache<Session | null>(ttlMs);
  }

  async storeSession(session: Session): Promise<boolean> {
    this.cache.delete(session.id);
    const ok = await this.inner.storeSession(session);
    this.cache.delete(session.id);
    return ok;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.cache.getOrLoad(id, async () => (await this.inner.loadSession(id)) ?? null);
    return session ?? undefined;
  }

  async deleteSession(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.inner.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) this.cache.delete(id);
    return this.inner.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    return this.inner.findSessionsByShop(shop);
  }

  /** PrismaSessionStorage's readiness probe, passed through when the inner storage has one. */
  async isReady(): Promise<boolean> {
    const inner = this.inner as unknown as { isReady?: () => Promise<boolean> };
    return inner.isReady ? inner.isReady() : true;
  }

  /** Forget everything (tests; after a bulk session change). */
  clear(): void {
    this.cache.clear();
  }
}
