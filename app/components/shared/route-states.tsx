// States every admin page shares: the skeleton shown while the next page
// loads, an empty state, and the error page that says what happened and what
// the merchant can do about it.
import { Banner, BlockStack, Card, EmptyState, Layout, Page, SkeletonBodyText, SkeletonDisplayText, SkeletonPage, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useT } from "~/i18n";

/** Placeholder for a page that is loading; keeps the layout still between pages. */
export function PageSkeleton() {
  const t = useT();
  return (
    <SkeletonPage title={t("state.loading")}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <SkeletonDisplayText size="small" />
              <SkeletonBodyText lines={3} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <SkeletonBodyText lines={5} />
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

/** No rows yet: what is missing and, when there is one, the next step. */
export function EmptyCard({ heading, body, action }: { heading: string; body: string; action?: { content: string; url: string } }) {
  return (
    <Card>
      <EmptyState heading={heading} image="" action={action}>
        <p>{body}</p>
      </EmptyState>
    </Card>
  );
}

export type RouteErrorKind = "badRequest" | "notFound" | "forbidden" | "unavailable" | "unexpected";

/** Maps an HTTP status (or none, for a thrown exception) to the kind of error the merchant sees. */
export function classifyRouteError(status: number | null): RouteErrorKind {
  if (status === 400 || status === 422) return "badRequest";
  if (status === 404) return "notFound";
  if (status === 401 || status === 403) return "forbidden";
  if (status === 429 || status === 502 || status === 503 || status === 504) return "unavailable";
  return "unexpected";
}

/** The error page: what happened (title and the server's own words) and what to do (body and actions). */
export function RouteErrorPage({ kind, detail }: { kind: RouteErrorKind; detail?: string }) {
  const t = useT();
  return (
    <Page title={t("error.pageTitle")} backAction={{ content: t("nav.home"), url: "/app" }}>
      <TitleBar title={t("error.pageTitle")} />
      <Layout>
        <Layout.Section>
          <Banner
            tone="critical"
            title={t(`error.${kind}.title`)}
            action={{ content: t("error.retry"), onAction: () => window.location.reload() }}
            secondaryAction={{ content: t("error.home"), url: "/app" }}
          >
            <BlockStack gap="200">
              <Text as="p">{t(`error.${kind}.body`)}</Text>
              {detail ? (
                <Text as="p" tone="subdued">
                  <span data-testid="error-detail">{t("error.detail", { detail })}</span>
                </Text>
              ) : null}
            </BlockStack>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
