// Empty, syncing and loading states shared by the analytics pages.
import { Banner, BlockStack, Card, EmptyState, Layout, SkeletonBodyText, SkeletonDisplayText, SkeletonPage } from "@shopify/polaris";
import { useT } from "~/i18n";
import type { DataState } from "./types";

export function AnalyticsSkeleton({ title }: { title: string }) {
  return (
    <SkeletonPage title={title} primaryAction>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={4} />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

export function NoAnalyticsYet({ state }: { state: Exclude<DataState, "ready"> }) {
  const t = useT();
  return (
    <Card>
      <EmptyState heading={t(`insights.empty.${state}.title`)} image="" action={state === "empty" ? { content: t("insights.empty.syncAction"), url: "/app/sync" } : undefined}>
        <p>{t(`insights.empty.${state}.body`)}</p>
      </EmptyState>
    </Card>
  );
}

export function ErrorBanner({ message }: { message: string }) {
  const t = useT();
  return (
    <Banner tone="critical" title={t("insights.error.title")}>
      <p>{message}</p>
    </Banner>
  );
}
