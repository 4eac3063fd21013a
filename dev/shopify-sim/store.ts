// In-memory Shopify data, one ShopState per shop. Customers, orders and refunds
// are kept exactly as their REST/webhook payloads (snake_case) — the single
// source of truth — with a few derived index fields for filtering and sorting.
import { randomBytes } from "node:crypto";
import { compareIds, looseIdKey, restId, toGid } from "./gid";
import { normalizeShopDomain } from "./jwt";
import { NotFoundError, SimInputError, UnknownShopError } from "./errors";
import { checkCustomerPayload, checkOrderPayload, checkRefundPayload } from "./payload-checks";
import { DEFAULT_SCOPES } from "../../app/lib/scopes";

// REST payloads are open-ended JSON; fields are read defensively in views.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RestPayload = Record<string, any>;

export interface StoredCustomer {
  id: string;
  rest: RestPayload;
  createdMs: number;
  updatedMs: number;
}

export interface StoredOrder {
  id: string;
  rest: RestPayload;
  createdMs: number;
  updatedMs: number;
  processedMs: number;
  customerId?: string;
}

export interface ShopPlan {
  publicDisplayName: string;
  partnerDevelopment: boolean;
  shopifyPlus: boolean;
}

export interface ShopRecord {
  id: string;
  domain: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  plan: ShopPlan;
  createdAt: string;
}

export interface ShopInput {
  domain: string;
  name?: string;
  email?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  plan?: string | Partial<ShopPlan>;
}

export interface Installation {
  id: string;
  appUrl?: string;
  scopes: string[];
  offlineToken: string;
  installedAt: string;
}

export interface AccessTokenRecord {
  token: string;
  shop: string;
  kind: "offline" | "online";
  scopes: string[];
  expiresAtMs?: number;
  userId?: string;
}

export interface MetafieldRecord {
  id: string;
  ownerId: string;
  ownerType: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface RedeemCode {
  id: string;
  code: string;
  asyncUsageCount: number;
}

export type DiscountValue =
  | { type: "percentage"; percentage: number }
  | { type: "amount"; amount: string; appliesOnEachItem: boolean };

export type DiscountContext =
  | { type: "all" }
  | { type: "customers"; customerIds: string[] }
  | { type: "segments"; segmentIds: string[] };

export interface DiscountRecord {
  id: string;
  kind: "basic" | "freeShipping";
  title: string;
  codes: RedeemCode[];
  startsAt: string;
  endsAt: string | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  /** null for free-shipping discounts. */
  value: DiscountValue | null;
  /** Free shipping only. */
  destination?: { all: true } | { countries: string[]; includeRestOfWorld: boolean };
  maximumShippingPrice?: string | null;
  items: { all: true } | { productIds: string[]; collectionIds: string[] };
  minimumRequirement: null | { subtotal: string } | { quantity: string };
  context: DiscountContext;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  tags: string[];
  recurringCycleLimit: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface RedeemCodeBulkCreation {
  id: string;
  discountId: string;
  createdAt: string;
  results: Array<{ code: string; redeemCodeId?: string; errors: Array<{ field: string[]; message: string; code: string }> }>;
}

export interface SegmentRecord {
  id: string;
  name: string;
  query: string;
  creationDate: string;
  lastEditDate: string;
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";

export interface BulkOperationRecord {
  id: string;
  status: BulkStatus;
  errorCode: null | "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
  type: "QUERY" | "MUTATION";
  createdAt: string;
  completedAt: string | null;
  fileName: string;
  /** Why the simulator failed the run (control API only; not a Shopify field). */
  simError?: string;
}

type SortKey = string;

export class ShopState {
  customers = new Map<string, StoredCustomer>();
  orders = new Map<string, StoredOrder>();
  ordersByCustomer = new Map<string, Set<string>>();
  metafields = new Map<string, Map<string, MetafieldRecord>>();
  discounts = new Map<string, DiscountRecord>();
  /** lower-cased code → discount id */
  codeIndex = new Map<string, string>();
  redeemCodeBulkCreations = new Map<string, RedeemCodeBulkCreation>();
  segments = new Map<string, SegmentRecord>();
  bulkOperations = new Map<string, BulkOperationRecord>();
  installation?: Installation;
  /** looseIdKey(id) → id, for payloads whose ids were rounded to doubles. */
  orderAlias = new Map<string, string>();
  private versions = { customers: 0, orders: 0 };
  private sortCache = new Map<string, { version: number; list: unknown[] }>();

  constructor(public shop: ShopRecord) {}

