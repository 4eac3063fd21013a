// Customer list: precomputed metrics, sortable and filterable, with CSV export.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Card, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { CUSTOMER_SORTS, listCustomers } from "~/services/analytics/customers.server";
import { loadShopInfo } from "~/services/analytics/load.server";
import { readDataState } from "~/services/analytics/insights.server";
import { RFM_GROUPS } from "~/domain/analytics";
import { useT } from "~/i18n";
import { CustomerTable } from "~/components/analytics/customer-table";
import { AnalyticsSkeleton, ErrorBanner, NoAnalyticsYet } from "~/components/analytics/states";

const customerQuerySchema = z.object({
  segment: z.enum(RFM_GROUPS).optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(CUSTOMER_SORTS).default("predictedClv"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const parsed = customerQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  const query = parsed.success ? parsed.data : customerQuerySchema.parse({});
  const [list, info, state] = await Promise.all([
    listCustomers(prisma, session.shop, { segment: query.segment, search: query.q, sort: query.sort, direction: query.dir, page: query.page }),
    loadShopInfo(prisma, session.shop),
    readDataState(prisma, session.shop),
  ]);
  const exportParams = new URLSearchParams();
  if (query.segment) exportParams.set("segment", query.segment);
  if (query.q) exportParams.set("q", query.q);
  return {
    list,
    timeZone: info.timeZone,
    state: list.computedAt ? ("ready" as const) : state.syncRunning ? ("syncing" as const) : state.orderCount > 0 ? ("computing" as const) : ("empty" as const),
    exportUrl: `/app/customers/export?${exportParams.toString()}`,
    invalidQuery: !parsed.success,
  };
};

export default function Customers() {
  const { list, timeZone, state, exportUrl, invalidQuery } = useLoaderData<typeof loader>();
  const t = useT();
  const navigation = useNavigation();
  const title = t("customers.title");
  // Sorting, filtering and paging reload this page: show the skeleton meanwhile.
  if (navigation.state === "loading" && navigation.location.pathname === "/app/customers") return <AnalyticsSkeleton title={title} />;
  return (
    <Page title={title} backAction={{ content: t("insights.title"), url: "/app/insights" }}>
      <TitleBar title={title} />
      <BlockStack gap="400">
        {invalidQuery ? <ErrorBanner message={t("insights.error.invalid-query")} /> : null}
        {list.searchTruncated ? <Banner tone="warning" title={t("customers.searchTruncated")} /> : null}
        {state !== "ready" ? (
          <NoAnalyticsYet state={state} />
        ) : (
          <Card padding="0">
            <div style={{ padding: "var(--p-space-400)" }}>
              <CustomerTable rows={list.rows} total={list.total} page={list.page} pages={list.pages} currency={list.currencyCode} timeZone={timeZone} exportUrl={exportUrl} />
            </div>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}
