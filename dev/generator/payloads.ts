// REST webhook payloads (API 2026-07) rendered from records "as of" an instant.
// Key sets and key order follow the vendored samples in ./samples/2026-07;
// customer payloads add `tags` and `email_marketing_consent` (real REST fields
// the docs sample happens to omit — see docs/generator.md).

import type { GeneratorConfig } from "./config";
import { addPairs, formatMinor, formatShopTime, gid, subtractPairs, ZERO_PAIR } from "./format";
import type {
  AddressRecord,
  CustomerRecord,
  CustomerVersion,
  LineRecord,
  MoneyPair,
  OrderRecord,
  RefundRecord,
} from "./records";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Keys added to the customer sample's key set (documented extras). */
export const CUSTOMER_EXTRA_KEYS = ["tags", "email_marketing_consent"] as const;

export type FinancialStatus = "pending" | "authorized" | "paid" | "partially_refunded" | "refunded" | "voided";

export interface OrderState {
  financialStatus: FinancialStatus;
  fulfilled: boolean;
  cancelledAtMs: number | null;
  cancelReason: string | null;
  closedAtMs: number | null;
  refunds: RefundRecord[];
  refunded: MoneyPair;
  updatedAtMs: number;
}

/** The order after applying every step at or before `asOfMs`. */
export function orderStateAt(order: OrderRecord, asOfMs: number): OrderState {
  const state: OrderState = {
    financialStatus: order.initialFinancial,
    fulfilled: false,
    cancelledAtMs: null,
    cancelReason: null,
    closedAtMs: null,
    refunds: [],
    refunded: ZERO_PAIR,
    updatedAtMs: order.createdAtMs,
  };
  for (const step of order.steps) {
    if (step.atMs > asOfMs) break;
    state.updatedAtMs = step.atMs;
    if (step.kind === "paid") state.financialStatus = "paid";
    else if (step.kind === "fulfilled") {
      state.fulfilled = true;
      state.closedAtMs = step.atMs;
    } else if (step.kind === "cancelled") {
      state.financialStatus = "voided";
      state.cancelledAtMs = step.atMs;
      state.cancelReason = step.reason;
      state.closedAtMs = step.atMs;
    } else {
      state.refunds = [...state.refunds, step.refund];
      state.refunded = addPairs(state.refunded, step.refund.amount);
      state.financialStatus = state.refunded.shop >= order.totals.total.shop ? "refunded" : "partially_refunded";
    }
  }
  return state;
}

export function customerVersionAt(customer: CustomerRecord, asOfMs: number): CustomerVersion {
  let current = customer.versions[0];
  for (const version of customer.versions) if (version.atMs <= asOfMs) current = version;
  return current;
}

function moneySet(pair: MoneyPair, shopCurrency: string, presentmentCurrency: string): JsonObject {
  return {
    shop_money: { amount: formatMinor(pair.shop), currency_code: shopCurrency },
    presentment_money: { amount: formatMinor(pair.presentment), currency_code: presentmentCurrency },
  };
}

function fullName(a: AddressRecord): string {
  return `${a.firstName} ${a.lastName}`;
}

function orderAddress(a: AddressRecord): JsonObject {
  return {
    first_name: a.firstName,
    address1: a.address1,
    phone: a.phone,
    city: a.place.city,
    zip: a.zip,
    province: a.place.province,
    country: a.place.country,
    last_name: a.lastName,
    address2: null,
    company: null,
    latitude: null,
    longitude: null,
    name: fullName(a),
    country_code: a.place.countryCode,
    province_code: a.place.provinceCode,
  };
}

function defaultAddress(customer: CustomerRecord): JsonObject {
  const a = customer.address;
  return {
    id: a.id,
    customer_id: customer.id,
    first_name: a.firstName,
    last_name: a.lastName,
    company: null,
    address1: a.address1,
    address2: null,
    city: a.place.city,
    province: a.place.province,
    country: a.place.country,
    zip: a.zip,
    phone: a.phone,
    name: fullName(a),
    province_code: a.place.provinceCode,
    country_code: a.place.countryCode,
    country_name: a.place.country,
    default: true,
  };
}

/** customers/create and customers/update payload. */
export function renderCustomerPayload(customer: CustomerRecord, asOfMs: number, config: GeneratorConfig): JsonObject {
  const version = customerVersionAt(customer, asOfMs);
  const t = (ms: number) => formatShopTime(ms, config.utcOffsetMinutes);
  return {
    id: customer.id,
    created_at: t(customer.createdAtMs),
    updated_at: t(version.atMs),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: "disabled",
    note: customer.note,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    email: customer.email,
    phone: customer.phone,
    currency: customer.currency,
    addresses: [defaultAddress(customer)],
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", customer.id),
    default_address: defaultAddress(customer),
    tags: version.tags.join(", "),
    email_marketing_consent: {
      state: version.consent,
      opt_in_level: "single_opt_in",
      consent_updated_at: version.consentUpdatedAtMs === null ? null : t(version.consentUpdatedAtMs),
    },
  };
}

