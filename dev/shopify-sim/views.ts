// Map stored REST payloads onto Admin GraphQL object shapes. Each view is a
// plain object whose properties are values or `(args, ctx, info)` methods,
// which the simulator's field resolver calls; `__typename` drives abstract types.
import type { GraphQLResolveInfo } from "graphql";
import { paginate, paginateList, type ConnectionArgs } from "./connection";
import { expandNamespace, type ExecContext } from "./context";
import { looseIdKey, restId, toGid, tryParseGid } from "./gid";
import {
  isoSeconds,
  refundAmount,
  splitTags,
  totalRefunded,
  type BulkOperationRecord,
  type DiscountRecord,
  type MetafieldRecord,
  type RedeemCodeBulkCreation,
  type RestPayload,
  type SegmentRecord,
  type ShopState,
  type StoredCustomer,
  type StoredOrder,
} from "./store";

type Info = GraphQLResolveInfo;

export const iso = (v: unknown): string | null => {
  if (typeof v !== "string" || !v) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? isoSeconds(ms) : null;
};

const dec = (v: unknown): string => {
  if (v === null || v === undefined || v === "") return "0.0";
  return String(v);
};

export function moneyV2(amount: unknown, currencyCode: string) {
  return { __typename: "MoneyV2", amount: dec(amount), currencyCode };
}

/** MoneyBag from a REST `*_set` object, falling back to the scalar amount. */
export function moneyBag(set: RestPayload | null | undefined, scalar: unknown, shopCurrency: string, presentmentCurrency = shopCurrency) {
  const shopMoney = set?.shop_money;
  const pres = set?.presentment_money;
  return {
    __typename: "MoneyBag",
    shopMoney: moneyV2(shopMoney?.amount ?? scalar, shopMoney?.currency_code ?? shopCurrency),
    presentmentMoney: moneyV2(pres?.amount ?? shopMoney?.amount ?? scalar, pres?.currency_code ?? presentmentCurrency),
  };
}

function sumBag(amount: number, currency: string, presentment = currency) {
  const a = (Math.round(amount * 100) / 100).toFixed(2);
  return moneyBag(null, a, currency, presentment);
}

const upper = (v: unknown) => (typeof v === "string" && v ? v.toUpperCase() : null);

// ---------- metafields ----------

export function metafieldView(m: MetafieldRecord) {
  return {
    __typename: "Metafield",
    id: toGid("Metafield", m.id),
    legacyResourceId: m.id,
    namespace: m.namespace,
    key: m.key,
    type: m.type,
    value: m.value,
    jsonValue: () => {
      try {
        return m.type === "json" || m.type.startsWith("list.") ? JSON.parse(m.value) : m.value;
      } catch {
        return m.value;
      }
    },
    ownerType: m.ownerType,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    compareDigest: metafieldDigest(m),
    description: null,
    definition: null,
    reference: null,
  };
}

export function metafieldDigest(m: Pick<MetafieldRecord, "value" | "updatedAt">): string {
  return Buffer.from(`${m.updatedAt}|${m.value}`).toString("base64url");
}

function metafieldFields(ownerId: string) {
  return {
    metafield(args: { namespace?: string | null; key: string }, ctx: ExecContext) {
      let ns = args.namespace;
      let key = args.key;
      if (ns == null && key.includes(".")) [ns, key] = [key.slice(0, key.lastIndexOf(".")), key.slice(key.lastIndexOf(".") + 1)];
      const m = ctx.shop.metafields.get(ownerId)?.get(`${expandNamespace(ns, ctx)}\u0000${key}`);
      return m ? metafieldView(m) : null;
    },
    metafields(args: ConnectionArgs & { namespace?: string | null; keys?: string[] | null }, ctx: ExecContext, info: Info) {
      const all = [...(ctx.shop.metafields.get(ownerId)?.values() ?? [])];
      const ns = args.namespace != null ? expandNamespace(args.namespace, ctx) : undefined;
      const keys = args.keys?.map((k) => {
        const i = k.lastIndexOf(".");
        return i < 0 ? k : `${expandNamespace(k.slice(0, i), ctx)}.${k.slice(i + 1)}`;
      });
      const list = all
        .filter((m) => (ns === undefined || m.namespace === ns) && (!keys || keys.includes(`${m.namespace}.${m.key}`)))
        .sort((a, b) => Number(a.id) - Number(b.id));
      return paginate(list, args, ctx, info, (m) => [Number(m.id), m.id], metafieldView);
    },
  };
}

// ---------- shop / app ----------

function tzOffsetMinutes(tz: string, atMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(atMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(atMs / 1000) * 1000) / 60_000);
}

