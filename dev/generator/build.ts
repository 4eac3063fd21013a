// Builders for customer and order records. Every random draw for a record
// happens here, in a fixed order, from the run's single Rng.

import {
  CANCEL_REASONS,
  CATALOG,
  CUSTOMER_TAGS,
  FIRST_NAMES,
  GATEWAYS,
  LAST_NAMES,
  ORDER_TAGS,
  PLACES,
  PRESENTMENT_CURRENCIES,
  STREETS,
  type CatalogVariant,
} from "./catalog";
import type { GeneratorConfig } from "./config";
import { addPairs, moneyPair, ZERO_PAIR } from "./format";
import type { Rng } from "./random";
import type {
  AddressRecord,
  CustomerRecord,
  CustomerVersion,
  LineRecord,
  MoneyPair,
  OrderKind,
  OrderRecord,
  OrderStep,
  OrderTotals,
  RefundRecord,
} from "./records";

const SECOND = 1000;
const DAY = 86_400_000;

/** Disjoint id ranges per object type, all far below 2^53. */
export const ID_BASES = {
  Customer: 7_210_000_000_000,
  MailingAddress: 8_150_000_000_000,
  Order: 5_530_000_000_000,
  LineItem: 13_410_000_000_000,
  ShippingLine: 4_120_000_000_000,
  Refund: 930_000_000_000,
  RefundLineItem: 1_910_000_000_000,
  OrderTransaction: 6_620_000_000_000,
} as const;

export type IdType = keyof typeof ID_BASES;

/** Sequential ids per type; `offset` moves a whole allocator to its own block (campaign windows). */
export class IdAllocator {
  private readonly counters = new Map<IdType, number>();
  constructor(private readonly offset = 0) {}

  next(type: IdType): number {
    const n = (this.counters.get(type) ?? 0) + 1;
    this.counters.set(type, n);
    return ID_BASES[type] + this.offset + n;
  }
}

export interface BuildContext {
  config: GeneratorConfig;
  rng: Rng;
  ids: IdAllocator;
  nextOrderNumber: () => number;
}

function asciiLower(name: string): string {
  return name.normalize("NFD").replace(/[^A-Za-z]/g, "").toLowerCase();
}

export function buildAddress(ctx: BuildContext, firstName: string, lastName: string): AddressRecord {
  const { rng } = ctx;
  const place = rng.pick(PLACES);
  const number = rng.intBetween(1, 9999);
  const street = rng.pick(STREETS);
  const zipTail = place.countryCode === "CA" ? ` ${rng.intBetween(1, 9)}A${rng.intBetween(1, 9)}` : String(rng.intBetween(10, 99));
  const phone = rng.bernoulli(0.4) ? `+1555${String(rng.intBetween(0, 9_999_999)).padStart(7, "0")}` : null;
  return {
    id: ctx.ids.next("MailingAddress"),
    firstName,
    lastName,
    address1: `${number} ${street}`,
    zip: `${place.zipPrefix}${zipTail}`,
    phone,
    place,
  };
}

/** A new customer arriving at `atMs`, with latent BG/NBD and Gamma-Gamma traits. */
export function buildCustomer(ctx: BuildContext, index: number, atMs: number): CustomerRecord {
  const { rng, config } = ctx;
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const address = buildAddress(ctx, firstName, lastName);
  const { r, alpha, a, b } = config.bgnbd;
  const { q, gamma } = config.gammaGamma;
  const latent = { lambda: rng.gamma(r, alpha), p: rng.beta(a, b), nu: rng.gamma(q, gamma) };
  const subscribed = rng.bernoulli(config.rates.marketingConsent);
  const tags = rng.bernoulli(0.15) ? [rng.pick(CUSTOMER_TAGS)] : [];
  const first: CustomerVersion = {
    atMs,
    tags,
    consent: subscribed ? "subscribed" : "not_subscribed",
    consentUpdatedAtMs: subscribed ? atMs : null,
  };
  const versions = [first];
  if (rng.bernoulli(config.rates.customerUpdate)) {
    // One later change: consent flips and a tag is added, ~45 days after sign-up on average.
    const at = atMs + Math.max(SECOND, Math.round(rng.exponential(1 / 45) * DAY / SECOND) * SECOND);
    const extra = rng.pick(CUSTOMER_TAGS);
    versions.push({
      atMs: at,
      tags: tags.includes(extra) ? tags : [...tags, extra].sort(),
      consent: subscribed ? "unsubscribed" : "subscribed",
      consentUpdatedAtMs: at,
    });
  }
  const note = rng.bernoulli(0.05) ? "Prefers plastic-free packaging" : null;
  return {
    index,
    id: ctx.ids.next("Customer"),
    firstName,
    lastName,
    email: `${asciiLower(firstName)}.${asciiLower(lastName)}.${index + 1}@example.com`,
    phone: address.phone,
    createdAtMs: atMs,
    currency: config.shopCurrency,
    note,
    address,
    versions,
    latent,
  };
}

