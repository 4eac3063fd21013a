// Writes normalized resources into the exact tables. Every function is
// idempotent and order-independent (see docs/sync.md, "Merge rules"): it runs
// inside the caller's transaction and holds the resource's lock.
//
// The apply functions run raw SQL through `sqlOf(tx)`: the webhook worker
// passes a direct-SQL transaction (prepared statements, ADR 008), backfill and
// reconciliation pass a Prisma transaction. Values are written in the formats
// Prisma reads back (SQLite: ISO text dates, 0/1 booleans, JSON text);
// "updatedAt" is set here, as Prisma's @updatedAt would.
import { Prisma, type OrderLineItem } from "@prisma/client";
import {
  decideRefund, decideVersion, sumRefunds,
  type NormalizedCustomer, type NormalizedLineItem, type NormalizedOrder, type NormalizedRefund, type VersionDecision,
} from "~/domain/sync";
import { inList, listParam, type DirectQueries, type SqlParam } from "~/lib/direct-sql.server";
import { isPostgres, JSONB, newSortableId, sqlOf, toDate, TS } from "./sql.server";
import { customerLockKey, lockResource, orderLockKey, type Tx } from "./tx.server";

export interface ApplyResult {
  decision: VersionDecision | "redacted";
  /** Anything stored changed (order row, lines or refund totals). */
  changed: boolean;
}

export function orderColumns(o: NormalizedOrder, email: string | null) {
  return {
    name: o.name,
    customerShopifyId: o.customerShopifyId,
    email,
    processedAt: o.processedAt,
    shopifyCreatedAt: o.createdAt,
    shopifyUpdatedAt: o.updatedAt,
    cancelledAt: o.cancelledAt,
    cancelReason: o.cancelReason,
    test: o.test,
    financialStatus: o.financialStatus,
    fulfillmentStatus: o.fulfillmentStatus,
    currency: o.currency,
    presentmentCurrency: o.presentmentCurrency,
    subtotalMinor: o.subtotalMinor,
    totalMinor: o.totalMinor,
    taxMinor: o.taxMinor,
    shippingMinor: o.shippingMinor,
    discountsMinor: o.discountsMinor,
    giftCardMinor: o.giftCardMinor,
    presentmentTotalMinor: o.presentmentTotalMinor,
    discountCodes: o.discountCodes as unknown as Prisma.InputJsonValue,
    sourceName: o.sourceName,
    tags: o.tags,
  };
}

export function refundColumns(r: NormalizedRefund) {
  return {
    orderShopifyId: r.orderShopifyId,
    amountMinor: r.amountMinor,
    storeCreditMinor: r.storeCreditMinor,
    lines: r.lines === null ? Prisma.DbNull : (r.lines as unknown as Prisma.InputJsonValue),
    note: r.note,
    processedAt: r.processedAt,
  };
}

export const ORDER_COLUMNS = [
  "name", "customerShopifyId", "email", "processedAt", "shopifyCreatedAt", "shopifyUpdatedAt", "cancelledAt", "cancelReason", "test",
  "financialStatus", "fulfillmentStatus", "currency", "presentmentCurrency", "subtotalMinor", "totalMinor", "taxMinor", "shippingMinor",
  "discountsMinor", "giftCardMinor", "presentmentTotalMinor", "discountCodes", "sourceName", "tags",
] as const satisfies ReadonlyArray<keyof ReturnType<typeof orderColumns>>;
export const LINE_COLUMNS = [
  "shop", "orderId", "shopifyId", "productId", "variantId", "title", "sku", "quantity", "priceMinor", "discountMinor", "giftCard",
] as const satisfies ReadonlyArray<keyof OrderLineItem>;
export const JSON_COLUMNS: ReadonlySet<string> = new Set(["discountCodes", "lines"]);

function jsonOrValue(v: unknown): string | number | boolean | Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

type Q = DirectQueries;

/**
 * The stored version of an order and whether its customer was redacted (orders
 * of a redacted customer never get their email back from a late delivery), in
 * one statement: one round trip per order on PostgreSQL.
 */