  touch(kind: "customers" | "orders"): void {
    this.versions[kind]++;
  }

  /** Records sorted ascending by (key, id); cached until the collection changes. */
  sorted<T extends { id: string }>(kind: "customers" | "orders", sortKey: SortKey, keyOf: (r: T) => number | string): T[] {
    const cacheKey = `${kind}:${sortKey}`;
    const hit = this.sortCache.get(cacheKey);
    if (hit && hit.version === this.versions[kind]) return hit.list as T[];
    const list = [...(this[kind] as Map<string, unknown>).values()] as T[];
    list.sort((a, b) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      if (ka < kb) return -1;
      if (ka > kb) return 1;
      return compareIds(a.id, b.id);
    });
    this.sortCache.set(cacheKey, { version: this.versions[kind], list });
    return list;
  }

  hasScope(scope: string): boolean {
    return this.installation?.scopes.includes(scope) ?? false;
  }
}


function parseTime(value: unknown, fallbackMs: number): number {
  if (typeof value !== "string" || value === "") return fallbackMs;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : fallbackMs;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function splitTags(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.map(String).map((t) => t.trim()).filter(Boolean);
  if (typeof tags !== "string") return [];
  return tags.split(",").map((t) => t.trim()).filter(Boolean);
}
export { splitTags };

export class SimStore {
  readonly shops = new Map<string, ShopState>();
  readonly tokens = new Map<string, AccessTokenRecord>();
  /** Refresh tokens of expiring offline tokens → shop + expiry. Rotated on use. */
  readonly refreshTokens = new Map<string, { shop: string; expiresAtMs: number }>();
  private nextId = 1_000_001;

  constructor(
    readonly clock: () => number,
    readonly defaultScopes: string[] = DEFAULT_SCOPES,
  ) {}

  newId(): string {
    return String(this.nextId++);
  }

  nowIso(): string {
    return isoSeconds(this.clock());
  }

  reset(): void {
    this.shops.clear();
    this.tokens.clear();
    this.refreshTokens.clear();
  }

  createShop(input: ShopInput): ShopRecord {
    const domain = normalizeShopDomain(input.domain);
    const existing = this.shops.get(domain);
    const handle = domain.replace(/\.myshopify\.com$/, "");
    const plan: ShopPlan = {
      publicDisplayName: "Basic",
      partnerDevelopment: false,
      shopifyPlus: false,
      ...(existing?.shop.plan ?? {}),
      ...(typeof input.plan === "string" ? { publicDisplayName: input.plan } : (input.plan ?? {})),
    };
    if (input.currencyCode !== undefined && !/^[A-Z]{3}$/.test(input.currencyCode)) {
      throw new SimInputError("invalid_currency", `currencyCode ${JSON.stringify(input.currencyCode)} must be ISO 4217`);
    }
    if (input.ianaTimezone !== undefined) {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: input.ianaTimezone });
      } catch {
        throw new SimInputError("invalid_timezone", `ianaTimezone ${JSON.stringify(input.ianaTimezone)} is not an IANA zone`);
      }
    }
    const record: ShopRecord = {
      id: existing?.shop.id ?? this.newId(),
      domain,
      name: input.name ?? existing?.shop.name ?? handle,
      email: input.email ?? existing?.shop.email ?? `owner@${handle}.example`,
      currencyCode: input.currencyCode ?? existing?.shop.currencyCode ?? "USD",
      ianaTimezone: input.ianaTimezone ?? existing?.shop.ianaTimezone ?? "America/New_York",
      plan,
      createdAt: existing?.shop.createdAt ?? this.nowIso(),
    };
    if (existing) existing.shop = record;
    else this.shops.set(domain, new ShopState(record));
    return record;
  }

  shop(domain: string): ShopState {
    const d = normalizeShopDomain(domain);
    const s = this.shops.get(d);
    if (!s) throw new UnknownShopError(d);
    return s;
  }

  findShop(domain: string): ShopState | undefined {
    try {
      return this.shops.get(normalizeShopDomain(domain));
    } catch {
      return undefined;
    }
  }

