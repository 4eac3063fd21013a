// A small fixed catalogue (an outdoor-and-home shop) and the reference data used
// to dress customers: names, addresses with their sales-tax rates, currencies.

export interface CatalogVariant {
  productId: number;
  variantId: number;
  productTitle: string;
  variantTitle: string | null;
  sku: string;
  vendor: string;
  priceMinor: number;
  grams: number;
  requiresShipping: boolean;
}

// [title, vendor, grams, requires shipping, variants: [title | null, price in minor units]]
type ProductRow = [string, string, number, boolean, Array<[string | null, number]>];

const PRODUCTS: ProductRow[] = [
  ["Trail Socks", "Northpeak", 80, true, [["S", 1200], ["M", 1200], ["L", 1200]]],
  ["Enamel Mug", "Camp & Co", 300, true, [[null, 1600]]],
  ["Beeswax Candle", "Hive Home", 250, true, [["Small", 1800], ["Large", 3200]]],
  ["Sticker Pack", "Northpeak", 20, true, [[null, 600]]],
  ["Linen Tea Towel", "Hive Home", 120, true, [[null, 1450]]],
  ["Merino Beanie", "Northpeak", 110, true, [["Charcoal", 3400], ["Rust", 3400]]],
  ["Water Bottle 750ml", "Camp & Co", 350, true, [[null, 2900]]],
  ["Headlamp", "Lumen", 90, true, [[null, 3900]]],
  ["Canvas Tote", "Hive Home", 200, true, [[null, 2200]]],
  ["Ceramic Planter", "Hive Home", 900, true, [["Small", 2600], ["Medium", 4200], ["Large", 6500]]],
  ["Wool Throw", "Hive Home", 1400, true, [[null, 8900]]],
  ["Trail Runner Shoes", "Northpeak", 800, true, [["8", 12900], ["9", 12900], ["10", 12900], ["11", 12900]]],
  ["Rain Shell Jacket", "Northpeak", 450, true, [["S", 15900], ["M", 15900], ["L", 15900]]],
  ["Camp Chair", "Camp & Co", 2600, true, [[null, 7400]]],
  ["Cast Iron Skillet", "Camp & Co", 2300, true, [[null, 5400]]],
  ["Down Sleeping Bag", "Camp & Co", 1100, true, [["Regular", 24900], ["Long", 26900]]],
  ["Daypack 22L", "Northpeak", 700, true, [["Moss", 9800], ["Black", 9800]]],
  ["Gift Card", "Retain Demo", 0, false, [["$25", 2500], ["$50", 5000]]],
  ["Trekking Poles", "Northpeak", 500, true, [[null, 11200]]],
  ["Pour-over Kettle", "Camp & Co", 700, true, [[null, 4800]]],
  ["Solar Lantern", "Lumen", 400, true, [[null, 3500]]],
  ["Hammock", "Camp & Co", 900, true, [[null, 6900]]],
];

function buildCatalog(): CatalogVariant[] {
  const variants: CatalogVariant[] = [];
  PRODUCTS.forEach(([title, vendor, grams, requiresShipping, rows], p) => {
    const productId = 8_012_345_600_000 + p * 37;
    rows.forEach(([variantTitle, priceMinor], v) => {
      variants.push({
        productId,
        variantId: 44_123_456_700_000 + p * 100 + v,
        productTitle: title,
        variantTitle,
        sku: `${vendor.slice(0, 2).toUpperCase()}-${String(p + 1).padStart(3, "0")}-${String(v + 1).padStart(2, "0")}`,
        vendor,
        priceMinor,
        grams,
        requiresShipping,
      });
    });
  });
  // Ascending by price so order filling can binary-search a price ceiling.
  return variants.sort((x, y) => x.priceMinor - y.priceMinor || x.variantId - y.variantId);
}

export const CATALOG: readonly CatalogVariant[] = buildCatalog();

