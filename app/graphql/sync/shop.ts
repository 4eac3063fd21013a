export const SHOP_DETAILS = `#graphql
query ShopDetails {
  shop { name email currencyCode ianaTimezone plan { displayName } }
}`;
