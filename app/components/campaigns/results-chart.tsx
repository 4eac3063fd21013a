// Cumulative revenue per customer, treatment vs control, one point per day. The
// gap between the lines is the campaign's effect so far; a data table twin gives
// exact values to screen readers.
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { BlockStack, DataTable } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n";
import { ClientOnly } from "~/components/analytics/client-only";
import { formatMoney, minorDigits } from "~/components/analytics/format";

export interface SeriesPoint {
  date: string;
  treatment: number;
  control: number;
}

export function CumulativeRevenueChart({ series, currency }: { series: SeriesPoint[]; currency: string }) {
  const t = useT();
  const locale = useLocale();
  // At most ~60 points keeps the line readable for long campaigns.
  const step = Math.max(1, Math.ceil(series.length / 60));
  const shown = series.filter((_, i) => i % step === 0 || i === series.length - 1);
  const data = [
    { name: t("campaigns.results.treatment"), data: shown.map((p) => ({ key: p.date, value: p.treatment / 10 ** minorDigits(currency) })) },
    { name: t("campaigns.results.control"), data: shown.map((p) => ({ key: p.date, value: p.control / 10 ** minorDigits(currency) })) },
  ];
  return (
    <BlockStack gap="200">
      {/* The chart's points are focusable: `inert` keeps keyboard and screen readers on the data table twin below. */}
      <div style={{ height: 280 }} aria-hidden="true" data-testid="campaign-chart" {...({ inert: "" } as Record<string, string>)}>
        <ClientOnly>
          {() => (
            <PolarisVizProvider>
              <LineChart data={data} isAnimated={false} />
            </PolarisVizProvider>
          )}
        </ClientOnly>
      </div>
      <details>
        <summary>{t("campaigns.results.showData")}</summary>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric"]}
          headings={[t("campaigns.results.date"), t("campaigns.results.treatment"), t("campaigns.results.control")]}
          rows={shown.map((p) => [p.date, formatMoney(p.treatment, currency, locale), formatMoney(p.control, currency, locale)])}
        />
      </details>
    </BlockStack>
  );
}
