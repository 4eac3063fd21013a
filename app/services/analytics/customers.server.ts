// Customer list, customer page and CSV export, all read from the precomputed
// CustomerMetric rows (plus Customer for names and Order for history).
import type { Prisma, PrismaClient } from "@prisma/client";
import { PROSPECTS_DESCRIPTION, RFM_GROUPS, RFM_RULES, type RfmGroup } from "~/domain/analytics";
import { currencyExponent } from "./clv-stage.server";
import { loadShopInfo } from "./load.server";

export const CUSTOMER_SORTS = ["predictedClv", "historicalClv", "pAlive", "lastOrder", "orders", "expectedPurchases"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
export const PAGE_SIZE = 50;
/** A search matching more customers than this is cut off (and says so). */
export const MAX_SEARCH_MATCHES = 2_000;
export const EXPORT_CHUNK = 2_000;

export interface CustomerQuery {
  segment?: RfmGroup;
  /** Name, email or Shopify customer id. */
  search?: string;
  sort?: CustomerSort;
  direction?: "asc" | "desc";
  /** 1-based. */
  page?: number;
}

export interface CustomerListRow {
  customerShopifyId: string;
  name: string | null;
  email: string | null;
  rfmGroup: string;
  previousRfmGroup: string | null;
  ordersCount: number;
  historicalClvMinor: number;
  predictedClvMinor: number | null;
  expectedPurchases: number | null;
  pAlive: number | null;
  churnRisk: string | null;
  lastOrderAt: string | null;
  nextOrderAt: string | null;
}

export interface CustomerList {
  rows: CustomerListRow[];
  total: number;
  page: number;
  pages: number;
  currencyCode: string;
  /** The search matched more than MAX_SEARCH_MATCHES customers; only the first ones are listed. */
  searchTruncated: boolean;
  computedAt: string | null;
}

function displayName(c: { firstName: string | null; lastName: string | null } | undefined): string | null {
  if (!c) return null;
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  return name.length > 0 ? name : null;
}

function orderByFor(sort: CustomerSort, direction: "asc" | "desc"): Prisma.CustomerMetricOrderByWithRelationInput[] {
  const nullable = (field: "predictedClvMinor" | "pAlive" | "lastOrderAt" | "expectedPurchases") => ({
    [field]: { sort: direction, nulls: "last" as const },
  });
  const primary: Prisma.CustomerMetricOrderByWithRelationInput =
    sort === "predictedClv"
      ? nullable("predictedClvMinor")
      : sort === "pAlive"
        ? nullable("pAlive")
        : sort === "lastOrder"
          ? nullable("lastOrderAt")
          : sort === "expectedPurchases"
            ? nullable("expectedPurchases")
            : sort === "orders"
              ? { ordersCount: direction }
              : { historicalClvMinor: direction };
  // A unique tie-break keeps pages stable.
  return [primary, { customerShopifyId: "asc" }];
}

async function searchCustomerIds(db: PrismaClient, shop: string, search: string): Promise<{ ids: string[]; truncated: boolean }> {
  const term = search.trim();
  const matches = await db.customer.findMany({
    where: {
      shop,
      deletedAt: null,
      OR: [{ email: { contains: term } }, { firstName: { contains: term } }, { lastName: { contains: term } }, { shopifyId: term }],
    },
    select: { shopifyId: true },
    take: MAX_SEARCH_MATCHES + 1,
  });
  return { ids: matches.slice(0, MAX_SEARCH_MATCHES).map((m) => m.shopifyId), truncated: matches.length > MAX_SEARCH_MATCHES };
}

async function metricWhere(db: PrismaClient, shop: string, query: CustomerQuery) {
  const where: Prisma.CustomerMetricWhereInput = { shop };
  if (query.segment) where.rfmGroup = query.segment;
  let truncated = false;
  if (query.search && query.search.trim().length > 0) {
    const found = await searchCustomerIds(db, shop, query.search);
    where.customerShopifyId = { in: found.ids };
    truncated = found.truncated;
  }
  return { where, truncated };
}

async function namesFor(db: PrismaClient, shop: string, ids: string[]) {
  const customers = await db.customer.findMany({
    where: { shop, shopifyId: { in: ids } },
    select: { shopifyId: true, firstName: true, lastName: true, email: true },
  });
  return new Map(customers.map((c) => [c.shopifyId, c]));
}

export async function listCustomers(db: PrismaClient, shop: string, query: CustomerQuery = {}): Promise<CustomerList> {
  const info = await loadShopInfo(db, shop);
  const { where, truncated } = await metricWhere(db, shop, query);
  const total = await db.customerMetric.count({ where });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(Math.max(1, query.page ?? 1), pages);
  const metrics = await db.customerMetric.findMany({
    where,
    orderBy: orderByFor(query.sort ?? "predictedClv", query.direction ?? "desc"),
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
  });
  const names = await namesFor(db, shop, metrics.map((m) => m.customerShopifyId));
  const latest = await db.customerMetric.findFirst({ where: { shop }, orderBy: { computedAt: "desc" }, select: { computedAt: true } });
  return {
    rows: metrics.map((m) => {
      const c = names.get(m.customerShopifyId);
      return {
        customerShopifyId: m.customerShopifyId,
        name: displayName(c),
        email: c?.email ?? null,
        rfmGroup: m.rfmGroup,
        previousRfmGroup: m.previousRfmGroup,
        ordersCount: m.ordersCount,
        historicalClvMinor: m.historicalClvMinor,
        predictedClvMinor: m.predictedClvMinor,
        expectedPurchases: m.expectedPurchases,
        pAlive: m.pAlive,
        churnRisk: m.churnRisk,
        lastOrderAt: m.lastOrderAt?.toISOString() ?? null,
        nextOrderAt: m.nextOrderAt?.toISOString() ?? null,
      };
    }),
    total,
    page,
    pages,
    currencyCode: info.currencyCode,
    searchTruncated: truncated,
    computedAt: latest?.computedAt.toISOString() ?? null,
  };
}

export const HISTORY_LIMIT = 100;

export interface CustomerDetail {
  customerShopifyId: string;
  name: string | null;
  email: string | null;
  createdAt: string | null;
  currencyCode: string;
  timeZone: string;
  metric: {
    ordersCount: number;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    historicalClvMinor: number;
    frequency: number;
    recencyWeeks: number;
    ageWeeks: number;
    monetaryMinor: number;
    expectedPurchases: number | null;
    pAlive: number | null;
    predictedClvMinor: number | null;
    clvLowMinor: number | null;
    clvHighMinor: number | null;
    nextOrderAt: string | null;
    rfm: { r: number; f: number; m: number } | null;
    rfmGroup: string;
    rfmDescription: string;
    previousRfmGroup: string | null;
    churnRisk: string | null;
    model: string | null;
    computedAt: string;
  } | null;
  /**
   * Shopify's own Customer.statistics.rfmGroup needs a live Admin API call per
   * customer; the page does not make it, so it is reported as not available.
   */
  shopifyRfmGroup: { value: null; reason: "NOT_FETCHED" };
  orders: {
    shopifyId: string;
    name: string | null;
    processedAt: string;
    totalMinor: number;
    refundedMinor: number;
    netMinor: number;
    cancelled: boolean;
    test: boolean;
    counted: boolean;
  }[];
  ordersTotal: number;
}

export function describeRfmGroup(group: string): string {
  if (group === "PROSPECTS") return PROSPECTS_DESCRIPTION;
  return RFM_RULES.find((r) => r.group === group)?.description ?? "";
}

export function isRfmGroup(value: string): value is RfmGroup {
  return (RFM_GROUPS as readonly string[]).includes(value);
}

/** null when the shop has no such customer (neither a record nor metrics). */
export async function getCustomerDetail(db: PrismaClient, shop: string, customerShopifyId: string): Promise<CustomerDetail | null> {
  const info = await loadShopInfo(db, shop);
  const [customer, metric, orders, ordersTotal] = await Promise.all([
    db.customer.findUnique({ where: { shop_shopifyId: { shop, shopifyId: customerShopifyId } } }),
    db.customerMetric.findUnique({ where: { shop_customerShopifyId: { shop, customerShopifyId } } }),
    db.order.findMany({
      where: { shop, customerShopifyId },
      orderBy: { processedAt: "desc" },
      take: HISTORY_LIMIT,
      select: { shopifyId: true, name: true, processedAt: true, totalMinor: true, refundedMinor: true, cancelledAt: true, test: true },
    }),
    db.order.count({ where: { shop, customerShopifyId } }),
  ]);
  if ((!customer || customer.deletedAt) && !metric) return null;
  const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
  return {
    customerShopifyId,
    name: displayName(customer ?? undefined),
    email: customer?.email ?? null,
    createdAt: iso(customer?.shopifyCreatedAt),
    currencyCode: info.currencyCode,
    timeZone: info.timeZone,
    metric: metric && {
      ordersCount: metric.ordersCount,
      firstOrderAt: iso(metric.firstOrderAt),
      lastOrderAt: iso(metric.lastOrderAt),
      historicalClvMinor: metric.historicalClvMinor,
      frequency: metric.frequency,
      recencyWeeks: metric.recencyWeeks,
      ageWeeks: metric.ageWeeks,
      monetaryMinor: metric.monetaryMinor,
      expectedPurchases: metric.expectedPurchases,
      pAlive: metric.pAlive,
      predictedClvMinor: metric.predictedClvMinor,
      clvLowMinor: metric.clvLowMinor,
      clvHighMinor: metric.clvHighMinor,
      nextOrderAt: iso(metric.nextOrderAt),
      rfm:
        metric.rfmRecency !== null && metric.rfmFrequency !== null && metric.rfmMonetary !== null
          ? { r: metric.rfmRecency, f: metric.rfmFrequency, m: metric.rfmMonetary }
          : null,
      rfmGroup: metric.rfmGroup,
      rfmDescription: describeRfmGroup(metric.rfmGroup),
      previousRfmGroup: metric.previousRfmGroup,
      churnRisk: metric.churnRisk,
      model: metric.model,
      computedAt: metric.computedAt.toISOString(),
    },
    shopifyRfmGroup: { value: null, reason: "NOT_FETCHED" },
    orders: orders.map((o) => ({
      shopifyId: o.shopifyId,
      name: o.name,
      processedAt: o.processedAt.toISOString(),
      totalMinor: o.totalMinor,
      refundedMinor: o.refundedMinor,
      netMinor: Math.max(0, o.totalMinor - o.refundedMinor),
      cancelled: o.cancelledAt !== null,
      test: o.test,
      counted: o.cancelledAt === null && !o.test,
    })),
    ordersTotal,
  };
}

// ------------------------------------------------------------------ CSV export

export const CSV_COLUMNS = [
  "customer_id",
  "first_name",
  "last_name",
  "email",
  "rfm_group",
  "previous_rfm_group",
  "r",
  "f",
  "m",
  "orders",
  "first_order_at",
  "last_order_at",
  "historical_clv",
  "predicted_clv_12m",
  "clv_low",
  "clv_high",
  "expected_purchases_12m",
  "p_alive",
  "churn_risk",
  "next_order_at",
  "model",
  "currency",
] as const;

/**
 * RFC 4180 quoting, plus a leading apostrophe on cells a spreadsheet would
 * run as a formula (=, +, -, @, tab, CR): customer names are user input.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Integer minor units → exact decimal string in major units ("1234" → "12.34"). */
export function formatMinorDecimal(minor: number | null, exponent: number): string {
  if (minor === null) return "";
  if (exponent === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** The export as a stream: rows are read in chunks, so memory stays flat for any shop size. */
export function exportCustomersCsv(db: PrismaClient, shop: string, filter: Pick<CustomerQuery, "segment" | "search"> = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  let finished = false;
  let exponent = 2;
  let currency = "";
  let where: Prisma.CustomerMetricWhereInput = { shop };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        const info = await loadShopInfo(db, shop);
        currency = info.currencyCode;
        exponent = currencyExponent(currency);
        where = (await metricWhere(db, shop, filter)).where;
        controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(",")}\r\n`));
        return;
      }
      if (finished) return;
      const rows = await db.customerMetric.findMany({
        where: { ...where, ...(cursor ? { id: { gt: cursor } } : {}) },
        orderBy: { id: "asc" },
        take: EXPORT_CHUNK,
      });
      if (rows.length === 0) {
        finished = true;
        controller.close();
        return;
      }
      cursor = rows[rows.length - 1].id;
      const customers = await db.customer.findMany({
        where: { shop, shopifyId: { in: rows.map((r) => r.customerShopifyId) } },
        select: { shopifyId: true, firstName: true, lastName: true, email: true },
      });
      const byId = new Map(customers.map((c) => [c.shopifyId, c]));
      const money = (v: number | null) => formatMinorDecimal(v, exponent);
      const iso = (d: Date | null) => d?.toISOString() ?? "";
      const lines = rows.map((r) => {
        const c = byId.get(r.customerShopifyId);
        return [
          r.customerShopifyId,
          c?.firstName ?? null,
          c?.lastName ?? null,
          c?.email ?? null,
          r.rfmGroup,
          r.previousRfmGroup,
          r.rfmRecency,
          r.rfmFrequency,
          r.rfmMonetary,
          r.ordersCount,
          iso(r.firstOrderAt),
          iso(r.lastOrderAt),
          money(r.historicalClvMinor),
          money(r.predictedClvMinor),
          money(r.clvLowMinor),
          money(r.clvHighMinor),
          r.expectedPurchases === null ? null : r.expectedPurchases.toFixed(4),
          r.pAlive === null ? null : r.pAlive.toFixed(4),
          r.churnRisk,
          iso(r.nextOrderAt),
          r.model,
          currency,
        ]
          .map((v) => csvCell(v))
          .join(",");
      });
      controller.enqueue(encoder.encode(`${lines.join("\r\n")}\r\n`));
    },
  });
}
