// Generator options, presets and validation. Everything the generative process
// depends on lives in one resolved, frozen config so runs are reproducible.

import { GeneratorInputError } from "./errors";

export const SIZE_PRESETS = {
  tiny: 100,
  small: 2_000,
  medium: 10_000,
  large: 100_000,
  xlarge: 250_000,
} as const;

export type SizePreset = keyof typeof SIZE_PRESETS;

/** BG/NBD (Fader, Hardie & Lee 2005): λ ~ Gamma(r, α) per week, p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Gamma-Gamma (Fader & Hardie 2013): ν ~ Gamma(q, γ), order value ~ Gamma(p, ν), in major units. */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface GeneratorRates {
  /** Guest orders (no customer), as a multiple of the customer count. */
  guestOrdersPerCustomer: number;
  /** Extra cancelled order placed after a purchase, per purchase. */
  cancelPerPurchase: number;
  /** Extra `test: true` order after a purchase, per purchase. */
  testPerPurchase: number;
  /** Share of purchases later refunded (full or partial). */
  refund: number;
  /** Among refunded purchases, the share refunded in full. */
  fullRefundShare: number;
  /** Share of purchases paid later (bank transfer): created `pending`, paid 1–4 days after. */
  pendingPayment: number;
  /** Share of orders presented in another currency than the shop's. */
  presentmentCurrency: number;
  /** Customers subscribed to email marketing at sign-up. */
  marketingConsent: number;
  /** Customers who change consent or tags once after sign-up (a customers/update). */
  customerUpdate: number;
  /** First orders using WELCOME10. */
  welcomeDiscount: number;
  /** Orders in a seasonal sale window using its code (SPRING15, BFCM25). */
  seasonalDiscount: number;
}

export interface Seasonality {
  /** Relative amplitude of the yearly sine (peak in late autumn). */
  annualAmplitude: number;
  /** Multiplier on arrivals from 20 Nov to 20 Dec. */
  holidayBoost: number;
  /** Linear growth of the arrival rate per year (0.5 = +50 %/year). */
  growthPerYear: number;
}

export interface GeneratorOptions {
  size?: SizePreset | number;
  seed?: number;
  /** Arrivals start (inclusive). ISO string or Date. */
  start?: string | Date;
  /** Observation end: nothing happens after it. ISO string or Date. */
  end?: string | Date;
  shopDomain?: string;
  shopCurrency?: string;
  /** Offset used to render timestamps, as Shopify renders them in the shop's time zone. */
  utcOffsetMinutes?: number;
  bgnbd?: Partial<BgNbdParams>;
  gammaGamma?: Partial<GammaGammaParams>;
  rates?: Partial<GeneratorRates>;
  seasonality?: Partial<Seasonality>;
}

export interface GeneratorConfig {
  customers: number;
  seed: number;
  startMs: number;
  endMs: number;
  shopDomain: string;
  shopId: number;
  shopCurrency: string;
  utcOffsetMinutes: number;
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  rates: GeneratorRates;
  seasonality: Seasonality;
}

// Chosen so the xlarge preset (250k customers over ~2.4 years) makes about 1M
// orders (≈ 4.0 per customer, guests and noise included): about 2.7 repeat
// purchases per customer at the average age.
export const DEFAULT_BGNBD: BgNbdParams = { r: 0.9, alpha: 8, a: 1.2, b: 4 };
// Mean order value pγ/(q − 1) = 90 (major units).
export const DEFAULT_GAMMA_GAMMA: GammaGammaParams = { p: 6, q: 4, gamma: 45 };

export const DEFAULT_RATES: GeneratorRates = {
  guestOrdersPerCustomer: 0.2,
  cancelPerPurchase: 0.03,
  testPerPurchase: 0.01,
  refund: 0.05,
  fullRefundShare: 0.4,
  pendingPayment: 0.03,
  presentmentCurrency: 0.06,
  marketingConsent: 0.35,
  customerUpdate: 0.1,
  welcomeDiscount: 0.3,
  seasonalDiscount: 0.25,
};

export const DEFAULT_SEASONALITY: Seasonality = { annualAmplitude: 0.2, holidayBoost: 1.6, growthPerYear: 0.5 };

export const DEFAULT_START = "2024-06-01T00:00:00Z";
export const DEFAULT_END = "2026-11-01T00:00:00Z";

function toMs(value: string | Date, what: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new GeneratorInputError("INVALID_DATE", `${what} is not a valid date: ${String(value)}`);
  return ms;
}

function assertPositive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new GeneratorInputError("INVALID_PARAMETER", `${what} must be a finite number > 0, got ${value}`);
  }
}

