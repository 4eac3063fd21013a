// Monthly acquisition cohorts × months since first order, as a table with
// shaded cells. Every cell shows its value as text; colour only reinforces it.
import { BlockStack, Text } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n";
import { formatMoney, formatMonth, formatNumber, formatPercent } from "~/lib/format";
import { heatColor } from "./format";
import type { CohortJson } from "./types";

export type CohortMeasure = "activeShare" | "cumulativePerCustomerMinor";

const cell: React.CSSProperties = { padding: "6px 8px", textAlign: "end", whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" };

export function CohortHeatmap({ cohorts, months, currency, measure = "activeShare" }: { cohorts: CohortJson[]; months: number; currency: string; measure?: CohortMeasure }) {
  const t = useT();
  const locale = useLocale();
  if (cohorts.length === 0) return <Text as="p" tone="subdued">{t("insights.cohorts.empty")}</Text>;
  const maxLtv = Math.max(1, ...cohorts.flatMap((c) => c.months.map((m) => m.cumulativePerCustomerMinor)));
  return (
    <BlockStack gap="200">
      {/* Wide tables scroll sideways: a focusable, named region lets keyboard users scroll it too. */}
      <div style={{ overflowX: "auto" }} role="region" aria-label={t(`insights.cohorts.caption.${measure}`)} tabIndex={0}>
        <table style={{ borderCollapse: "collapse", width: "100%" }} aria-label={t(`insights.cohorts.caption.${measure}`)}>
          <thead>
            <tr>
              <th scope="col" style={{ ...cell, textAlign: "start" }}>{t("insights.cohorts.cohort")}</th>
              <th scope="col" style={cell}>{t("insights.cohorts.size")}</th>
              {Array.from({ length: months }, (_, k) => (
                <th scope="col" key={k} style={cell}>
                  {t("insights.cohorts.month", { k: formatNumber(k, locale) })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {cohorts.map((c) => (
              <tr key={c.cohort}>
                <th scope="row" style={{ ...cell, textAlign: "start" }}>{formatMonth(c.cohort, locale)}</th>
                <td style={cell}>{formatNumber(c.size, locale)}</td>
                {Array.from({ length: months }, (_, k) => {
                  const m = c.months[k];
                  if (!m) return <td key={k} style={cell} />;
                  const share = measure === "activeShare" ? m.activeShare : m.cumulativePerCustomerMinor / maxLtv;
                  const colors = heatColor(share);
                  const text = measure === "activeShare" ? formatPercent(m.activeShare, locale, 0) : formatMoney(Math.round(m.cumulativePerCustomerMinor), currency, locale, { compact: true });
                  return (
                    <td key={k} style={{ ...cell, ...colors, fontStyle: m.complete ? "normal" : "italic" }} title={m.complete ? undefined : t("insights.cohorts.incomplete")}>
                      {text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Text as="p" tone="subdued" variant="bodySm">{t("insights.cohorts.note")}</Text>
    </BlockStack>
  );
}
