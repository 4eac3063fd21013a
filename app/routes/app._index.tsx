import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { authenticate } from "~/shopify.server";
import { getHomeSummary } from "~/services/home.server";
import { getSetupGuide, themeEditorLinks, type SetupStep } from "~/services/setup-guide.server";
import { getInsights } from "~/services/analytics/insights.server";
import { KpiCards } from "~/components/analytics/kpi-cards";
import { useT } from "~/i18n";
import { useFormat } from "~/i18n/format";
import { RecomputeProgressView } from "~/components/analytics/recompute-progress";
import { usePollWhile } from "~/components/shared/use-poll";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const apiKey = getEnv().SHOPIFY_API_KEY;
  const [summary, guide, insights] = await Promise.all([
    getHomeSummary(prisma, session.shop),
    getSetupGuide(prisma, session.shop, apiKey),
    getInsights(prisma, session.shop, { range: { kind: "standard", range: "30d" } }),
  ]);
  // KPIs appear once the first analytics recompute has run.
  const kpis = insights.state === "ready" && insights.kpis ? { report: insights.kpis, currency: insights.currencyCode, timeZone: insights.timeZone } : null;
  // A running analytics recompute shows its progress here too (read from the job row).
  return { ...summary, guide, kpis, recompute: insights.recompute, links: themeEditorLinks(session.shop, apiKey) };
};

function StepRow({ step, index, links }: { step: SetupStep; index: number; links: { addBlock: string; activateEmbed: string } }) {
  const t = useT();
  const tone = step.state === "done" ? "success" : step.state === "in_progress" ? "info" : undefined;
  return (
    <Box paddingBlock="300" borderBlockEndWidth="025" borderColor="border">
      <InlineStack align="space-between" blockAlign="center" gap="400" wrap={false}>
        <BlockStack gap="100">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm">
              {index + 1}. {t(`home.step.${step.id}.title`)}
            </Text>
            <Badge tone={tone}>{t(`home.state.${step.state}`)}</Badge>
          </InlineStack>
          <Text as="p" tone="subdued">
            {t(`home.step.${step.id}.body`)}
          </Text>
        </BlockStack>
        {step.id === "storefront" ? (
          <InlineStack gap="200" wrap={false}>
            <Button url={links.activateEmbed} target="_top">
              {t("home.step.storefront.embed")}
            </Button>
            <Button url={links.addBlock} target="_top" variant="plain">
              {t("home.step.storefront.block")}
            </Button>
          </InlineStack>
        ) : (
          <Button url={step.url}>{t(`home.step.${step.id}.action`)}</Button>
        )}
      </InlineStack>
    </Box>
  );
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const f = useFormat({ currency: data.currencyCode, timeZone: data.timeZone });
  const { guide } = data;
  usePollWhile(data.recompute !== null, data.recompute?.status === "running" ? 2000 : 5000);
  return (
    <Page title={t("home.title")}>
      <TitleBar title={t("home.title")} />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("home.welcome", { shop: data.shopName })}
              </Text>
              <Text as="p">
                <span data-testid="sync-summary">
                  {t("home.synced", { customers: f.number(data.customers), orders: f.number(data.orders) })}
                </span>
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {t("home.setup.title")}
                </Text>
                <Text as="p" tone="subdued">
                  <span data-testid="setup-progress">{t("home.setup.progress", { done: guide.complete, total: guide.steps.length })}</span>
                </Text>
              </InlineStack>
              <ProgressBar progress={(guide.complete / guide.steps.length) * 100} size="small" tone="success" />
              <div role="list" aria-label={t("home.setup.title")}>
                {guide.steps.map((step, i) => (
                  <div role="listitem" key={step.id} data-testid={`setup-step-${step.id}`} data-state={step.state}>
                    <StepRow step={step} index={i} links={data.links} />
                  </div>
                ))}
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
        {data.recompute ? (
          <Layout.Section>
            <Card>
              <RecomputeProgressView progress={data.recompute} />
            </Card>
          </Layout.Section>
        ) : null}
        {data.kpis ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    {t("home.kpis.title")}
                  </Text>
                  <Button url="/app/insights" variant="plain">
                    {t("home.insights.link")}
                  </Button>
                </InlineStack>
                <div data-testid="home-kpis">
                  <KpiCards report={data.kpis.report} currency={data.kpis.currency} timeZone={data.kpis.timeZone} />
                </div>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("home.insights.title")}
                </Text>
                <Text as="p" tone="subdued">
                  {t("home.insights.body")}
                </Text>
                <InlineStack>
                  <RemixLink to="/app/insights">{t("home.insights.link")}</RemixLink>
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("home.campaigns.title")}
                </Text>
                <Text as="p" tone="subdued">
                  {t("home.campaigns.body")}
                </Text>
                <InlineStack>
                  <RemixLink to="/app/campaigns">{t("home.campaigns.link")}</RemixLink>
                </InlineStack>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