function assertRate(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new GeneratorInputError("INVALID_PARAMETER", `${what} must be in [0, 1], got ${value}`);
  }
}

export function resolveCustomerCount(size: SizePreset | number | undefined): number {
  if (size === undefined) return SIZE_PRESETS.tiny;
  if (typeof size === "string") {
    if (!(size in SIZE_PRESETS)) {
      throw new GeneratorInputError("INVALID_SIZE", `unknown size preset "${size}" (use ${Object.keys(SIZE_PRESETS).join(", ")} or a number)`);
    }
    return SIZE_PRESETS[size];
  }
  if (!Number.isSafeInteger(size) || size < 1 || size > 10_000_000) {
    throw new GeneratorInputError("INVALID_SIZE", `size must be an integer customer count in [1, 10000000], got ${size}`);
  }
  return size;
}

/** Derives a stable shop id (< 2^53) from the domain, so ids in URLs look real. */
function shopIdOf(domain: string): number {
  let h = 2166136261;
  for (let i = 0; i < domain.length; i++) h = Math.imul(h ^ domain.charCodeAt(i), 16777619);
  return 50_000_000 + ((h >>> 0) % 900_000_000);
}

export function resolveConfig(options: GeneratorOptions = {}): GeneratorConfig {
  const customers = resolveCustomerCount(options.size);
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(seed)) throw new GeneratorInputError("INVALID_SEED", `seed must be a safe integer, got ${seed}`);
  const startMs = toMs(options.start ?? DEFAULT_START, "start");
  const endMs = toMs(options.end ?? DEFAULT_END, "end");
  if (endMs - startMs < 86_400_000) {
    throw new GeneratorInputError("INVALID_DATE", "end must be at least one day after start");
  }
  const bgnbd = { ...DEFAULT_BGNBD, ...options.bgnbd };
  for (const key of ["r", "alpha", "a", "b"] as const) assertPositive(bgnbd[key], `bgnbd.${key}`);
  const gammaGamma = { ...DEFAULT_GAMMA_GAMMA, ...options.gammaGamma };
  for (const key of ["p", "q", "gamma"] as const) assertPositive(gammaGamma[key], `gammaGamma.${key}`);
  const rates = { ...DEFAULT_RATES, ...options.rates };
  for (const [key, value] of Object.entries(rates)) {
    if (key === "guestOrdersPerCustomer") {
      if (!Number.isFinite(value) || value < 0 || value > 10) {
        throw new GeneratorInputError("INVALID_PARAMETER", `rates.guestOrdersPerCustomer must be in [0, 10], got ${value}`);
      }
    } else assertRate(value, `rates.${key}`);
  }
  const seasonality = { ...DEFAULT_SEASONALITY, ...options.seasonality };
  if (!(seasonality.annualAmplitude >= 0 && seasonality.annualAmplitude < 1)) {
    throw new GeneratorInputError("INVALID_PARAMETER", `seasonality.annualAmplitude must be in [0, 1), got ${seasonality.annualAmplitude}`);
  }
  assertPositive(seasonality.holidayBoost, "seasonality.holidayBoost");
  if (!(seasonality.growthPerYear > -1 && seasonality.growthPerYear <= 10)) {
    throw new GeneratorInputError("INVALID_PARAMETER", `seasonality.growthPerYear must be in (-1, 10], got ${seasonality.growthPerYear}`);
  }
  const utcOffsetMinutes = options.utcOffsetMinutes ?? -300;
  if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 14 * 60) {
    throw new GeneratorInputError("INVALID_PARAMETER", `utcOffsetMinutes must be an integer within ±840, got ${utcOffsetMinutes}`);
  }
  const shopDomain = options.shopDomain ?? "retain-demo.myshopify.com";
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shopDomain)) {
    throw new GeneratorInputError("INVALID_PARAMETER", `shopDomain must look like name.myshopify.com, got ${shopDomain}`);
  }
  const shopCurrency = options.shopCurrency ?? "USD";
  if (!/^[A-Z]{3}$/.test(shopCurrency)) {
    throw new GeneratorInputError("INVALID_PARAMETER", `shopCurrency must be an ISO 4217 code, got ${shopCurrency}`);
  }
  return Object.freeze({
    customers,
    seed,
    startMs: Math.floor(startMs / 1000) * 1000,
    endMs: Math.floor(endMs / 1000) * 1000,
    shopDomain,
    shopId: shopIdOf(shopDomain),
    shopCurrency,
    utcOffsetMinutes,
    bgnbd,
    gammaGamma,
    rates,
    seasonality,
  });
}
