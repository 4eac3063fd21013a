import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { hashWidgetSource, readBuiltSourceHash } from "../../../dev/storefront-sim/build-widget";
import { EXTENSION_DIR, WIDGET_ASSET, WIDGET_SOURCE } from "../../../dev/storefront-sim/paths";

const KB = 1000;
const assets = join(EXTENSION_DIR, "assets");
const size = (file: string) => {
  const raw = readFileSync(join(assets, file));
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
};

describe("storefront asset budgets", () => {
  it("ships exactly one script and one stylesheet", () => {
    expect(readdirSync(assets).sort()).toEqual(["retain-loyalty.css", "retain-loyalty.js"]);
  });

  it("JavaScript is at most 10 KB gzipped and 10 KB raw (theme check measures the raw file)", () => {
    const js = size("retain-loyalty.js");
    expect(js.gzip).toBeLessThanOrEqual(10 * KB);
    expect(js.raw).toBeLessThanOrEqual(10 * KB);
  });

  it("CSS is at most 10 KB gzipped", () => {
    const css = size("retain-loyalty.css");
    expect(css.gzip).toBeLessThanOrEqual(10 * KB);
    expect(css.raw).toBeLessThanOrEqual(100 * KB);
  });

  it("the shipped script is the build of the current widget source (run build-widget.ts after editing it)", () => {
    const built = readBuiltSourceHash(readFileSync(WIDGET_ASSET, "utf8"));
    expect(built).toBe(hashWidgetSource(readFileSync(WIDGET_SOURCE, "utf8")));
  });
});
