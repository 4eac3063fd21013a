import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getDataSyncPage, runDataSyncAction } from "~/services/data-sync-page.server";
import { useLocale, useT } from "~/i18n";
import { formatDateTime, formatNumber } from "~/lib/format";
import { usePollWhile } from "~/components/shared/use-poll";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [page, shop] = await Promise.all([
    getDataSyncPage(prisma, session.shop),
    prisma.shop.findUnique({ where: { shop: session.shop }, select: { ianaTimezone: true } }),
  ]);
  // Event times are shown in the shop's time zone, the same on the server and in the browser.
  return { ...page, timeZone: shop?.ianaTimezone ?? "UTC" };
};

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("backfill") }),
  z.object({ intent: z.literal("reconcile") }),
  z.object({ intent: z.literal("replay"), id: z.string().min(1) }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = ActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ ok: false, error: "Unknown action: reload the page and try again." }, { status: 400 });
  return runDataSyncAction(prisma, session.shop, parsed.data);
};

// One titled card in the page's layout; every section of this page has this shape.
function Section({ title, children }: { title: React.ReactNode; children: React.ReactNode }) {
  return (
    <Layout.Section>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          {children}
        </BlockStack>
      </Card>
    </Layout.Section>
  );
}

function kindLabel(t: ReturnType<typeof useT>, kind: string) {
  return t(`sync.kind.${kind}`);
}

export default function DataSync() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<{ ok: boolean; message?: string; error?: string }>();
  const busy = data.status.active.length > 0 || data.status.pendingDeliveries > 0;
  const when = (value: string | Date | null | undefined) => formatDateTime(value, data.timeZone, locale);

  // Progress refreshes by itself while something runs; leaving and coming back resumes the view.
  usePollWhile(busy);

  useEffect(() => {
    if (fetcher.data?.ok && fetcher.data.message) window.shopify?.toast.show(fetcher.data.message);
  }, [fetcher.data]);

  const submit = (intent: string, extra: Record<string, string> = {}) => fetcher.submit({ intent, ...extra }, { method: "post" });
  const { counts } = data.status;

  return (
    <Page title={t("sync.title")} subtitle={t("sync.subtitle")}>
      <TitleBar title={t("sync.title")} />
      <Layout>
        {fetcher.data && !fetcher.data.ok && (
          <Layout.Section>
            <Banner tone="critical" title={t("sync.actionFailed")}>
              <p>{fetcher.data.error}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {t("sync.held")}
                </Text>
                <InlineStack gap="200">
                  <Button onClick={() => submit("backfill")} loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "backfill"}>
                    {t("sync.backfillNow")}
                  </Button>
                  <Button onClick={() => submit("reconcile")} loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "reconcile"}>
                    {t("sync.reconcileNow")}
                  </Button>
                </InlineStack>
              </InlineStack>
              <Text as="p" tone="subdued">
                <span data-testid="sync-counts">
                  {t("sync.counts", {
                    customers: formatNumber(counts.customers, locale),
                    orders: formatNumber(counts.orders, locale),
                    refunds: formatNumber(counts.refunds, locale),
                  })}
                </span>
              </Text>
              {data.status.pendingDeliveries > 0 && <Text as="p">{t("sync.pending", { count: formatNumber(data.status.pendingDeliveries, locale) })}</Text>}
              {data.status.heldRefunds > 0 && <Text as="p">{t("sync.heldRefunds", { count: formatNumber(data.status.heldRefunds, locale) })}</Text>}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("sync.runs")}
              </Text>
              {data.status.runs.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("sync.noRuns")}
                </Text>
              ) : (
                data.status.runs.slice(0, 6).map((run) => {
                  const p = run.progress;
                  const pct = p.fraction === null ? 0 : Math.round(p.fraction * 100);
                  const active = ["PENDING", "RUNNING", "DOWNLOADING"].includes(run.status);
                  return (
                    <BlockStack gap="150" key={run.id}>
                      <InlineStack align="space-between">
                        <Text as="h3" variant="headingSm">
                          {kindLabel(t, run.kind)}
                        </Text>
                        <Badge tone={run.status === "COMPLETED" ? "success" : run.status === "FAILED" ? "critical" : "info"}>{t(`sync.status.${run.status}`)}</Badge>
                      </InlineStack>
                      {active && <ProgressBar progress={pct} size="small" ariaLabelledBy={undefined} />}
                      <Text as="p" tone="subdued">
                        {t("sync.progress", {
                          done: formatNumber(p.objectsDone, locale),
                          total: p.objectsTotal === null ? "…" : formatNumber(p.objectsTotal, locale),
                          rate: p.ratePerSecond === null ? "—" : formatNumber(Math.round(p.ratePerSecond), locale),
                          eta: p.etaSeconds === null ? "—" : formatNumber(Math.ceil(p.etaSeconds), locale),
                        })}
                        {" · "}
                        {when(run.startedAt)}
                      </Text>
                      {run.error && (
                        <Text as="p" tone="critical">
                          {run.error}
                        </Text>
                      )}
                    </BlockStack>
                  );
                })
              )}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Section title={t("sync.reconcile")}>
          {data.status.lastReconcile ? (
            <Text as="p" data-testid="reconcile-summary">
              {t("sync.reconcileSummary", {
                when: when(data.status.lastReconcile.finishedAt ?? data.status.lastReconcile.startedAt),
                customers: formatNumber(data.repaired.customers, locale),
                orders: formatNumber(data.repaired.orders, locale),
              })}
            </Text>
          ) : (
            <Text as="p" tone="subdued">
              {t("sync.reconcileNever")}
            </Text>
          )}
        </Section>

        <Section title={t("sync.dead", { count: formatNumber(data.status.deadCount, locale) })}>
          {data.status.deadDeliveries.length === 0 ? (
            <Text as="p" tone="subdued">
              {t("sync.noDead")}
            </Text>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text", "text"]}
              headings={[t("sync.col.topic"), t("sync.col.received"), t("sync.col.attempts"), t("sync.col.error"), ""]}
              rows={data.status.deadDeliveries.map((d) => [
                d.topic,
                when(d.receivedAt),
                formatNumber(d.attempts, locale),
                d.lastError ?? "",
                <Button key={d.id} size="slim" onClick={() => submit("replay", { id: d.id })}>
                  {t("sync.replay")}
                </Button>,
              ])}
            />
          )}
        </Section>

        <Section title={t("sync.exports")}>
          {data.exports.length === 0 ? (
            <EmptyState heading={t("sync.noExports")} image="">
              <p>{t("sync.exportsHelp")}</p>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text"]}
              headings={[t("sync.col.customer"), t("sync.col.requested"), ""]}
              rows={data.exports.map((e) => [
                e.customerShopifyId,
                when(e.createdAt),
                <a key={e.id} href={`/app/sync/exports/${e.id}`} download>
                  {t("sync.download")}
                </a>,
              ])}
            />
          )}
        </Section>
      </Layout>
    </Page>
  );
}
