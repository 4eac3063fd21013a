// Admin pages rendered on the server from their real loaders, wrapped as
// app.tsx wraps them (Polaris and our translations around the router), so a
// broken component, prop or translation key fails in a test.
import { createElement as h, type ComponentType, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import { adminMessages } from "~/i18n/messages";
import { TranslationProvider } from "~/i18n";
import { mintSessionToken } from "../../dev/shopify-sim/jwt";

export type AdminLocale = "en" | "ar";

export interface AdminRouteModule {
  loader: (args: { request: Request; params: Record<string, string | undefined>; context: unknown }) => Promise<unknown>;
  default: ComponentType;
}

/** A request from the embedded admin for `shop` (a session token as App Bridge sends it); a form makes it a POST. */
export function adminRequest(shop: string, path: string, form?: Record<string, string>): Request {
  const token = mintSessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET! });
  const init: RequestInit = { headers: { Authorization: `Bearer ${token}` } };
  if (form) Object.assign(init, { method: "POST", body: new URLSearchParams(form) });
  return new Request(`${process.env.SHOPIFY_APP_URL}${path}`, init);
}

/** Polaris + our translations around a static router, as app.tsx provides them. */
export function adminShell(
  locale: AdminLocale,
  router: ReturnType<typeof createStaticRouter>,
  context: Parameters<typeof StaticRouterProvider>[0]["context"],
): ReactElement {
  const routed = h(StaticRouterProvider, { router, context });
  return h(AppProvider, { i18n: polarisEn } as never, h(TranslationProvider, { locale, messages: adminMessages(locale), children: routed }));
}

/** Renders `route` at `path` for `shop`; `pattern` (default: `path`) gives the loader its params. */
export async function renderAdminRoute(route: unknown, shop: string, path: string, options: { pattern?: string; locale?: AdminLocale } = {}): Promise<string> {
  const r = route as AdminRouteModule;
  const handler = createStaticHandler([
    { path: options.pattern ?? path.split("?")[0], loader: ({ params }) => r.loader({ request: adminRequest(shop, path), params, context: {} }), Component: r.default },
  ]);
  const context = await handler.query(new Request(`http://localhost${path}`));
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`);
  if (context.errors) throw Object.values(context.errors)[0];
  return renderToString(adminShell(options.locale ?? "en", createStaticRouter(handler.dataRoutes, context), context));
}
