// The backfill's rows in the form the database takes them, built on the
// parser thread (backfill-parse.server.ts) next to the parsing: ids drawn,
// dates as text, booleans as 0/1, JSON as text. The writer thread, the
// bottleneck of a SQLite backfill, then only binds and inserts; formatting
// three dates per order and building the arrays there cost ~8% of its time,
// and receiving flat arrays is cheaper than receiving nested objects.
//
// The same text serves both engines: SQLite stores it as Prisma does, and
// PostgreSQL reads "…+00:00" into timestamp(3) as UTC and '0'/'1' as booleans.
// No database imports here: the parser thread loads this module.
import { prepareBulkBatch, type BackfillKind, type LateChild, type PreparedBatch } from "~/domain/sync/backfill-batch";
import type { NormalizedCustomer, NormalizedLineItem, NormalizedOrder, NormalizedRefund } from "~/domain/sync/types";
import { copyLine, parseCopyText } from "~/lib/copy-text";
import type { SqlParam } from "~/lib/direct-sql.server";
import { sqliteDateText } from "~/lib/sqlite-date-text";
import type { Column } from "./backfill-sql.server";
import { newRowId } from "./row-id.server";

// Kept in step with prisma/schema.prisma (the integration suite reads every column back through Prisma).
export const ORDER_TABLE: Column[] = [
  { name: "id", type: "text" }, { name: "shop", type: "text" }, { name: "shopifyId", type: "text" }, { name: "name", type: "text" },
  { name: "customerShopifyId", type: "text" }, { name: "email", type: "text" }, { name: "processedAt", type: "timestamp" },
  { name: "shopifyCreatedAt", type: "timestamp" }, { name: "shopifyUpdatedAt", type: "timestamp" }, { name: "cancelledAt", type: "timestamp" },
  { name: "cancelReason", type: "text" }, { name: "test", type: "bool" }, { name: "financialStatus", type: "text" },
  { name: "fulfillmentStatus", type: "text" }, { name: "currency", type: "text" }, { name: "presentmentCurrency", type: "text" },
  { name: "subtotalMinor", type: "int" }, { name: "totalMinor", type: "int" }, { name: "taxMinor", type: "int" },
  { name: "shippingMinor", type: "int" }, { name: "discountsMinor", type: "int" }, { name: "giftCardMinor", type: "int" },
  { name: "presentmentTotalMinor", type: "int" }, { name: "refundedMinor", type: "int" }, { name: "discountCodes", type: "json" },
  { name: "sourceName", type: "text" }, { name: "tags", type: "text" }, { name: "createdAt", type: "timestamp" }, { name: "updatedAt", type: "timestamp" },
];
export const LINE_TABLE: Column[] = [
  { name: "shop", type: "text" }, { name: "orderId", type: "text" }, { name: "shopifyId", type: "text" }, { name: "productId", type: "text" },
  { name: "variantId", type: "text" }, { name: "title", type: "text" }, { name: "sku", type: "text" }, { name: "quantity", type: "int" },
  { name: "priceMinor", type: "int" }, { name: "discountMinor", type: "int" }, { name: "giftCard", type: "bool" },
];

/** Positions in an ORDER_TABLE row that the writer reads or fills in. */
export const ORDER_COL = { id: 0, shopifyId: 2, customerShopifyId: 4, email: 5, refundedMinor: 23, createdAt: 27, updatedAt: 28 } as const;

export interface EncodedOrder {
  gid: string;
  /** ORDER_TABLE values. refundedMinor, createdAt and updatedAt are the writer's to fill in (email too, for a redacted customer). */
  row: SqlParam[];
  /** LINE_TABLE values of its line items, orderId already the order row's id (empty in the "copy" format). */
  lines: SqlParam[][];
  /**
   * The "copy" format (PostgreSQL): the same line items as COPY text, so the
   * writer thread sends them as they are instead of encoding every value
   * itself (ADR 014).
   */
  linesCopy?: string;
  /** Refunds embedded in the snapshot. */
  refunds: NormalizedRefund[];
}

export type WriterBatch =
  | { kind: "orders"; roots: number; orders: EncodedOrder[]; late: Array<[string, LateChild[]]> }
  | { kind: "customers"; roots: number; customers: NormalizedCustomer[] };

const dateText = (d: Date | null): string | null => (d === null ? null : sqliteDateText(d));