/** The customer object embedded in an order payload (the order sample's key set). */
function embeddedCustomer(customer: CustomerRecord, asOfMs: number, config: GeneratorConfig): JsonObject {
  const version = customerVersionAt(customer, asOfMs);
  const t = (ms: number) => formatShopTime(ms, config.utcOffsetMinutes);
  return {
    id: customer.id,
    created_at: t(customer.createdAtMs),
    updated_at: t(version.atMs),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: "disabled",
    note: customer.note,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    email: customer.email,
    phone: customer.phone,
    currency: customer.currency,
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", customer.id),
    default_address: defaultAddress(customer),
  };
}

function lineTitle(line: LineRecord): string {
  return line.variant.variantTitle ? `${line.variant.productTitle} - ${line.variant.variantTitle}` : line.variant.productTitle;
}

function taxLines(line: LineRecord, order: OrderRecord, money: (p: MoneyPair) => JsonObject): Json[] {
  if (line.taxRate === 0) return [];
  return [
    {
      channel_liable: false,
      price: formatMinor(line.tax.shop),
      price_set: money(line.tax),
      rate: line.taxRate,
      title: order.address.place.taxTitle,
    },
  ];
}

function discountAllocations(line: LineRecord, order: OrderRecord, money: (p: MoneyPair) => JsonObject): Json[] {
  if (!order.discount || line.discount.shop === 0) return [];
  return [{ amount: formatMinor(line.discount.shop), discount_application_index: 0, amount_set: money(line.discount) }];
}

function refundedQuantity(state: OrderState, lineIndex: number): number {
  let q = 0;
  for (const refund of state.refunds) for (const l of refund.lines) if (l.lineIndex === lineIndex) q += l.quantity;
  return q;
}

function renderLineItem(line: LineRecord, index: number, order: OrderRecord, state: OrderState, money: (p: MoneyPair) => JsonObject): JsonObject {
  const v = line.variant;
  const currentQuantity = state.cancelledAtMs !== null ? 0 : line.quantity - refundedQuantity(state, index);
  return {
    id: line.id,
    admin_graphql_api_id: gid("LineItem", line.id),
    attributed_staffs: [],
    current_quantity: currentQuantity,
    fulfillable_quantity: state.fulfilled || state.cancelledAtMs !== null ? 0 : line.quantity,
    fulfillment_service: "manual",
    fulfillment_status: state.fulfilled ? "fulfilled" : null,
    gift_card: v.productTitle === "Gift Card",
    grams: v.grams,
    name: lineTitle(line),
    price: formatMinor(line.unit.shop),
    price_set: money(line.unit),
    product_exists: true,
    product_id: v.productId,
    properties: [],
    quantity: line.quantity,
    requires_shipping: v.requiresShipping,
    sales_line_item_group_id: null,
    sku: v.sku,
    taxable: line.taxRate > 0,
    title: v.productTitle,
    total_discount: formatMinor(line.discount.shop),
    total_discount_set: money(line.discount),
    variant_id: v.variantId,
    variant_inventory_management: "shopify",
    variant_title: v.variantTitle,
    vendor: v.vendor,
    tax_lines: taxLines(line, order, money),
    duties: [],
    discount_allocations: discountAllocations(line, order, money),
  };
}

/** The line item as nested in a refund line (the refund sample's key set and order). */
function refundedLineItem(line: LineRecord, order: OrderRecord, money: (p: MoneyPair) => JsonObject): JsonObject {
  const v = line.variant;
  return {
    id: line.id,
    variant_id: v.variantId,
    title: v.productTitle,
    quantity: line.quantity,
    sku: v.sku,
    variant_title: v.variantTitle,
    vendor: v.vendor,
    fulfillment_service: "manual",
    product_id: v.productId,
    requires_shipping: v.requiresShipping,
    taxable: line.taxRate > 0,
    gift_card: v.productTitle === "Gift Card",
    name: lineTitle(line),
    variant_inventory_management: "shopify",
    properties: [],
    product_exists: true,
    fulfillable_quantity: 0,
    grams: v.grams,
    price: formatMinor(line.unit.shop),
    total_discount: formatMinor(line.discount.shop),
    fulfillment_status: "fulfilled",
    price_set: money(line.unit),
    total_discount_set: money(line.discount),
    discount_allocations: discountAllocations(line, order, money),
    duties: [],
    admin_graphql_api_id: gid("LineItem", line.id),
    tax_lines: taxLines(line, order, money),
  };
}

