// Signed app-proxy requests into the real route modules, as Shopify would forward them.
import { signAppProxyQuery } from "../../../dev/storefront-sim/app-proxy";

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
