// The one shopifyApp() instance. Everything Shopify-facing imports from here.
import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import prisma from "./db.server";
import { getEnv } from "./env.server";
import { CachedSessionStorage } from "./lib/cached-session-storage.server";
import { installRequestAdapter } from "./lib/shopify-request-adapter.server";
import { simulatorFetch } from "./lib/simulator-fetch.server";
import { DEFAULT_SCOPES } from "./lib/scopes";
import { onShopAuthenticated } from "./services/shop-install.server";

export const API_VERSION = ApiVersion.July26; // 2026-07, see docs/decisions/0002-api-version.md

const env = getEnv();

// The library's request conversion, without its per-header re-canonicalization
// (same result; ADR 016). Runs after the adapter imports above, which set theirs.
installRequestAdapter();

// Development against the local Admin API simulator: every call the library
// makes to https://<shop>/… is sent to the simulator instead. env.server.ts
// refuses SHOPIFY_SIMULATOR_URL in production or for a non-local host
// (docs/decisions/0004-offline-shopify-simulator.md).
if (env.SHOPIFY_SIMULATOR_URL) {
  setAbstractFetchFunc(simulatorFetch(env.SHOPIFY_SIMULATOR_URL, globalThis.fetch) as typeof fetch);
}


// Concurrent calls for one shop share one database round (Remix runs the parent
// and child loaders of the first page load at the same time).
const recording = new Map<string, Promise<void>>();
function recordShopAuthenticated(shop: string): Promise<void> {
  let pending = recording.get(shop);
  if (!pending) {
    pending = onShopAuthenticated(prisma, shop).finally(() => recording.delete(shop));
    recording.set(shop, pending);
  }
  return pending;
}

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: env.SCOPES ? env.SCOPES.split(",").map((s) => s.trim()) : DEFAULT_SCOPES,
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new CachedSessionStorage(new PrismaSessionStorage(prisma)),
  distribution: AppDistribution.AppStore,
  // Token exchange with Shopify managed installation (scopes from shopify.app.toml).
  future: { unstable_newEmbeddedAuthStrategy: true },
  hooks: {
    afterAuth: async ({ session }) => {
      await recordShopAuthenticated(session.shop);
    },
  },
  // The library logs every webhook and app-proxy call at INFO ("Authenticating …"):
  // one line per storefront request is noise and measurable CPU at volume. Our own
  // structured logs (app/lib/log.server.ts) say what happened; RETAIN_LOG=debug
  // brings the library's lines back.
  logger: { level: process.env.RETAIN_LOG === "debug" ? LogSeverity.Debug : LogSeverity.Warning },
  ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
/**
 * authenticate.admin, plus a guarantee that the shop's row exists when it
 * returns. On the first page load Remix runs the app layout's and the page's
 * loaders at once: one exchanges the session token and runs afterAuth (which
 * records the shop), the other can find the freshly stored session and go on
 * before that row is written. Known shops are remembered per process.
 */
const knownShops = new Set<string>();
const authenticateAdmin = (async (request: Request) => {
  const context = await shopify.authenticate.admin(request);
  const shop = context.session.shop;
  if (!knownShops.has(shop)) {
    await recordShopAuthenticated(shop);
    knownShops.add(shop);
  }
  return context;
}) as typeof shopify.authenticate.admin;

export const authenticate = { ...shopify.authenticate, admin: authenticateAdmin };
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
