// Campaign list with status badges; a running list refreshes while something launches.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, EmptyState, Layout, Link, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { listCampaigns } from "~/services/campaigns/campaigns.server";
import { useLocale, useT } from "~/i18n";
import { CampaignStatusBadge } from "~/components/campaigns/status-badge";
import { formatDate, formatNumber } from "~/lib/format";
import { usePollWhile } from "~/components/shared/use-poll";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { campaigns: await listCampaigns(prisma, session.shop) };
};

export default function CampaignList() {
  const { campaigns } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  usePollWhile(campaigns.some((c) => c.status === "LAUNCHING"), 3000);
  // Offer windows are whole UTC days (the wizard sends YYYY-MM-DDT00:00:00Z): shown as those days.
  const date = (iso: string) => formatDate(iso, "UTC", locale);

  return (
    <Page title={t("campaigns.title")} subtitle={t("campaigns.subtitle")} primaryAction={{ content: t("campaigns.create"), url: "/app/campaigns/new" }}>
      <TitleBar title={t("campaigns.title")} />
      <Layout>
        <Layout.Section>
          {campaigns.length === 0 ? (
            <Card>
              <EmptyState heading={t("campaigns.empty.heading")} action={{ content: t("campaigns.create"), url: "/app/campaigns/new" }} image="">
                <p>{t("campaigns.empty.body")}</p>
              </EmptyState>
            </Card>
          ) : (
            <Card padding="0">
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "numeric", "numeric"]}
                headings={[t("campaigns.list.name"), t("campaigns.list.status"), t("campaigns.list.offer"), t("campaigns.list.window"), t("campaigns.list.treated"), t("campaigns.list.control")]}
                rows={campaigns.map((c) => [
                  <Link key={c.id} url={`/app/campaigns/${c.id}`} removeUnderline>
                    {c.name}
                  </Link>,
                  <CampaignStatusBadge key={`${c.id}-s`} status={c.status} />,
                  t(`campaigns.reward.${c.rewardKind}`),
                  `${date(c.startsAt)} – ${date(c.endsAt)}`,
                  formatNumber(c.treated, locale),
                  formatNumber(c.control, locale),
                ])}
              />
            </Card>
          )}
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="200">
            <Text as="p" tone="subdued" variant="bodySm">
              {t("campaigns.list.holdoutNote")}{" "}
              <RemixLink to="/app/segment-sync">{t("segmentSync.title")}</RemixLink>
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
