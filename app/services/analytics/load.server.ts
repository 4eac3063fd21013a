// Reads one shop's orders and customers into the analytics domain's input
// shapes, selecting only the columns the engine needs. On SQLite the rows are
// streamed through better-sqlite3 (see sql.server.ts for why); elsewhere they
// are paged by primary key in chunks of LOAD_CHUNK.
import type { PrismaClient } from "@prisma/client";
import type { AnalyticsCustomer, AnalyticsOrder } from "~/domain/analytics";
import type { OrderColumns } from "~/domain/analytics/order-columns";
import { parseSqliteDate, parseSqliteDateMs, sqliteFileOf } from "./sql.server";

export const LOAD_CHUNK = 5_000;

export interface ShopInfo {
  shop: string;
  currencyCode: string;
  timeZone: string;
}

export interface LoadedShopData {
  info: ShopInfo;
  orders: AnalyticsOrder[];
  customers: AnalyticsCustomer[];
  stats: {
    ordersRead: number;
    /** Orders at or after `now` (clock skew, future-dated imports): left out. */
    futureOrders: number;
    /** Orders whose refund exceeded the total (or whose total was negative): clamped, not rejected. */
    clampedOrders: number;
    /** Orders of deleted customers, counted as guest orders. */
    deletedCustomerOrders: number;
  };
}

export class ShopNotFoundError extends Error {
  readonly reason = "SHOP_NOT_FOUND" as const;
  constructor(readonly shop: string) {
    super(`shop ${shop} is not installed`);
    this.name = "ShopNotFoundError";
  }
}

export async function loadShopInfo(db: PrismaClient, shop: string): Promise<ShopInfo> {
  const row = await db.shop.findUnique({ where: { shop }, select: { shop: true, currencyCode: true, ianaTimezone: true } });
  if (!row) throw new ShopNotFoundError(shop);
  return { shop: row.shop, currencyCode: row.currencyCode, timeZone: row.ianaTimezone };
}

/** Customer records (deleted ones left out) and the set of deleted ids. */
async function loadCustomers(
  db: PrismaClient,
  shop: string,
  sqliteFile: string | null,
): Promise<{ customers: AnalyticsCustomer[]; deleted: Set<string> }> {
  const customers: AnalyticsCustomer[] = [];
  const deleted = new Set<string>();
  if (sqliteFile) {
    const { default: Database } = await import("better-sqlite3");
    const conn = new Database(sqliteFile, { readonly: true, fileMustExist: true });
    try {
      const stmt = conn.prepare(`SELECT "shopifyId", "shopifyCreatedAt", "createdAt", "deletedAt" FROM "Customer" WHERE "shop" = ? ORDER BY "shopifyId"`).raw(true);
      for (const r of stmt.iterate(shop) as Iterable<unknown[]>) {
        if (r[3] !== null) deleted.add(r[0] as string);
        else customers.push({ id: r[0] as string, createdAt: new Date(parseSqliteDateMs(r[1] ?? r[2])) });
      }
    } finally {
      conn.close();
    }
    return { customers, deleted };
  }
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.customer.findMany({
      where: { shop, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: LOAD_CHUNK,
      select: { id: true, shopifyId: true, shopifyCreatedAt: true, createdAt: true, deletedAt: true },
    });
    for (const r of rows) {
      if (r.deletedAt) deleted.add(r.shopifyId);
      else customers.push({ id: r.shopifyId, createdAt: r.shopifyCreatedAt ?? r.createdAt });
    }
    if (rows.length < LOAD_CHUNK) break;
    cursor = rows[rows.length - 1].id;
  }
  return { customers, deleted };
}

/** Rows are read straight into the domain's shape and fixed up in place: one object per order, not two. */
type RawOrder = AnalyticsOrder;

