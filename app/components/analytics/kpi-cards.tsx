// KPI cards: the value for the chosen range and the change against the
// previous period of equal length.
import { Badge, BlockStack, Box, Card, InlineGrid, Text, Tooltip } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n";
import { formatDate } from "~/lib/format";
import { formatChange, formatKpi } from "./format";
import { KPI_KIND, LOWER_IS_BETTER, type KpiReportJson } from "./types";

export function KpiCards({ report, currency, timeZone }: { report: KpiReportJson; currency: string; timeZone: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <BlockStack gap="300">
      <Text as="p" tone="subdued">
        {t("insights.kpis.comparison", {
          start: formatDate(report.range.start, timeZone, locale),
          end: formatDate(new Date(new Date(report.range.end).getTime() - 1).toISOString(), timeZone, locale),
          previousStart: formatDate(report.previous.start, timeZone, locale),
        })}
      </Text>
      <InlineGrid columns={{ xs: 1, sm: 2, md: 3, lg: 4 }} gap="300">
        {report.kpis.map((kpi) => {
          const kind = KPI_KIND[kpi.key];
          const change = formatChange(kpi.relative, locale);
          const rising = (kpi.relative.value ?? 0) > 0;
          const good = LOWER_IS_BETTER.has(kpi.key) ? !rising : rising;
          return (
            <Card key={kpi.key}>
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">
                  {t(`insights.kpi.${kpi.key}`)}
                </Text>
                <Box>
                  {kpi.current.value === null ? (
                    <Tooltip content={t(`insights.reason.${kpi.current.reason}`)}>
                      <Text as="p" variant="headingLg">—</Text>
                    </Tooltip>
                  ) : (
                    <Text as="p" variant="headingLg">
                      {formatKpi(kind, kpi.current, currency, locale)}
                    </Text>
                  )}
                </Box>
                <Text as="p" tone="subdued">
                  {t("insights.kpis.previous", { value: formatKpi(kind, kpi.previous, currency, locale) })}{" "}
                  {change === null ? null : kpi.relative.value === 0 ? (
                    <Badge>{change}</Badge>
                  ) : (
                    <Badge tone={good ? "success" : "critical"}>{change}</Badge>
                  )}
                </Text>
              </BlockStack>
            </Card>
          );
        })}
      </InlineGrid>
    </BlockStack>
  );
}