function refundTransaction(order: OrderRecord, config: GeneratorConfig, refund: RefundRecord): JsonObject {
  const id = refund.transactionId;
  const atMs = refund.atMs;
  return {
    id,
    order_id: order.id,
    kind: "refund",
    gateway: order.gateway,
    status: "success",
    message: refund.kind === "goodwill" ? "Goodwill refund" : null,
    created_at: formatShopTime(atMs, config.utcOffsetMinutes),
    test: order.kind === "test",
    authorization: null,
    location_id: null,
    user_id: null,
    parent_id: order.paymentTransactionId,
    processed_at: formatShopTime(atMs, config.utcOffsetMinutes),
    device_id: null,
    error_code: null,
    source_name: "web",
    receipt: {},
    // Transactions are shown in the shop currency here (see docs/generator.md).
    amount: formatMinor(refund.amount.shop),
    currency: config.shopCurrency,
    payment_id: `${order.confirmationNumber}.2`,
    total_unsettled_set: {
      presentment_money: { amount: "0.0", currency: order.presentmentCurrency },
      shop_money: { amount: "0.0", currency: config.shopCurrency },
    },
    manual_payment_gateway: false,
    amount_rounding: null,
    admin_graphql_api_id: gid("OrderTransaction", id),
  };
}

/** refunds/create payload, and the element shape of an order's `refunds`. */
export function renderRefundPayload(order: OrderRecord, refund: RefundRecord, config: GeneratorConfig): JsonObject {
  const money = (p: MoneyPair) => moneySet(p, config.shopCurrency, order.presentmentCurrency);
  const t = formatShopTime(refund.atMs, config.utcOffsetMinutes);
  return {
    id: refund.id,
    order_id: order.id,
    created_at: t,
    note: refund.note,
    user_id: null,
    processed_at: t,
    duties: [],
    total_duties_set: money(ZERO_PAIR),
    return: null,
    refund_shipping_lines: [],
    restock: refund.restock,
    admin_graphql_api_id: gid("Refund", refund.id),
    order_adjustments: [],
    refund_line_items: refund.lines.map((l) => {
      const line = order.lines[l.lineIndex];
      return {
        id: l.id,
        quantity: l.quantity,
        line_item_id: line.id,
        location_id: null,
        restock_type: refund.restock ? "return" : "no_restock",
        subtotal: l.subtotal.shop / 100,
        total_tax: l.tax.shop / 100,
        subtotal_set: money(l.subtotal),
        total_tax_set: money(l.tax),
        line_item: refundedLineItem(line, order, money),
      };
    }),
    transactions: [refundTransaction(order, config, refund)],
  };
}

/** What is still owed to / kept by the shop after refunds of line items and shipping. */
function currentAmounts(order: OrderRecord, state: OrderState) {
  if (state.cancelledAtMs !== null) {
    return { subtotal: ZERO_PAIR, discounts: ZERO_PAIR, tax: ZERO_PAIR, shipping: ZERO_PAIR, total: ZERO_PAIR };
  }
  let subtotal = order.totals.subtotal;
  let tax = order.totals.tax;
  let shipping = order.totals.shipping;
  let discounts = order.totals.discounts;
  for (const refund of state.refunds) {
    for (const l of refund.lines) {
      subtotal = subtractPairs(subtotal, l.subtotal);
      tax = subtractPairs(tax, l.tax);
      const line = order.lines[l.lineIndex];
      const share = l.quantity / line.quantity;
      discounts = subtractPairs(discounts, {
        shop: Math.round(line.discount.shop * share),
        presentment: Math.round(line.discount.presentment * share),
      });
    }
    shipping = subtractPairs(shipping, refund.shipping);
  }
  return { subtotal, discounts, tax, shipping, total: addPairs(subtotal, tax, shipping) };
}

