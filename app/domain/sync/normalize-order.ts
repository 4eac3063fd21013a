import { SyncInputError } from "./errors";
import { optionalId, pickId, toShopifyId } from "./ids";
import { parseMoneyMinor } from "./money";
import { normalizeGraphqlRefund, normalizeRestRefund } from "./normalize-refund";
import {
  asArray, asRecord, bagPresentmentMoney, bagShopMoney, normalizeTags, optionalBoolean, optionalDate, optionalRecord,
  optionalString, requiredDate, requiredInteger, requiredString, restPresentmentMoney, restShopMoney, type JsonRecord,
} from "./read";
import { normalizeFinancialStatus, normalizeFulfillmentStatus } from "./statuses";
import type { DiscountCodeUse, NormalizedLineItem, NormalizedOrder, NormalizedRefund } from "./types";

function giftCardTotal(lines: NormalizedLineItem[]): number {
  let total = 0;
  for (const l of lines) if (l.giftCard) total += l.priceMinor * l.quantity - l.discountMinor;
  return total;
}

function currencyOf(value: unknown, path: string): string {
  const c = requiredString(value, path);
  if (!/^[A-Z]{3}$/.test(c)) throw new SyncInputError("invalid_type", path, `"${c}" is not an ISO 4217 currency code`);
  return c;
}

/** An orders/* webhook payload (REST, snake_case). */
export function normalizeRestOrder(payload: unknown, path = "order"): NormalizedOrder {
  const o = asRecord(payload, path);
  const shopifyId = pickId(o, path, "Order");
  const currency = currencyOf(o.currency, `${path}.currency`);
  const presentmentCurrency = o.presentment_currency == null ? null : currencyOf(o.presentment_currency, `${path}.presentment_currency`);
  const money = (key: string) => restShopMoney(o, key, currency, path) ?? 0;
  const createdAt = requiredDate(o.created_at, `${path}.created_at`);

  const lineItems = asArray(o.line_items, `${path}.line_items`).map((raw, i): NormalizedLineItem => {
    const p = `${path}.line_items[${i}]`;
    const l = asRecord(raw, p);
    const allocations = asArray(l.discount_allocations, `${p}.discount_allocations`);
    const discountMinor = allocations.length > 0
      ? allocations.reduce<number>((s, a, j) => s + (restShopMoney(asRecord(a, `${p}.discount_allocations[${j}]`), "amount", currency, `${p}.discount_allocations[${j}]`) ?? 0), 0)
      : restShopMoney(l, "total_discount", currency, p) ?? 0;
    const price = restShopMoney(l, "price", currency, p);
    if (price === null) throw new SyncInputError("missing_field", `${p}.price`, "required price is missing");
    return {
      shopifyId: pickId(l, p, "LineItem"),
      productId: optionalId(l.product_id, `${p}.product_id`),
      variantId: optionalId(l.variant_id, `${p}.variant_id`),
      title: optionalString(l.title, `${p}.title`) ?? optionalString(l.name, `${p}.name`),
      sku: optionalString(l.sku, `${p}.sku`),
      quantity: requiredInteger(l.quantity, `${p}.quantity`),
      priceMinor: price,
      discountMinor,
      giftCard: optionalBoolean(l.gift_card, `${p}.gift_card`, false),
    };
  });

  const discountCodes = asArray(o.discount_codes, `${path}.discount_codes`).map((raw, i): DiscountCodeUse => {
    const p = `${path}.discount_codes[${i}]`;
    const d = asRecord(raw, p);
    return {
      code: requiredString(d.code, `${p}.code`),
      amountMinor: d.amount == null ? null : parseMoneyMinor(d.amount, currency, `${p}.amount`),
      type: optionalString(d.type, `${p}.type`),
    };
  });

  const customer = optionalRecord(o.customer, `${path}.customer`);
  const shipping = restShopMoney(o, "total_shipping_price", currency, path);
  return {
    shopifyId,
    name: optionalString(o.name, `${path}.name`),
    customerShopifyId: customer ? pickId(customer, `${path}.customer`, "Customer") : null,
    email: optionalString(o.email, `${path}.email`) || optionalString(o.contact_email, `${path}.contact_email`) || null,
    processedAt: optionalDate(o.processed_at, `${path}.processed_at`) ?? createdAt,
    createdAt,
    updatedAt: requiredDate(o.updated_at, `${path}.updated_at`),
    cancelledAt: optionalDate(o.cancelled_at, `${path}.cancelled_at`),
    cancelReason: optionalString(o.cancel_reason, `${path}.cancel_reason`),
    test: optionalBoolean(o.test, `${path}.test`, false),
    financialStatus: normalizeFinancialStatus(optionalString(o.financial_status, `${path}.financial_status`)),
    fulfillmentStatus: normalizeFulfillmentStatus(optionalString(o.fulfillment_status, `${path}.fulfillment_status`)),
    currency,
    presentmentCurrency,
    subtotalMinor: money("subtotal_price"),
    totalMinor: money("total_price"),
    taxMinor: money("total_tax"),
    shippingMinor: shipping ?? 0,
    discountsMinor: money("total_discounts"),
    giftCardMinor: giftCardTotal(lineItems),
    presentmentTotalMinor: presentmentCurrency ? restPresentmentMoney(o, "total_price", presentmentCurrency, path) : null,
    discountCodes,
    sourceName: optionalString(o.source_name, `${path}.source_name`),
    tags: normalizeTags(o.tags, `${path}.tags`),
    lineItems,
    refunds: asArray(o.refunds, `${path}.refunds`).map((r, i) => normalizeRestRefund(r, currency, `${path}.refunds[${i}]`, shopifyId)),
  };
}

