import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import type { AppProviderProps } from "@shopify/polaris";

type TranslationDictionary = AppProviderProps["i18n"];
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "~/shopify.server";
import { getEnv } from "~/env.server";
import { resolveLocale, polarisTranslationsFor, useT, TranslationProvider } from "~/i18n";
import { adminMessages } from "~/i18n/messages";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const env = getEnv();
  const locale = resolveLocale(new URL(request.url).searchParams.get("locale"));
  return {
    apiKey: env.SHOPIFY_API_KEY,
    // Only set when developing against the local simulator (env.server.ts forbids it in production).
    appBridgeUrl: env.SHOPIFY_SIMULATOR_URL ? process.env.APP_BRIDGE_URL : undefined,
    locale,
    messages: adminMessages(locale),
    polaris: polarisTranslationsFor(locale),
  };
};

function Nav() {
  const t = useT();
  return (
    <NavMenu>
      <Link to="/app" rel="home">
        {t("nav.home")}
      </Link>
      <Link to="/app/insights">{t("nav.insights")}</Link>
      <Link to="/app/customers">{t("nav.customers")}</Link>
      <Link to="/app/loyalty">{t("nav.loyalty")}</Link>
      <Link to="/app/campaigns">{t("nav.campaigns")}</Link>
      <Link to="/app/segment-sync">{t("nav.segmentSync")}</Link>
      <Link to="/app/sync">{t("nav.sync")}</Link>
    </NavMenu>
  );
}

export default function App() {
  const { apiKey, appBridgeUrl, locale, messages, polaris } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={polaris as unknown as TranslationDictionary} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <TranslationProvider locale={locale} messages={messages}>
        <Nav />
        <Outlet />
      </TranslationProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so their headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
