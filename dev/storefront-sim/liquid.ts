import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Liquid, Tag, TagToken, type TopLevelToken } from "liquidjs";
import { StorefrontSimError } from "./errors";
import type { FixtureCustomer } from "./fixtures";
import { EXTENSION_DIR } from "./paths";

// Renders the real extension files with liquidjs plus the few Shopify objects, tags and filters they use.

const RTL_LANGUAGES = new Set(["ar", "fa", "he", "ur"]);
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type LocaleTree = { [key: string]: Json };

export interface BlockSchema {
  name: string;
  target: string;
  javascript?: string;
  stylesheet?: string;
  settings?: Array<{ id?: string; type: string; default?: Json }>;
}

export interface BlockInstance {
  /** Block file name without `.liquid`, e.g. `loyalty-panel`. */
  handle: string;
  id: string;
  settings?: Record<string, Json>;
}

export interface PageContext {
  shop: string;
  locale: string;
  customer: FixtureCustomer | null;
  path: string;
  host: string;
}

// Shopify's raw blocks that output nothing on the storefront.
class SilentBlockTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    const end = `end${token.name}`;
    while (remainTokens.length) {
      const next = remainTokens.shift();
      if (next instanceof TagToken && next.name === end) return;
    }
    throw new Error(`tag ${token.getText()} not closed`);
  }
  *render(): Generator<unknown, void, unknown> {}
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, "utf8")) as Json;
}

function lookup(tree: Json | undefined, key: string): string | undefined {
  let node: Json | undefined = tree;
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    node = node[part];
  }
  return typeof node === "string" ? node : undefined;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/** Parses `{% schema %}` JSON out of a block file. */
export function readBlockSchema(source: string, file: string): BlockSchema {
  const match = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(source);
  if (!match) throw new StorefrontSimError("INVALID_SCHEMA", `${file} has no {% schema %} block`);
  try {
    return JSON.parse(match[1]) as BlockSchema;
  } catch (err) {
    throw new StorefrontSimError("INVALID_SCHEMA", `${file} schema is not valid JSON: ${(err as Error).message}`);
  }
}

export function metafieldsFor(customer: FixtureCustomer): Record<string, Record<string, { value: Json; type: string }>> {
  const m = customer.metafields ?? {};
  const fields: Record<string, { value: Json; type: string }> = {};
  if (m.balance !== undefined) fields.balance = { value: m.balance, type: "number_integer" };
  if (m.tier !== undefined) fields.tier = { value: m.tier, type: "single_line_text_field" };
  if (m.nextTier) fields.next_tier = { value: { ...m.nextTier }, type: "json" };
  // Liquid reads `customer.metafields['$app:retain']`; Shopify resolves `$app` to the app's reserved namespace.
  return { "$app:retain": fields };
}

export class StorefrontRenderer {
  readonly engine: Liquid;
  readonly locales: Map<string, LocaleTree>;
  readonly defaultLocale: string;
  readonly schemas = new Map<string, BlockSchema>();

