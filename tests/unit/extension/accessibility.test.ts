import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_FIXTURE_CUSTOMERS } from "../../../dev/storefront-sim/fixtures";
import { StorefrontRenderer, readBlockSchema } from "../../../dev/storefront-sim/liquid";
import { EXTENSION_DIR } from "../../../dev/storefront-sim/paths";

const css = readFileSync(join(EXTENSION_DIR, "assets", "retain-loyalty.css"), "utf8");

// WCAG 2.x relative luminance and contrast ratio.
function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
// color-mix(in srgb, A p%, B) per channel, as the CSS computes the muted text colour.
function mix(a: string, b: string, p: number): string {
  const ch = (hex: string, i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2].map((i) => Math.round(ch(a, i) * p + ch(b, i) * (1 - p)).toString(16).padStart(2, "0")).join("")}`;
}

describe("accessibility", () => {
  it("checks contrast the way WCAG defines it (black on white is 21:1)", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeLessThan(4.5);
  });

  for (const file of ["loyalty-panel.liquid", "loyalty-launcher.liquid"]) {
    it(`${file}: default colours meet WCAG AA (4.5:1) for every text/background pair`, () => {
      const schema = readBlockSchema(readFileSync(join(EXTENSION_DIR, "blocks", file), "utf8"), file);
      const d = Object.fromEntries((schema.settings ?? []).filter((s) => s.type === "color").map((s) => [s.id, String(s.default)]));
      const muted = /--retain-muted: color-mix\(in srgb, var\(--retain-text\) (\d+)%, var\(--retain-bg\)\)/.exec(css);
      expect(muted).not.toBeNull();
      const pairs: Array<[string, string, string]> = [
        ["button text on accent", d.accent_text_color, d.accent_color],
        ["body text", d.text_color, d.background_color],
        ["accent text (links, ghost buttons)", d.accent_color, d.background_color],
        ["muted text", mix(d.text_color, d.background_color, Number(muted?.[1]) / 100), d.background_color],
        ["error text", (/\.retain-error \{\s*color: (#[0-9a-f]{6})/.exec(css) ?? [])[1] ?? "missing", d.background_color],
      ];
      for (const [what, fg, bg] of pairs) expect(contrast(fg, bg), what).toBeGreaterThanOrEqual(4.5);
    });
  }

  it("CSS uses logical properties only, so dir=rtl mirrors the layout", () => {
    expect(css).not.toMatch(/(^|[\s;{])(margin|padding|border)-(left|right)\b/m);
    expect(css).not.toMatch(/(^|[\s;{])(left|right)\s*:/m);
    expect(css).not.toMatch(/(text-align|float)\s*:\s*(left|right)/);
    expect(css).toMatch(/inset-inline-end/);
  });

  it("honours reduced motion and shows a visible keyboard focus ring", () => {
    expect(css).toMatch(/@media \(prefers-reduced-motion: reduce\)[\s\S]*animation: none/);
    expect(css).toMatch(/:focus-visible[\s\S]*?outline: 3px solid/);
  });

  it("rendered markup exposes roles and names: labelled dialog, live region, alert, progressbar, named buttons", async () => {
    const html = await new StorefrontRenderer().renderPage(
      [
        { handle: "loyalty-panel", id: "p1" },
        { handle: "loyalty-launcher", id: "l1" },
      ],
      { shop: "retain-dev.myshopify.com", locale: "en", customer: DEFAULT_FIXTURE_CUSTOMERS[0], path: "/account", host: "x" },
      { title: "Account" },
    );
    expect(html).toMatch(/<dialog class="retain-dialog" id="retain-dialog-l1" aria-labelledby="retain-h-l1"/);
    expect(html).toMatch(/aria-haspopup="dialog"\s+aria-expanded="false"\s+aria-controls="retain-dialog-l1"/);
    expect(html.match(/role="status" aria-live="polite"/g)?.length).toBe(2);
    expect(html.match(/role="alert"/g)?.length).toBe(2);
    expect(html).toMatch(/role="progressbar"\s+aria-label="Progress to the next tier"\s+aria-valuemin="0"\s+aria-valuemax="100"\s+aria-valuenow="60"/);
    // Every button is type=button (never submits a theme form) and has text or an aria-label.
    const buttons = [...html.matchAll(/<button([^>]*)>([\s\S]*?)<\/button>/g)];
    expect(buttons.length).toBe(2);
    for (const [, attrs, inner] of buttons) {
      expect(attrs).toContain('type="button"');
      expect(/aria-label="[^"]+"/.test(attrs) || inner.replace(/<[^>]+>/g, "").trim().length > 0).toBe(true);
    }
  });
});
