// Rendering helpers shared by the REST (webhook) and GraphQL (bulk) shapes.

import type { MoneyPair } from "./records";

/** Minor units → Shopify decimal string ("1234" → "12.34"); all currencies used have 2 decimals. */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const cents = abs % 100;
  return `${sign}${(abs - cents) / 100}.${cents < 10 ? "0" : ""}${cents}`;
}

/** Shop-currency minor units converted to presentment minor units at a fixed rate. */
export function convertMinor(minor: number, rate: number): number {
  return rate === 1 ? minor : Math.round(minor * rate);
}

export function moneyPair(shopMinor: number, rate: number): MoneyPair {
  return { shop: shopMinor, presentment: convertMinor(shopMinor, rate) };
}

export function addPairs(...pairs: MoneyPair[]): MoneyPair {
  let shop = 0;
  let presentment = 0;
  for (const pair of pairs) {
    shop += pair.shop;
    presentment += pair.presentment;
  }
  return { shop, presentment };
}

export function scalePair(pair: MoneyPair, factor: number): MoneyPair {
  return { shop: pair.shop * factor, presentment: pair.presentment * factor };
}

export function subtractPairs(a: MoneyPair, b: MoneyPair): MoneyPair {
  return { shop: a.shop - b.shop, presentment: a.presentment - b.presentment };
}

export const ZERO_PAIR: MoneyPair = Object.freeze({ shop: 0, presentment: 0 });

/**
 * Epoch ms → "2024-06-01T09:30:00-05:00", Shopify's REST timestamp style: the
 * shop's fixed UTC offset, whole seconds.
 */
export function formatShopTime(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}+00:00`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${local}${sign}${hh}:${mm}`;
}

/** Epoch ms → GraphQL DateTime ("2024-06-01T14:30:00Z"), as bulk results carry. */
export function formatUtcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

/**
 * A UUID-shaped id derived from (seed, counter) by integer mixing, so event ids
 * never consume draws from the shop's random stream.
 */
export function derivedUuid(seed: number, counter: number, salt: number): string {
  const words: string[] = [];
  let h = (seed ^ Math.imul(salt, 0x9e3779b1)) | 0;
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ (counter + i * 0x632be5ab), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    words.push((h >>> 0).toString(16).padStart(8, "0"));
  }
  const hex = words.join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
