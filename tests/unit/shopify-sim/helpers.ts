// Shared set-up for simulator tests: fixtures (Shopify docs webhook samples,
// vendored under fixtures/) and a seeded shop.
import { readFileSync } from "node:fs";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../../dev/shopify-sim/index";

export const API_KEY = "test-api-key";
export const API_SECRET = "test-api-secret";
export const SHOP = "retain-test.myshopify.com";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture(name: string): any {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8"));
}

export async function startTestSim(extra: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  return startSimulator({ apiKey: API_KEY, apiSecret: API_SECRET, ...extra });
}

/** Deterministic seeded PRNG (mulberry32) for generated test data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n customers with ids 1..n, created one day apart from 2024-01-01. */
export function makeCustomers(n: number) {
  const base = Date.UTC(2024, 0, 1);
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    email: `c${i + 1}@example.com`,
    first_name: `First${i + 1}`,
    last_name: `Last${i + 1}`,
    created_at: new Date(base + i * 86_400_000).toISOString(),
    updated_at: new Date(base + i * 86_400_000 + 3_600_000).toISOString(),
    tags: i % 2 === 0 ? "vip" : "",
  }));
}

/** Orders with 1..3 line items each, amounts from a seeded PRNG. */
export function makeOrders(n: number, customers: number, seed = 7) {
  const rnd = mulberry32(seed);
  const base = Date.UTC(2024, 2, 1);
  return Array.from({ length: n }, (_, i) => {
    const lines = 1 + Math.floor(rnd() * 3);
    const line_items = Array.from({ length: lines }, (_, j) => {
      const price = (5 + Math.floor(rnd() * 9500) / 100).toFixed(2);
      return { id: (i + 1) * 10 + j, title: `Item ${j}`, quantity: 1 + (j % 2), price, sku: `SKU-${j}`, product_id: 500 + j, variant_id: 900 + j };
    });
    const total = line_items.reduce((a, li) => a + Number(li.price) * li.quantity, 0).toFixed(2);
    const cid = 1 + (i % customers);
    const at = new Date(base + i * 3_600_000).toISOString();
    return {
      id: 10_000 + i,
      name: `#${1001 + i}`,
      email: `c${cid}@example.com`,
      created_at: at,
      processed_at: at,
      updated_at: at,
      currency: "USD",
      financial_status: "paid",
      total_price: total,
      subtotal_price: total,
      customer: { id: cid, email: `c${cid}@example.com` },
      line_items,
    };
  });
}
