// Insights dashboard: KPIs with period comparison, cohorts, CLV, segments,
// backtest and model info. Reads the precomputed ANALYTICS snapshot.
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineStack, Layout, Link, List, Page, Select, Text, TextField, Button } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getInsights, InsightsInputError, requestRecompute, type InsightsRange } from "~/services/analytics/insights.server";
import { useT } from "~/i18n";
import { useFormat } from "~/i18n/format";
import { KpiCards } from "~/components/analytics/kpi-cards";
import { CohortHeatmap, type CohortMeasure } from "~/components/analytics/cohort-heatmap";
import { SegmentTable } from "~/components/analytics/segment-table";
import { BacktestCharts, ChartsProvider, ClvDistributionChart } from "~/components/analytics/charts";
import { ModelInfo, SufficiencyBanner } from "~/components/analytics/model-info";
import { AnalyticsSkeleton, ErrorBanner, NoAnalyticsYet } from "~/components/analytics/states";
import { RecomputeProgressView } from "~/components/analytics/recompute-progress";
import { usePollWhile } from "~/components/shared/use-poll";
import { STANDARD_RANGES } from "~/components/analytics/types";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: vizStyles }];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const querySchema = z.object({
  range: z.enum([...STANDARD_RANGES, "custom"]).default("30d"),
  start: day.optional(),
  end: day.optional(),
  cohorts: z.enum(["activeShare", "cumulativePerCustomerMinor"]).default("activeShare"),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const query = parsed.success ? parsed.data : querySchema.parse({});
  let range: InsightsRange = { kind: "standard", range: query.range === "custom" ? "30d" : query.range };
  // Custom days are UTC calendar days; the end day is included.
  if (query.range === "custom" && query.start && query.end) {
    range = { kind: "custom", start: new Date(`${query.start}T00:00:00Z`), end: new Date(Date.parse(`${query.end}T00:00:00Z`) + 86_400_000) };
  }
  try {
    const insights = await getInsights(prisma, session.shop, { range });
    return { insights, cohortMeasure: query.cohorts as CohortMeasure, error: parsed.success ? null : "invalid-query" };
  } catch (err) {
    if (!(err instanceof InsightsInputError)) throw err;
    const insights = await getInsights(prisma, session.shop, { range: { kind: "standard", range: "30d" } });
    return { insights, cohortMeasure: query.cohorts as CohortMeasure, error: err.reason };
  }
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== "recompute") return Response.json({ ok: false, error: "unknown_action" }, { status: 400 });
  await requestRecompute(prisma, session.shop, new Date());
  return { ok: true as const };
};

function RangePicker() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const current = params.get("range") ?? "30d";
  const [start, setStart] = useState(params.get("start") ?? "");
  const [end, setEnd] = useState(params.get("end") ?? "");
  const apply = (next: Record<string, string>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) p.set(k, v);
    setParams(p);
  };
  return (
    <InlineStack gap="300" blockAlign="end">
      <Select
        label={t("insights.range.label")}
        options={[...STANDARD_RANGES.map((r) => ({ label: t(`insights.range.${r}`), value: r })), { label: t("insights.range.custom"), value: "custom" }]}
        value={current}
        onChange={(value) => (value === "custom" ? apply({ range: "custom" }) : apply({ range: value }))}
      />
      {current === "custom" ? (
        <>
          <TextField label={t("insights.range.start")} type="date" value={start} onChange={setStart} autoComplete="off" />
          <TextField label={t("insights.range.end")} type="date" value={end} onChange={setEnd} autoComplete="off" />
          <Button onClick={() => apply({ range: "custom", start, end })} disabled={!start || !end}>
            {t("insights.range.apply")}
          </Button>
        </>
      ) : null}
    </InlineStack>
  );
}

