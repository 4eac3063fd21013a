// Which CLV model the shop uses, its parameters and convergence, and the
// small-data banner with the threshold.
import { Banner, BlockStack, DataTable, List, Text } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n";
import { formatNumber, formatPercent } from "~/lib/format";
import type { ClvJson, FitJson } from "./types";

function fitRows(fit: FitJson, locale: string): string[][] {
  return Object.entries(fit.params).map(([name, value]) => [
    name,
    formatNumber(value, locale, 4),
    fit.standardErrors?.[name] === undefined ? "—" : formatNumber(fit.standardErrors[name], locale, 4),
  ]);
}

export function SufficiencyBanner({ clv }: { clv: ClvJson }) {
  const t = useT();
  const locale = useLocale();
  if (clv.status === "ok") return null;
  if (clv.status === "insufficient-data" && clv.threshold && clv.have) {
    return (
      <Banner tone="info" title={t("insights.clv.insufficient.title")}>
        <p>{t("insights.clv.insufficient.body", { customers: formatNumber(clv.have.customers, locale), repeaters: formatNumber(clv.have.repeaters, locale), needCustomers: formatNumber(clv.threshold.customers, locale), needRepeaters: formatNumber(clv.threshold.repeaters, locale) })}</p>
      </Banner>
    );
  }
  if (clv.status === "no-data") return <Banner tone="info" title={t("insights.clv.noData")} />;
  return (
    <Banner tone="warning" title={t(`insights.clv.status.${clv.status}`)}>
      <p>{clv.reason ?? clv.selectionRule}</p>
    </Banner>
  );
}

export function ModelInfo({ clv }: { clv: ClvJson }) {
  const t = useT();
  const locale = useLocale();
  return (
    <BlockStack gap="300">
      <List>
        <List.Item>{t("insights.model.used", { model: clv.model ? t(`insights.model.name.${clv.model}`) : "—" })}</List.Item>
        {clv.selectionRule ? <List.Item>{t("insights.model.rule", { rule: clv.selectionRule })}</List.Item> : null}
        <List.Item>
          {t("insights.model.horizon", { months: formatNumber(12, locale), rate: formatPercent(clv.discountRate, locale, 1) })}
        </List.Item>
        {clv.fit ? (
          <List.Item>
            {t(clv.fit.converged ? "insights.model.converged" : "insights.model.notConverged", {
              iterations: formatNumber(clv.fit.iterations, locale),
              ll: formatNumber(clv.fit.logLikelihood, locale, 2),
            })}
          </List.Item>
        ) : null}
        <List.Item>
          {clv.spend?.model === "gamma-gamma" ? t("insights.model.spendGg") : t("insights.model.spendAov", { note: clv.spend && "note" in clv.spend ? (clv.spend.note ?? "") : "" })}
        </List.Item>
        <List.Item>
          {clv.rangeMethod === "delta"
            ? t("insights.model.rangeDelta")
            : clv.rangeDraws > 0
              ? t("insights.model.range", { draws: formatNumber(clv.rangeDraws, locale) })
              : t("insights.model.noRange")}
        </List.Item>
      </List>
      {clv.fit ? (
        <DataTable
          columnContentTypes={["text", "numeric", "numeric"]}
          headings={[t("insights.model.parameter"), t("insights.model.estimate"), t("insights.model.standardError")]}
          rows={fitRows(clv.fit, locale)}
        />
      ) : null}
      {clv.fit && !clv.fit.converged ? <Text as="p" tone="caution">{clv.fit.message}</Text> : null}
    </BlockStack>
  );
}
