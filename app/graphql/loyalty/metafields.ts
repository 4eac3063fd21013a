// Customer metafields read by the theme extension's Liquid (docs/storefront.md).
export const LOYALTY_METAFIELDS_SET = `#graphql
mutation LoyaltyMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { key namespace ownerType }
    userErrors { field message code }
  }
}`;

export const LOYALTY_METAFIELDS_DELETE = `#graphql
mutation LoyaltyMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
  metafieldsDelete(metafields: $metafields) {
    deletedMetafields { key namespace ownerId }
    userErrors { field message }
  }
}`;

/** `$app:retain` is stored as `app--<client id>--retain`; Liquid reads it as `customer.metafields['$app:retain']`. */
export const LOYALTY_METAFIELD_NAMESPACE = "$app:retain";
/** Shopify accepts at most 25 metafields per metafieldsSet call. */
export const METAFIELDS_PER_CALL = 25;

export interface LoyaltyMetafieldValues {
  customerGid: string;
  balance: number;
  tierName: string | null;
  nextTier: { name: string; remaining: number; progress: number } | null;
}

export interface MetafieldInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

/**
 * The metafields to set for one customer, in the types the extension's Liquid
 * expects. Without a tier the `tier` field is left out (Shopify rejects an
 * empty text value; the caller deletes a stale one) so Liquid shows its own
 * localized "Member" instead of "top tier".
 */
export function buildLoyaltyMetafields(v: LoyaltyMetafieldValues): MetafieldInput[] {
  const base = { ownerId: v.customerGid, namespace: LOYALTY_METAFIELD_NAMESPACE };
  const out: MetafieldInput[] = [{ ...base, key: "balance", type: "number_integer", value: String(v.balance) }];
  if (v.tierName) out.push({ ...base, key: "tier", type: "single_line_text_field", value: v.tierName });
  out.push({ ...base, key: "next_tier", type: "json", value: JSON.stringify(v.nextTier ?? {}) });
  return out;
}
