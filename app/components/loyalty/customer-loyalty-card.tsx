// Loyalty card for the customer page: balance, tier and progress, lots, the
// ledger with reasons, and a manual adjustment form (reason required).
// Data comes from `getCustomerLoyalty` (app/services/loyalty/customer.server.ts).
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, FormLayout, InlineGrid, InlineStack, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { formatDate, formatMoney, formatNumber, formatSignedNumber } from "~/lib/format";
import { useLocale, useT } from "~/i18n";
import type { CustomerLoyalty } from "~/services/loyalty/customer.server";

type AdjustResult = { ok: true; message: string } | { ok: false; errors: Record<string, string> };

/** `timeZone` is the shop's (dates of lots and ledger entries); UTC when the caller has none. */
export function CustomerLoyaltyCard({ loyalty, timeZone = "UTC" }: { loyalty: CustomerLoyalty; timeZone?: string }) {
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<AdjustResult>();
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  const b = loyalty.balance;
  const n = (v: number) => formatNumber(v, locale);
  const day = (iso: string | null) => formatDate(iso, timeZone, locale);
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">{t("loyalty.card.title")}</Text>
          {loyalty.tier ? <Badge tone="info">{loyalty.tier.name}</Badge> : <Badge>{t("loyalty.card.member")}</Badge>}
        </InlineStack>
        {!loyalty.programEnabled ? <Banner tone="warning">{t("loyalty.card.programOff")}</Banner> : null}
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          <BlockStack gap="050"><Text as="span" tone="subdued">{t("loyalty.card.spendable")}</Text><Text as="span" variant="headingLg" data-testid="loyalty-card-balance">{n(b.spendable)}</Text></BlockStack>
          <BlockStack gap="050"><Text as="span" tone="subdued">{t("loyalty.card.pending")}</Text><Text as="span" variant="headingLg">{n(b.pending)}</Text></BlockStack>
          <BlockStack gap="050"><Text as="span" tone="subdued">{t("loyalty.card.debt")}</Text><Text as="span" variant="headingLg" tone={b.debt > 0 ? "critical" : undefined}>{n(b.debt)}</Text></BlockStack>
          <BlockStack gap="050"><Text as="span" tone="subdued">{t("loyalty.card.expiringSoon")}</Text><Text as="span" variant="headingLg">{n(loyalty.expiringSoon.reduce((s, l) => s + l.points, 0))}</Text></BlockStack>
        </InlineGrid>
        {loyalty.nextTier ? (
          <BlockStack gap="100">
            <Text as="p">{t(loyalty.tierBasis === "spend" ? "loyalty.card.nextTierSpend" : "loyalty.card.nextTierPoints", { tier: loyalty.nextTier.name, remaining: loyalty.tierBasis === "spend" ? formatMoney(loyalty.nextTier.remaining, loyalty.currency, locale) : n(loyalty.nextTier.remaining) })}</Text>
            <ProgressBar progress={Math.round(loyalty.nextTier.progress * 100)} size="small" />
          </BlockStack>
        ) : null}
        {b.debt > 0 ? <Text as="p" tone="subdued">{t("loyalty.card.debtPolicy")}</Text> : null}
        <Text as="h3" variant="headingSm">{t("loyalty.card.lots")}</Text>
        {loyalty.lots.length === 0 ? <Text as="p" tone="subdued">{t("loyalty.card.noLots")}</Text> : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "text", "text"]}
            headings={[t("loyalty.card.earned"), t("loyalty.card.status"), t("loyalty.card.points"), t("loyalty.card.remaining"), t("loyalty.card.spendableOn"), t("loyalty.card.expires")]}
            rows={loyalty.lots.map((l) => [day(l.earnedAt), t(`loyalty.lot.${l.status}`), n(l.points), n(l.remaining), day(l.spendableAt), day(l.expiresAt)])}
          />
        )}
        <Text as="h3" variant="headingSm">{t("loyalty.card.ledger")}</Text>
        {loyalty.ledger.length === 0 ? <Text as="p" tone="subdued">{t("loyalty.card.noEntries")}</Text> : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text"]}
            headings={[t("loyalty.card.date"), t("loyalty.card.type"), t("loyalty.card.points"), t("loyalty.card.reason")]}
            rows={loyalty.ledger.slice(0, 50).map((e) => [day(e.occurredAt), `${t(`loyalty.entry.${e.type}`)}${e.bucket === "PENDING" ? ` (${t("loyalty.card.pending")})` : ""}`, formatSignedNumber(e.points, locale), e.actor ? `${e.reason} — ${e.actor}` : e.reason])}
          />
        )}
        <fetcher.Form method="post" action="/app/loyalty/adjust">
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">{t("loyalty.adjust.title")}</Text>
            {fetcher.data?.ok ? <Banner tone="success">{t(fetcher.data.message)}</Banner> : null}
            {errors.form ? <Banner tone="critical">{errors.form}</Banner> : null}
            <input type="hidden" name="customerShopifyId" value={loyalty.customerShopifyId} />
            <FormLayout>
              <FormLayout.Group>
                <TextField label={t("loyalty.adjust.points")} helpText={t("loyalty.adjust.pointsHelp")} name="points" type="number" value={points} onChange={setPoints} error={errors.points} autoComplete="off" />
                <TextField label={t("loyalty.adjust.reason")} name="reason" value={reason} onChange={setReason} error={errors.reason} autoComplete="off" requiredIndicator />
              </FormLayout.Group>
            </FormLayout>
            <InlineStack align="end">
              <Button submit loading={fetcher.state !== "idle"} disabled={reason.trim().length < 3 || points.trim() === ""}>{t("loyalty.adjust.submit")}</Button>
            </InlineStack>
          </BlockStack>
        </fetcher.Form>
      </BlockStack>
    </Card>
  );
}
