// Helpers for the merchant journey: translated strings straight from the app's
// catalogs (so the Arabic run asserts real Arabic copy), screenshots, and axe.
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export type JourneyLocale = "en" | "ar";

/** The app's own message for `key` in `locale` (Arabic falls back to English, as the app does). */
export function messageFor(locale: JourneyLocale, key: string, params?: Record<string, string | number>): string {
  const template = catalogs[locale][key] ?? catalogs.en[key];
  if (template === undefined) throw new Error(`no message "${key}" in the ${locale} catalog`);
  return params ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`)) : template;
}

/** A regex matching `text` literally (headings may wrap it with other text). */
export function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

const root = path.resolve(import.meta.dirname, "../../..");
const artifacts = path.join(root, "tests/artifacts/screenshots");
const docs = path.join(root, "docs/screenshots");
const readCatalog = (locale: JourneyLocale) => JSON.parse(fs.readFileSync(path.join(root, `app/i18n/${locale}.json`), "utf8")) as Record<string, string>;
const catalogs: Record<JourneyLocale, Record<string, string>> = { en: readCatalog("en"), ar: readCatalog("ar") };

export interface AxeFinding {
  page: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Screenshots the page (full page as a test artefact; the viewport into
 * docs/screenshots when `docsName` is given) and runs axe. Serious and
 * critical violations are returned so the caller can assert on all pages at once.
 */
export async function capturePage(page: Page, name: string, opts: { docsName?: string } = {}): Promise<AxeFinding[]> {
  // Let Polaris finish animating (progress bars, skeleton swaps) so shots and contrast checks are stable.
  await page.waitForLoadState("networkidle");
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  if (opts.docsName) {
    fs.mkdirSync(docs, { recursive: true });
    await page.screenshot({ path: path.join(docs, `${opts.docsName}.png`) });
  }
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ page: name, id: v.id, impact: v.impact ?? "", help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

/** Fails with every finding listed, page by page, so one run shows all that axe found. */
export function expectAxeClean(findings: AxeFinding[]): void {
  const report = findings.map((f) => `${f.page}: [${f.impact}] ${f.id} — ${f.help}\n    ${f.targets.join("\n    ")}`).join("\n");
  expect(findings, `axe found serious/critical violations:\n${report}`).toEqual([]);
}

/** Asserts the document direction and language the layout sets for `locale`. */
export async function expectDocumentLocale(page: Page, locale: JourneyLocale): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
  await expect(page.locator("html")).toHaveAttribute("dir", locale === "ar" ? "rtl" : "ltr");
}