export function shopView(s: ShopState, ctx: ExecContext) {
  const shop = s.shop;
  const gid = toGid("Shop", shop.id);
  const off = tzOffsetMinutes(shop.ianaTimezone, ctx.now);
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off);
  return {
    __typename: "Shop",
    id: gid,
    name: shop.name,
    myshopifyDomain: shop.domain,
    email: shop.email,
    contactEmail: shop.email,
    currencyCode: shop.currencyCode,
    enabledPresentmentCurrencies: [shop.currencyCode],
    ianaTimezone: shop.ianaTimezone,
    timezoneOffsetMinutes: off,
    timezoneOffset: `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`,
    timezoneAbbreviation:
      new Intl.DateTimeFormat("en-US", { timeZone: shop.ianaTimezone, timeZoneName: "short" }).formatToParts(new Date(ctx.now)).find((p) => p.type === "timeZoneName")?.value ?? "UTC",
    createdAt: shop.createdAt,
    updatedAt: shop.createdAt,
    url: `https://${shop.domain}`,
    primaryDomain: { __typename: "Domain", id: toGid("Domain", shop.id), host: shop.domain, url: `https://${shop.domain}`, sslEnabled: true },
    plan: { __typename: "ShopPlan", ...shop.plan, displayName: shop.plan.publicDisplayName },
    shopOwnerName: shop.name,
    description: null,
    taxesIncluded: false,
    taxShipping: false,
    weightUnit: "KILOGRAMS",
    unitSystem: "METRIC_SYSTEM",
    setupRequired: false,
    checkoutApiSupported: true,
    transactionalSmsDisabled: false,
    marketingSmsConsentEnabledAtCheckout: false,
    orderNumberFormatPrefix: "#",
    orderNumberFormatSuffix: "",
    currencyFormats: {
      __typename: "CurrencyFormats",
      moneyFormat: "${{amount}}",
      moneyInEmailsFormat: "${{amount}}",
      moneyWithCurrencyFormat: `\${{amount}} ${shop.currencyCode}`,
      moneyWithCurrencyInEmailsFormat: `\${{amount}} ${shop.currencyCode}`,
    },
    customerTags(args: { first: number }, c: ExecContext, info: Info) {
      const tags = new Set<string>();
      for (const cu of s.customers.values()) for (const t of splitTags(cu.rest.tags)) tags.add(t);
      return paginateList([...tags].sort(), args, c, info, (t) => t);
    },
    ...metafieldFields(gid),
  };
}

export function appInstallationView(ctx: ExecContext) {
  const inst = ctx.shop.installation;
  const gid = toGid("AppInstallation", inst?.id ?? "0");
  return {
    __typename: "AppInstallation",
    id: gid,
    launchUrl: `https://${ctx.shop.shop.domain}/admin/apps/${ctx.apiKey}`,
    uninstallUrl: null,
    accessScopes: (inst?.scopes ?? []).map((handle) => ({ __typename: "AccessScope", handle, description: handle })),
    activeSubscriptions: [],
    allSubscriptions: (a: ConnectionArgs, c: ExecContext, info: Info) => paginateList([], a, c, info, (x) => x),
    oneTimePurchases: (a: ConnectionArgs, c: ExecContext, info: Info) => paginateList([], a, c, info, (x) => x),
    app: {
      __typename: "App",
      id: toGid("App", ctx.appId),
      apiKey: ctx.apiKey,
      title: "Retain",
      handle: "retain",
      embedded: true,
    },
    ...metafieldFields(gid),
  };
}

// ---------- customers ----------

function mailingAddress(a: RestPayload | null | undefined) {
  if (!a || typeof a !== "object") return null;
  const id = restId(a) ?? "0";
  return {
    __typename: "MailingAddress",
    id: toGid("MailingAddress", id),
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    company: a.company ?? null,
    country: a.country_name ?? a.country ?? null,
    countryCodeV2: a.country_code ?? null,
    firstName: a.first_name ?? null,
    lastName: a.last_name ?? null,
    name: a.name ?? null,
    phone: a.phone ?? null,
    province: a.province ?? null,
    provinceCode: a.province_code ?? null,
    zip: a.zip ?? null,
    latitude: a.latitude ?? null,
    longitude: a.longitude ?? null,
    formatted: () => [a.address1, a.address2, a.city, a.province_code ?? a.province, a.zip, a.country_name ?? a.country].filter(Boolean),
  };
}

function emailMarketingState(rest: RestPayload): string {
  const st = rest.email_marketing_consent?.state;
  if (typeof st === "string" && st) return st.toUpperCase();
  if (rest.accepts_marketing === true) return "SUBSCRIBED";
  return "NOT_SUBSCRIBED";
}

/** The customer's orders; stats (count, spend) use all of them, listings only visible ones. */
function customerOrders(ctx: ExecContext, customerId: string, visibleOnly = true): StoredOrder[] {
  const ids = ctx.shop.ordersByCustomer.get(customerId);
  if (!ids) return [];
  const out: StoredOrder[] = [];
  for (const id of ids) {
    const o = ctx.shop.orders.get(id);
    if (o && o.customerId === customerId && (!visibleOnly || orderVisible(ctx, o))) out.push(o);
  }
  return out;
}

/** Without read_all_orders Shopify only exposes the last 60 days of orders. */
export function orderVisible(ctx: ExecContext, o: StoredOrder): boolean {
  if (ctx.shop.hasScope("read_all_orders")) return true;
  return o.processedMs >= ctx.now - 60 * 86_400_000;
}

/**
 * Metafield access shared by owner views. Prototype methods (not per-object
 * closures) keep bulk runs over 100k records cheap.
 */
