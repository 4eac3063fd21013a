// App proxy verification for the proxy.* routes. The library answers a bad
// signature or a stale timestamp with a bare 400; the storefront contract is a
// JSON 401, so it is translated here.
import { authenticate } from "~/shopify.server";
import { proxyError, proxyLanguage } from "./proxy.server";

export interface ProxyCaller {
  shop: string;
  /** Signed `logged_in_customer_id`; null for guests. Never taken from the body or the path. */
  customerShopifyId: string | null;
  lang: "en" | "ar";
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function proxyJson(status: number, body: unknown): Response {
  return proxyJsonText(status, JSON.stringify(body));
}

/** Same as proxyJson for a body that is already JSON text. */
export function proxyJsonText(status: number, json: string): Response {
  return new Response(json, {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" },
  });
}

/** Returns the verified caller, or throws a JSON 401 Response. */
export async function verifyProxyRequest(request: Request): Promise<ProxyCaller> {
  const lang = proxyLanguage(request.headers.get("accept-language"));
  const unauthorized = () => {
    const e = proxyError(401, "UNAUTHORIZED", lang);
    return proxyJson(e.status, e.body);
  };
  try {
    await authenticate.public.appProxy(request);
  } catch (err) {
    if (err instanceof Response) throw unauthorized();
    throw err;
  }
  const params = new URL(request.url).searchParams;
  const shop = params.get("shop") ?? "";
  if (!SHOP_DOMAIN.test(shop)) throw unauthorized();
  const customer = params.get("logged_in_customer_id") ?? "";
  return { shop, customerShopifyId: /^\d{1,20}$/.test(customer) ? customer : null, lang };
}
