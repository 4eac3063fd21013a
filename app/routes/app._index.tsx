import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getHomeSummary } from "~/services/home.server";
import { useT } from "~/i18n";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return getHomeSummary(prisma, session.shop);
};

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
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
                <span data-testid="sync-summary">{t("home.synced", { customers: data.customers, orders: data.orders })}</span>
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