/** Index of the most expensive catalogue variant priced at or below `ceilingMinor`, or −1. */
function priceCeilingIndex(ceilingMinor: number): number {
  let lo = 0;
  let hi = CATALOG.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CATALOG[mid].priceMinor <= ceilingMinor) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Picks 1..5 line items whose merchandise value approaches `targetMinor` from
 * below (the gap is under the cheapest price most of the time), so the
 * realised order value tracks the Gamma-Gamma draw.
 */
export function fillLines(rng: Rng, targetMinor: number): Array<{ variant: CatalogVariant; quantity: number }> {
  // Bigger baskets have more lines; the mean is capped since at most 5 lines are kept anyway.
  const wanted = 1 + Math.min(4, rng.poisson(Math.min(6, 0.4 + targetMinor / 12_000)));
  const picks: Array<{ variant: CatalogVariant; quantity: number }> = [];
  let remaining = targetMinor;
  const add = (variant: CatalogVariant, quantity: number) => {
    const existing = picks.find((p) => p.variant.variantId === variant.variantId);
    if (existing) existing.quantity += quantity;
    else picks.push({ variant, quantity });
    remaining -= variant.priceMinor * quantity;
  };
  for (let i = 0; i < wanted; i++) {
    const share = remaining / (wanted - i);
    let idx = priceCeilingIndex(share);
    if (idx < 0) {
      if (picks.length > 0) break;
      idx = 0;
    }
    const variant = CATALOG[Math.max(0, idx - rng.int(3))];
    const basis = i === wanted - 1 ? remaining : share;
    add(variant, Math.min(10, Math.max(1, Math.floor(basis / variant.priceMinor))));
  }
  const topUp = priceCeilingIndex(remaining);
  if (topUp >= 0 && picks.length < 5) {
    const variant = CATALOG[topUp];
    add(variant, Math.min(10, Math.floor(remaining / variant.priceMinor)));
  }
  return picks;
}

function seasonalCode(atMs: number): { code: string; percent: number } | null {
  const d = new Date(atMs);
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  if ((month === 3 && day >= 15) || month === 4) return { code: "SPRING15", percent: 15 };
  if ((month === 11 && day >= 24) || (month === 12 && day <= 2)) return { code: "BFCM25", percent: 25 };
  return null;
}

/** Integer split of `total` proportional to `weights` (largest remainder, ties by position). */
export function allocateProportionally(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, v) => s + v, 0);
  const order = exact.map((v, i) => ({ i, frac: v - Math.floor(v) })).sort((x, y) => y.frac - x.frac || x.i - y.i);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length].i]++;
  return out;
}

function computeTotals(lines: LineRecord[], shipping: MoneyPair): OrderTotals {
  const lineItems = addPairs(...lines.map((l) => ({ shop: l.unit.shop * l.quantity, presentment: l.unit.presentment * l.quantity })));
  const discounts = addPairs(...lines.map((l) => l.discount));
  const subtotal = { shop: lineItems.shop - discounts.shop, presentment: lineItems.presentment - discounts.presentment };
  const tax = addPairs(...lines.map((l) => l.tax));
  return { lineItems, discounts, subtotal, tax, shipping, total: addPairs(subtotal, tax, shipping) };
}