async function findOrderVersion(q: Q, shop: string, shopifyId: string, customerShopifyId: string | null) {
  const rows = await q.query<{ id: string | null; shopifyUpdatedAt: unknown; customerRedactedAt: unknown }>(
    `SELECT o."id", o."shopifyUpdatedAt", (SELECT c."redactedAt" FROM "Customer" c WHERE c."shop" = $1 AND c."shopifyId" = $2) AS "customerRedactedAt"
     FROM (SELECT 1 AS "one") AS x LEFT JOIN "Order" o ON o."shop" = $3 AND o."shopifyId" = $4`,
    [shop, customerShopifyId, shop, shopifyId],
  );
  const row = rows[0];
  return {
    existing: row?.id ? { id: row.id, shopifyUpdatedAt: toDate(row.shopifyUpdatedAt) } : null,
    customerRedacted: customerShopifyId !== null && row !== undefined && row.customerRedactedAt !== null && row.customerRedactedAt !== undefined,
  };
}

type OrderVersion = { existing: { id: string; shopifyUpdatedAt: Date | null } | null; customerRedacted: boolean };

/**
 * What findOrderVersion would answer for each order of a worker batch, read in
 * one statement per shop after the batch's locks are taken: on PostgreSQL
 * that is one round trip per batch instead of one per order. applyOrder keeps
 * it current as it inserts and updates (an order can come twice in a batch).
 */
export class OrderVersions {
  private readonly versions = new Map<string, OrderVersion["existing"]>();
  private readonly redacted = new Set<string>();

  static async load(q: Q, orders: ReadonlyArray<{ shop: string; order: NormalizedOrder }>): Promise<OrderVersions> {
    const cache = new OrderVersions();
    const byShop = new Map<string, { ids: Set<string>; customers: Set<string> }>();
    for (const { shop, order } of orders) {
      let entry = byShop.get(shop);
      if (!entry) byShop.set(shop, (entry = { ids: new Set(), customers: new Set() }));
      entry.ids.add(order.shopifyId);
      if (order.customerShopifyId !== null) entry.customers.add(order.customerShopifyId);
    }
    for (const [shop, { ids, customers }] of byShop) {
      // Planned with this batch's lists (unprepared): the (shop, shopifyId) indexes probed once per id.
      const rows = await q.query<{ kind: string; shopifyId: string; id: string | null; shopifyUpdatedAt: unknown }>(
        `SELECT 'o' AS "kind", "shopifyId", "id", "shopifyUpdatedAt" FROM "Order" WHERE "shop" = $1 AND ${inList(q, "shopifyId", 2)}
         UNION ALL
         SELECT 'c' AS "kind", "shopifyId", NULL AS "id", NULL AS "shopifyUpdatedAt" FROM "Customer" WHERE "shop" = $3 AND ${inList(q, "shopifyId", 4)} AND "redactedAt" IS NOT NULL`,
        [shop, listParam(q, [...ids]), shop, listParam(q, [...customers])],
        { prepared: false },
      );
      for (const id of ids) cache.versions.set(`${shop}\n${id}`, null);
      for (const r of rows) {
        if (r.kind === "o") cache.versions.set(`${shop}\n${r.shopifyId}`, { id: r.id!, shopifyUpdatedAt: toDate(r.shopifyUpdatedAt) });
        else cache.redacted.add(`${shop}\n${r.shopifyId}`);
      }
    }
    return cache;
  }

  /** The stored version, or undefined when the order was not part of the load. */
  get(shop: string, order: NormalizedOrder): OrderVersion | undefined {
    const existing = this.versions.get(`${shop}\n${order.shopifyId}`);
    if (existing === undefined) return undefined;
    return { existing, customerRedacted: order.customerShopifyId !== null && this.redacted.has(`${shop}\n${order.customerShopifyId}`) };
  }