abstract class MetafieldOwnerView {
  protected abstract readonly _ownerGid: string;
  metafield(args: { namespace?: string | null; key: string }, ctx: ExecContext) {
    return metafieldFields(this._ownerGid).metafield(args, ctx);
  }
  metafields(args: ConnectionArgs & { namespace?: string | null; keys?: string[] | null }, ctx: ExecContext, info: Info) {
    return metafieldFields(this._ownerGid).metafields(args, ctx, info);
  }
}

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

class CustomerView extends MetafieldOwnerView {
  readonly __typename = "Customer";
  protected readonly _ownerGid: string;
  private readonly _id: string;
  constructor(
    private readonly _c: ExecContext,
    private readonly _r: RestPayload,
    private readonly _s: StoredCustomer | undefined,
  ) {
    super();
    this._id = restId(_r) ?? "0";
    this._ownerGid = toGid("Customer", this._id);
  }
  get id() { return this._ownerGid; }
  get legacyResourceId() { return this._id; }
  get firstName() { return this._r.first_name ?? null; }
  get lastName() { return this._r.last_name ?? null; }
  get displayName() { return [this._r.first_name, this._r.last_name].filter(Boolean).join(" ") || this._r.email || this._r.phone || ""; }
  get email() { return this._r.email ?? null; }
  get phone() { return this._r.phone ?? null; }
  get note() { return this._r.note ?? null; }
  get locale() { return this._r.locale ?? "en"; }
  get state() { return upper(this._r.state) ?? "DISABLED"; }
  get verifiedEmail() { return this._r.verified_email ?? false; }
  get validEmailAddress() { return this._r.email ? EMAIL_RE.test(this._r.email) : false; }
  get taxExempt() { return this._r.tax_exempt ?? false; }
  get taxExemptions() { return this._r.tax_exemptions ?? []; }
  get multipassIdentifier() { return this._r.multipass_identifier ?? null; }
  get dataSaleOptOut() { return false; }
  get canDelete() { return true; }
  get createdAt() { return iso(this._r.created_at); }
  get updatedAt() { return iso(this._r.updated_at) ?? iso(this._r.created_at); }
  get tags() { return splitTags(this._r.tags); }
  get numberOfOrders() { return String(this._s ? customerOrders(this._c, this._id, false).length : (this._r.orders_count ?? 0)); }
  get amountSpent() {
    const currency = this._c.shop.shop.currencyCode;
    if (!this._s) return moneyV2(this._r.total_spent ?? "0.00", currency);
    let sum = 0;
    for (const o of customerOrders(this._c, this._id, false)) {
      if (o.rest.cancelled_at) continue;
      sum += Number(o.rest.current_total_price ?? o.rest.total_price ?? 0) || 0;
    }
    return moneyV2((Math.round(sum * 100) / 100).toFixed(2), currency);
  }
  get lastOrder() {
    const os = this._s ? customerOrders(this._c, this._id) : [];
    if (!os.length) return null;
    return orderView(this._c, os.reduce((a, b) => (b.processedMs > a.processedMs ? b : a)));
  }
  get defaultEmailAddress() {
    const email: string | undefined = this._r.email;
    if (!email) return null;
    const consent = this._r.email_marketing_consent ?? {};
    const domain = this._c.shop.shop.domain;
    return {
      __typename: "CustomerEmailAddress",
      emailAddress: email,
      marketingState: emailMarketingState(this._r),
      marketingOptInLevel: upper(consent.opt_in_level),
      marketingUpdatedAt: iso(consent.consent_updated_at),
      marketingUnsubscribeUrl: `https://${domain}/unsubscribe?c=${this._id}`,
      openTrackingLevel: "UNKNOWN",
      openTrackingUrl: `https://${domain}/open-tracking?c=${this._id}`,
      validFormat: EMAIL_RE.test(email),
      sourceLocation: null,
    };
  }
  get emailMarketingConsent() {
    if (!this._r.email) return null;
    const consent = this._r.email_marketing_consent ?? {};
    return {
      __typename: "CustomerEmailMarketingConsentState",
      marketingState: emailMarketingState(this._r),
      marketingOptInLevel: upper(consent.opt_in_level),
      consentUpdatedAt: iso(consent.consent_updated_at),
      sourceLocation: null,
    };
  }
  get defaultPhoneNumber() {
    if (!this._r.phone) return null;
    const sms = this._r.sms_marketing_consent ?? {};
    return {
      __typename: "CustomerPhoneNumber",
      phoneNumber: this._r.phone,
      marketingState: upper(sms.state) ?? "NOT_SUBSCRIBED",
      marketingOptInLevel: upper(sms.opt_in_level),
      marketingUpdatedAt: iso(sms.consent_updated_at),
      marketingCollectedFrom: null,
      sourceLocation: null,
    };
  }
  get smsMarketingConsent() {
    if (!this._r.phone) return null;
    const sms = this._r.sms_marketing_consent ?? {};
    return {
      __typename: "CustomerSmsMarketingConsentState",
      marketingState: upper(sms.state) ?? "NOT_SUBSCRIBED",
      marketingOptInLevel: upper(sms.opt_in_level),
      consentUpdatedAt: iso(sms.consent_updated_at),
      consentCollectedFrom: null,
    };
  }
  get defaultAddress() { return mailingAddress(this._r.default_address); }
  get addresses() {
    const r = this._r;
    return (Array.isArray(r.addresses) ? r.addresses : r.default_address ? [r.default_address] : []).map(mailingAddress);
  }
  addressesV2(a: ConnectionArgs, c: ExecContext, info: Info) {
    return paginateList(Array.isArray(this._r.addresses) ? this._r.addresses : [], a, c, info, mailingAddress);
  }
  orders(a: ConnectionArgs & { query?: string | null; sortKey?: string | null }, c: ExecContext, info: Info) {
    return orderConnectionOver(c, customerOrders(c, this._id), a, info);
  }
}

