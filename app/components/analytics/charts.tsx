// Charts (polaris-viz): CLV distribution and the calibration/holdout backtest.
// Each chart has a data table twin for screen readers and exact values.
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { BlockStack, DataTable, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { useT } from "~/i18n";
import { useFormat } from "~/i18n/format";
import { ClientOnly } from "./client-only";
import type { BacktestJson, ClvJson } from "./types";

export function ChartsProvider({ children }: { children: ReactNode }) {
  return <PolarisVizProvider>{children}</PolarisVizProvider>;
}

export function ClvDistributionChart({ distribution, currency }: { distribution: ClvJson["distribution"]; currency: string }) {
  const t = useT();
  const f = useFormat({ currency });
  const label = (b: ClvJson["distribution"][number]) =>
    b.toMinor === null
      ? t("insights.clv.bucketOpen", { from: f.money(b.fromMinor, { compact: true }) })
      : `${f.money(b.fromMinor, { compact: true })}–${f.money(b.toMinor, { compact: true })}`;
  const data = [{ name: t("insights.clv.customers"), data: distribution.map((b) => ({ key: label(b), value: b.customers })) }];
  return (
    <BlockStack gap="200">
      <div style={{ height: 260 }} aria-hidden="true">
        <ClientOnly>{() => <BarChart data={data} showLegend={false} isAnimated={false} yAxisOptions={{ labelFormatter: f.chart.number }} tooltipOptions={{ valueFormatter: f.chart.number }} />}</ClientOnly>
      </div>
      <details>
        <summary>{t("insights.chart.showData")}</summary>
        <DataTable
          columnContentTypes={["text", "numeric"]}
          headings={[t("insights.clv.range"), t("insights.clv.customers")]}
          rows={distribution.map((b) => [label(b), f.number(b.customers)])}
        />
      </details>
    </BlockStack>
  );
}

export function BacktestCharts({ backtest }: { backtest: BacktestJson }) {
  const t = useT();
  const f = useFormat();
  const buckets = [
    { name: t("insights.backtest.actual"), data: backtest.buckets.map((b) => ({ key: b.label, value: b.actualMean })) },
    { name: t("insights.backtest.predicted"), data: backtest.buckets.map((b) => ({ key: b.label, value: b.predictedMean })) },
  ];
  // At most ~60 points: every k-th week keeps the line readable.
  const step = Math.max(1, Math.ceil(backtest.weekly.length / 60));
  const weekly = backtest.weekly.filter((_, i) => i % step === 0 || i === backtest.weekly.length - 1);
  const tracking = [
    { name: t("insights.backtest.actual"), data: weekly.map((w) => ({ key: String(w.week), value: w.actualCumulative })) },
    { name: t("insights.backtest.predicted"), data: weekly.map((w) => ({ key: String(w.week), value: w.predictedCumulative })) },
  ];
  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingSm">{t("insights.backtest.byFrequency")}</Text>
      <div style={{ height: 260 }} aria-hidden="true">
        <ClientOnly>{() => <BarChart data={buckets} isAnimated={false} xAxisOptions={{ labelFormatter: (v) => String(v) }} yAxisOptions={{ labelFormatter: f.chart.number }} tooltipOptions={{ valueFormatter: f.chart.number }} />}</ClientOnly>
      </div>
      <DataTable
        columnContentTypes={["text", "numeric", "numeric", "numeric"]}
        headings={[t("insights.backtest.frequency"), t("insights.backtest.customers"), t("insights.backtest.actual"), t("insights.backtest.predicted")]}
        rows={backtest.buckets.map((b) => [b.label, f.number(b.customers), f.number(b.actualMean, 2), f.number(b.predictedMean, 2)])}
      />
      <Text as="h3" variant="headingSm">{t("insights.backtest.overTime")}</Text>
      <div style={{ height: 260 }} aria-hidden="true">
        <ClientOnly>{() => <LineChart
              data={tracking}
              isAnimated={false}
              xAxisOptions={{ labelFormatter: f.chart.number }}
              yAxisOptions={{ labelFormatter: f.chart.number }}
              tooltipOptions={{ valueFormatter: f.chart.number, titleFormatter: (week) => t("insights.backtest.week", { week: f.chart.number(week) }) }}
            />}</ClientOnly>
      </div>
      <Text as="p" tone="subdued" variant="bodySm">
        {t("insights.backtest.note", { calibrationEnd: f.day(backtest.calibrationEnd), weeks: f.number(backtest.holdoutWeeks, 1) })}
      </Text>
    </BlockStack>
  );
}