/** A line item's LINE_TABLE row. */
export function encodeLine(shop: string, orderId: string, l: NormalizedLineItem): SqlParam[] {
  return [shop, orderId, l.shopifyId, l.productId, l.variantId, l.title, l.sku, l.quantity, l.priceMinor, l.discountMinor, l.giftCard ? 1 : 0];
}

/**
 * How line items travel to the writer: "values" (arrays, bound as parameters;
 * SQLite) or "copy" (COPY text; PostgreSQL).
 */
export type LineFormat = "values" | "copy";

export function encodeOrder(shop: string, gid: string, o: NormalizedOrder, format: LineFormat = "values"): EncodedOrder {
  const id = newRowId();
  const row: SqlParam[] = [
    id, shop, o.shopifyId, o.name, o.customerShopifyId, o.email, dateText(o.processedAt), dateText(o.createdAt), dateText(o.updatedAt),
    dateText(o.cancelledAt), o.cancelReason, o.test ? 1 : 0, o.financialStatus, o.fulfillmentStatus, o.currency, o.presentmentCurrency,
    o.subtotalMinor, o.totalMinor, o.taxMinor, o.shippingMinor, o.discountsMinor, o.giftCardMinor, o.presentmentTotalMinor, 0,
    JSON.stringify(o.discountCodes), o.sourceName, o.tags, null, null,
  ];
  const lines = o.lineItems.map((l) => encodeLine(shop, id, l));
  if (format === "values") return { gid, row, lines, refunds: o.refunds };
  let linesCopy = "";
  for (const l of lines) linesCopy += copyLine(l);
  return { gid, row, lines: [], linesCopy, refunds: o.refunds };
}

/** An order's line items as LINE_TABLE values, whichever format they came in. */
export function lineValues(e: EncodedOrder): SqlParam[][] {
  if (e.linesCopy === undefined) return e.lines;
  return parseCopyText(e.linesCopy).map((fields) =>
    fields.map((f, i) => (f !== null && (LINE_TABLE[i].type === "int" || LINE_TABLE[i].type === "bool") ? Number(f) : f)),
  );
}

const date = (v: SqlParam): Date => new Date(v as string);
const text = (v: SqlParam): string | null => (v === null ? null : (v as string));

/** The NormalizedOrder an encoded order came from (for orders already stored, which take the webhook path's merge). */
export function decodeOrder(e: EncodedOrder): NormalizedOrder {
  const r = e.row;
  return {
    shopifyId: r[2] as string, name: text(r[3]), customerShopifyId: text(r[4]), email: text(r[5]),
    processedAt: date(r[6]), createdAt: date(r[7]), updatedAt: date(r[8]), cancelledAt: r[9] === null ? null : date(r[9]),
    cancelReason: text(r[10]), test: r[11] === 1, financialStatus: text(r[12]), fulfillmentStatus: text(r[13]),
    currency: r[14] as string, presentmentCurrency: text(r[15]), subtotalMinor: r[16] as number, totalMinor: r[17] as number,
    taxMinor: r[18] as number, shippingMinor: r[19] as number, discountsMinor: r[20] as number, giftCardMinor: r[21] as number,
    presentmentTotalMinor: r[22] as number | null, discountCodes: JSON.parse(r[24] as string), sourceName: text(r[25]), tags: r[26] as string,
    lineItems: lineValues(e).map((l) => ({
      shopifyId: l[2] as string, productId: text(l[3]), variantId: text(l[4]), title: text(l[5]), sku: text(l[6]),
      quantity: l[7] as number, priceMinor: l[8] as number, discountMinor: l[9] as number, giftCard: l[10] === 1,
    })),
    refunds: e.refunds,
  };
}

export function encodeBatch(shop: string, batch: PreparedBatch, format: LineFormat = "values"): WriterBatch {
  if (batch.kind === "customers") return batch;
  return { kind: "orders", roots: batch.roots, orders: batch.orders.map((o) => encodeOrder(shop, o.gid, o.order, format)), late: batch.late };
}

/** Parses, normalizes and encodes one batch of a shop's JSONL lines (what the parser thread runs). */
export function prepareWriterBatch(
  kind: BackfillKind, shop: string, texts: readonly string[], lineNos: readonly number[], format: LineFormat = "values",
): WriterBatch {
  return encodeBatch(shop, prepareBulkBatch(kind, texts, lineNos), format);
}
