import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { transform } from "esbuild";
import { WIDGET_ASSET, WIDGET_SOURCE } from "./paths";

// The banner names the source it was built from, so a test can tell when the shipped asset is stale
// without depending on the exact output of a given esbuild version.
const BANNER = /^\/\*! retain-loyalty source-sha256:([0-9a-f]{16}) \*\/\n/;

export function hashWidgetSource(source: string): string {
  return createHash("sha256").update(source).digest("hex").slice(0, 16);
}

export function readBuiltSourceHash(asset: string): string | null {
  return BANNER.exec(asset)?.[1] ?? null;
}

export async function buildWidget(options: { write?: boolean } = {}): Promise<{ code: string; hash: string }> {
  const source = await readFile(WIDGET_SOURCE, "utf8");
  const hash = hashWidgetSource(source);
  // es2020 covers the browsers Shopify's storefronts support; keep syntax esbuild can leave untouched.
  const out = await transform(source, { minify: true, target: "es2020", legalComments: "none", charset: "utf8" });
  const code = `/*! retain-loyalty source-sha256:${hash} */\n${out.code}`;
  if (options.write) await writeFile(WIDGET_ASSET, code);
  return { code, hash };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { code, hash } = await buildWidget({ write: true });
  console.log(JSON.stringify({ asset: WIDGET_ASSET, bytes: Buffer.byteLength(code), sourceHash: hash }));
}