/** orders/create|paid|updated|cancelled payload as of `asOfMs`. */
export function renderOrderPayload(order: OrderRecord, asOfMs: number, config: GeneratorConfig): JsonObject {
  const state = orderStateAt(order, asOfMs);
  const money = (p: MoneyPair) => moneySet(p, config.shopCurrency, order.presentmentCurrency);
  const t = (ms: number) => formatShopTime(ms, config.utcOffsetMinutes);
  const totals = order.totals;
  const current = currentAmounts(order, state);
  const outstanding = state.financialStatus === "pending" || state.financialStatus === "authorized" ? totals.total : ZERO_PAIR;
  const weight = order.lines.reduce((s, l) => s + l.variant.grams * l.quantity, 0);
  const cashRounding = money(ZERO_PAIR);
  const taxByTitle = order.lines.filter((l) => l.taxRate > 0);
  return {
    id: order.id,
    admin_graphql_api_id: gid("Order", order.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: order.buyerAcceptsMarketing,
    cancel_reason: state.cancelReason,
    cancelled_at: state.cancelledAtMs === null ? null : t(state.cancelledAtMs),
    cart_token: null,
    checkout_token: null,
    client_details: null,
    closed_at: state.closedAtMs === null ? null : t(state.closedAtMs),
    confirmation_number: order.confirmationNumber,
    confirmed: true,
    contact_email: order.email,
    created_at: t(order.createdAtMs),
    currency: config.shopCurrency,
    current_shipping_price_set: money(current.shipping),
    current_subtotal_price: formatMinor(current.subtotal.shop),
    current_subtotal_price_set: money(current.subtotal),
    current_total_additional_fees_set: null,
    current_total_discounts: formatMinor(current.discounts.shop),
    current_total_discounts_set: money(current.discounts),
    current_total_duties_set: null,
    current_total_price: formatMinor(current.total.shop),
    current_total_price_set: money(current.total),
    current_total_tax: formatMinor(current.tax.shop),
    current_total_tax_set: money(current.tax),
    customer_locale: "en",
    device_id: null,
    discount_codes: order.discount
      ? [{ code: order.discount.code, amount: formatMinor(totals.discounts.shop), type: "percentage" }]
      : [],
    duties_included: false,
    email: order.email,
    estimated_taxes: false,
    financial_status: state.financialStatus,
    fulfillment_status: state.fulfilled ? "fulfilled" : null,
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_business_entity_id: "MTU1NTAwMDAwMQ",
    merchant_of_record_app_id: null,
    name: `#${order.orderNumber}`,
    note: null,
    note_attributes: [],
    number: order.orderNumber - 1000,
    order_number: order.orderNumber,
    order_status_url: `https://${config.shopDomain}/${config.shopId}/orders/${order.token}/authenticate?key=${order.token.slice(0, 16)}`,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: [order.gateway],
    phone: null,
    po_number: null,
    presentment_currency: order.presentmentCurrency,
    processed_at: t(order.createdAtMs),
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: "web",
    source_url: null,
    subtotal_price: formatMinor(totals.subtotal.shop),
    subtotal_price_set: money(totals.subtotal),
    tags: order.tags.join(", "),
    tax_exempt: false,
    tax_lines:
      taxByTitle.length === 0
        ? []
        : [
            {
              channel_liable: false,
              price: formatMinor(totals.tax.shop),
              price_set: money(totals.tax),
              rate: order.address.place.taxRate,
              title: order.address.place.taxTitle,
            },
          ],
    taxes_included: false,
    test: order.kind === "test",
    token: order.token,
    total_cash_rounding_payment_adjustment_set: cashRounding,
    total_cash_rounding_refund_adjustment_set: cashRounding,
    total_discounts: formatMinor(totals.discounts.shop),
    total_discounts_set: money(totals.discounts),
    total_line_items_price: formatMinor(totals.lineItems.shop),
    total_line_items_price_set: money(totals.lineItems),
    total_outstanding: formatMinor(outstanding.shop),
    total_price: formatMinor(totals.total.shop),
    total_price_set: money(totals.total),
    total_shipping_price_set: money(totals.shipping),
    total_tax: formatMinor(totals.tax.shop),
    total_tax_set: money(totals.tax),
    total_tip_received: "0.00",
    total_weight: weight,
    updated_at: t(state.updatedAtMs),
    user_id: null,
    billing_address: orderAddress(order.address),
    customer: order.customer ? embeddedCustomer(order.customer, asOfMs, config) : null,
    discount_applications: order.discount
      ? [
          {
            target_type: "line_item",
            type: "discount_code",
            value: `${order.discount.percent}.0`,
            value_type: "percentage",
            allocation_method: "across",
            target_selection: "all",
            code: order.discount.code,
          },
        ]
      : [],
    fulfillments: [],
    line_items: order.lines.map((line, i) => renderLineItem(line, i, order, state, money)),
    payment_terms: null,
    refunds: state.refunds.map((refund) => renderRefundPayload(order, refund, config)),
    shipping_address: order.lines.some((l) => l.variant.requiresShipping) ? orderAddress(order.address) : null,
    shipping_lines:
      order.shippingLineId === null
        ? []
        : [
            {
              id: order.shippingLineId,
              carrier_identifier: null,
              code: order.shippingTitle,
              current_discounted_price_set: money(current.shipping),
              discounted_price: formatMinor(totals.shipping.shop),
              discounted_price_set: money(totals.shipping),
              is_removed: false,
              phone: null,
              price: formatMinor(totals.shipping.shop),
              price_set: money(totals.shipping),
              requested_fulfillment_service_id: null,
              source: "shopify",
              title: order.shippingTitle,
              tax_lines: [],
              discount_allocations: [],
            },
          ],
    returns: [],
    line_item_groups: [],
  };
}