  /** Installs the app (or updates the installation) and returns its offline token. */
  installApp(domain: string, opts: { appUrl?: string; scopes?: string[] | string } = {}): { accessToken: string; scope: string } {
    const s = this.shop(domain);
    const scopes =
      typeof opts.scopes === "string"
        ? opts.scopes.split(",").map((x) => x.trim()).filter(Boolean)
        : (opts.scopes ?? s.installation?.scopes ?? this.defaultScopes);
    if (opts.appUrl !== undefined && !/^https?:\/\//.test(opts.appUrl)) {
      throw new SimInputError("invalid_app_url", `appUrl ${JSON.stringify(opts.appUrl)} must be an http(s) URL`);
    }
    // Keep the offline token across re-installs unless it was expired (expireTokens).
    const current = s.installation?.offlineToken;
    const token = current && this.resolveToken(current) ? current : `shpat_${randomBytes(16).toString("hex")}`;
    if (current && current !== token) this.tokens.delete(current);
    s.installation = {
      id: s.installation?.id ?? this.newId(),
      appUrl: opts.appUrl ?? s.installation?.appUrl,
      scopes,
      offlineToken: token,
      installedAt: s.installation?.installedAt ?? this.nowIso(),
    };
    this.tokens.set(token, { token, shop: s.shop.domain, kind: "offline", scopes });
    return { accessToken: token, scope: scopes.join(",") };
  }

  uninstallApp(domain: string): void {
    const s = this.shop(domain);
    for (const [t, rec] of this.tokens) if (rec.shop === s.shop.domain) this.tokens.delete(t);
    s.installation = undefined;
  }

  issueOnlineToken(domain: string, userId: string, ttlSeconds: number): AccessTokenRecord {
    const s = this.shop(domain);
    if (!s.installation) throw new SimInputError("not_installed", `App is not installed on ${s.shop.domain}`);
    const token = `shpua_${randomBytes(16).toString("hex")}`;
    const rec: AccessTokenRecord = {
      token,
      shop: s.shop.domain,
      kind: "online",
      scopes: s.installation.scopes,
      userId,
      expiresAtMs: this.clock() + ttlSeconds * 1000,
    };
    this.tokens.set(token, rec);
    return rec;
  }

  /** An expiring offline token plus its refresh token (shopify-api `expiring: true`). */
  issueExpiringOfflineToken(domain: string, ttlSeconds: number, refreshTtlSeconds: number): { token: AccessTokenRecord; refreshToken: string } {
    const s = this.shop(domain);
    if (!s.installation) throw new SimInputError("not_installed", `App is not installed on ${s.shop.domain}`);
    const token = `shpat_${randomBytes(16).toString("hex")}`;
    const rec: AccessTokenRecord = { token, shop: s.shop.domain, kind: "offline", scopes: s.installation.scopes, expiresAtMs: this.clock() + ttlSeconds * 1000 };
    this.tokens.set(token, rec);
    const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
    this.refreshTokens.set(refreshToken, { shop: s.shop.domain, expiresAtMs: this.clock() + refreshTtlSeconds * 1000 });
    return { token: rec, refreshToken };
  }

  /** Expires every access token of a shop now (tests of the app's refresh/re-auth path). */
  expireTokens(domain: string): number {
    const s = this.shop(domain);
    let n = 0;
    for (const rec of this.tokens.values()) {
      if (rec.shop === s.shop.domain) {
        rec.expiresAtMs = this.clock();
        n++;
      }
    }
    return n;
  }

  /** A live token record, or undefined when unknown/expired. */
  resolveToken(token: string | undefined): AccessTokenRecord | undefined {
    if (!token) return undefined;
    const rec = this.tokens.get(token);
    if (!rec) return undefined;
    if (rec.expiresAtMs !== undefined && rec.expiresAtMs <= this.clock()) return undefined;
    return rec;
  }

  upsertCustomer(domain: string, payload: RestPayload): StoredCustomer {
    const s = this.shop(domain);
    return this.upsertCustomerInto(s, payload);
  }

  upsertCustomers(domain: string, payloads: RestPayload[]): number {
    const s = this.shop(domain);
    for (const p of payloads) this.upsertCustomerInto(s, p);
    return payloads.length;
  }