export default function Insights() {
  const { insights, cohortMeasure, error } = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat({ currency: insights.currencyCode, timeZone: insights.timeZone });
  const navigation = useNavigation();
  const [params, setParams] = useSearchParams();
  const recompute = useFetcher<typeof action>();
  const title = t("insights.title");
  const progress = insights.recompute;
  // Poll the job row while a recompute is queued (slowly: it may be debounced) or running; the loader stops it by returning null.
  usePollWhile(progress !== null, progress?.status === "running" ? 2000 : 5000);
  // Say so when a run this page watched has finished and the numbers below are new.
  const watched = useRef(false);
  useEffect(() => {
    if (progress) watched.current = true;
    else if (watched.current) {
      watched.current = false;
      window.shopify?.toast.show(t("insights.recompute.finished"));
    }
  }, [progress, t]);
  useEffect(() => {
    if (recompute.data?.ok) window.shopify?.toast.show(t("insights.recompute.requested"));
  }, [recompute.data, t]);
  // A new range or cohort view reloads this page (a custom range is computed on demand): show the skeleton meanwhile.
  if (navigation.state === "loading" && navigation.location.pathname === "/app/insights") return <AnalyticsSkeleton title={title} />;
  const { currencyCode: currency } = insights;
  const running = progress?.status === "running";

  return (
    <Page
      title={title}
      subtitle={insights.asOf ? t("insights.asOf", { date: f.dateTime(insights.asOf) }) : undefined}
      primaryAction={{
        content: t("insights.recompute.action"),
        onAction: () => recompute.submit({ intent: "recompute" }, { method: "post" }),
        loading: recompute.state !== "idle",
        // A running job picks up new data through its queued follow-up; with no orders there is nothing to compute.
        disabled: running || insights.orderCount === 0,
      }}
    >
      <TitleBar title={title} />
      <BlockStack gap="500">
        {error ? <ErrorBanner message={t(`insights.error.${error}`)} /> : null}
        {progress ? (
          <Card>
            <BlockStack gap="200">
              <RecomputeProgressView progress={progress} />
              {insights.state === "ready" ? (
                <Text as="p" tone="subdued" variant="bodySm">
                  {t("insights.refreshing")}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        ) : null}
        {insights.state !== "ready" ? (
          <NoAnalyticsYet state={insights.state} />
        ) : (
          <ChartsProvider>
            <Layout>
              <Layout.Section>
                <Card>
                  <BlockStack gap="400">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h2" variant="headingMd">{t("insights.kpis.title")}</Text>
                      <RangePicker />
                    </InlineStack>
                    {insights.kpis ? <KpiCards report={insights.kpis} currency={currency} timeZone={insights.timeZone} /> : null}
                  </BlockStack>
                </Card>
              </Layout.Section>

              {insights.clv ? (
                <Layout.Section>
                  <Card>
                    <BlockStack gap="400">
                      <Text as="h2" variant="headingMd">{t("insights.clv.title")}</Text>
                      <SufficiencyBanner clv={insights.clv} />
                      <Text as="p">
                        {t("insights.clv.total", { total: f.money(insights.clv.totalPredictedClvMinor) })}
                      </Text>
                      {insights.clv.distribution.length > 0 ? <ClvDistributionChart distribution={insights.clv.distribution} currency={currency} /> : null}
                      <Text as="p" tone="subdued">
                        {t("insights.churn.summary", {
                          high: f.number(insights.clv.churn.counts.HIGH),
                          medium: f.number(insights.clv.churn.counts.MEDIUM),
                          low: f.number(insights.clv.churn.counts.LOW),
                        })}
                      </Text>
                    </BlockStack>
                  </Card>
                </Layout.Section>
              ) : null}

              <Layout.Section>
                <Card>
                  <BlockStack gap="400">
                    <Text as="h2" variant="headingMd">{t("segments.title")}</Text>
                    <SegmentTable segments={insights.segments} currency={currency} />
                    {insights.movement ? (
                      <BlockStack gap="200">
                        <Text as="h3" variant="headingSm">
                          {t("segments.movement.title", { date: f.date(insights.movement.since) })}
                        </Text>
                        <Text as="p">
                          {t("segments.movement.summary", { moved: f.number(insights.movement.moved), unchanged: f.number(insights.movement.unchanged), entered: f.number(insights.movement.entered), left: f.number(insights.movement.left) })}
                        </Text>
                        <List>
                          {insights.movement.flows.slice(0, 6).map((flow) => (
                            <List.Item key={`${flow.from}-${flow.to}`}>
                              {t("segments.movement.flow", { from: t(`segments.group.${flow.from}`), to: t(`segments.group.${flow.to}`), customers: f.number(flow.customers) })}
                            </List.Item>
                          ))}
                        </List>
                      </BlockStack>
                    ) : null}
                  </BlockStack>
                </Card>
              </Layout.Section>

              {insights.cohorts ? (
                <Layout.Section>
                  <Card>
                    <BlockStack gap="400">
                      <InlineStack align="space-between" blockAlign="center">
                        <Text as="h2" variant="headingMd">{t("insights.cohorts.title")}</Text>
                        <Select
                          label={t("insights.cohorts.measure")}
                          labelInline
                          options={[
                            { label: t("insights.cohorts.caption.activeShare"), value: "activeShare" },
                            { label: t("insights.cohorts.caption.cumulativePerCustomerMinor"), value: "cumulativePerCustomerMinor" },
                          ]}
                          value={cohortMeasure}
                          onChange={(value) => {
                            const p = new URLSearchParams(params);
                            p.set("cohorts", value);
                            setParams(p);
                          }}
                        />
                      </InlineStack>
                      <CohortHeatmap cohorts={insights.cohorts.cohorts} months={insights.cohorts.months} currency={currency} measure={cohortMeasure} />
                    </BlockStack>
                  </Card>
                </Layout.Section>
              ) : null}

              {insights.clv ? (
                <Layout.Section>
                  <Card>
                    <BlockStack gap="400">
                      <Text as="h2" variant="headingMd">{t("insights.backtest.title")}</Text>
                      {insights.clv.backtest.status === "ok" ? (
                        <BacktestCharts backtest={insights.clv.backtest} />
                      ) : (
                        <Banner tone="info" title={t("insights.backtest.skipped")}>
                          <p>{insights.clv.backtest.reason}</p>
                        </Banner>
                      )}
                      <Text as="h2" variant="headingMd">{t("insights.model.title")}</Text>
                      <ModelInfo clv={insights.clv} />
                      <Link url="/app/customers">{t("insights.toCustomers")}</Link>
                    </BlockStack>
                  </Card>
                </Layout.Section>
              ) : null}
            </Layout>
          </ChartsProvider>
        )}
      </BlockStack>
    </Page>
  );
}
