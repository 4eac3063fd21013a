// Signed app-proxy requests into the real route modules, as Shopify would forward them.
import type { PrismaClient } from "@prisma/client";
import { startSimulator, type Simulator } from "../../../dev/shopify-sim";
import { signAppProxyQuery } from "../../../dev/storefront-sim/app-proxy";

export interface ProxyHarness {
  sim: Simulator;
  loyaltyRoute: typeof import("~/routes/proxy.loyalty");
  redeemRoute: typeof import("~/routes/proxy.redeem");
}

/** The Admin API simulator and the two proxy routes, loaded after the app's Admin client is pointed at the simulator. */
export async function startProxyHarness(): Promise<ProxyHarness> {
  const sim = await startSimulator({ apiKey: process.env.SHOPIFY_API_KEY as string, apiSecret: process.env.SHOPIFY_API_SECRET as string });
  // Must be set before ~/shopify.server is first imported: the app's Admin client then talks to the simulator.
  process.env.SHOPIFY_SIMULATOR_URL = sim.url;
  return { sim, loyaltyRoute: await import("~/routes/proxy.loyalty"), redeemRoute: await import("~/routes/proxy.redeem") };
}

/** A USD shop with the app installed in the simulator, its offline session stored, and these customers. */
export async function installProxyShop(db: PrismaClient, sim: Simulator, shop: string, customers: { id: number; email: string }[]): Promise<void> {
  sim.reset();
  sim.createShop({ domain: shop, currencyCode: "USD" } as never);
  const { accessToken, scope } = sim.installApp(shop) as { accessToken: string; scope: string };
  await db.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken, scope } });
  await sim.upsertCustomers(shop, customers as never);
}

export interface SignOptions {
  secret?: string;
  timestamp?: number;
  /** Parameters changed after signing (forgery attempts). */
  tamper?: Record<string, string>;
}

export function signedProxyUrl(shop: string, path: string, customer: string | null, opts: SignOptions = {}): string {
  const params = new URLSearchParams({
    shop,
    logged_in_customer_id: customer ?? "",
    path_prefix: "/apps/retain",
    timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
  });
  params.set("signature", signAppProxyQuery(params, opts.secret ?? (process.env.SHOPIFY_API_SECRET as string)));
  for (const [k, v] of Object.entries(opts.tamper ?? {})) params.set(k, v);
  return `${process.env.SHOPIFY_APP_URL}/proxy/${path}?${params}`;
}

type Handler = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;

/** Calls a loader or action; a thrown Response (401) is the answer. */
export async function callRoute(handler: Handler, request: Request): Promise<{ status: number; body: any }> {
  const res = await handler({ request, params: {}, context: {} }).catch((r: unknown) => {
    if (r instanceof Response) return r;
    throw r;
  });
  return { status: res.status, body: await res.json() };
}
