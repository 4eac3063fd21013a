// Segment sync: push RFM group, CLV tier, churn risk and loyalty tier to Shopify as
// tags and metafields (optionally native segments), watch progress, or remove the
// app's tags in one click.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Layout, Modal, Page, ProgressBar, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useEffect, useState } from "react";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { enqueueJob } from "~/jobs/queue.server";
import { getSegmentSyncPage, requestSegmentSync } from "~/services/segments/sync.server";
import { actorOf } from "~/services/campaigns/page.server";
import { useLocale, useT } from "~/i18n";
import { formatNumber } from "~/lib/format";
import { usePollWhile } from "~/components/shared/use-poll";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getSegmentSyncPage(prisma, session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent !== "apply" && intent !== "remove") return Response.json({ ok: false, error: "unknown_action" }, { status: 400 });
  const now = new Date();
  return requestSegmentSync(
    prisma,
    session.shop,
    actorOf(session),
    intent === "apply" ? "APPLY" : "REMOVE",
    now,
    (type, payload) => enqueueJob(prisma, { type, shop: session.shop, payload, maxAttempts: 10 }, now),
    form.get("createSegments") === "true",
  );
};

export default function SegmentSync() {
  const { latest, scoredCustomers, nativeSegments } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  const [createSegments, setCreateSegments] = useState(!nativeSegments);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const running = latest?.status === "PENDING" || latest?.status === "RUNNING";
  usePollWhile(running);
  useEffect(() => {
    if (fetcher.data?.ok) setConfirmRemove(false);
  }, [fetcher.data]);
  const busy = fetcher.state !== "idle" || running;

  return (
    <Page title={t("segmentSync.title")} subtitle={t("segmentSync.subtitle")} backAction={{ content: t("campaigns.title"), url: "/app/campaigns" }}>
      <TitleBar title={t("segmentSync.title")} />
      <Modal
        open={confirmRemove}
        onClose={() => setConfirmRemove(false)}
        title={t("segmentSync.remove.title")}
        primaryAction={{ content: t("segmentSync.remove.confirm"), destructive: true, loading: fetcher.state !== "idle", onAction: () => fetcher.submit({ intent: "remove" }, { method: "post" }) }}
        secondaryActions={[{ content: t("segmentSync.remove.keep"), onAction: () => setConfirmRemove(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("segmentSync.remove.body")}</Text>
        </Modal.Section>
      </Modal>
      <Layout>
        {fetcher.data && !fetcher.data.ok ? (
          <Layout.Section>
            <Banner tone="warning">{t(`segmentSync.error.${fetcher.data.error ?? "unknown"}`)}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="p">{t("segmentSync.explain", { customers: formatNumber(scoredCustomers, locale) })}</Text>
              <Text as="p" tone="subdued" variant="bodySm">
                {t("segmentSync.tags")}
              </Text>
              <Checkbox label={t("segmentSync.createSegments")} checked={createSegments} onChange={setCreateSegments} />
              <InlineStack gap="200">
                <Button variant="primary" disabled={busy || scoredCustomers === 0} onClick={() => fetcher.submit({ intent: "apply", createSegments: String(createSegments) }, { method: "post" })}>
                  {t("segmentSync.start")}
                </Button>
                <Button tone="critical" disabled={busy} onClick={() => setConfirmRemove(true)}>
                  {t("segmentSync.remove.action")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        {latest ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t(`segmentSync.kind.${latest.kind}`)}
                </Text>
                <div data-testid="segment-sync-status">
                  <Text as="p">{t(`segmentSync.status.${latest.status}`, { done: formatNumber(latest.done, locale), total: formatNumber(latest.total, locale) })}</Text>
                </div>
                {latest.kind === "APPLY" ? <ProgressBar progress={latest.total > 0 ? (100 * latest.done) / latest.total : running ? 0 : 100} /> : null}
                {latest.error ? <Banner tone="critical">{latest.error}</Banner> : null}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
