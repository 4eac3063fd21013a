// Campaign results: verdict, conversion, revenue per customer, incremental revenue
// and incremental margin with 95 % CIs, cumulative revenue per customer by group,
// and cancel (with a confirmation) while the campaign runs.
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, DataTable, InlineGrid, InlineStack, Layout, Modal, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { useEffect, useState } from "react";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getCampaign, progressOf } from "~/services/campaigns/campaigns.server";
import { CampaignServiceError } from "~/services/campaigns/errors.server";
import { actorOf, launchProgressOf, readLaunchJob, runCancelAction } from "~/services/campaigns/page.server";
import { buildCampaignReport } from "~/services/campaigns/results.server";
import { useT } from "~/i18n";
import { useFormat } from "~/i18n/format";
import type { Formatter } from "~/lib/format";
import { CampaignStatusBadge } from "~/components/campaigns/status-badge";
import { CumulativeRevenueChart } from "~/components/campaigns/results-chart";
import { LaunchProgress } from "~/components/campaigns/launch-progress";
import { usePollWhile } from "~/components/shared/use-poll";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  let campaign;
  try {
    campaign = await getCampaign(prisma, session.shop, params.id ?? "");
  } catch (err) {
    if (err instanceof CampaignServiceError && err.reason === "not_found") throw new Response("Not found", { status: 404 });
    throw err;
  }
  const progress = progressOf(campaign);
  const launching = campaign.status === "DRAFT" || campaign.status === "LAUNCHING";
  const [shopRow, job] = await Promise.all([
    prisma.shop.findUnique({ where: { shop: session.shop }, select: { currencyCode: true } }),
    launching ? readLaunchJob(prisma, session.shop, campaign.id) : null,
  ]);
  const header = {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    progress,
    launch: launchProgressOf(campaign, job),
    // Offer windows are whole UTC days (the wizard sends YYYY-MM-DDT00:00:00Z), so they are shown in UTC.
    startsAt: campaign.startsAt.toISOString(),
    endsAt: campaign.endsAt.toISOString(),
    currency: shopRow?.currencyCode ?? "USD",
  };
  if (launching || campaign.status === "FAILED") return { header, report: null };
  return { header, report: await buildCampaignReport(prisma, campaign, new Date()) };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== "cancel") return Response.json({ ok: false, error: "unknown_action" }, { status: 400 });
  return runCancelAction(prisma, session.shop, actorOf(session), params.id ?? "", new Date());
};

type Report = NonNullable<Awaited<ReturnType<typeof loader>>["report"]>;
type EstimateJson = Report["results"]["incrementalMargin"];