/** A GraphQL LineItem node (bulk JSONL child line or connection node). */
export function normalizeGraphqlLineItem(node: unknown, currency: string, path: string): NormalizedLineItem {
  const l = asRecord(node, path);
  const variant = optionalRecord(l.variant, `${path}.variant`);
  const product = optionalRecord(l.product, `${path}.product`);
  const price = bagShopMoney(l.originalUnitPriceSet, currency, `${path}.originalUnitPriceSet`);
  if (price === null) throw new SyncInputError("missing_field", `${path}.originalUnitPriceSet`, "required price is missing");
  // Loops rather than callbacks here and in normalizeGraphqlOrder: the backfill runs these for
  // every order, and each closure made per call costs (tsx names every function it creates).
  const allocations = asArray(l.discountAllocations, `${path}.discountAllocations`);
  let discountMinor = 0;
  for (let i = 0; i < allocations.length; i++) {
    const p = `${path}.discountAllocations[${i}]`;
    discountMinor += bagShopMoney(asRecord(allocations[i], p).allocatedAmountSet, currency, `${p}.allocatedAmountSet`) ?? 0;
  }
  return {
    shopifyId: toShopifyId(l.id, `${path}.id`, "LineItem"),
    productId: product ? toShopifyId(product.id, `${path}.product.id`, "Product") : null,
    variantId: variant ? toShopifyId(variant.id, `${path}.variant.id`, "ProductVariant") : null,
    title: optionalString(l.title, `${path}.title`) ?? optionalString(l.name, `${path}.name`),
    sku: optionalString(l.sku, `${path}.sku`),
    quantity: requiredInteger(l.quantity, `${path}.quantity`),
    priceMinor: price,
    discountMinor,
    giftCard: optionalBoolean(l.isGiftCard, `${path}.isGiftCard`, false),
  };
}

/**
 * A GraphQL Order node. `lineItems` are passed separately because bulk JSONL
 * puts them on their own lines; for a paginated query pass the edges' nodes.
 */
