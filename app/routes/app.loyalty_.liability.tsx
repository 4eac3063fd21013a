// Points-liability report: outstanding points, their value at reward cost,
// expected breakage and the month-end trend (docs/loyalty.md, "Liability").
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getLiabilityReport, storeLiabilitySnapshot } from "~/services/loyalty/liability.server";
import { formatDateTime, formatMoney, formatMonth, formatNumber, formatPercent } from "~/lib/format";
import { useLocale, useT } from "~/i18n";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [page, shop] = await Promise.all([
    getLiabilityReport(prisma, session.shop, new Date()),
    prisma.shop.findUnique({ where: { shop: session.shop }, select: { ianaTimezone: true } }),
  ]);
  return { ...page, timeZone: shop?.ianaTimezone ?? "UTC" };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  await storeLiabilitySnapshot(prisma, session.shop, new Date());
  return { ok: true };
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

export default function LiabilityPage() {
  const { report, stored, timeZone } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  const money = (v: number | null) => (v === null ? t("loyalty.liability.noValue") : formatMoney(v, report.currency, locale));
  const pts = (v: number | null) => (v === null ? "—" : formatNumber(v, locale));
  // Trend points are month ends in UTC (liability.server.ts): name the month they close.
  const monthOf = (iso: string) => formatMonth(iso.slice(0, 7), locale);
  return (
    <Page title={t("loyalty.liability.title")} backAction={{ content: t("loyalty.title"), url: "/app/loyalty" }}>
      <TitleBar title={t("loyalty.liability.title")} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="300">
              <Stat label={t("loyalty.liability.outstanding")} value={pts(report.outstandingPoints)} help={t("loyalty.liability.split", { pending: pts(report.pendingPoints), spendable: pts(report.spendablePoints) })} />
              <Stat label={t("loyalty.liability.value")} value={money(report.outstandingValueMinor)} help={t(`loyalty.liability.basis.${report.valuation.basis}`)} />
              <Stat label={t("loyalty.liability.expected")} value={money(report.expectedLiabilityMinor)} help={report.breakageRate === null ? t("loyalty.liability.noHistory") : t("loyalty.liability.breakage", { rate: formatPercent(report.breakageRate, locale, 1), points: pts(report.expectedBreakagePoints) })} />
              <Stat label={t("loyalty.liability.debt")} value={pts(report.debtPoints)} help={t("loyalty.liability.debtHelp", { customers: pts(report.customersWithDebt) })} />
              <Stat label={t("loyalty.liability.members")} value={pts(report.members)} />
            </InlineGrid>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">{t("loyalty.liability.trend")}</Text>
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                  headings={[t("loyalty.liability.month"), t("loyalty.liability.pending"), t("loyalty.liability.spendable"), t("loyalty.liability.outstanding"), t("loyalty.liability.debt")]}
                  rows={report.trend.map((p) => [monthOf(p.at), pts(p.pendingPoints), pts(p.spendablePoints), pts(p.outstandingPoints), pts(p.debtPoints)])}
                />
              </BlockStack>
            </Card>
            <Text as="p" tone="subdued">{stored ? t("loyalty.liability.storedAt", { at: formatDateTime(report.computedAt, timeZone, locale) }) : t("loyalty.liability.live")}</Text>
            <Form method="post">
              <Button submit loading={busy}>{t("loyalty.liability.recompute")}</Button>
            </Form>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
