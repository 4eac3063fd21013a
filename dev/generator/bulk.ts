// Shopify bulk-operation result files (JSONL, ungrouped, API 2026-07) for the
// backfill: one object per line, GraphQL camelCase, gids; connection children
// (Order.lineItems) on their own lines after their parent with `__parentId`.
// `refunds` is a plain list on Order, so it stays inline.

import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { BULK_CUSTOMERS_QUERY, BULK_ORDERS_QUERY } from "../../app/graphql/sync/bulk";
import type { GeneratorConfig } from "./config";
import { formatMinor, formatUtcTime, gid } from "./format";
import { customerVersionAt, orderStateAt, type FinancialStatus } from "./payloads";
import type { CustomerRecord, MoneyPair, OrderRecord } from "./records";
import type { SimItem } from "./simulate";

export type BulkKind = "orders" | "customers";

/**
 * The bulk query each file answers: the app's own (app/graphql/sync/bulk.ts).
 * Each rendered object carries exactly the fields that query selects, in its
 * order, so the backfill tests and bench/backfill parse what production does
 * (tests/unit/generator/bulk.test.ts holds the two together).
 */
export const BULK_QUERIES: Record<BulkKind, string> = {
  customers: BULK_CUSTOMERS_QUERY,
  orders: BULK_ORDERS_QUERY,
};

const FINANCIAL: Record<FinancialStatus, string> = {
  pending: "PENDING",
  authorized: "AUTHORIZED",
  paid: "PAID",
  partially_refunded: "PARTIALLY_REFUNDED",
  refunded: "REFUNDED",
  voided: "VOIDED",
};

/** A MoneyBag with both amounts (the query asks for presentment money on the order total only). */
function bag(pair: MoneyPair, shopCurrency: string, presentmentCurrency: string) {
  return {
    shopMoney: { amount: formatMinor(pair.shop), currencyCode: shopCurrency },
    presentmentMoney: { amount: formatMinor(pair.presentment), currencyCode: presentmentCurrency },
  };
}

/** A MoneyBag with shop money only. */
function shopBag(pair: MoneyPair, shopCurrency: string) {
  return { shopMoney: { amount: formatMinor(pair.shop), currencyCode: shopCurrency } };
}

export function renderBulkCustomer(customer: CustomerRecord, asOfMs: number): Record<string, unknown> {
  const version = customerVersionAt(customer, asOfMs);
  return {
    id: gid("Customer", customer.id),
    email: customer.email,
    firstName: customer.firstName,
    lastName: customer.lastName,
    phone: customer.phone,
    // As in the generator's REST payloads: no customer account invited.
    state: "DISABLED",
    tags: version.tags,
    createdAt: formatUtcTime(customer.createdAtMs),
    updatedAt: formatUtcTime(version.atMs),
    emailMarketingConsent: { marketingState: version.consent.toUpperCase() },
    smsMarketingConsent: null,
  };
}

/** The Order line followed by its LineItem lines. */
export function renderBulkOrder(order: OrderRecord, asOfMs: number, config: GeneratorConfig): Array<Record<string, unknown>> {
  const state = orderStateAt(order, asOfMs);
  const shop = (p: MoneyPair) => shopBag(p, config.shopCurrency);
  const orderGid = gid("Order", order.id);
  const t = order.totals;
  const head = {
    id: orderGid,
    name: `#${order.orderNumber}`,
    email: order.email,
    createdAt: formatUtcTime(order.createdAtMs),
    updatedAt: formatUtcTime(state.updatedAtMs),
    processedAt: formatUtcTime(order.createdAtMs),
    cancelledAt: state.cancelledAtMs === null ? null : formatUtcTime(state.cancelledAtMs),
    cancelReason: state.cancelReason === null ? null : state.cancelReason.toUpperCase(),
    test: order.kind === "test",
    displayFinancialStatus: FINANCIAL[state.financialStatus],
    displayFulfillmentStatus: state.fulfilled ? "FULFILLED" : "UNFULFILLED",
    currencyCode: config.shopCurrency,
    presentmentCurrencyCode: order.presentmentCurrency,
    subtotalPriceSet: shop(t.subtotal),
    totalPriceSet: bag(t.total, config.shopCurrency, order.presentmentCurrency),
    totalTaxSet: shop(t.tax),
    totalShippingPriceSet: shop(t.shipping),
    totalDiscountsSet: shop(t.discounts),
    discountCodes: order.discount ? [order.discount.code] : [],
    sourceName: "web",
    tags: order.tags,
    customer: order.customer ? { id: gid("Customer", order.customer.id) } : null,
    refunds: state.refunds.map((r) => ({
      id: gid("Refund", r.id),
      createdAt: formatUtcTime(r.atMs),
      processedAt: formatUtcTime(r.atMs),
      note: r.note,
      totalRefundedSet: shop(r.amount),
    })),
  };
  const lines = order.lines.map((line) => ({
    id: gid("LineItem", line.id),
    title: line.variant.productTitle,
    quantity: line.quantity,
    sku: line.variant.sku,
    isGiftCard: line.variant.productTitle === "Gift Card",
    variant: { id: gid("ProductVariant", line.variant.variantId) },
    product: { id: gid("Product", line.variant.productId) },
    originalUnitPriceSet: shop(line.unit),
    discountAllocations: line.discount.shop > 0 ? [{ allocatedAmountSet: shop(line.discount) }] : [],
    __parentId: orderGid,
  }));
  return [head, ...lines];
}

export interface ShopStream extends Iterable<SimItem> {
  readonly config: GeneratorConfig;
}

export interface BulkWriteResult {
  /** Lines written (objectCount in BulkOperation terms). */
  objectCount: number;
  /** Root objects (orders or customers): rootObjectCount. */
  rootObjectCount: number;
  bytes: number;
}

/**
 * Writes the final state (as of the shop's end) of every customer or order in
 * `stream` to `filePath`, streaming with back-pressure in ~1 MB chunks.
 */
export async function writeBulkJsonl(stream: ShopStream, options: { kind: BulkKind }, filePath: string): Promise<BulkWriteResult> {
  const { config } = stream;
  const asOf = config.endMs - 1;
  const out = createWriteStream(filePath, { encoding: "utf8" });
  const failed = once(out, "error").then(([error]) => {
    throw error;
  });
  failed.catch(() => undefined);
  let chunk = "";
  let objectCount = 0;
  let rootObjectCount = 0;
  let bytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    bytes += Buffer.byteLength(chunk);
    const ok = out.write(chunk);
    chunk = "";
    if (!ok) await Promise.race([once(out, "drain"), failed]);
  };
  for (const item of stream) {
    if (options.kind === "customers" && item.type === "customer") {
      chunk += JSON.stringify(renderBulkCustomer(item.customer, asOf)) + "\n";
      objectCount++;
      rootObjectCount++;
    } else if (options.kind === "orders" && item.type === "order") {
      for (const line of renderBulkOrder(item.order, asOf, config)) {
        chunk += JSON.stringify(line) + "\n";
        objectCount++;
      }
      rootObjectCount++;
    } else continue;
    if (chunk.length >= 1 << 20) await flush();
  }
  await flush();
  out.end();
  await Promise.race([once(out, "finish"), failed]);
  return { objectCount, rootObjectCount, bytes };
}
