// RFM segments with size, revenue and average predicted CLV; each row links
// to the segment's customer list.
import { DataTable, Link, Text } from "@shopify/polaris";
import { useLocale, useT } from "~/i18n";
import { formatMoney, formatNumber, formatPercent } from "~/lib/format";
import type { SegmentJson } from "./types";

export function SegmentTable({ segments, currency }: { segments: SegmentJson[]; currency: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <DataTable
      columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
      headings={[
        t("segments.column.group"),
        t("segments.column.customers"),
        t("segments.column.share"),
        t("segments.column.revenue"),
        t("segments.column.averageClv"),
        t("segments.column.averageRecency"),
      ]}
      rows={segments.map((s) => [
        <Link key={s.group} url={`/app/segments/${s.group}`} removeUnderline>
          {t(`segments.group.${s.group}`)}
        </Link>,
        formatNumber(s.customers, locale),
        formatPercent(s.share, locale),
        formatMoney(s.revenueMinor, currency, locale),
        s.averageClvMinor === null ? "—" : formatMoney(Math.round(s.averageClvMinor), currency, locale),
        s.averageRecencyDays === null ? "—" : t("segments.days", { days: formatNumber(s.averageRecencyDays, locale) }),
      ])}
      footerContent={<Text as="span" tone="subdued">{t("segments.footer")}</Text>}
    />
  );
}
