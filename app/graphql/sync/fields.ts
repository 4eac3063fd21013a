// Selections shared by the sync documents. Kept identical between bulk and
// paginated queries so both feed the same normalizers
// (app/domain/sync/normalize-*.ts).

const BAG = `{ shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }`;
// Only the total needs the presentment amount; shop money elsewhere keeps the
// per-order query cost low (every object costs a point).
const SHOP = `{ shopMoney { amount currencyCode } }`;

export const ORDER_FIELDS = `
  id name email createdAt updatedAt processedAt cancelledAt cancelReason test
  displayFinancialStatus displayFulfillmentStatus currencyCode presentmentCurrencyCode
  subtotalPriceSet ${SHOP} totalPriceSet ${BAG} totalTaxSet ${SHOP} totalShippingPriceSet ${SHOP} totalDiscountsSet ${SHOP}
  discountCodes sourceName tags
  customer { id }
  refunds { id createdAt processedAt note totalRefundedSet ${SHOP} }`;

export const LINE_ITEM_FIELDS = `
  id title quantity sku isGiftCard
  variant { id } product { id }
  originalUnitPriceSet ${SHOP}
  discountAllocations { allocatedAmountSet ${SHOP} }`;

export const CUSTOMER_FIELDS = `
  id email firstName lastName phone state tags createdAt updatedAt
  emailMarketingConsent { marketingState }
  smsMarketingConsent { marketingState }`;