export const FIRST_NAMES = [
  "Ava", "Liam", "Mia", "Noah", "Emma", "Oliver", "Sofia", "Elijah", "Amara", "Lucas",
  "Chloe", "Mateo", "Priya", "Ethan", "Zoe", "Hiro", "Leah", "Omar", "Nina", "Jonas",
  "Ines", "Kwame", "Grace", "Diego", "Hana", "Samuel", "Lena", "Ravi", "Maya", "Felix",
];
export const LAST_NAMES = [
  "Smith", "Garcia", "Nguyen", "Johnson", "Okafor", "Müller", "Brown", "Rossi", "Kim", "Martin",
  "Silva", "Cohen", "Patel", "Lee", "Dubois", "Walker", "Haddad", "Novak", "Tanaka", "Moreau",
  "Evans", "Lopez", "Andersen", "Clark", "Kowalski", "Singh", "Baker", "Costa", "Wright", "Ali",
];

export interface Place {
  city: string;
  province: string;
  provinceCode: string;
  country: string;
  countryCode: string;
  zipPrefix: string;
  /** Sales tax rate applied to merchandise (shipping untaxed). */
  taxRate: number;
  taxTitle: string;
}

export const PLACES: readonly Place[] = [
  { city: "Portland", province: "Oregon", provinceCode: "OR", country: "United States", countryCode: "US", zipPrefix: "972", taxRate: 0, taxTitle: "No Tax" },
  { city: "Austin", province: "Texas", provinceCode: "TX", country: "United States", countryCode: "US", zipPrefix: "787", taxRate: 0.0825, taxTitle: "TX State Tax" },
  { city: "Brooklyn", province: "New York", provinceCode: "NY", country: "United States", countryCode: "US", zipPrefix: "112", taxRate: 0.08875, taxTitle: "NY State Tax" },
  { city: "Denver", province: "Colorado", provinceCode: "CO", country: "United States", countryCode: "US", zipPrefix: "802", taxRate: 0.0881, taxTitle: "CO State Tax" },
  { city: "Seattle", province: "Washington", provinceCode: "WA", country: "United States", countryCode: "US", zipPrefix: "981", taxRate: 0.1035, taxTitle: "WA State Tax" },
  { city: "Chicago", province: "Illinois", provinceCode: "IL", country: "United States", countryCode: "US", zipPrefix: "606", taxRate: 0.1025, taxTitle: "IL State Tax" },
  { city: "Miami", province: "Florida", provinceCode: "FL", country: "United States", countryCode: "US", zipPrefix: "331", taxRate: 0.07, taxTitle: "FL State Tax" },
  { city: "Burlington", province: "Vermont", provinceCode: "VT", country: "United States", countryCode: "US", zipPrefix: "054", taxRate: 0.07, taxTitle: "VT State Tax" },
  { city: "Toronto", province: "Ontario", provinceCode: "ON", country: "Canada", countryCode: "CA", zipPrefix: "M5V", taxRate: 0.13, taxTitle: "HST" },
  { city: "Vancouver", province: "British Columbia", provinceCode: "BC", country: "Canada", countryCode: "CA", zipPrefix: "V6B", taxRate: 0.12, taxTitle: "GST + PST" },
];

export const STREETS = ["Maple Ave", "Cedar St", "Harbor Rd", "Pine Ln", "Elm St", "Lakeview Dr", "Mill Rd", "Oak Ct"];

/** Presentment currencies with a fixed rate to the shop currency (units per shop unit). */
export const PRESENTMENT_CURRENCIES: ReadonlyArray<{ code: string; rate: number }> = [
  { code: "CAD", rate: 1.37 },
  { code: "EUR", rate: 0.92 },
  { code: "GBP", rate: 0.79 },
];

export const CUSTOMER_TAGS = ["newsletter", "wholesale", "vip", "gift-buyer", "local-pickup", "reviewer"];
export const ORDER_TAGS = ["gift", "priority", "repeat", "subscription-box"];
export const CANCEL_REASONS = ["customer", "inventory", "fraud", "declined", "other"] as const;
export const GATEWAYS = ["shopify_payments", "paypal", "shop_pay"];
