import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useLocation, useNavigation, useRouteError, useRouteLoaderData } from "@remix-run/react";
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
import { PageSkeleton, RouteErrorPage, classifyRouteError } from "~/components/shared/route-states";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// Every page has a document title before App Bridge's title bar sets the page's own (error pages included).
export const meta = () => [{ title: "Retain" }];

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

type AppData = Awaited<ReturnType<typeof loader>>;

// The admin passes `locale` only when it loads the app; in-app links and form posts don't carry it.
// Reloading this layout then would fall back to English, so it keeps its data unless a locale is given.
export const shouldRevalidate: ShouldRevalidateFunction = ({ nextUrl, defaultShouldRevalidate }) =>
  nextUrl.searchParams.has("locale") ? defaultShouldRevalidate : false;

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

function Shell({ data, children }: { data: AppData; children: React.ReactNode }) {
  const { apiKey, appBridgeUrl, locale, messages, polaris } = data;
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} i18n={polaris as unknown as TranslationDictionary} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <TranslationProvider locale={locale} messages={messages}>
        <Nav />
        {children}
      </TranslationProvider>
    </AppProvider>
  );
}

/** Moving to another page shows a skeleton; a page that reloads itself (filters, forms) keeps its own content or skeleton. */
function Content() {
  const navigation = useNavigation();
  const location = useLocation();
  const leaving = navigation.state === "loading" && navigation.location.pathname !== location.pathname && !navigation.formMethod;
  return leaving ? <PageSkeleton /> : <Outlet />;
}

export default function App() {
  return (
    <Shell data={useLoaderData<typeof loader>()}>
      <Content />
    </Shell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("routes/app");
  const response = isRouteErrorResponse(error) ? error : null;
  // Shopify's auth throws responses (session-token bounce, 401 retry, 410 for bots) whose bodies
  // must reach the browser as they are; so does anything thrown before the layout had its data.
  if (!data || (response && (response.status < 400 || response.status === 401 || response.status === 410))) return boundary.error(error);
  const detail = response ? (typeof response.data === "string" ? response.data : response.statusText) : undefined;
  return (
    <Shell data={data}>
      <RouteErrorPage kind={classifyRouteError(response ? response.status : null)} detail={detail || undefined} />
    </Shell>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