  constructor(readonly extensionDir: string = EXTENSION_DIR) {
    this.locales = new Map();
    let defaultLocale: string | null = null;
    for (const file of readdirSync(join(extensionDir, "locales"))) {
      const m = /^([a-z]{2}(?:-[A-Z]{2})?)(\.default)?\.json$/.exec(file);
      if (!m) continue;
      this.locales.set(m[1], readJson(join(extensionDir, "locales", file)) as LocaleTree);
      if (m[2]) defaultLocale = m[1];
    }
    if (!defaultLocale) throw new StorefrontSimError("UNKNOWN_LOCALE", "the extension has no *.default.json locale");
    this.defaultLocale = defaultLocale;

    for (const file of readdirSync(join(extensionDir, "blocks"))) {
      if (!file.endsWith(".liquid")) continue;
      const handle = file.slice(0, -".liquid".length);
      this.schemas.set(handle, readBlockSchema(readFileSync(join(extensionDir, "blocks", file), "utf8"), file));
    }

    this.engine = new Liquid({
      root: [join(extensionDir, "blocks")],
      partials: [join(extensionDir, "snippets")],
      extname: ".liquid",
      relativeReference: false,
      cache: true,
    });
    this.engine.registerTag("schema", SilentBlockTag);
    this.engine.registerTag("doc", SilentBlockTag);
    const renderer = this;
    this.engine.registerFilter("t", function (this: { context: { getSync(path: string[]): unknown } }, key: unknown, ...args: unknown[]) {
      const locale = String(this.context.getSync(["request", "locale", "iso_code"]) ?? renderer.defaultLocale);
      return renderer.translate(String(key), locale, Object.fromEntries(args.filter(Array.isArray) as Array<[string, unknown]>));
    });
    // Script-safe JSON: no raw `<` so a value can never close the surrounding <script>.
    this.engine.registerFilter("json", (value: unknown) =>
      JSON.stringify(value ?? null)
        .replace(/</g, "\\u003c")
        .replace(/>/g, "\\u003e")
        .replace(/&/g, "\\u0026"),
    );
    this.engine.registerFilter("asset_url", (name: unknown) => `/assets/${encodeURIComponent(String(name))}`);
    this.engine.registerFilter("money", function (this: { context: { getSync(path: string[]): unknown } }, cents: unknown) {
      const format = String(this.context.getSync(["shop", "money_format"]) ?? "${{amount}}");
      const amount = (Number(cents) / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      return format.replace(/\{\{\s*amount\s*\}\}/, amount);
    });
  }

  supportsLocale(locale: string): boolean {
    return this.locales.has(locale);
  }

  /** Shopify's `t`: current locale, then the default locale, `{{ name }}` interpolation with escaped values. */
  translate(key: string, locale: string, vars: Record<string, unknown> = {}): string {
    const text = lookup(this.locales.get(locale), key) ?? lookup(this.locales.get(this.defaultLocale), key);
    if (text === undefined) return `translation missing: ${locale}.${key}`;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) =>
      name in vars ? escapeHtml(String(vars[name] ?? "")) : m,
    );
  }

  blockSettings(instance: BlockInstance): Record<string, Json> {
    const schema = this.schemas.get(instance.handle);
    if (!schema) throw new StorefrontSimError("UNKNOWN_BLOCK", `no block named ${instance.handle}`);
    const settings: Record<string, Json> = {};
    for (const s of schema.settings ?? []) {
      if (s.id) settings[s.id] = s.default ?? (s.type === "checkbox" ? false : null);
    }
    for (const [k, v] of Object.entries(instance.settings ?? {})) {
      if (!(k in settings)) throw new StorefrontSimError("UNKNOWN_BLOCK", `${instance.handle} has no setting ${k}`);
      settings[k] = v;
    }
    return settings;
  }

  globals(ctx: PageContext): Record<string, unknown> {
    const prefix = ctx.locale === this.defaultLocale ? "" : `/${ctx.locale}`;
    const c = ctx.customer;
    return {
      shop: { name: "Retain Dev Store", permanent_domain: ctx.shop, money_format: "${{amount}}", locale: ctx.locale },
      request: { locale: { iso_code: ctx.locale }, path: ctx.path, host: ctx.host, design_mode: false, page_type: "customers/account" },
      routes: {
        root_url: `${prefix}/`,
        account_url: `${prefix}/account`,
        account_login_url: `${prefix}/account/login`,
        account_logout_url: `${prefix}/account/logout`,
        account_register_url: `${prefix}/account/register`,
      },
      customer: c
        ? {
            id: Number(c.id),
            first_name: c.firstName,
            last_name: c.lastName ?? "",
            name: [c.firstName, c.lastName].filter(Boolean).join(" "),
            email: c.email,
            metafields: metafieldsFor(c),
          }
        : null,
    };
  }

  /** Renders one app block or app embed exactly as its Liquid file is written, inside Shopify's wrapper. */
  async renderBlock(instance: BlockInstance, ctx: PageContext): Promise<string> {
    const settings = this.blockSettings(instance);
    const block = { id: instance.id, settings, shopify_attributes: "" };
    const html: string = await this.engine.renderFile(instance.handle, { block }, { globals: this.globals(ctx) });
    return `<div class="shopify-block shopify-app-block" id="shopify-block-${escapeHtml(instance.id)}">${html}</div>`;
  }

  /** Renders Liquid returned by the app proxy (`Content-Type: application/liquid`). */
  async renderProxyLiquid(source: string, ctx: PageContext): Promise<string> {
    return this.engine.parseAndRender(source, {}, { globals: this.globals(ctx) });
  }

  /** A storefront page: the blocks in order, each block file's schema assets included once (as Shopify does). */
  async renderPage(blocks: BlockInstance[], ctx: PageContext, options: { title: string; body?: string }): Promise<string> {
    if (!this.supportsLocale(ctx.locale)) throw new StorefrontSimError("UNKNOWN_LOCALE", `no locale file for ${ctx.locale}`);
    const styles = new Set<string>();
    const scripts = new Set<string>();
    const sections: string[] = [];
    const embeds: string[] = [];
    for (const b of blocks) {
      const schema = this.schemas.get(b.handle);
      if (!schema) throw new StorefrontSimError("UNKNOWN_BLOCK", `no block named ${b.handle}`);
      if (schema.stylesheet) styles.add(schema.stylesheet);
      if (schema.javascript) scripts.add(schema.javascript);
      (schema.target === "section" ? sections : embeds).push(await this.renderBlock(b, ctx));
    }
    const dir = RTL_LANGUAGES.has(ctx.locale.slice(0, 2)) ? "rtl" : "ltr";
    const g = this.globals(ctx) as { routes: Record<string, string> };
    const nav = ctx.customer
      ? `<a href="${g.routes.account_url}">${escapeHtml(ctx.customer.firstName)}</a> <a href="${g.routes.account_logout_url}" data-testid="sim-logout">Log out</a>`
      : `<a href="${g.routes.account_login_url}" data-testid="sim-login">Log in</a>`;
    return [
      "<!doctype html>",
      `<html lang="${escapeHtml(ctx.locale)}" dir="${dir}">`,
      "<head>",
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${escapeHtml(options.title)}</title>`,
      ...[...styles].map((f) => `<link rel="stylesheet" href="/assets/${encodeURIComponent(f)}">`),
      "<style>body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a}header,main{padding:1rem 2rem}header{display:flex;gap:1rem;border-block-end:1px solid #ddd}</style>",
      "</head>",
      "<body>",
      `<header><a href="${g.routes.root_url}">Home</a> <a href="${g.routes.account_url}">Account</a> ${nav}</header>`,
      `<main><h1>${escapeHtml(options.title)}</h1>${options.body ?? ""}${sections.join("\n")}</main>`,
      ...embeds,
      // Shopify injects schema `javascript` files once per page, loaded deferred.
      ...[...scripts].map((f) => `<script src="/assets/${encodeURIComponent(f)}" defer></script>`),
      "</body>",
      "</html>",
    ].join("\n");
  }
}
