// Helpers for the generator tests: sample loading, recursive key comparison
// and Shopify money parsing.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SAMPLES = fileURLToPath(new URL("../../../dev/generator/samples/2026-07/", import.meta.url));

export function loadSample(topic: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${SAMPLES}${topic}.json`, "utf8")) as Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Differences between the key sets of `actual` and `sample`, recursively:
 * objects must have the same keys (plus `allowedExtra` at the top level);
 * array items are compared with the sample's first item; null sample values
 * and empty sample arrays give no shape to compare with.
 */
export function keyDifferences(sample: unknown, actual: unknown, path = "$", allowedExtra: readonly string[] = []): string[] {
  const out: string[] = [];
  if (isObject(sample)) {
    if (actual === null) return out;
    if (!isObject(actual)) return [`${path}: expected an object`];
    const extra = path === "$" ? new Set(allowedExtra) : new Set<string>();
    for (const key of Object.keys(sample)) if (!(key in actual)) out.push(`${path}.${key}: missing`);
    for (const key of Object.keys(actual)) if (!(key in sample) && !extra.has(key)) out.push(`${path}.${key}: unexpected`);
    for (const key of Object.keys(sample)) if (key in actual) out.push(...keyDifferences(sample[key], actual[key], `${path}.${key}`));
  } else if (Array.isArray(sample)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array`];
    if (sample.length > 0) actual.forEach((item, i) => out.push(...keyDifferences(sample[0], item, `${path}[${i}]`)));
  }
  return out;
}

/** "12.34" → 1234, rejecting anything that is not a Shopify decimal string. */
export function parseMoney(amount: unknown): number {
  if (typeof amount !== "string" || !/^-?\d+\.\d{2}$/.test(amount)) throw new Error(`not a money string: ${String(amount)}`);
  const negative = amount.startsWith("-");
  const [units, cents] = amount.replace("-", "").split(".");
  const minor = Number(units) * 100 + Number(cents);
  return negative ? -minor : minor;
}

export function setAmounts(set: unknown): { shop: number; presentment: number } {
  const s = set as { shop_money: { amount: string }; presentment_money: { amount: string } };
  return { shop: parseMoney(s.shop_money.amount), presentment: parseMoney(s.presentment_money.amount) };
}