  record(shop: string, shopifyId: string, id: string, shopifyUpdatedAt: Date): void {
    this.versions.set(`${shop}\n${shopifyId}`, { id, shopifyUpdatedAt });
  }
}

const DATE_COLUMNS: ReadonlySet<string> = new Set(["processedAt", "shopifyCreatedAt", "shopifyUpdatedAt", "cancelledAt", "createdAt", "updatedAt", "appliedAt", "deletedAt"]);

// Statement texts depend on the engine (casts) and, for line inserts, on the row count: built once each.
const sqlCache = new Map<string, string>();
function cachedSql(key: string, build: (pg: boolean) => string): string {
  const pg = isPostgres();
  const k = `${pg ? "pg" : "lite"}:${key}`;
  let sql = sqlCache.get(k);
  if (sql === undefined) {
    sql = build(pg);
    sqlCache.set(k, sql);
  }
  return sql;
}
const castOf = (pg: boolean, column: string) => (!pg ? "" : JSON_COLUMNS.has(column) ? "::jsonb" : DATE_COLUMNS.has(column) ? "::timestamp(3)" : "");
function insertSql(pg: boolean, table: string, columns: readonly string[], rows = 1): string {
  let n = 0;
  const tuple = () => `(${columns.map((c) => `$${++n}${castOf(pg, c)}`).join(", ")})`;
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${Array.from({ length: rows }, tuple).join(", ")}`;
}

const ORDER_INSERT_COLUMNS = ["id", "shop", "shopifyId", ...ORDER_COLUMNS, "refundedMinor", "createdAt", "updatedAt"];
// Line inserts in chunks of at most this many rows (one cached statement per size).
const LINE_CHUNK = 50;

function orderValues(o: NormalizedOrder, email: string | null) {
  const c = orderColumns(o, email);
  return ORDER_COLUMNS.map((k) => jsonOrValue(c[k]));
}

async function insertLines(q: Q, shop: string, orderId: string, lines: NormalizedLineItem[]): Promise<void> {
  for (let start = 0; start < lines.length; start += LINE_CHUNK) {
    const chunk = lines.slice(start, start + LINE_CHUNK);
    const params: LineValue[] = [];
    for (const l of chunk) params.push(...lineRow(shop, orderId, l));
    await q.execute(cachedSql(`lines:${chunk.length}`, (pg) => insertSql(pg, "OrderLineItem", LINE_COLUMNS, chunk.length)), params);
  }
}

type LineValue = string | number | boolean | null;

/** A line item's LINE_COLUMNS values. */
function lineRow(shop: string, orderId: string, l: NormalizedLineItem): LineValue[] {
  return [shop, orderId, l.shopifyId, l.productId, l.variantId, l.title, l.sku, l.quantity, l.priceMinor, l.discountMinor, l.giftCard];
}

/** Rows as one array per column (PostgreSQL's unnest parameters). */
function toColumns(rows: readonly unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) row.forEach((v, i) => columns[i].push(v));
  return columns;
}

// PostgreSQL array types of the insert columns (unnest parameters).
const PG_ARRAY_TYPE = (column: string): string =>
  JSON_COLUMNS.has(column) ? "jsonb" : DATE_COLUMNS.has(column) ? "timestamp(3)" : column === "test" || column === "giftCard" ? "boolean"
    : column.endsWith("Minor") || column === "quantity" ? "integer" : "text";

/**
 * PostgreSQL: the order, its line items and the release of its held refunds
 * in one statement (data-modifying CTEs), so a new order costs one round trip,
 * not three.
 */
const PG_INSERT_ORDER_WITH_LINES = (() => {
  const order = insertSql(true, "Order", ORDER_INSERT_COLUMNS);
  let n = ORDER_INSERT_COLUMNS.length;
  const arrays = LINE_COLUMNS.map((c) => `$${++n}::${PG_ARRAY_TYPE(c)}[]`).join(", ");
  const lines = `INSERT INTO "OrderLineItem" (${LINE_COLUMNS.map((c) => `"${c}"`).join(", ")}) SELECT * FROM unnest(${arrays})`;
  const release = `UPDATE "Refund" SET "appliedAt" = $${++n}::timestamp(3) WHERE "shop" = $${++n} AND "orderShopifyId" = $${++n} AND "appliedAt" IS NULL RETURNING 1`;
  return `WITH o AS (${order}), l AS (${lines}), r AS (${release}) SELECT COUNT(*)::int AS "released" FROM r`;
})();

/** Inserts a new order and its lines; `released` is how many held refunds it released (PostgreSQL), or null (not done yet: SQLite). */
async function insertOrder(q: Q, shop: string, order: NormalizedOrder, email: string | null, now: Date): Promise<{ id: string; released: number | null }> {
  const id = newSortableId();
  const orderParams = [id, shop, order.shopifyId, ...orderValues(order, email), 0, now, now];
  if (q.provider === "postgresql") {
    const lines = toColumns(order.lineItems.map((l) => lineRow(shop, id, l)), LINE_COLUMNS.length);
    const [row] = await q.query<{ released: number }>(PG_INSERT_ORDER_WITH_LINES, [
      ...orderParams, ...(lines as unknown as SqlParam[]), now, shop, order.shopifyId,
    ]);
    return { id, released: Number(row?.released ?? 0) };
  }
  await q.execute(cachedSql("order:insert", (pg) => insertSql(pg, "Order", ORDER_INSERT_COLUMNS)), orderParams);
  await insertLines(q, shop, id, order.lineItems);
  return { id, released: null };
}

/**
 * PostgreSQL: several new orders, their line items and the release of their
 * held refunds in one statement (the webhook worker's runs of new orders: one
 * round trip for the run instead of one per order).
 */
const PG_INSERT_ORDERS_WITH_LINES = (() => {
  let n = 0;
  const arrays = (columns: readonly string[]) => columns.map((c) => `$${++n}::${PG_ARRAY_TYPE(c)}[]`).join(", ");
  const names = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");
  const order = `INSERT INTO "Order" (${names(ORDER_INSERT_COLUMNS)}) SELECT * FROM unnest(${arrays(ORDER_INSERT_COLUMNS)})`;
  const lines = `INSERT INTO "OrderLineItem" (${names(LINE_COLUMNS)}) SELECT * FROM unnest(${arrays(LINE_COLUMNS)})`;
  const release = `UPDATE "Refund" r SET "appliedAt" = $${++n}::timestamp(3) FROM unnest($${++n}::text[], $${++n}::text[]) AS k("shop", "orderShopifyId")
    WHERE r."shop" = k."shop" AND r."orderShopifyId" = k."orderShopifyId" AND r."appliedAt" IS NULL RETURNING r."shop", r."orderShopifyId"`;
  return `WITH o AS (${order}), l AS (${lines}), r AS (${release}) SELECT "shop", "orderShopifyId", COUNT(*)::int AS "released" FROM r GROUP BY 1, 2`;
})();

/** A new order of a worker batch, with what applyOrder would have decided for it. */
export interface NewOrder {
  shop: string;
  order: NormalizedOrder;
}

/**
 * Whether applyOrder would simply insert this order: stored nowhere (per the
 * batch's versions) and carrying no refunds of its own. Such orders can go in
 * together (insertNewOrders).
 */
export function isPlainNewOrder(shop: string, order: NormalizedOrder, versions: OrderVersions): boolean {
  const v = versions.get(shop, order);
  return v !== undefined && v.existing === null && order.refunds.length === 0 && decideVersion(undefined, order.updatedAt, false) === "insert";
}

/**
 * PostgreSQL: inserts plain new orders (isPlainNewOrder, distinct ids, locks
 * already held) in one statement, exactly as applyOrder would one by one,
 * and keeps `versions` current.
 */
export async function insertNewOrders(q: Q, orders: readonly NewOrder[], now: Date, versions: OrderVersions): Promise<void> {
  // pg would render Dates inside arrays in local time: UTC ISO text (timestamp(3) ignores the zone).
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  const ids: string[] = [];
  const orderRows: unknown[][] = [];
  const lineRows: unknown[][] = [];
  const nowText = now.toISOString();
  for (const { shop, order } of orders) {
    const id = newSortableId();
    ids.push(id);
    const email = versions.get(shop, order)!.customerRedacted ? null : order.email;
    orderRows.push([id, shop, order.shopifyId, ...orderValues(order, email).map(iso), 0, nowText, nowText]);
    for (const l of order.lineItems) lineRows.push(lineRow(shop, id, l));
  }
  const released = await q.query<{ shop: string; orderShopifyId: string; released: number }>(PG_INSERT_ORDERS_WITH_LINES, [
    ...toColumns(orderRows, ORDER_INSERT_COLUMNS.length), ...toColumns(lineRows, LINE_COLUMNS.length),
    nowText, orders.map((o) => o.shop), orders.map((o) => o.order.shopifyId),
  ] as unknown as SqlParam[]);
  orders.forEach(({ shop, order }, i) => versions.record(shop, order.shopifyId, ids[i], order.updatedAt));
  // Refunds that came before their order (rare): the order's refundedMinor, as applyOrder settles it.
  for (const r of released) {
    if (Number(r.released) === 0) continue;
    const i = orders.findIndex((o) => o.shop === r.shop && o.order.shopifyId === r.orderShopifyId);
    await writeRefundedSum(q, r.shop, ids[i], r.orderShopifyId, now);
  }
}

async function updateOrder(q: Q, shop: string, orderId: string, order: NormalizedOrder, email: string | null, now: Date): Promise<void> {
  const sql = cachedSql("order:update", (pg) => {
    let n = 0;
    const sets = [...ORDER_COLUMNS, "updatedAt"].map((c) => `"${c}" = $${++n}${castOf(pg, c)}`);
    return `UPDATE "Order" SET ${sets.join(", ")} WHERE "id" = $${++n}`;
  });
  await q.execute(sql, [...orderValues(order, email), now, orderId]);
  await q.execute(`DELETE FROM "OrderLineItem" WHERE "orderId" = $1`, [orderId]);
  await insertLines(q, shop, orderId, order.lineItems);
}

/**
 * Marks the order's held refunds applied and recomputes `refundedMinor` as the
 * sum of all its refunds (money and store credit: sumRefunds in SQL), so the
 * order converges whatever arrived first. `knownChange` says a refund of this
 * order was just stored; otherwise the sum is only recomputed when held
 * refunds were found.
 */
export async function settleRefunds(tx: Tx | Q, shop: string, orderId: string, orderShopifyId: string, now: Date, knownChange = true): Promise<void> {
  const q = sqlOf(tx);
  const released = await q.execute(
    `UPDATE "Refund" SET "appliedAt" = $1${TS()} WHERE "shop" = $2 AND "orderShopifyId" = $3 AND "appliedAt" IS NULL`, [now, shop, orderShopifyId],
  );
  if (!knownChange && released === 0) return;
  await writeRefundedSum(q, shop, orderId, orderShopifyId, now);
}

/** The order's refundedMinor from its applied and held refunds. */
async function writeRefundedSum(q: Q, shop: string, orderId: string, orderShopifyId: string, now: Date): Promise<void> {
  await q.execute(
    `UPDATE "Order" SET "refundedMinor" = (SELECT COALESCE(SUM("amountMinor" + "storeCreditMinor"), 0) FROM "Refund" WHERE "shop" = $1 AND "orderShopifyId" = $2), "updatedAt" = $3${TS()} WHERE "id" = $4`,
    [shop, orderShopifyId, now, orderId],
  );
}

const REFUND_INSERT_COLUMNS = ["id", "shop", "shopifyId", "orderShopifyId", "amountMinor", "storeCreditMinor", "lines", "note", "processedAt", "appliedAt", "createdAt"];

async function storeRefund(q: Q, shop: string, refund: NormalizedRefund, orderExists: boolean, now: Date): Promise<boolean> {
  const rows = await q.query<{ id: string; hasLines: unknown }>(
    `SELECT "id", CASE WHEN "lines" IS NULL THEN 0 ELSE 1 END AS "hasLines" FROM "Refund" WHERE "shop" = $1 AND "shopifyId" = $2`, [shop, refund.shopifyId],
  );
  const stored = rows[0];
  const decision = decideRefund(stored ? { hasLines: Number(stored.hasLines) === 1 } : null, refund);
  const lines = refund.lines === null ? null : JSON.stringify(refund.lines);
  if (decision === "insert") {
    await q.execute(cachedSql("refund:insert", (pg) => insertSql(pg, "Refund", REFUND_INSERT_COLUMNS)), [
      newSortableId(), shop, refund.shopifyId, refund.orderShopifyId, refund.amountMinor, refund.storeCreditMinor, lines, refund.note, refund.processedAt, orderExists ? now : null, now,
    ]);
    return true;
  }
  if (decision === "enrich" && stored) {
    await q.execute(
      `UPDATE "Refund" SET "orderShopifyId" = $1, "amountMinor" = $2, "storeCreditMinor" = $3, "lines" = $4${JSONB()}, "note" = $5, "processedAt" = $6${TS()} WHERE "id" = $7`,
      [refund.orderShopifyId, refund.amountMinor, refund.storeCreditMinor, lines, refund.note, refund.processedAt, stored.id],
    );
    return true;
  }
  return false;
}

/** `versions`: the batch's prefetched versions (OrderVersions.load, under the same locks). */
export async function applyOrder(tx: Tx | Q, shop: string, order: NormalizedOrder, now: Date, versions?: OrderVersions): Promise<ApplyResult> {
  const q = sqlOf(tx);
  await lockResource(q, orderLockKey(shop, order.shopifyId));
  const { existing, customerRedacted } = versions?.get(shop, order) ?? await findOrderVersion(q, shop, order.shopifyId, order.customerShopifyId);
  const decision = decideVersion(existing?.shopifyUpdatedAt, order.updatedAt, existing !== null);
  if (decision === "stale" || decision === "duplicate") {
    // Only the embedded refunds can still add something.
    let refundsChanged = false;
    for (const refund of order.refunds) if (await storeRefund(q, shop, refund, true, now)) refundsChanged = true;
    if (refundsChanged && existing) await settleRefunds(q, shop, existing.id, order.shopifyId, now, true);
    return { decision, changed: refundsChanged };
  }
  const email = customerRedacted ? null : order.email;
  let orderId = existing?.id;
  let released: number | null = null;
  if (decision === "insert") {
    ({ id: orderId, released } = await insertOrder(q, shop, order, email, now));
  } else if (decision === "update" && existing) {
    await updateOrder(q, shop, existing.id, order, email, now);
  }
  if (orderId) versions?.record(shop, order.shopifyId, orderId, order.updatedAt);
  let refundsChanged = false;
  for (const refund of order.refunds) {
    if (await storeRefund(q, shop, refund, true, now)) refundsChanged = true;
  }
  const orderChanged = decision === "insert" || decision === "update";
  // A new order may release held refunds; a changed refund list needs a new sum.
  if (orderId && (decision === "insert" || refundsChanged)) {
    if (released === null) await settleRefunds(q, shop, orderId, order.shopifyId, now, refundsChanged);
    else if (released > 0 || refundsChanged) await writeRefundedSum(q, shop, orderId, order.shopifyId, now);
  }
  return { decision, changed: orderChanged || refundsChanged };
}

/** A refund whose order has not landed is stored held (appliedAt null) and settled when the order arrives. */
export async function applyRefund(tx: Tx | Q, shop: string, refund: NormalizedRefund, now: Date): Promise<ApplyResult & { held: boolean }> {
  const q = sqlOf(tx);
  await lockResource(q, orderLockKey(shop, refund.orderShopifyId));
  const rows = await q.query<{ id: string }>(`SELECT "id" FROM "Order" WHERE "shop" = $1 AND "shopifyId" = $2`, [shop, refund.orderShopifyId]);
  const order = rows[0] ?? null;
  const changed = await storeRefund(q, shop, refund, order !== null, now);
  if (changed && order) await settleRefunds(q, shop, order.id, refund.orderShopifyId, now);
  return { decision: changed ? "insert" : "duplicate", changed, held: order === null };
}

const CUSTOMER_COLUMNS = ["email", "firstName", "lastName", "phone", "emailMarketing", "smsMarketing", "tags", "state", "shopifyCreatedAt", "shopifyUpdatedAt"] as const;
const CUSTOMER_INSERT_COLUMNS = ["id", "shop", "shopifyId", ...CUSTOMER_COLUMNS, "createdAt", "updatedAt"];

function customerValues(c: NormalizedCustomer) {
  return [c.email, c.firstName, c.lastName, c.phone, c.emailMarketing, c.smsMarketing, c.tags, c.state, c.createdAt, c.updatedAt];
}

export async function applyCustomer(tx: Tx | Q, shop: string, customer: NormalizedCustomer, now: Date = new Date()): Promise<ApplyResult> {
  const q = sqlOf(tx);
  await lockResource(q, customerLockKey(shop, customer.shopifyId));
  const rows = await q.query<{ id: string; shopifyUpdatedAt: unknown; redactedAt: unknown }>(
    `SELECT "id", "shopifyUpdatedAt", "redactedAt" FROM "Customer" WHERE "shop" = $1 AND "shopifyId" = $2`, [shop, customer.shopifyId],
  );
  const existing = rows[0];
  // Erased PII must never come back from a late or replayed delivery.
  if (existing && existing.redactedAt !== null) return { decision: "redacted", changed: false };
  const decision = decideVersion(toDate(existing?.shopifyUpdatedAt), customer.updatedAt, existing !== undefined);
  if (decision === "insert") {
    await q.execute(cachedSql("customer:insert", (pg) => insertSql(pg, "Customer", CUSTOMER_INSERT_COLUMNS)), [newSortableId(), shop, customer.shopifyId, ...customerValues(customer), now, now]);
  } else if (decision === "update" && existing) {
    const sql = cachedSql("customer:update", (pg) => {
      let n = 0;
      return `UPDATE "Customer" SET ${[...CUSTOMER_COLUMNS, "updatedAt"].map((c) => `"${c}" = $${++n}${castOf(pg, c)}`).join(", ")} WHERE "id" = $${++n}`;
    });
    await q.execute(sql, [...customerValues(customer), now, existing.id]);
  }
  return { decision, changed: decision === "insert" || decision === "update" };
}

/**
 * customers/delete. Deletion is final in Shopify, so it is sticky here: a
 * tombstone is stored if the customer never arrived, and later versions update
 * fields but never clear `deletedAt`.
 */
export async function deleteCustomer(tx: Tx | Q, shop: string, customerShopifyId: string, now: Date): Promise<boolean> {
  const q = sqlOf(tx);
  await lockResource(q, customerLockKey(shop, customerShopifyId));
  const rows = await q.query<{ id: string; deletedAt: unknown }>(`SELECT "id", "deletedAt" FROM "Customer" WHERE "shop" = $1 AND "shopifyId" = $2`, [shop, customerShopifyId]);
  const existing = rows[0];
  if (existing && existing.deletedAt !== null) return false;
  if (existing) {
    await q.execute(`UPDATE "Customer" SET "deletedAt" = $1${TS()}, "updatedAt" = $2${TS()} WHERE "id" = $3`, [now, now, existing.id]);
  } else {
    await q.execute(cachedSql("customer:tombstone", (pg) => insertSql(pg, "Customer", ["id", "shop", "shopifyId", "deletedAt", "createdAt", "updatedAt"])), [
      newSortableId(), shop, customerShopifyId, now, now, now,
    ]);
  }
  return true;
}
