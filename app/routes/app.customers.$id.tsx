// One customer: history, CLV with its range, P(alive), next order, RFM group.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getCustomerDetail } from "~/services/analytics/customers.server";
import { getCustomerLoyalty } from "~/services/loyalty/customer.server";
import { CustomerLoyaltyCard } from "~/components/loyalty/customer-loyalty-card";
import { useLocale, useT } from "~/i18n";
import { formatDate, formatMoney, formatNumber, formatPercent } from "~/lib/format";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = z.string().regex(/^\d{1,20}$/).safeParse(params.id);
  if (!id.success) throw new Response("Invalid customer id", { status: 400 });
  const detail = await getCustomerDetail(prisma, session.shop, id.data);
  if (!detail) throw new Response("Customer not found", { status: 404 });
  const loyalty = await getCustomerLoyalty(prisma, session.shop, id.data);
  return { detail, loyalty };
};

function Stat({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">{label}</Text>
        <Text as="p" variant="headingLg">{value}</Text>
        {help ? <Text as="p" tone="subdued" variant="bodySm">{help}</Text> : null}
      </BlockStack>
    </Card>
  );
}

export default function CustomerPage() {
  const { detail, loyalty } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const m = detail.metric;
  const currency = detail.currencyCode;
  const tz = detail.timeZone;
  const title = detail.name ?? detail.email ?? t("customers.unnamed", { id: detail.customerShopifyId });
  return (
    <Page title={title} subtitle={detail.email ?? undefined} backAction={{ content: t("customers.title"), url: "/app/customers" }}>
      <TitleBar title={title} />
      <Layout>
        {m ? (
          <Layout.Section>
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="300">
              <Stat
                label={t("customers.detail.predictedClv")}
                value={formatMoney(m.predictedClvMinor, currency, locale)}
                help={m.clvLowMinor !== null && m.clvHighMinor !== null ? t("customers.detail.clvRange", { low: formatMoney(m.clvLowMinor, currency, locale), high: formatMoney(m.clvHighMinor, currency, locale) }) : t("customers.detail.noRange")}
              />
              <Stat label={t("customers.detail.historicalClv")} value={formatMoney(m.historicalClvMinor, currency, locale)} help={t("customers.detail.orders", { count: formatNumber(m.ordersCount, locale) })} />
              <Stat label={t("customers.detail.pAlive")} value={formatPercent(m.pAlive, locale, 0)} help={m.churnRisk ? t(`customers.risk.${m.churnRisk}`) : t("customers.detail.noPAlive")} />
              <Stat label={t("customers.detail.expectedPurchases")} value={formatNumber(m.expectedPurchases, locale, 2)} />
              <Stat label={t("customers.detail.nextOrder")} value={formatDate(m.nextOrderAt, tz, locale)} help={t("customers.detail.nextOrderHelp")} />
              <Card>
                <BlockStack gap="100">
                  <Text as="h3" variant="headingSm">{t("customers.detail.rfmGroup")}</Text>
                  <Text as="p" variant="headingLg">{t(`segments.group.${m.rfmGroup}`)}</Text>
                  {m.rfm ? <Text as="p" tone="subdued">{t("customers.detail.rfmScores", { r: formatNumber(m.rfm.r, locale), f: formatNumber(m.rfm.f, locale), m: formatNumber(m.rfm.m, locale) })}</Text> : null}
                  <Text as="p" tone="subdued" variant="bodySm">{t(`segments.description.${m.rfmGroup}`) === `segments.description.${m.rfmGroup}` ? m.rfmDescription : t(`segments.description.${m.rfmGroup}`)}</Text>
                  {m.previousRfmGroup && m.previousRfmGroup !== m.rfmGroup ? (
                    <Badge>{t("customers.detail.previousGroup", { group: t(`segments.group.${m.previousRfmGroup}`) })}</Badge>
                  ) : null}
                  <Text as="p" tone="subdued" variant="bodySm">{t("customers.detail.shopifyRfmNotAvailable")}</Text>
                </BlockStack>
              </Card>
            </InlineGrid>
          </Layout.Section>
        ) : (
          <Layout.Section>
            <Card><Text as="p" tone="subdued">{t("customers.detail.noMetrics")}</Text></Card>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">{t("customers.detail.history", { shown: formatNumber(detail.orders.length, locale), total: formatNumber(detail.ordersTotal, locale) })}</Text>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
                headings={[t("customers.detail.order"), t("customers.detail.date"), t("customers.detail.total"), t("customers.detail.refunded"), t("customers.detail.net"), t("customers.detail.status")]}
                rows={detail.orders.map((o) => [
                  o.name ?? o.shopifyId,
                  formatDate(o.processedAt, tz, locale),
                  formatMoney(o.totalMinor, currency, locale),
                  formatMoney(o.refundedMinor, currency, locale),
                  formatMoney(o.netMinor, currency, locale),
                  o.test ? t("customers.detail.statusTest") : o.cancelled ? t("customers.detail.statusCancelled") : t("customers.detail.statusCounted"),
                ])}
              />
              {m ? (
                <Text as="p" tone="subdued" variant="bodySm">
                  {t("customers.detail.modelInputs", { x: formatNumber(m.frequency, locale), tx: formatNumber(m.recencyWeeks, locale, 1), T: formatNumber(m.ageWeeks, locale, 1), model: m.model ?? "—", date: formatDate(m.computedAt, tz, locale) })}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <CustomerLoyaltyCard loyalty={loyalty as unknown as Parameters<typeof CustomerLoyaltyCard>[0]["loyalty"]} timeZone={tz} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