export function normalizeGraphqlOrder(node: unknown, lineItemNodes: unknown[] = [], path = "order"): NormalizedOrder {
  const o = asRecord(node, path);
  if (o.id === undefined || o.id === null) throw new SyncInputError("missing_field", `${path}.id`, "required id is missing");
  const shopifyId = toShopifyId(o.id, `${path}.id`, "Order");
  const currency = currencyOf(o.currencyCode, `${path}.currencyCode`);
  const presentmentCurrency = o.presentmentCurrencyCode == null ? null : currencyOf(o.presentmentCurrencyCode, `${path}.presentmentCurrencyCode`);
  const createdAt = requiredDate(o.createdAt, `${path}.createdAt`);
  const lineItems: NormalizedLineItem[] = [];
  for (let i = 0; i < lineItemNodes.length; i++) lineItems.push(normalizeGraphqlLineItem(lineItemNodes[i], currency, `${path}.lineItems[${i}]`));
  const customer = optionalRecord(o.customer, `${path}.customer`);
  const codeValues = asArray(o.discountCodes, `${path}.discountCodes`);
  const codes: DiscountCodeUse[] = [];
  for (let i = 0; i < codeValues.length; i++) codes.push({ code: requiredString(codeValues[i], `${path}.discountCodes[${i}]`), amountMinor: null, type: null });
  const refundValues = asArray(o.refunds, `${path}.refunds`);
  const refunds: NormalizedRefund[] = [];
  for (let i = 0; i < refundValues.length; i++) refunds.push(normalizeGraphqlRefund(refundValues[i], shopifyId, currency, `${path}.refunds[${i}]`));
  return {
    shopifyId,
    name: optionalString(o.name, `${path}.name`),
    customerShopifyId: customer ? toShopifyId(customer.id, `${path}.customer.id`, "Customer") : null,
    email: optionalString(o.email, `${path}.email`) || null,
    processedAt: optionalDate(o.processedAt, `${path}.processedAt`) ?? createdAt,
    createdAt,
    updatedAt: requiredDate(o.updatedAt, `${path}.updatedAt`),
    cancelledAt: optionalDate(o.cancelledAt, `${path}.cancelledAt`),
    cancelReason: normalizeCancelReason(optionalString(o.cancelReason, `${path}.cancelReason`)),
    test: optionalBoolean(o.test, `${path}.test`, false),
    financialStatus: normalizeFinancialStatus(optionalString(o.displayFinancialStatus, `${path}.displayFinancialStatus`)),
    fulfillmentStatus: normalizeFulfillmentStatus(optionalString(o.displayFulfillmentStatus, `${path}.displayFulfillmentStatus`)),
    currency,
    presentmentCurrency,
    subtotalMinor: graphqlShopMoney(o, "subtotalPriceSet", currency, path),
    totalMinor: graphqlShopMoney(o, "totalPriceSet", currency, path),
    taxMinor: graphqlShopMoney(o, "totalTaxSet", currency, path),
    shippingMinor: graphqlShopMoney(o, "totalShippingPriceSet", currency, path),
    discountsMinor: graphqlShopMoney(o, "totalDiscountsSet", currency, path),
    giftCardMinor: giftCardTotal(lineItems),
    presentmentTotalMinor: presentmentCurrency ? bagPresentmentMoney(o.totalPriceSet, presentmentCurrency, `${path}.totalPriceSet`) : null,
    discountCodes: codes,
    sourceName: optionalString(o.sourceName, `${path}.sourceName`),
    tags: normalizeTags(o.tags, `${path}.tags`),
    lineItems,
    refunds,
  };
}

/** Shop-currency amount of an order's MoneyBag field, 0 when absent. */
function graphqlShopMoney(o: JsonRecord, key: string, currency: string, path: string): number {
  return bagShopMoney(o[key], currency, `${path}.${key}`) ?? 0;
}

// GraphQL's OrderCancelReason enum (CUSTOMER) vs REST's "customer".
function normalizeCancelReason(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}

export type { JsonRecord };
