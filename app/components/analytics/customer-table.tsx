// The customer list (IndexTable): sortable columns, segment and text filters,
// pagination and the CSV export link. Filters live in the URL, so every view
// is linkable and the loader does the work.
import { Badge, BlockStack, IndexTable, Link, Pagination, Select, Text, TextField, InlineStack, Button, type IndexTableProps } from "@shopify/polaris";
import { useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { useLocale, useT } from "~/i18n";
import { formatDate, formatMoney, formatNumber, formatPercent } from "~/lib/format";

export interface CustomerTableRow {
  customerShopifyId: string;
  name: string | null;
  email: string | null;
  rfmGroup: string;
  ordersCount: number;
  historicalClvMinor: number;
  predictedClvMinor: number | null;
  pAlive: number | null;
  churnRisk: string | null;
  lastOrderAt: string | null;
}

/** Column index → sort key; null = not sortable. */
const SORT_BY_COLUMN = [null, null, "orders", "historicalClv", "predictedClv", "pAlive", null, "lastOrder"] as const;

export const RFM_GROUP_OPTIONS = [
  "CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "PROMISING", "NEEDS_ATTENTION", "AT_RISK", "ALMOST_LOST", "PREVIOUSLY_LOYAL", "DORMANT", "PROSPECTS",
] as const;

const RISK_TONE: Record<string, "success" | "attention" | "critical"> = { LOW: "success", MEDIUM: "attention", HIGH: "critical" };

export function CustomerTable({
  rows, total, page, pages, currency, timeZone, fixedSegment, exportUrl,
}: {
  rows: CustomerTableRow[]; total: number; page: number; pages: number; currency: string; timeZone: string; fixedSegment?: string; exportUrl: string;
}) {
  const t = useT();
  const locale = useLocale();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get("q") ?? "");
  const sort = params.get("sort") ?? "predictedClv";
  const direction = (params.get("dir") ?? "desc") as "asc" | "desc";
  const update = (next: Record<string, string | null>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v === null || v === "") p.delete(k);
      else p.set(k, v);
    }
    setParams(p);
  };
  const sortColumn = SORT_BY_COLUMN.findIndex((s) => s === sort);
  const headings = [
    t("customers.column.customer"), t("customers.column.segment"), t("customers.column.orders"), t("customers.column.historicalClv"),
    t("customers.column.predictedClv"), t("customers.column.pAlive"), t("customers.column.churnRisk"), t("customers.column.lastOrder"),
  ].map((title) => ({ title })) as IndexTableProps["headings"];

  return (
    <BlockStack gap="300">
      <InlineStack gap="300" blockAlign="end" wrap>
        <div style={{ minWidth: 260 }}>
          <TextField
            label={t("customers.search.label")}
            placeholder={t("customers.search.placeholder")}
            value={search}
            onChange={setSearch}
            autoComplete="off"
            clearButton
            onClearButtonClick={() => { setSearch(""); update({ q: null, page: null }); }}
            connectedRight={<Button onClick={() => update({ q: search, page: null })}>{t("customers.search.submit")}</Button>}
          />
        </div>
        {fixedSegment ? null : (
          <Select
            label={t("customers.segment.label")}
            options={[{ label: t("customers.segment.all"), value: "" }, ...RFM_GROUP_OPTIONS.map((g) => ({ label: t(`segments.group.${g}`), value: g }))]}
            value={params.get("segment") ?? ""}
            onChange={(value) => update({ segment: value, page: null })}
          />
        )}
        <Button url={exportUrl} download>{t("customers.export")}</Button>
      </InlineStack>
      <Text as="p" tone="subdued">{t("customers.count", { total: formatNumber(total, locale) })}</Text>
      <IndexTable
        resourceName={{ singular: t("customers.resource.singular"), plural: t("customers.resource.plural") }}
        itemCount={rows.length}
        headings={headings}
        selectable={false}
        sortable={SORT_BY_COLUMN.map((s) => s !== null)}
        sortColumnIndex={sortColumn >= 0 ? sortColumn : undefined}
        sortDirection={direction === "asc" ? "ascending" : "descending"}
        onSort={(index, dir) => {
          const key = SORT_BY_COLUMN[index];
          if (key) update({ sort: key, dir: dir === "ascending" ? "asc" : "desc", page: null });
        }}
        emptyState={<Text as="p" tone="subdued">{t("customers.empty")}</Text>}
      >
        {rows.map((r, i) => (
          <IndexTable.Row id={r.customerShopifyId} key={r.customerShopifyId} position={i}>
            <IndexTable.Cell>
              <Link url={`/app/customers/${r.customerShopifyId}`} removeUnderline>
                {r.name ?? r.email ?? t("customers.unnamed", { id: r.customerShopifyId })}
              </Link>
            </IndexTable.Cell>
            <IndexTable.Cell>{t(`segments.group.${r.rfmGroup}`)}</IndexTable.Cell>
            <IndexTable.Cell>{formatNumber(r.ordersCount, locale)}</IndexTable.Cell>
            <IndexTable.Cell>{formatMoney(r.historicalClvMinor, currency, locale)}</IndexTable.Cell>
            <IndexTable.Cell>{formatMoney(r.predictedClvMinor, currency, locale)}</IndexTable.Cell>
            <IndexTable.Cell>{formatPercent(r.pAlive, locale, 0)}</IndexTable.Cell>
            <IndexTable.Cell>{r.churnRisk ? <Badge tone={RISK_TONE[r.churnRisk]}>{t(`customers.risk.${r.churnRisk}`)}</Badge> : "—"}</IndexTable.Cell>
            <IndexTable.Cell>{formatDate(r.lastOrderAt, timeZone, locale)}</IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
      <InlineStack align="center">
        <Pagination
          hasPrevious={page > 1}
          hasNext={page < pages}
          onPrevious={() => update({ page: String(page - 1) })}
          onNext={() => update({ page: String(page + 1) })}
          label={t("customers.page", { page: formatNumber(page, locale), pages: formatNumber(pages, locale) })}
        />
      </InlineStack>
    </BlockStack>
  );
}