export interface OrderSpec {
  kind: OrderKind;
  customer: CustomerRecord | null;
  atMs: number;
  /** Merchandise value to aim for, in major units. */
  valueMajor: number;
  isFirstPurchase: boolean;
  /** Forces a discount code (campaign windows); otherwise the usual rules apply. */
  discountOverride?: { code: string; percent: number } | null;
}

/** Builds a whole order life: items, money, payment, fulfilment, cancellation, refund. */
export function buildOrder(ctx: BuildContext, spec: OrderSpec): OrderRecord {
  const { rng, config, ids } = ctx;
  const { rates } = config;
  const address = spec.customer
    ? spec.customer.address
    : buildAddress(ctx, rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
  const picks = fillLines(rng, Math.max(1, Math.round(spec.valueMajor * 100)));

  let discount: { code: string; percent: number } | null = null;
  if (spec.discountOverride !== undefined) discount = spec.discountOverride;
  else if (spec.isFirstPurchase && rng.bernoulli(rates.welcomeDiscount)) discount = { code: "WELCOME10", percent: 10 };
  else {
    const seasonal = seasonalCode(spec.atMs);
    if (seasonal && rng.bernoulli(rates.seasonalDiscount)) discount = seasonal;
  }

  const presented = rng.bernoulli(rates.presentmentCurrency) ? rng.pick(PRESENTMENT_CURRENCIES) : null;
  const presentmentCurrency = presented?.code ?? config.shopCurrency;
  const rate = presented?.rate ?? 1;

  const lineTotals = picks.map((p) => p.variant.priceMinor * p.quantity);
  const itemsTotal = lineTotals.reduce((s, v) => s + v, 0);
  const discountShop = discount ? Math.round((itemsTotal * discount.percent) / 100) : 0;
  const allocations = allocateProportionally(discountShop, lineTotals);
  const lines: LineRecord[] = picks.map((p, i) => {
    const unit = moneyPair(p.variant.priceMinor, rate);
    const lineDiscount = moneyPair(allocations[i], rate);
    const taxRate = p.variant.productTitle === "Gift Card" ? 0 : address.place.taxRate;
    const taxedShop = lineTotals[i] - allocations[i];
    const taxedPresentment = unit.presentment * p.quantity - lineDiscount.presentment;
    return {
      id: ids.next("LineItem"),
      variant: p.variant,
      quantity: p.quantity,
      unit,
      discount: lineDiscount,
      tax: { shop: Math.round(taxedShop * taxRate), presentment: Math.round(taxedPresentment * taxRate) },
      taxRate,
    };
  });
  const shippable = picks.some((p) => p.variant.requiresShipping);
  const freeShipping = itemsTotal - discountShop >= 7500;
  const shipping = shippable && !freeShipping ? moneyPair(695, rate) : ZERO_PAIR;
  const shippingLineId = shippable ? ids.next("ShippingLine") : null;
  const totals = computeTotals(lines, shipping);

  const orderId = ids.next("Order");
  const paymentTransactionId = ids.next("OrderTransaction");
  const token = rng.hex(32);
  const confirmationNumber = rng.code(9);
  const gateway = spec.kind === "test" ? "bogus" : rng.pick(GATEWAYS);
  const tags = rng.bernoulli(0.1) ? [rng.pick(ORDER_TAGS)] : [];

  const steps: OrderStep[] = [];
  let initialFinancial: OrderRecord["initialFinancial"] = "paid";
  if (spec.kind === "cancelled") {
    initialFinancial = "authorized";
    const at = spec.atMs + Math.round(rng.between(600, 48 * 3600)) * SECOND;
    steps.push({ kind: "cancelled", atMs: at, reason: rng.pick(CANCEL_REASONS) });
  } else if (spec.kind === "test") {
    steps.push({ kind: "paid", atMs: spec.atMs + rng.intBetween(1, 5) * SECOND });
  } else {
    const pending = rng.bernoulli(rates.pendingPayment);
    if (pending) initialFinancial = "pending";
    const paidAt = pending
      ? spec.atMs + Math.round(rng.between(1, 4) * 86_400) * SECOND
      : spec.atMs + rng.intBetween(1, 5) * SECOND;
    steps.push({ kind: "paid", atMs: paidAt });
    const fulfilledAt = paidAt + Math.round(rng.between(0.5, 4) * 86_400) * SECOND;
    steps.push({ kind: "fulfilled", atMs: fulfilledAt });
    if (rng.bernoulli(rates.refund)) {
      const refundAt = fulfilledAt + Math.round(rng.between(3, 30) * 86_400) * SECOND;
      const full = rng.bernoulli(rates.fullRefundShare);
      steps.push({ kind: "refund", atMs: refundAt, refund: buildRefund(ctx, orderId, lines, totals, refundAt, full, rate) });
    }
  }

  const customer = spec.customer;
  const guestEmail = `guest.${orderId % 1_000_000_000}@example.net`;
  // Consent as it stands when the order is placed (a later customers/update may flip it).
  const consent = customer ? customer.versions.filter((v) => v.atMs <= spec.atMs).at(-1)?.consent === "subscribed" : false;
  return {
    id: orderId,
    orderNumber: ctx.nextOrderNumber(),
    kind: spec.kind,
    customer,
    email: customer ? customer.email : guestEmail,
    createdAtMs: spec.atMs,
    address,
    lines,
    discount,
    shippingLineId,
    shippingTitle: freeShipping ? "Free Shipping" : "Standard Shipping",
    presentmentCurrency,
    presentmentRate: rate,
    totals,
    token,
    confirmationNumber,
    gateway,
    initialFinancial,
    steps,
    tags,
    buyerAcceptsMarketing: consent,
    paymentTransactionId,
    drawnValue: spec.kind === "purchase" || spec.kind === "guest" ? spec.valueMajor : null,
  };
}

const REFUND_NOTES = ["Damaged in transit", "Wrong size", "Changed mind", null] as const;

function buildRefund(
  ctx: BuildContext,
  orderId: number,
  lines: LineRecord[],
  totals: OrderTotals,
  atMs: number,
  full: boolean,
  rate: number,
): RefundRecord {
  const { rng, ids } = ctx;
  const note = rng.pick(REFUND_NOTES);
  const units = lines.reduce((s, l) => s + l.quantity, 0);
  const base = { id: ids.next("Refund"), orderId, atMs, note, transactionId: ids.next("OrderTransaction") };
  if (full) {
    const refundLines = lines.map((l, i) => ({
      id: ids.next("RefundLineItem"),
      lineIndex: i,
      quantity: l.quantity,
      subtotal: { shop: l.unit.shop * l.quantity - l.discount.shop, presentment: l.unit.presentment * l.quantity - l.discount.presentment },
      tax: l.tax,
    }));
    const amount = addPairs(...refundLines.map((l) => addPairs(l.subtotal, l.tax)), totals.shipping);
    return { ...base, restock: true, lines: refundLines, shipping: totals.shipping, amount, kind: "full" };
  }
  if (units === 1) {
    // Nothing smaller than the whole item to return: a goodwill amount instead.
    const share = rng.between(0.1, 0.5);
    const amount = moneyPair(Math.max(1, Math.round(totals.total.shop * share)), rate);
    return { ...base, restock: false, lines: [], shipping: ZERO_PAIR, amount, kind: "goodwill" };
  }
  const lineIndex = rng.int(lines.length);
  const line = lines[lineIndex];
  const maxQuantity = lines.length === 1 ? line.quantity - 1 : line.quantity;
  const quantity = rng.intBetween(1, maxQuantity);
  const part = (total: number) => Math.round((total * quantity) / line.quantity);
  const subtotal = {
    shop: part(line.unit.shop * line.quantity - line.discount.shop),
    presentment: part(line.unit.presentment * line.quantity - line.discount.presentment),
  };
  const tax = { shop: part(line.tax.shop), presentment: part(line.tax.presentment) };
  return {
    ...base,
    restock: rng.bernoulli(0.5),
    lines: [{ id: ids.next("RefundLineItem"), lineIndex, quantity, subtotal, tax }],
    shipping: ZERO_PAIR,
    amount: addPairs(subtotal, tax),
    kind: "partial",
  };
}
