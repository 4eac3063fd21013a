import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { themeCheckRun } from "@shopify/theme-check-node";
import { describe, expect, it } from "vitest";
import { EXTENSION_DIR } from "../../../dev/storefront-sim/paths";

const describeOffence = (o: { check: string; uri: string; message: string }) => `${o.check} ${o.uri.split("/").slice(-2).join("/")}: ${o.message}`;

describe("theme check on the theme app extension", () => {
  it("reports zero offences of any severity with Shopify's theme-app-extension config", async () => {
    const run = await themeCheckRun(EXTENSION_DIR);
    // The toml makes theme check pick its app-extension rules (asset budgets, app block tags).
    expect(run.config.context).toBe("app");
    expect(run.config.checks.map((c) => c.meta.code)).toContain("AssetSizeAppBlockJavaScript");
    expect(run.theme.map((f) => f.uri.split("/").slice(-2).join("/")).sort()).toEqual([
      "blocks/loyalty-launcher.liquid",
      "blocks/loyalty-panel.liquid",
      "locales/ar.json",
      "locales/ar.schema.json",
      "locales/en.default.json",
      "locales/en.default.schema.json",
      "snippets/retain-panel.liquid",
    ]);
    expect(run.offenses.map(describeOffence)).toEqual([]);
  }, 30_000);

  it("does flag a missing translation key (the run above can fail)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "retain-ext-"));
    try {
      await cp(EXTENSION_DIR, dir, { recursive: true });
      const snippet = join(dir, "snippets", "retain-panel.liquid");
      const source = await readFile(snippet, "utf8");
      await writeFile(snippet, source.replace("'retain.panel.sign_in' | t", "'retain.panel.no_such_key' | t"));
      const run = await themeCheckRun(dir);
      expect(run.offenses.map((o) => o.check)).toContain("TranslationKeyExists");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
