// One normalized shape per synced resource, whichever API delivered it
// (REST webhook, GraphQL query, bulk JSONL). Money is integer minor units in
// the shop currency unless a field says presentment.

export interface DiscountCodeUse {
  code: string;
  /** null when the source does not say (GraphQL `discountCodes` is names only). */
  amountMinor: number | null;
  type: string | null;
}

export interface NormalizedLineItem {
  shopifyId: string;
  productId: string | null;
  variantId: string | null;
  title: string | null;
  sku: string | null;
  quantity: number;
  /** Unit price before discounts. */
  priceMinor: number;
  /** Sum of the line's discount allocations. */
  discountMinor: number;
  giftCard: boolean;
}

export interface RefundLine {
  lineItemId: string;
  quantity: number;
  subtotalMinor: number;
}

export interface NormalizedRefund {
  shopifyId: string;
  orderShopifyId: string;
  /** Money returned to the buyer through payment gateways (successful refund transactions). */
  amountMinor: number;
  /** Part of the refund issued as store credit instead of money. */
  storeCreditMinor: number;
  /** null when the source carries no line detail (bulk/GraphQL summary). */
  lines: RefundLine[] | null;
  note: string | null;
  processedAt: Date;
}

export interface NormalizedOrder {
  shopifyId: string;
  name: string | null;
  customerShopifyId: string | null;
  email: string | null;
  processedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: string | null;
  test: boolean;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  currency: string;
  presentmentCurrency: string | null;
  subtotalMinor: number;
  totalMinor: number;
  taxMinor: number;
  shippingMinor: number;
  discountsMinor: number;
  giftCardMinor: number;
  presentmentTotalMinor: number | null;
  discountCodes: DiscountCodeUse[];
  sourceName: string | null;
  tags: string;
  lineItems: NormalizedLineItem[];
  /** Refunds embedded in the order snapshot (REST `refunds`, GraphQL `refunds`). */
  refunds: NormalizedRefund[];
}

export interface NormalizedCustomer {
  shopifyId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  emailMarketing: string | null;
  smsMarketing: string | null;
  tags: string;
  state: string | null;
  createdAt: Date | null;
  updatedAt: Date;
}