/** Orders in chunks: better-sqlite3 on SQLite (streamed), keyset-paged Prisma reads elsewhere. */
async function* readOrders(db: PrismaClient, shop: string, sqliteFile: string | null): AsyncGenerator<RawOrder[]> {
  if (sqliteFile) {
    const { default: Database } = await import("better-sqlite3");
    const conn = new Database(sqliteFile, { readonly: true, fileMustExist: true });
    try {
      const stmt = conn
        .prepare(`SELECT "id", "customerShopifyId", "processedAt", "totalMinor", "refundedMinor", "cancelledAt", "test" FROM "Order" WHERE "shop" = ?`)
        .raw(true);
      let chunk: RawOrder[] = [];
      for (const r of stmt.iterate(shop) as Iterable<unknown[]>) {
        chunk.push({
          id: r[0] as string,
          customerId: r[1] as string | null,
          processedAt: parseSqliteDate(r[2]),
          totalMinor: Number(r[3]),
          refundedMinor: Number(r[4]),
          cancelled: r[5] !== null,
          test: Number(r[6]) === 1,
        });
        if (chunk.length === LOAD_CHUNK * 10) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      conn.close();
    }
    return;
  }
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.order.findMany({
      where: { shop, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: LOAD_CHUNK,
      select: { id: true, customerShopifyId: true, processedAt: true, totalMinor: true, refundedMinor: true, cancelledAt: true, test: true },
    });
    yield rows.map((r) => ({
      id: r.id,
      customerId: r.customerShopifyId,
      processedAt: r.processedAt,
      totalMinor: r.totalMinor,
      refundedMinor: r.refundedMinor,
      cancelled: r.cancelledAt !== null,
      test: r.test,
    }));
    if (rows.length < LOAD_CHUNK) return;
    cursor = rows[rows.length - 1].id;
  }
}

export async function loadShopData(
  db: PrismaClient,
  shop: string,
  now: Date,
  onChunk?: (ordersRead: number) => Promise<void> | void,
): Promise<LoadedShopData> {
  const info = await loadShopInfo(db, shop);
  const sqliteFile = await sqliteFileOf(db);
  const { customers, deleted } = await loadCustomers(db, shop, sqliteFile);
  const orders: AnalyticsOrder[] = [];
  const stats = { ordersRead: 0, futureOrders: 0, clampedOrders: 0, deletedCustomerOrders: 0 };
  const nowMs = now.getTime();
  for await (const rows of readOrders(db, shop, sqliteFile)) {
    for (const r of rows) {
      stats.ordersRead += 1;
      if (r.processedAt.getTime() >= nowMs) {
        stats.futureOrders += 1;
        continue;
      }
      // Synced amounts should satisfy 0 ≤ refunded ≤ total; a stray row must
      // not take down the whole shop's analytics, so clamp and count it.
      if (r.totalMinor < 0 || r.refundedMinor < 0 || r.refundedMinor > r.totalMinor) {
        stats.clampedOrders += 1;
        r.totalMinor = Math.max(0, r.totalMinor);
        r.refundedMinor = Math.min(Math.max(0, r.refundedMinor), r.totalMinor);
      }
      if (r.customerId !== null && deleted.has(r.customerId)) {
        stats.deletedCustomerOrders += 1;
        r.customerId = null;
      }
      orders.push(r);
    }
    if (onChunk) await onChunk(stats.ordersRead);
  }
  return { info, orders, customers, stats };
}

export interface LoadedShopColumns {
  info: ShopInfo;
  /** Counted-or-not orders as columns (future orders left out, amounts clamped, deleted customers' orders as guest orders). */
  orders: OrderColumns;
  customers: AnalyticsCustomer[];
  stats: LoadedShopData["stats"];
}

/** Typed columns that grow by doubling while rows stream in. */
class OrderColumnsBuilder {
  length = 0;
  private customer = new Int32Array(1024);
  private at = new Float64Array(1024);
  private total = new Float64Array(1024);
  private refunded = new Float64Array(1024);
  private cancelled = new Uint8Array(1024);
  private test = new Uint8Array(1024);
  private readonly indexOf = new Map<string, number>();
  private readonly ids: string[] = [];

  /** Index of a customer id, interned (one string kept per customer). */
  customerIndex(id: string): number {
    let k = this.indexOf.get(id);
    if (k === undefined) {
      this.indexOf.set(id, (k = this.ids.length));
      this.ids.push(id);
    }
    return k;
  }

  push(customer: number, at: number, total: number, refunded: number, cancelled: boolean, test: boolean): void {
    if (this.length === this.at.length) this.grow();
    const i = this.length++;
    this.customer[i] = customer;
    this.at[i] = at;
    this.total[i] = total;
    this.refunded[i] = refunded;
    this.cancelled[i] = cancelled ? 1 : 0;
    this.test[i] = test ? 1 : 0;
  }

  private grow(): void {
    const size = this.at.length * 2;
    const copy = <A extends Int32Array | Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.customer = copy(this.customer, (n) => new Int32Array(n));
    this.at = copy(this.at, (n) => new Float64Array(n));
    this.total = copy(this.total, (n) => new Float64Array(n));
    this.refunded = copy(this.refunded, (n) => new Float64Array(n));
    this.cancelled = copy(this.cancelled, (n) => new Uint8Array(n));
    this.test = copy(this.test, (n) => new Uint8Array(n));
  }

  build(): OrderColumns {
    const n = this.length;
    // Trimmed copies, so the doubling slack is not kept for the whole recompute.
    return {
      length: n,
      customer: this.customer.slice(0, n),
      customerIds: this.ids,
      at: this.at.slice(0, n),
      totalMinor: this.total.slice(0, n),
      refundedMinor: this.refunded.slice(0, n),
      cancelled: this.cancelled.slice(0, n),
      test: this.test.slice(0, n),
    };
  }
}

/**
 * loadShopData as columns: the same orders, in the same order, with the same
 * clamping and counts, but one typed-array slot per order instead of an
 * object, a Date and an id string (a million of each for a large shop). Order
 * ids are not read: they are unique by the table's primary key.
 */
export async function loadShopColumns(
  db: PrismaClient,
  shop: string,
  now: Date,
  onChunk?: (ordersRead: number) => Promise<void> | void,
): Promise<LoadedShopColumns> {
  const info = await loadShopInfo(db, shop);
  const sqliteFile = await sqliteFileOf(db);
  const { customers, deleted } = await loadCustomers(db, shop, sqliteFile);
  const stats = { ordersRead: 0, futureOrders: 0, clampedOrders: 0, deletedCustomerOrders: 0 };
  const nowMs = now.getTime();
  const out = new OrderColumnsBuilder();
  const add = (customerId: string | null, at: number, total: number, refunded: number, cancelled: boolean, test: boolean) => {
    stats.ordersRead += 1;
    if (at >= nowMs) {
      stats.futureOrders += 1;
      return;
    }
    // As loadShopData: clamp and count a stray row rather than fail the shop.
    if (total < 0 || refunded < 0 || refunded > total) {
      stats.clampedOrders += 1;
      total = Math.max(0, total);
      refunded = Math.min(Math.max(0, refunded), total);
    }
    let customer = -1;
    if (customerId !== null) {
      if (deleted.has(customerId)) stats.deletedCustomerOrders += 1;
      else customer = out.customerIndex(customerId);
    }
    out.push(customer, at, total, refunded, cancelled, test);
  };
  if (sqliteFile) {
    const { default: Database } = await import("better-sqlite3");
    const conn = new Database(sqliteFile, { readonly: true, fileMustExist: true });
    try {
      // Same statement shape and index as readOrders, so rows come in the same order.
      const stmt = conn
        .prepare(`SELECT "customerShopifyId", "processedAt", "totalMinor", "refundedMinor", "cancelledAt" IS NOT NULL, "test" FROM "Order" WHERE "shop" = ?`)
        .raw(true);
      let sinceReport = 0;
      for (const r of stmt.iterate(shop) as Iterable<unknown[]>) {
        add(r[0] as string | null, parseSqliteDateMs(r[1]), Number(r[2]), Number(r[3]), Number(r[4]) === 1, Number(r[5]) === 1);
        if (++sinceReport === LOAD_CHUNK * 10) {
          sinceReport = 0;
          if (onChunk) await onChunk(stats.ordersRead);
        }
      }
      if (onChunk) await onChunk(stats.ordersRead);
    } finally {
      conn.close();
    }
  } else {
    for await (const rows of readOrders(db, shop, null)) {
      for (const r of rows) add(r.customerId, r.processedAt.getTime(), r.totalMinor, r.refundedMinor, r.cancelled, r.test);
      if (onChunk) await onChunk(stats.ordersRead);
    }
  }
  return { info, orders: out.build(), customers, stats };
}
