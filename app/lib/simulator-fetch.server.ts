// Sends the Shopify library's requests for https://<shop>.myshopify.com/… to the
// local Admin API simulator. Only installed when SHOPIFY_SIMULATOR_URL is set,
// which env.server.ts forbids in production.
type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function rewriteShopUrl(url: string, simulatorUrl: string): { url: string; shop: string } | null {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" || !parsed.hostname.endsWith(".myshopify.com")) return null;
  const target = new URL(parsed.pathname + parsed.search, simulatorUrl);
  return { url: target.toString(), shop: parsed.hostname };
}

export function simulatorFetch(simulatorUrl: string, baseFetch: FetchLike): FetchLike {
  return (input, init) => {
    const raw = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const rewritten = rewriteShopUrl(raw, simulatorUrl);
    if (!rewritten) return baseFetch(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("x-sim-shop-domain", rewritten.shop);
    return baseFetch(rewritten.url, { ...init, headers });
  };
}