export function customerView(ctx: ExecContext, rest: RestPayload, stored?: StoredCustomer) {
  return new CustomerView(ctx, rest, stored);
}

// ---------- orders ----------

// Late-bound to avoid an import cycle with queries.ts, which owns filtering.
let orderConnectionImpl: (ctx: ExecContext, orders: StoredOrder[], args: ConnectionArgs & { query?: string | null; sortKey?: string | null }, info: Info) => unknown;
export function setOrderConnectionImpl(fn: typeof orderConnectionImpl): void {
  orderConnectionImpl = fn;
}
function orderConnectionOver(ctx: ExecContext, orders: StoredOrder[], args: ConnectionArgs & { query?: string | null; sortKey?: string | null }, info: Info) {
  return orderConnectionImpl(ctx, orders, args, info);
}

function financialStatus(v: unknown): string | null {
  const ok = ["AUTHORIZED", "EXPIRED", "PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "VOIDED"];
  const u = upper(v);
  return u && ok.includes(u) ? u : null;
}

function fulfillmentStatus(v: unknown): string {
  switch (v) {
    case "fulfilled":
      return "FULFILLED";
    case "partial":
      return "PARTIALLY_FULFILLED";
    case "restocked":
      return "RESTOCKED";
    default:
      return "UNFULFILLED";
  }
}

class LineItemView {
  readonly __typename = "LineItem";
  private readonly _shopCur: string;
  private readonly _presCur: string;
  constructor(
    private readonly _li: RestPayload,
    order: RestPayload,
    shopCurrency: string,
  ) {
    this._shopCur = order.currency ?? shopCurrency;
    this._presCur = order.presentment_currency ?? this._shopCur;
  }
  private get _qty() { return Number(this._li.quantity ?? 0); }
  private get _unit() { return Number(this._li.price_set?.shop_money?.amount ?? this._li.price ?? 0); }
  private get _discount() { return Number(this._li.total_discount_set?.shop_money?.amount ?? this._li.total_discount ?? 0); }
  get id() { return toGid("LineItem", restId(this._li) ?? "0"); }
  get title() { return this._li.title ?? this._li.name ?? ""; }
  get name() { return this._li.name ?? this._li.title ?? ""; }
  get variantTitle() { return this._li.variant_title ?? null; }
  get vendor() { return this._li.vendor ?? null; }
  get sku() { return this._li.sku ?? null; }
  get quantity() { return this._qty; }
  get currentQuantity() { return Number(this._li.current_quantity ?? this._qty); }
  get refundableQuantity() { return Number(this._li.current_quantity ?? this._qty); }
  get unfulfilledQuantity() { return Number(this._li.fulfillable_quantity ?? this._qty); }
  get nonFulfillableQuantity() { return 0; }
  get requiresShipping() { return this._li.requires_shipping ?? true; }
  get taxable() { return this._li.taxable ?? true; }
  get isGiftCard() { return this._li.gift_card ?? false; }
  get restockable() { return true; }
  get merchantEditable() { return false; }
  get customAttributes() {
    return (Array.isArray(this._li.properties) ? this._li.properties : []).map((p: RestPayload) => ({ __typename: "Attribute", key: p.name, value: p.value }));
  }
  get variant() {
    const id = restId({ id: this._li.variant_id });
    return id ? { __typename: "ProductVariant", id: toGid("ProductVariant", id), legacyResourceId: id, title: this._li.variant_title ?? "", sku: this._li.sku ?? null } : null;
  }
  get product() {
    const id = restId({ id: this._li.product_id });
    return id ? { __typename: "Product", id: toGid("Product", id), legacyResourceId: id, title: this._li.title ?? "" } : null;
  }
  get originalUnitPriceSet() { return moneyBag(this._li.price_set, this._li.price, this._shopCur, this._presCur); }
  get originalTotalSet() { return sumBag(this._unit * this._qty, this._shopCur, this._presCur); }
  get discountedUnitPriceSet() { const q = this._qty; return sumBag(q ? this._unit - this._discount / q : this._unit, this._shopCur, this._presCur); }
  get discountedTotalSet() { return sumBag(this._unit * this._qty - this._discount, this._shopCur, this._presCur); }
  get totalDiscountSet() { return moneyBag(this._li.total_discount_set, this._li.total_discount ?? "0.00", this._shopCur, this._presCur); }
  get discountAllocations() {
    return (Array.isArray(this._li.discount_allocations) ? this._li.discount_allocations : []).map((d: RestPayload) => ({
      __typename: "DiscountAllocation",
      allocatedAmountSet: moneyBag(d.amount_set, d.amount, this._shopCur, this._presCur),
      discountApplication: null,
    }));
  }
  taxLines() {
    return (Array.isArray(this._li.tax_lines) ? this._li.tax_lines : []).map((t: RestPayload) => ({
      __typename: "TaxLine",
      title: t.title ?? "",
      rate: t.rate ?? null,
      ratePercentage: t.rate != null ? Number(t.rate) * 100 : null,
      priceSet: moneyBag(t.price_set, t.price, this._shopCur, this._presCur),
      channelLiable: t.channel_liable ?? false,
    }));
  }
}

function lineItemView(ctx: ExecContext, li: RestPayload, order: RestPayload) {
  return new LineItemView(li, order, ctx.shop.shop.currencyCode);
}

function transactionView(ctx: ExecContext, t: RestPayload, order: RestPayload) {
  const cur = order.currency ?? ctx.shop.shop.currencyCode;
  const id = restId(t) ?? "0";
  return {
    __typename: "OrderTransaction",
    id: toGid("OrderTransaction", id),
    kind: upper(t.kind) ?? "SALE",
    status: upper(t.status) ?? "SUCCESS",
    gateway: t.gateway ?? null,
    test: t.test ?? false,
    createdAt: () => iso(t.created_at),
    processedAt: () => iso(t.processed_at) ?? iso(t.created_at),
    amountSet: () => moneyBag(null, t.amount, t.currency ?? cur),
    errorCode: upper(t.error_code),
  };
}

function refundView(ctx: ExecContext, r: RestPayload, order: RestPayload) {
  const shopCur = order.currency ?? ctx.shop.shop.currencyCode;
  const presCur = order.presentment_currency ?? shopCur;
  const id = restId(r) ?? "0";
  const lineItems: RestPayload[] = Array.isArray(order.line_items) ? order.line_items : [];
  return {
    __typename: "Refund",
    id: toGid("Refund", id),
    legacyResourceId: id,
    note: r.note ?? null,
    createdAt: () => iso(r.created_at),
    updatedAt: () => iso(r.processed_at) ?? iso(r.created_at),
    processedAt: () => iso(r.processed_at) ?? iso(r.created_at),
    totalRefundedSet: () => sumBag(refundAmount(r), shopCur, presCur),
    order: () => orderView(ctx, ctx.shop.orders.get(restId(order) ?? "") ?? { id: "0", rest: order, createdMs: 0, updatedMs: 0, processedMs: 0 }),
    refundLineItems: (a: ConnectionArgs, c: ExecContext, info: Info) =>
      paginateList(Array.isArray(r.refund_line_items) ? r.refund_line_items : [], a, c, info, (rli: RestPayload) => {
        const liId = restId({ id: rli.line_item_id }) ?? restId(rli.line_item ?? {});
        const li = (liId ? lineItems.find((x) => looseIdKey(restId(x) ?? "") === looseIdKey(liId)) : undefined) ?? rli.line_item ?? { id: rli.line_item_id };
        const qty = Number(rli.quantity ?? 0);
        return {
          __typename: "RefundLineItem",
          id: rli.id != null ? toGid("RefundLineItem", restId(rli) ?? "0") : null,
          lineItem: lineItemView(c, li, order),
          quantity: qty,
          restockType: upper(rli.restock_type) ?? "NO_RESTOCK",
          restocked: rli.restock_type != null && rli.restock_type !== "no_restock",
          subtotalSet: moneyBag(rli.subtotal_set, rli.subtotal, shopCur, presCur),
          totalTaxSet: moneyBag(rli.total_tax_set, rli.total_tax ?? "0.00", shopCur, presCur),
          priceSet: moneyBag(li.price_set, li.price, shopCur, presCur),
          location: null,
        };
      }),
    transactions: (a: ConnectionArgs, c: ExecContext, info: Info) =>
      paginateList(Array.isArray(r.transactions) ? r.transactions : [], a, c, info, (t: RestPayload) => transactionView(c, t, order)),
    refundShippingLines: (a: ConnectionArgs, c: ExecContext, info: Info) => paginateList([], a, c, info, (x) => x),
    orderAdjustments: (a: ConnectionArgs, c: ExecContext, info: Info) => paginateList([], a, c, info, (x) => x),
    duties: [],
    return: null,
    staffMember: null,
  };
}

class OrderView extends MetafieldOwnerView {
  readonly __typename = "Order";
  protected readonly _ownerGid: string;
  private readonly _r: RestPayload;
  private readonly _shopCur: string;
  private readonly _presCur: string;
  private _refunded?: number;
  constructor(
    private readonly _c: ExecContext,
    private readonly _o: StoredOrder,
  ) {
    super();
    this._r = _o.rest;
    this._ownerGid = toGid("Order", _o.id);
    this._shopCur = this._r.currency ?? _c.shop.shop.currencyCode;
    this._presCur = this._r.presentment_currency ?? this._shopCur;
  }
  private _bag(setKey: string, scalarKey: string) {
    return moneyBag(this._r[setKey], this._r[scalarKey] ?? "0.00", this._shopCur, this._presCur);
  }
  private _sum(n: number) { return sumBag(n, this._shopCur, this._presCur); }
  private get _refundedAmount() { return (this._refunded ??= totalRefunded(this._r)); }
  private get _total() { return Number(this._r.total_price_set?.shop_money?.amount ?? this._r.total_price ?? 0); }
  private get _lineItems(): RestPayload[] { return Array.isArray(this._r.line_items) ? this._r.line_items : []; }
  private get _discountCodes(): RestPayload[] { return Array.isArray(this._r.discount_codes) ? this._r.discount_codes : []; }
  get id() { return this._ownerGid; }
  get legacyResourceId() { return this._o.id; }
  get name() { return this._r.name ?? `#${this._o.id}`; }
  get number() { return Number(this._r.number ?? this._r.order_number ?? 0); }
  get email() { return this._r.email ?? this._r.contact_email ?? null; }
  get phone() { return this._r.phone ?? null; }
  get note() { return this._r.note ?? null; }
  get poNumber() { return this._r.po_number ?? null; }
  get createdAt() { return iso(this._r.created_at); }
  get updatedAt() { return iso(this._r.updated_at) ?? iso(this._r.created_at); }
  get processedAt() { return iso(this._r.processed_at) ?? iso(this._r.created_at); }
  get cancelledAt() { return iso(this._r.cancelled_at); }
  get cancelReason() { return this._r.cancelled_at ? upper(this._r.cancel_reason) : null; }
  get closedAt() { return iso(this._r.closed_at); }
  get closed() { return Boolean(this._r.closed_at); }
  get confirmed() { return this._r.confirmed ?? true; }
  get test() { return Boolean(this._r.test); }
  get edited() { return false; }
  get sourceName() { return this._r.source_name ?? null; }
  get sourceIdentifier() { return this._r.source_identifier ?? null; }
  get customerLocale() { return this._r.customer_locale ?? null; }
  get customerAcceptsMarketing() { return Boolean(this._r.buyer_accepts_marketing); }
  get tags() { return splitTags(this._r.tags); }
  get discountCodes() { return this._discountCodes.map((d) => String(d.code)); }
  get discountCode() { return this._discountCodes[0]?.code ?? null; }
  get paymentGatewayNames() { return Array.isArray(this._r.payment_gateway_names) ? this._r.payment_gateway_names : []; }
  get displayFinancialStatus() { return financialStatus(this._r.financial_status); }
  get displayFulfillmentStatus() { return fulfillmentStatus(this._r.fulfillment_status); }
  get fullyPaid() { return this._r.financial_status === "paid"; }
  get unpaid() { return this._r.financial_status === "pending" || this._r.financial_status === "authorized"; }
  get taxesIncluded() { return Boolean(this._r.taxes_included); }
  get taxExempt() { return Boolean(this._r.tax_exempt); }
  get dutiesIncluded() { return Boolean(this._r.duties_included); }
  get estimatedTaxes() { return Boolean(this._r.estimated_taxes); }
  get requiresShipping() { return this._lineItems.some((li) => li.requires_shipping !== false); }
  get currencyCode() { return this._shopCur; }
  get presentmentCurrencyCode() { return this._presCur; }
  get subtotalLineItemsQuantity() { return this._lineItems.reduce((a, li) => a + Number(li.quantity ?? 0), 0); }
  get currentSubtotalLineItemsQuantity() { return this._lineItems.reduce((a, li) => a + Number(li.current_quantity ?? li.quantity ?? 0), 0); }
  get subtotalPriceSet() { return this._bag("subtotal_price_set", "subtotal_price"); }
  get totalPriceSet() { return this._bag("total_price_set", "total_price"); }
  get originalTotalPriceSet() { return this._bag("total_price_set", "total_price"); }
  get totalTaxSet() { return this._bag("total_tax_set", "total_tax"); }
  get totalShippingPriceSet() { return this._bag("total_shipping_price_set", "total_shipping_price"); }
  get totalDiscountsSet() { return this._bag("total_discounts_set", "total_discounts"); }
  get totalTipReceivedSet() { return this._bag("total_tip_received_set", "total_tip_received"); }
  get totalOutstandingSet() { return this._bag("total_outstanding_set", "total_outstanding"); }
  get currentSubtotalPriceSet() {
    const r = this._r;
    return r.current_subtotal_price_set || r.current_subtotal_price ? this._bag("current_subtotal_price_set", "current_subtotal_price") : this._bag("subtotal_price_set", "subtotal_price");
  }
  get currentTotalPriceSet() {
    const r = this._r;
    return r.current_total_price_set || r.current_total_price ? this._bag("current_total_price_set", "current_total_price") : this._sum(this._total - this._refundedAmount);
  }
  get currentTotalTaxSet() {
    const r = this._r;
    return r.current_total_tax_set || r.current_total_tax ? this._bag("current_total_tax_set", "current_total_tax") : this._bag("total_tax_set", "total_tax");
  }
  get currentTotalDiscountsSet() {
    const r = this._r;
    return r.current_total_discounts_set || r.current_total_discounts ? this._bag("current_total_discounts_set", "current_total_discounts") : this._bag("total_discounts_set", "total_discounts");
  }
  get currentShippingPriceSet() {
    return this._r.current_shipping_price_set ? this._bag("current_shipping_price_set", "current_shipping_price") : this._bag("total_shipping_price_set", "total_shipping_price");
  }
  get totalRefundedSet() { return this._sum(this._refundedAmount); }
  get totalReceivedSet() { return this._sum(this._r.financial_status === "pending" ? 0 : this._total); }
  get netPaymentSet() { return this._sum((this._r.financial_status === "pending" ? 0 : this._total) - this._refundedAmount); }
  get statusPageUrl() { return this._r.order_status_url ?? `https://${this._c.shop.shop.domain}/orders/${this._o.id}`; }
  get customer() {
    if (this._o.customerId) {
      const c = this._c.shop.customers.get(this._o.customerId);
      if (c) return customerView(this._c, c.rest, c);
    }
    return this._r.customer && typeof this._r.customer === "object" ? customerView(this._c, this._r.customer) : null;
  }
  get billingAddress() { return mailingAddress(this._r.billing_address); }
  get shippingAddress() { return mailingAddress(this._r.shipping_address); }
  lineItems(a: ConnectionArgs, c: ExecContext, info: Info) {
    return paginateList(this._lineItems, a, c, info, (li) => lineItemView(c, li, this._r));
  }
  refunds(a: { first?: number | null }) {
    const refunds: RestPayload[] = Array.isArray(this._r.refunds) ? this._r.refunds : [];
    return (a.first != null ? refunds.slice(0, a.first) : refunds).map((x) => refundView(this._c, x, this._r));
  }
  transactions(a: { first?: number | null }) {
    const txs: RestPayload[] = Array.isArray(this._r.transactions) ? this._r.transactions : [];
    return (a.first != null ? txs.slice(0, a.first) : txs).map((t) => transactionView(this._c, t, this._r));
  }
}

export function orderView(ctx: ExecContext, o: StoredOrder) {
  return new OrderView(ctx, o);
}

// ---------- discounts ----------

export function discountStatus(d: DiscountRecord, nowMs: number): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
  if (Date.parse(d.startsAt) > nowMs) return "SCHEDULED";
  if (d.endsAt && Date.parse(d.endsAt) <= nowMs) return "EXPIRED";
  return "ACTIVE";
}

