// One RFM segment: its definition and its customers.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { CUSTOMER_SORTS, describeRfmGroup, listCustomers } from "~/services/analytics/customers.server";
import { loadShopInfo } from "~/services/analytics/load.server";
import { readLatestSnapshot } from "~/services/analytics/insights.server";
import { RFM_GROUPS } from "~/domain/analytics";
import { useLocale, useT } from "~/i18n";
import { CustomerTable } from "~/components/analytics/customer-table";
import { formatMoney, formatNumber, formatPercent } from "~/lib/format";

const querySchema = z.object({
  q: z.string().max(200).optional(),
  sort: z.enum(CUSTOMER_SORTS).default("predictedClv"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const group = z.enum(RFM_GROUPS).safeParse(params.group);
  if (!group.success) throw new Response("Unknown segment", { status: 404 });
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const query = parsed.success ? parsed.data : querySchema.parse({});
  const [list, info, snapshot] = await Promise.all([
    listCustomers(prisma, session.shop, { segment: group.data, search: query.q, sort: query.sort, direction: query.dir, page: query.page }),
    loadShopInfo(prisma, session.shop),
    readLatestSnapshot(prisma, session.shop),
  ]);
  return {
    group: group.data,
    description: describeRfmGroup(group.data),
    summary: snapshot?.payload.segments.find((s) => s.group === group.data) ?? null,
    list,
    timeZone: info.timeZone,
    exportUrl: `/app/customers/export?segment=${group.data}`,
  };
};

export default function Segment() {
  const { group, description, summary, list, timeZone, exportUrl } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const title = t(`segments.group.${group}`);
  return (
    <Page title={title} backAction={{ content: t("insights.title"), url: "/app/insights" }}>
      <TitleBar title={title} />
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="p">{t(`segments.description.${group}`) === `segments.description.${group}` ? description : t(`segments.description.${group}`)}</Text>
            {summary ? (
              <Text as="p" tone="subdued">
                {t("segments.summary", {
                  customers: formatNumber(summary.customers, locale),
                  share: formatPercent(summary.share, locale),
                  revenue: formatMoney(summary.revenueMinor, list.currencyCode, locale),
                  clv: summary.averageClvMinor === null ? "—" : formatMoney(Math.round(summary.averageClvMinor), list.currencyCode, locale),
                })}
              </Text>
            ) : null}
          </BlockStack>
        </Card>
        <Card>
          <CustomerTable rows={list.rows} total={list.total} page={list.page} pages={list.pages} currency={list.currencyCode} timeZone={timeZone} fixedSegment={group} exportUrl={exportUrl} />
        </Card>
      </BlockStack>
    </Page>
  );
}
