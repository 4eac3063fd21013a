// Internal records: the complete life of every customer and order, decided in
// full at creation time (later steps carry their own timestamps). Payloads are
// renderings of a record "as of" an instant, which is what lets the event
// stream and the final snapshots agree byte for byte on shared state.

import type { CatalogVariant, Place } from "./catalog";

export interface AddressRecord {
  id: number;
  firstName: string;
  lastName: string;
  address1: string;
  zip: string;
  phone: string | null;
  place: Place;
}

export type ConsentState = "subscribed" | "not_subscribed" | "unsubscribed";

export interface CustomerVersion {
  atMs: number;
  tags: string[];
  consent: ConsentState;
  /** When the consent last changed; null if never given. */
  consentUpdatedAtMs: number | null;
}

/** BG/NBD and Gamma-Gamma latent traits of one customer (λ per week, ν in 1/major units). */
export interface LatentTraits {
  lambda: number;
  p: number;
  nu: number;
}

export interface CustomerRecord {
  index: number;
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  createdAtMs: number;
  currency: string;
  note: string | null;
  address: AddressRecord;
  /** versions[0] is the state at creation; later ones are customers/update. */
  versions: CustomerVersion[];
  latent: LatentTraits;
}

/** An amount in shop-currency minor units and its presentment-currency twin. */
export interface MoneyPair {
  shop: number;
  presentment: number;
}

export interface LineRecord {
  id: number;
  variant: CatalogVariant;
  quantity: number;
  unit: MoneyPair;
  /** Order-level discount allocated to this line (whole line). */
  discount: MoneyPair;
  /** Tax on the discounted line. */
  tax: MoneyPair;
  taxRate: number;
}

export interface RefundLineRecord {
  id: number;
  lineIndex: number;
  quantity: number;
  subtotal: MoneyPair;
  tax: MoneyPair;
}

export interface RefundRecord {
  id: number;
  orderId: number;
  atMs: number;
  note: string | null;
  restock: boolean;
  lines: RefundLineRecord[];
  /** Shipping refunded (full refunds only); carried by the transaction amount. */
  shipping: MoneyPair;
  /** Total refunded = Σ line subtotals + taxes + shipping, or a goodwill amount. */
  amount: MoneyPair;
  transactionId: number;
  kind: "full" | "partial" | "goodwill";
}

export type OrderStep =
  | { kind: "paid"; atMs: number }
  | { kind: "fulfilled"; atMs: number }
  | { kind: "cancelled"; atMs: number; reason: string }
  | { kind: "refund"; atMs: number; refund: RefundRecord };

/**
 * purchase: a BG/NBD transaction of a customer (counts in the ground truth);
 * cancelled / test: noise orders of a customer (not transactions);
 * guest: an order without a customer.
 */
export type OrderKind = "purchase" | "cancelled" | "test" | "guest";

export interface OrderTotals {
  lineItems: MoneyPair;
  discounts: MoneyPair;
  /** lineItems − discounts (Shopify's subtotal_price). */
  subtotal: MoneyPair;
  tax: MoneyPair;
  shipping: MoneyPair;
  /** subtotal + tax + shipping. */
  total: MoneyPair;
}

export interface OrderRecord {
  id: number;
  orderNumber: number;
  kind: OrderKind;
  customer: CustomerRecord | null;
  email: string;
  createdAtMs: number;
  address: AddressRecord;
  lines: LineRecord[];
  discount: { code: string; percent: number } | null;
  shippingLineId: number | null;
  shippingTitle: string;
  presentmentCurrency: string;
  presentmentRate: number;
  totals: OrderTotals;
  token: string;
  confirmationNumber: string;
  gateway: string;
  initialFinancial: "paid" | "pending" | "authorized";
  steps: OrderStep[];
  tags: string[];
  buyerAcceptsMarketing: boolean;
  paymentTransactionId: number;
  /** The Gamma-Gamma draw (major units) the line items were filled towards; null for noise orders. */
  drawnValue: number | null;
}