function redeemCodeView(rc: DiscountRecord["codes"][number]) {
  return { __typename: "DiscountRedeemCode", id: toGid("DiscountRedeemCode", rc.id), code: rc.code, asyncUsageCount: rc.asyncUsageCount, createdBy: null };
}

export function discountCodeBasicView(ctx: ExecContext, d: DiscountRecord) {
  const cur = ctx.shop.shop.currencyCode;
  const v = d.value;
  const value = !v
    ? null
    : v.type === "percentage"
      ? { __typename: "DiscountPercentage", percentage: v.percentage }
      : { __typename: "DiscountAmount", amount: moneyV2(v.amount, cur), appliesOnEachItem: v.appliesOnEachItem };
  const context = () => {
    switch (d.context.type) {
      case "all":
        return { __typename: "DiscountBuyerSelectionAll", all: "ALL" };
      case "customers":
        return {
          __typename: "DiscountCustomers",
          customers: d.context.customerIds.flatMap((cid) => {
            const c = ctx.shop.customers.get(cid);
            return c ? [customerView(ctx, c.rest, c)] : [];
          }),
        };
      case "segments":
        return {
          __typename: "DiscountCustomerSegments",
          segments: d.context.segmentIds.flatMap((sid) => {
            const s = ctx.shop.segments.get(sid);
            return s ? [segmentView(s)] : [];
          }),
        };
    }
  };
  const usage = d.codes.reduce((a, c) => a + c.asyncUsageCount, 0);
  const pct = !v ? "Free shipping" : v.type === "percentage" ? `${Math.round(v.percentage * 10000) / 100}% off` : `${v.amount} ${cur} off`;
  const dest = d.destination;
  const kindFields =
    d.kind === "freeShipping"
      ? {
          __typename: "DiscountCodeFreeShipping",
          discountClasses: ["SHIPPING"],
          appliesOnOneTimePurchase: true,
          appliesOnSubscription: false,
          maximumShippingPrice: d.maximumShippingPrice ? moneyV2(d.maximumShippingPrice, cur) : null,
          destinationSelection: !dest || "all" in dest
            ? { __typename: "DiscountCountryAll", allCountries: true }
            : { __typename: "DiscountCountries", countries: dest.countries, includeRestOfWorld: dest.includeRestOfWorld },
        }
      : {
          __typename: "DiscountCodeBasic",
          discountClasses: ["ORDER"],
          customerGets: {
            __typename: "DiscountCustomerGets",
            value,
            items: "all" in d.items ? { __typename: "AllDiscountItems", allItems: true } : { __typename: "DiscountProducts", products: null, productVariants: null },
            appliesOnOneTimePurchase: true,
            appliesOnSubscription: false,
          },
        };
  return {
    ...kindFields,
    title: d.title,
    status: discountStatus(d, ctx.now),
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    asyncUsageCount: usage,
    recurringCycleLimit: d.recurringCycleLimit,
    tags: d.tags,
    hasTimelineComment: false,
    shareableUrls: [],
    summary: `${pct} entire order${d.appliesOncePerCustomer ? " • One use per customer" : ""}`,
    shortSummary: pct,
    totalSales: null,
    codesCount: { __typename: "Count", count: d.codes.length, precision: "EXACT" },
    codes: (a: ConnectionArgs, c: ExecContext, info: Info) => paginateList(d.codes, a, c, info, redeemCodeView),
    combinesWith: { __typename: "DiscountCombinesWith", ...d.combinesWith, productDiscountsWithTagsOnSameCartLine: null },
    context,
    customerSelection: () => {
      const cx = context();
      if (cx.__typename === "DiscountBuyerSelectionAll") return { __typename: "DiscountCustomerAll", allCustomers: true };
      return cx;
    },
    minimumRequirement: !d.minimumRequirement
      ? null
      : "subtotal" in d.minimumRequirement
        ? { __typename: "DiscountMinimumSubtotal", greaterThanOrEqualToSubtotal: moneyV2(d.minimumRequirement.subtotal, cur) }
        : { __typename: "DiscountMinimumQuantity", greaterThanOrEqualToQuantity: d.minimumRequirement.quantity },
  };
}

