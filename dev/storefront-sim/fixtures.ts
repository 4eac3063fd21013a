// Storefront customers the simulator can sign in as. `metafields` mirrors the app-owned
// `$app:retain` customer metafields the app writes (balance, tier, next_tier).

export interface NextTierMetafield {
  name: string;
  remaining: number;
  progress: number;
}

export interface FixtureCustomer {
  /** Numeric Shopify customer id as a string; sent to the app as `logged_in_customer_id`. */
  id: string;
  firstName: string;
  lastName?: string;
  email: string;
  metafields?: {
    balance?: number;
    tier?: string;
    nextTier?: NextTierMetafield | null;
  };
}

export const DEFAULT_FIXTURE_CUSTOMERS: readonly FixtureCustomer[] = [
  {
    id: "7001",
    firstName: "Amina",
    lastName: "Haddad",
    email: "amina@example.com",
    metafields: { balance: 1200, tier: "Gold", nextTier: { name: "Platinum", remaining: 800, progress: 0.6 } },
  },
  {
    id: "7002",
    firstName: "Ben",
    lastName: "Okafor",
    email: "ben@example.com",
    metafields: { balance: 40, tier: "Silver", nextTier: { name: "Gold", remaining: 460, progress: 0.08 } },
  },
  // Signed up before the app wrote any metafields: the panel must still render (JS fills in live data).
  { id: "7003", firstName: "Chen", email: "chen@example.com" },
];
