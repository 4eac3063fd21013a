import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { EXTENSION_DIR } from "../dev/storefront-sim/paths";

// `npx tsx bench/storefront-assets.ts` — one JSON line with the raw, gzip and brotli size of every
// theme app extension asset, against the 10 KB compressed budgets (JS and CSS).
const BUDGET_BYTES = 10_000;
const dir = join(EXTENSION_DIR, "assets");
const assets = readdirSync(dir)
  .sort()
  .map((name) => {
    const raw = readFileSync(join(dir, name));
    const gzip = gzipSync(raw, { level: 9 }).length;
    const brotli = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    return { name, raw: raw.length, gzip, brotli, budgetGzip: BUDGET_BYTES, withinBudget: gzip <= BUDGET_BYTES };
  });
console.log(JSON.stringify({ bench: "storefront-assets", assets, totalGzip: assets.reduce((n, a) => n + a.gzip, 0) }));