export function discountCodeNodeView(ctx: ExecContext, d: DiscountRecord) {
  const gid = toGid("DiscountCodeNode", d.id);
  return {
    __typename: "DiscountCodeNode",
    id: gid,
    codeDiscount: () => discountCodeBasicView(ctx, d),
    ...metafieldFields(gid),
  };
}

/** `discountNode` / `discountNodes` wrap the same record under a different type. */
export function discountNodeView(ctx: ExecContext, d: DiscountRecord) {
  const gid = toGid("DiscountCodeNode", d.id);
  return { __typename: "DiscountNode", id: gid, discount: () => discountCodeBasicView(ctx, d), ...metafieldFields(gid) };
}

export function redeemBulkCreationView(ctx: ExecContext, b: RedeemCodeBulkCreation) {
  return {
    __typename: "DiscountRedeemCodeBulkCreation",
    id: toGid("DiscountRedeemCodeBulkCreation", b.id),
    createdAt: b.createdAt,
    done: true,
    codesCount: b.results.length,
    importedCount: b.results.filter((r) => r.errors.length === 0).length,
    failedCount: b.results.filter((r) => r.errors.length > 0).length,
    discountCode: () => {
      const d = ctx.shop.discounts.get(b.discountId);
      return d ? discountCodeNodeView(ctx, d) : null;
    },
    codes: (a: ConnectionArgs, c: ExecContext, info: Info) =>
      paginateList(b.results, a, c, info, (r) => {
        const d = ctx.shop.discounts.get(b.discountId);
        const rc = r.redeemCodeId ? d?.codes.find((x) => x.id === r.redeemCodeId) : undefined;
        return {
          __typename: "DiscountRedeemCodeBulkCreationCode",
          code: r.code,
          discountRedeemCode: rc ? redeemCodeView(rc) : null,
          errors: r.errors.map((e) => ({ __typename: "DiscountUserError", ...e, extraInfo: null })),
        };
      }),
  };
}