  private upsertCustomerInto(s: ShopState, payload: RestPayload): StoredCustomer {
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
      throw new SimInputError("invalid_payload", "customer payload must be an object");
    }
    checkCustomerPayload(payload);
    const id = restId(payload) ?? (payload.id === undefined ? this.newId() : undefined);
    if (!id) throw new SimInputError("invalid_id", `customer id ${JSON.stringify(payload.id)} is not numeric`);
    const now = this.clock();
    const prev = s.customers.get(id);
    const rest: RestPayload = { ...(prev?.rest ?? {}), ...payload };
    rest.id = Number(id);
    rest.admin_graphql_api_id = toGid("Customer", id);
    rest.created_at ??= isoSeconds(now);
    if (!payload.updated_at) rest.updated_at = isoSeconds(now);
    const stored: StoredCustomer = {
      id,
      rest,
      createdMs: parseTime(rest.created_at, now),
      updatedMs: parseTime(rest.updated_at, now),
    };
    s.customers.set(id, stored);
    s.touch("customers");
    return stored;
  }

  /** Marks a customer changed by a mutation (Shopify bumps updated_at). */
  touchCustomer(s: ShopState, c: StoredCustomer): void {
    const now = this.clock();
    c.rest.updated_at = isoSeconds(now);
    c.updatedMs = now;
    s.touch("customers");
  }

  deleteCustomer(domain: string, id: string | number): boolean {
    const s = this.shop(domain);
    const key = String(id).replace(/^gid:\/\/shopify\/Customer\//, "");
    const existed = s.customers.delete(key);
    s.metafields.delete(toGid("Customer", key));
    if (existed) s.touch("customers");
    return existed;
  }

  upsertOrder(domain: string, payload: RestPayload): StoredOrder {
    return this.upsertOrderInto(this.shop(domain), payload);
  }

  upsertOrders(domain: string, payloads: RestPayload[]): number {
    const s = this.shop(domain);
    for (const p of payloads) this.upsertOrderInto(s, p);
    return payloads.length;
  }

  private upsertOrderInto(s: ShopState, payload: RestPayload): StoredOrder {
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
      throw new SimInputError("invalid_payload", "order payload must be an object");
    }
    const id = restId(payload) ?? (payload.id === undefined ? this.newId() : undefined);
    if (!id) throw new SimInputError("invalid_id", `order id ${JSON.stringify(payload.id)} is not numeric`);
    if (payload.line_items !== undefined && (!Array.isArray(payload.line_items) || payload.line_items.some((li: unknown) => !li || typeof li !== "object"))) {
      throw new SimInputError("invalid_payload", "order.line_items must be an array of objects");
    }
    if (payload.refunds !== undefined && !Array.isArray(payload.refunds)) {
      throw new SimInputError("invalid_payload", "order.refunds must be an array");
    }
    checkOrderPayload(payload);
    const now = this.clock();
    const prev = s.orders.get(id);
    const rest: RestPayload = { ...(prev?.rest ?? {}), ...payload };
    rest.id = Number(id);
    rest.admin_graphql_api_id = toGid("Order", id);
    rest.created_at ??= isoSeconds(now);
    if (!payload.updated_at) rest.updated_at = isoSeconds(now);
    rest.processed_at ??= rest.created_at;
    rest.line_items ??= [];
    rest.refunds ??= [];
    rest.currency ??= s.shop.currencyCode;
    rest.name ??= `#${rest.order_number ?? 1000 + s.orders.size + 1}`;
    rest.line_items.forEach((li: RestPayload, i: number) => {
      const liId = restId(li) ?? `${id}${String(i + 1).padStart(3, "0")}`;
      li.id ??= Number(liId);
      li.admin_graphql_api_id ??= toGid("LineItem", liId);
    });

    let customerId: string | undefined;
    if (rest.customer && typeof rest.customer === "object") {
      customerId = restId(rest.customer);
      // Seeding only orders should still give the app its customers.
      if (customerId && !s.customers.has(customerId)) {
        const { default_address, ...cust } = rest.customer as RestPayload;
        this.upsertCustomerInto(s, {
          ...cust,
          default_address,
          created_at: cust.created_at ?? rest.created_at,
          updated_at: cust.updated_at ?? rest.created_at,
        });
      }
    }
    if (prev?.customerId && prev.customerId !== customerId) s.ordersByCustomer.get(prev.customerId)?.delete(id);
    if (customerId) {
      let set = s.ordersByCustomer.get(customerId);
      if (!set) s.ordersByCustomer.set(customerId, (set = new Set()));
      set.add(id);
      // A new order changes the customer's numberOfOrders/amountSpent, and
      // Shopify bumps the customer's updated_at with it.
      const cust = s.customers.get(customerId);
      const orderUpdated = parseTime(rest.updated_at, now);
      if (!prev && cust && orderUpdated > cust.updatedMs) {
        cust.updatedMs = orderUpdated;
        cust.rest.updated_at = isoSeconds(orderUpdated);
        s.touch("customers");
      }
    }
    const stored: StoredOrder = {
      id,
      rest,
      createdMs: parseTime(rest.created_at, now),
      updatedMs: parseTime(rest.updated_at, now),
      processedMs: parseTime(rest.processed_at, now),
      customerId,
    };
    s.orders.set(id, stored);
    s.orderAlias.set(looseIdKey(id), id);
    s.touch("orders");
    this.countCodeUsage(s, rest, prev?.rest);
    return stored;
  }

  private countCodeUsage(s: ShopState, rest: RestPayload, prev: RestPayload | undefined): void {
    if (prev) return; // count a redemption once, when the order first appears
    for (const dc of Array.isArray(rest.discount_codes) ? rest.discount_codes : []) {
      const code = typeof dc?.code === "string" ? dc.code.toLowerCase() : undefined;
      const discountId = code ? s.codeIndex.get(code) : undefined;
      const rc = discountId ? s.discounts.get(discountId)?.codes.find((c) => c.code.toLowerCase() === code) : undefined;
      if (rc) rc.asyncUsageCount++;
    }
  }

  /** Adds or replaces a refund (refunds/create payload) on its order and bumps the order. */
  upsertRefund(domain: string, payload: RestPayload): StoredOrder {
    const s = this.shop(domain);
    if (!payload || typeof payload !== "object") throw new SimInputError("invalid_payload", "refund payload must be an object");
    checkRefundPayload(payload);
    const orderId = restId({ id: payload.order_id });
    const order = orderId ? (s.orders.get(orderId) ?? s.orders.get(s.orderAlias.get(looseIdKey(orderId)) ?? "")) : undefined;
    if (!order) throw new NotFoundError(`Order ${String(payload.order_id)}`);
    const id = restId(payload) ?? this.newId();
    const refund: RestPayload = { ...payload, id: Number(id), admin_graphql_api_id: toGid("Refund", id) };
    refund.created_at ??= this.nowIso();
    refund.refund_line_items ??= [];
    refund.transactions ??= [];
    const refunds: RestPayload[] = order.rest.refunds;
    const i = refunds.findIndex((r) => restId(r) === id);
    if (i >= 0) refunds[i] = refund;
    else refunds.push(refund);
    const refundedMs = parseTime(refund.created_at, this.clock());
    if (refundedMs > order.updatedMs) {
      order.updatedMs = refundedMs;
      order.rest.updated_at = isoSeconds(refundedMs);
    }
    const total = Number(order.rest.total_price ?? order.rest.total_price_set?.shop_money?.amount ?? NaN);
    const refunded = totalRefunded(order.rest);
    if (Number.isFinite(total) && ["paid", "partially_refunded", "refunded"].includes(order.rest.financial_status)) {
      order.rest.financial_status = refunded + 0.005 >= total ? "refunded" : "partially_refunded";
    }
    s.touch("orders");
    return order;
  }

  listDiscounts(domain: string): DiscountRecord[] {
    return [...this.shop(domain).discounts.values()];
  }

  listMetafields(domain: string, ownerId?: string): MetafieldRecord[] {
    const s = this.shop(domain);
    const out: MetafieldRecord[] = [];
    for (const [owner, m] of s.metafields) if (!ownerId || owner === ownerId) out.push(...m.values());
    return out;
  }

  customerTags(domain: string, id: string | number): string[] {
    const s = this.shop(domain);
    const key = String(id).replace(/^gid:\/\/shopify\/Customer\//, "");
    const c = s.customers.get(key);
    if (!c) throw new NotFoundError(`Customer ${key}`);
    return splitTags(c.rest.tags);
  }

  listSegments(domain: string): SegmentRecord[] {
    return [...this.shop(domain).segments.values()];
  }

  listBulkOperations(domain: string): BulkOperationRecord[] {
    return [...this.shop(domain).bulkOperations.values()];
  }
}

/** Sum of successful refund transactions, else of refunded line subtotals + tax. */
export function totalRefunded(order: RestPayload): number {
  let sum = 0;
  for (const r of Array.isArray(order.refunds) ? order.refunds : []) sum += refundAmount(r);
  return Math.round(sum * 100) / 100;
}

export function refundAmount(refund: RestPayload): number {
  const txs = Array.isArray(refund.transactions) ? refund.transactions : [];
  const ok = txs.filter((t: RestPayload) => (t.kind ?? "refund") === "refund" && (t.status ?? "success") === "success");
  if (ok.length > 0) return ok.reduce((a: number, t: RestPayload) => a + Number(t.amount ?? 0), 0);
  let sum = 0;
  for (const rli of Array.isArray(refund.refund_line_items) ? refund.refund_line_items : []) {
    sum += Number(rli.subtotal ?? rli.subtotal_set?.shop_money?.amount ?? 0) + Number(rli.total_tax ?? 0);
  }
  return sum;
}