function MetricCard({ title, estimate, format, testId }: { title: string; estimate: EstimateJson; format: (v: number) => string; testId: string }) {
  const t = useT();
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        <div data-testid={testId}>
          <Text as="p" variant="headingLg">
            {estimate.estimate === null ? "—" : format(estimate.estimate)}
          </Text>
        </div>
        <Text as="p" tone="subdued" variant="bodySm">
          {estimate.ci ? t("campaigns.results.ci", { lower: format(estimate.ci.lower), upper: format(estimate.ci.upper) }) : t("campaigns.results.noCi")}
        </Text>
        <Text as="p" tone={estimate.significant ? "success" : "subdued"} variant="bodySm">
          {estimate.significant ? t("campaigns.results.significant") : t(`campaigns.results.reason.${estimate.reason ?? "interval_includes_zero"}`)}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function CampaignResults() {
  const { header, report } = useLoaderData<typeof loader>();
  const t = useT();
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  const [confirming, setConfirming] = useState(false);
  const launching = header.status === "LAUNCHING" || header.status === "DRAFT";
  // The launch job updates the campaign row after every batch: poll until it is RUNNING (or failed).
  usePollWhile(launching);
  useEffect(() => {
    if (fetcher.data?.ok) setConfirming(false);
  }, [fetcher.data]);

  const cancellable = header.status === "RUNNING" || header.status === "LAUNCHING";
  const currency = report?.currency ?? header.currency;
  const f = useFormat({ currency, timeZone: "UTC" });
  const money = (minor: number) => f.money(minor);
  const pct = (x: number | null | undefined, digits = 1) => f.percent(x, digits);
  const p = header.progress;

  return (
    <Page
      title={header.name}
      subtitle={t("campaigns.window", { start: f.date(header.startsAt), end: f.date(header.endsAt) })}
      titleMetadata={<CampaignStatusBadge status={header.status} />}
      backAction={{ content: t("campaigns.title"), url: "/app/campaigns" }}
      secondaryActions={cancellable ? [{ content: t("campaigns.cancel.action"), destructive: true, onAction: () => setConfirming(true) }] : []}
    >
      <TitleBar title={header.name} />
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t("campaigns.cancel.title")}
        primaryAction={{ content: t("campaigns.cancel.confirm"), destructive: true, loading: fetcher.state !== "idle", onAction: () => fetcher.submit({ intent: "cancel" }, { method: "post" }) }}
        secondaryActions={[{ content: t("campaigns.cancel.keep"), onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("campaigns.cancel.body")}</Text>
        </Modal.Section>
      </Modal>
      <Layout>
        {fetcher.data && !fetcher.data.ok ? (
          <Layout.Section>
            <Banner tone="critical">{t("campaigns.cancel.failed")}</Banner>
          </Layout.Section>
        ) : null}
        {launching ? (
          <Layout.Section>
            <Card>
              <LaunchProgress progress={header.launch} />
            </Card>
          </Layout.Section>
        ) : null}
        {header.status === "FAILED" ? (
          <Layout.Section>
            <Banner tone="critical" title={t("campaigns.failed")}>
              {p.error ?? ""}
            </Banner>
          </Layout.Section>
        ) : null}
        {report ? (
          <>
            <Layout.Section>
              <Banner tone={report.verdict.significant ? (report.verdict.kind === "significant_gain" ? "success" : "critical") : "info"} title={t("campaigns.results.verdict")}>
                <p data-testid="campaign-verdict">{t(`campaigns.verdict.${report.verdict.kind}`, verdictParams(report, f, t))}</p>
              </Banner>
            </Layout.Section>
            <Layout.Section>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                <MetricCard title={t("campaigns.results.conversion")} estimate={report.results.conversionDifference} format={(v) => pct(v)} testId="metric-conversion" />
                <MetricCard title={t("campaigns.results.rpc")} estimate={report.results.revenuePerCustomerDifference} format={money} testId="metric-rpc" />
                <MetricCard title={t("campaigns.results.incrementalRevenue")} estimate={report.results.incrementalRevenue} format={money} testId="metric-revenue" />
                <MetricCard title={t("campaigns.results.incrementalMargin")} estimate={report.results.incrementalMargin} format={money} testId="metric-margin" />
              </InlineGrid>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("campaigns.results.groups")}
                  </Text>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                    headings={["", t("campaigns.results.customers"), t("campaigns.results.buyers"), t("campaigns.results.conversionRate"), t("campaigns.results.rpcShort"), t("campaigns.results.discount")]}
                    rows={(["treatment", "control"] as const).map((g) => {
                      const s = report.results[g];
                      return [t(`campaigns.results.${g}`), f.number(s.n), f.number(s.conversions), pct(s.conversionRate), s.revenuePerCustomer === null ? "—" : money(s.revenuePerCustomer), money(s.discountMinor)];
                    })}
                  />
                  <Text as="p" tone="subdued" variant="bodySm">
                    {t("campaigns.results.attribution", { redemptions: f.number(report.redemptions), orders: f.number(report.orders.treatment + report.orders.control), margin: pct(report.results.grossMarginRate, 0) })}
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("campaigns.results.chartTitle")}
                  </Text>
                  <CumulativeRevenueChart series={report.series} currency={currency} />
                </BlockStack>
              </Card>
            </Layout.Section>
            {report.campaign.codes.length > 0 ? (
              <Layout.Section>
                <InlineStack gap="200">
                  <Text as="p" tone="subdued">
                    {t("campaigns.results.code", { code: report.campaign.codes.join(", ") })}
                  </Text>
                </InlineStack>
              </Layout.Section>
            ) : null}
          </>
        ) : null}
      </Layout>
    </Page>
  );
}

function verdictParams(report: Report, f: Formatter, t: ReturnType<typeof useT>): Record<string, string | number> {
  const v = report.verdict.params;
  const money = (minor: number) => f.money(minor);
  const effect = v.effect === undefined ? "" : money(report.verdict.kind === "significant_loss" ? Math.abs(v.effect) : v.effect);
  return {
    effect,
    lower: v.lower === undefined ? "" : money(v.lower),
    upper: v.upper === undefined ? "" : money(v.upper),
    days: v.days === undefined ? "" : f.number(v.days),
    daysLeft: v.daysLeft === undefined ? "" : f.number(v.daysLeft),
    detail: v.reason ? t(`campaigns.results.reason.${v.reason}`) : (v.detail ?? ""),
  };
}
