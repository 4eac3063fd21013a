// Cumulative revenue per customer, treatment vs control, one point per day. The
// gap between the lines is the campaign's effect so far; a data table twin gives
// exact values to screen readers.
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { BlockStack, DataTable } from "@shopify/polaris";
import { useT } from "~/i18n";
import { useFormat } from "~/i18n/format";
import { ClientOnly } from "~/components/analytics/client-only";

export interface SeriesPoint {
  date: string;
  treatment: number;
  control: number;
}

export function CumulativeRevenueChart({ series, currency }: { series: SeriesPoint[]; currency: string }) {
  const t = useT();
  const f = useFormat({ currency });
  // At most ~60 points keeps the line readable for long campaigns.
  const step = Math.max(1, Math.ceil(series.length / 60));
  const shown = series.filter((_, i) => i % step === 0 || i === series.length - 1);
  // Values stay in minor units; the shared formatter turns them into money on the axis and in tooltips.
  const data = [
    { name: t("campaigns.results.treatment"), data: shown.map((p) => ({ key: p.date, value: p.treatment })) },
    { name: t("campaigns.results.control"), data: shown.map((p) => ({ key: p.date, value: p.control })) },
  ];
  return (
    <BlockStack gap="200">
      {/* The chart's points are focusable: `inert` keeps keyboard and screen readers on the data table twin below. */}
      <div style={{ height: 280 }} aria-hidden="true" data-testid="campaign-chart" {...({ inert: "" } as Record<string, string>)}>
        <ClientOnly>
          {() => (
            <PolarisVizProvider>
              <LineChart
                data={data}
                isAnimated={false}
                xAxisOptions={{ labelFormatter: f.chart.day }}
                yAxisOptions={{ labelFormatter: f.chart.moneyAxis }}
                tooltipOptions={{ valueFormatter: f.chart.money, titleFormatter: f.chart.day, keyFormatter: f.chart.day }}
              />
            </PolarisVizProvider>
          )}
        </ClientOnly>
      </div>
      <details>
        <summary>{t("campaigns.results.showData")}</summary>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric"]}
          headings={[t("campaigns.results.date"), t("campaigns.results.treatment"), t("campaigns.results.control")]}
          rows={shown.map((p) => [f.day(p.date), f.money(p.treatment), f.money(p.control)])}
        />
      </details>
    </BlockStack>
  );
}
