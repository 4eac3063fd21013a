// Discount codes issued by a redemption: single use, only for the redeeming customer.
export const LOYALTY_DISCOUNT_CODE_CREATE = `#graphql
mutation LoyaltyDiscountCodeCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}`;

export const LOYALTY_FREE_SHIPPING_CODE_CREATE = `#graphql
mutation LoyaltyFreeShippingCodeCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}`;

// Recovery of a redemption interrupted between the debit and the API answer: did the code get created?
export const LOYALTY_DISCOUNT_BY_CODE = `#graphql
query LoyaltyDiscountByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}`;

export interface LoyaltyDiscountSpec {
  code: string;
  title: string;
  customerGid: string;
  kind: "FIXED_AMOUNT" | "PERCENT" | "FREE_SHIPPING";
  /** Decimal string in shop currency for FIXED_AMOUNT ("5.00"). */
  amount?: string;
  /** 1..100 for PERCENT. */
  percent?: number;
  /** Decimal string, or null for no minimum. */
  minimumSubtotal: string | null;
  startsAt: Date;
  endsAt: Date;
}

/** Variables for the create mutation of the spec's kind: single use, once per customer, only that customer. */
export function buildLoyaltyDiscountVariables(spec: LoyaltyDiscountSpec): { document: string; variables: Record<string, unknown> } {
  const common = {
    title: spec.title,
    code: spec.code,
    startsAt: spec.startsAt.toISOString(),
    endsAt: spec.endsAt.toISOString(),
    usageLimit: 1,
    appliesOncePerCustomer: true,
    context: { customers: { add: [spec.customerGid] } },
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    ...(spec.minimumSubtotal ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: spec.minimumSubtotal } } } : {}),
  };
  if (spec.kind === "FREE_SHIPPING") {
    return {
      document: LOYALTY_FREE_SHIPPING_CODE_CREATE,
      variables: { freeShippingCodeDiscount: { ...common, combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false }, destination: { all: true } } },
    };
  }
  const value = spec.kind === "PERCENT" ? { percentage: (spec.percent ?? 0) / 100 } : { discountAmount: { amount: spec.amount, appliesOnEachItem: false } };
  return {
    document: LOYALTY_DISCOUNT_CODE_CREATE,
    variables: { basicCodeDiscount: { ...common, customerGets: { value, items: { all: true } } } },
  };
}