// ---------- segments / bulk ----------

export function segmentView(s: SegmentRecord) {
  return { __typename: "Segment", id: toGid("Segment", s.id), name: s.name, query: s.query, creationDate: s.creationDate, lastEditDate: s.lastEditDate };
}

export function bulkOperationView(b: BulkOperationRecord) {
  return {
    __typename: "BulkOperation",
    id: toGid("BulkOperation", b.id),
    status: b.status,
    errorCode: b.errorCode,
    objectCount: String(b.objectCount),
    rootObjectCount: String(b.rootObjectCount),
    fileSize: b.fileSize == null ? null : String(b.fileSize),
    url: b.url,
    partialDataUrl: b.partialDataUrl,
    query: b.query,
    type: b.type,
    createdAt: b.createdAt,
    completedAt: b.completedAt,
  };
}

// ---------- node(id) ----------

export function resolveNode(ctx: ExecContext, id: string): unknown {
  const g = tryParseGid(id);
  if (!g) return null;
  const s = ctx.shop;
  switch (g.type) {
    case "Customer": {
      const c = s.customers.get(g.id);
      return c ? customerView(ctx, c.rest, c) : null;
    }
    case "Order": {
      const o = s.orders.get(g.id);
      return o && orderVisible(ctx, o) ? orderView(ctx, o) : null;
    }
    case "DiscountCodeNode":
    case "DiscountNode": {
      const d = s.discounts.get(g.id);
      return d ? (g.type === "DiscountNode" ? discountNodeView(ctx, d) : discountCodeNodeView(ctx, d)) : null;
    }
    case "Segment": {
      const seg = s.segments.get(g.id);
      return seg ? segmentView(seg) : null;
    }
    case "BulkOperation": {
      const b = s.bulkOperations.get(g.id);
      return b ? bulkOperationView(b) : null;
    }
    case "Shop":
      return g.id === s.shop.id ? shopView(s, ctx) : null;
    case "AppInstallation":
      return s.installation?.id === g.id ? appInstallationView(ctx) : null;
    case "DiscountRedeemCodeBulkCreation": {
      const b = s.redeemCodeBulkCreations.get(g.id);
      return b ? redeemBulkCreationView(ctx, b) : null;
    }
    case "Metafield": {
      for (const m of s.metafields.values()) for (const mf of m.values()) if (mf.id === g.id) return metafieldView(mf);
      return null;
    }
    default:
      return null;
  }
}
