import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBlockSchema } from "../../../dev/storefront-sim/liquid";
import { EXTENSION_DIR } from "../../../dev/storefront-sim/paths";

type Tree = { [key: string]: Tree | string };
const dir = (sub: string) => join(EXTENSION_DIR, sub);
const read = (sub: string, file: string) => readFileSync(join(dir(sub), file), "utf8");
const locale = (file: string) => JSON.parse(read("locales", file)) as Tree;

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}|\[(\w+)\]/g)].map((m) => m[1] ?? m[2]).sort();
const liquidFiles = () => [
  ...readdirSync(dir("blocks")).map((f) => ["blocks", f] as const),
  ...readdirSync(dir("snippets")).map((f) => ["snippets", f] as const),
];

describe("extension JSON", () => {
  it("every locale file and block schema is strict JSON (no comments, no trailing commas)", () => {
    const sources = [
      ...readdirSync(dir("locales")).map((f) => read("locales", f)),
      ...readdirSync(dir("blocks")).map((f) => /\{%\s*schema\s*%\}([\s\S]*?)\{%\s*endschema\s*%\}/.exec(read("blocks", f))?.[1] ?? ""),
    ];
    expect(sources.length).toBe(6);
    for (const src of sources) {
      expect(() => JSON.parse(src)).not.toThrow();
      // JSON.parse already refuses both; this names the rule for whoever reads a failure.
      expect(src).not.toMatch(/^\s*\/\/|\/\*|,\s*[}\]]/m);
    }
  });

  it("locale files stay under Shopify's 15 KB limit and Liquid under 100 KB", () => {
    for (const f of readdirSync(dir("locales"))) expect(statSync(join(dir("locales"), f)).size).toBeLessThan(15 * 1024);
    const liquid = liquidFiles().reduce((n, [sub, f]) => n + statSync(join(dir(sub), f)).size, 0);
    expect(liquid).toBeLessThan(100 * 1024);
  });
});

describe("translations", () => {
  for (const [en, ar] of [
    ["en.default.json", "ar.json"],
    ["en.default.schema.json", "ar.schema.json"],
  ] as const) {
    it(`${ar} has exactly the keys of ${en}, non-empty, with the same placeholders`, () => {
      const base = flatten(locale(en));
      const other = flatten(locale(ar));
      expect([...other.keys()].sort()).toEqual([...base.keys()].sort());
      for (const [key, text] of base) {
        const translated = other.get(key) ?? "";
        expect(translated.trim(), key).not.toBe("");
        expect(placeholders(translated), key).toEqual(placeholders(text));
      }
    });
  }

  it("every t: key in the block schemas exists in en.default.schema.json", () => {
    const keys = flatten(locale("en.default.schema.json"));
    const used = readdirSync(dir("blocks")).flatMap((f) => [...JSON.stringify(readBlockSchema(read("blocks", f), f)).matchAll(/"t:([\w.]+)"/g)].map((m) => m[1]));
    expect(used.length).toBeGreaterThan(20);
    for (const key of used) expect(keys.has(key), key).toBe(true);
  });

  it("every storefront key passed to | t exists in en.default.json, and every key is used", () => {
    const keys = flatten(locale("en.default.json"));
    const used = new Set(liquidFiles().flatMap(([sub, f]) => [...read(sub, f).matchAll(/'([\w.]+)'\s*\|\s*t\b/g)].map((m) => m[1])));
    for (const key of used) expect(keys.has(key), key).toBe(true);
    expect([...keys.keys()].filter((k) => !used.has(k))).toEqual([]);
  });

  it("storefront strings carry no HTML-special characters (they are embedded in JSON and attributes)", () => {
    for (const f of ["en.default.json", "ar.json"]) {
      for (const [key, text] of flatten(locale(f))) expect(text, `${f} ${key}`).not.toMatch(/[<>&"']/);
    }
  });
});
