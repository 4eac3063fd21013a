// Mutation resolvers. Bad input answers with Shopify-shaped userErrors, never a crash.
import { expandNamespace, type ExecContext } from "./context";
import { toGid, tryParseGid } from "./gid";
import { splitTags, type DiscountRecord, type MetafieldRecord } from "./store";
import {
  bulkOperationView,
  customerView,
  discountCodeNodeView,
  metafieldDigest,
  metafieldView,
  orderView,
  redeemBulkCreationView,
  segmentView,
} from "./views";

interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
  elementIndex?: number | null;
}

const ue = (field: string[] | null, message: string, code: string | null = null): UserError => ({ field, message, code });

/** Fault injection: the payload carries one userError and nothing else. */
function injected(ctx: ExecContext): { userErrors: UserError[] } | undefined {
  if (!ctx.injectUserError) return undefined;
  return { userErrors: [ue(null, "Simulated failure (shopify-sim fault injection)", null)] };
}

// ---------- discounts ----------

interface BasicInput {
  title?: string | null;
  code?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  usageLimit?: number | null;
  appliesOncePerCustomer?: boolean | null;
  recurringCycleLimit?: number | null;
  tags?: string[] | null;
  combinesWith?: { orderDiscounts?: boolean | null; productDiscounts?: boolean | null; shippingDiscounts?: boolean | null } | null;
  customerGets?: {
    value?: { percentage?: number | null; discountAmount?: { amount?: string | number | null; appliesOnEachItem?: boolean | null } | null; discountOnQuantity?: unknown } | null;
    items?: { all?: boolean | null; products?: { productsToAdd?: string[] | null } | null; collections?: { add?: string[] | null } | null } | null;
  } | null;
  minimumRequirement?: {
    subtotal?: { greaterThanOrEqualToSubtotal?: string | number | null } | null;
    quantity?: { greaterThanOrEqualToQuantity?: string | number | null } | null;
  } | null;
  context?: { all?: string | null; customers?: { add?: string[] | null; remove?: string[] | null } | null; customerSegments?: { add?: string[] | null; remove?: string[] | null } | null; markets?: unknown } | null;
  customerSelection?: { all?: boolean | null; customers?: { add?: string[] | null } | null; customerSegments?: { add?: string[] | null } | null } | null;
  /** DiscountCodeFreeShippingInput only. */
  destination?: { all?: boolean | null; countries?: { add?: string[] | null; includeRestOfWorld?: boolean | null } | null } | null;
  maximumShippingPrice?: string | number | null;
}

const CODE_MAX = 255;

function validateBasic(
  ctx: ExecContext,
  input: BasicInput,
  existing: DiscountRecord | undefined,
  errors: UserError[],
  kind: DiscountRecord["kind"] = "basic",
): Partial<DiscountRecord> {
  const argName = kind === "basic" ? "basicCodeDiscount" : "freeShippingCodeDiscount";
  const f = (...p: string[]) => [argName, ...p];
  const out: Partial<DiscountRecord> = {};
  if (kind === "freeShipping") {
    if (input.destination !== undefined || !existing) {
      const d = input.destination;
      if (!d || (!d.all && !d.countries)) errors.push(ue(f("destination"), "Destination can't be blank", "BLANK"));
      else if (d.all && d.countries) errors.push(ue(f("destination"), "Only one of all or countries can be provided", "TOO_MANY_ARGUMENTS"));
      out.destination = d?.countries
        ? { countries: d.countries.add ?? [], includeRestOfWorld: Boolean(d.countries.includeRestOfWorld) }
        : { all: true };
    }
    if (input.maximumShippingPrice !== undefined) {
      const m = input.maximumShippingPrice;
      if (m != null && !(Number(m) > 0)) errors.push(ue(f("maximumShippingPrice"), "Maximum shipping price must be greater than 0", "GREATER_THAN"));
      out.maximumShippingPrice = m == null ? null : String(m);
    }
  }
  if (input.title !== undefined || !existing) {
    const title = (input.title ?? "").trim();
    if (!title) errors.push(ue(f("title"), "Title can't be blank", "BLANK"));
    else if (title.length > 255) errors.push(ue(f("title"), "Title is too long (maximum is 255 characters)", "TOO_LONG"));
    out.title = title;
  }
  if (input.code !== undefined || !existing) {
    const code = (input.code ?? "").trim();
    if (!code) errors.push(ue(f("code"), "Code can't be blank", "BLANK"));
    else if (code.length > CODE_MAX) errors.push(ue(f("code"), `Code is too long (maximum is ${CODE_MAX} characters)`, "TOO_LONG"));
    else if (/[\r\n]/.test(code)) errors.push(ue(f("code"), "Code cannot contain newline characters.", "INVALID"));
    else {
      const owner = ctx.shop.codeIndex.get(code.toLowerCase());
      if (owner && owner !== existing?.id) errors.push(ue(f("code"), "Code must be unique. Please try a different code.", "TAKEN"));
    }
    out.codes = [{ id: existing?.codes[0]?.id ?? ctx.store.newId(), code, asyncUsageCount: existing?.codes[0]?.asyncUsageCount ?? 0 }];
  }
  if (input.startsAt !== undefined || !existing) {
    if (!input.startsAt) errors.push(ue(f("startsAt"), "Starts at can't be blank", "BLANK"));
    out.startsAt = normIso(input.startsAt) ?? "";
  }
  if (input.endsAt !== undefined) out.endsAt = input.endsAt ? normIso(input.endsAt) : null;
  const starts = out.startsAt ?? existing?.startsAt;
  const ends = out.endsAt !== undefined ? out.endsAt : existing?.endsAt;
  if (input.startsAt && !normIso(input.startsAt)) errors.push(ue(f("startsAt"), "Starts at is invalid", "INVALID"));
  if (input.endsAt && !normIso(input.endsAt)) errors.push(ue(f("endsAt"), "Ends at is invalid", "INVALID"));
  if (starts && ends && Date.parse(ends) < Date.parse(starts)) {
    errors.push(ue(f("endsAt"), "Ends at needs to be after starts_at", "END_DATE_BEFORE_START_DATE"));
  }
  if (input.usageLimit !== undefined) {
    if (input.usageLimit != null && input.usageLimit < 1) errors.push(ue(f("usageLimit"), "Usage limit must be greater than 0", "GREATER_THAN"));
    out.usageLimit = input.usageLimit ?? null;
  }
  if (input.appliesOncePerCustomer != null) out.appliesOncePerCustomer = input.appliesOncePerCustomer;
  if (input.recurringCycleLimit !== undefined) out.recurringCycleLimit = input.recurringCycleLimit ?? null;
  if (input.tags != null) out.tags = input.tags;
  if (input.combinesWith) {
    out.combinesWith = {
      orderDiscounts: Boolean(input.combinesWith.orderDiscounts),
      productDiscounts: Boolean(input.combinesWith.productDiscounts),
      shippingDiscounts: Boolean(input.combinesWith.shippingDiscounts),
    };
  }
  if (kind === "basic" && (input.customerGets !== undefined || !existing)) {
    const v = input.customerGets?.value;
    if (!v) errors.push(ue(f("customerGets", "value"), "Value can't be blank", "BLANK"));
    else if (v.percentage != null) {
      if (!(v.percentage > 0 && v.percentage <= 1)) {
        errors.push(ue(f("customerGets", "value", "percentage"), "Value must be between 0.0 and 1.0", "VALUE_OUTSIDE_RANGE"));
      }
      out.value = { type: "percentage", percentage: v.percentage };
    } else if (v.discountAmount?.amount != null) {
      const amt = Number(v.discountAmount.amount);
      if (!(amt > 0)) errors.push(ue(f("customerGets", "value", "discountAmount", "amount"), "Value must be greater than 0", "GREATER_THAN"));
      out.value = { type: "amount", amount: String(v.discountAmount.amount), appliesOnEachItem: Boolean(v.discountAmount.appliesOnEachItem) };
    } else {
      errors.push(ue(f("customerGets", "value"), "Only percentage and discountAmount values are supported by the simulator", "INVALID"));
    }
    const items = input.customerGets?.items;
    if (items && !items.all && !items.products && !items.collections) {
      errors.push(ue(f("customerGets", "items"), "Items must be specified", "APPLIES_ON_NOTHING"));
    }
    out.items =
      !items || items.all
        ? { all: true }
        : { productIds: items.products?.productsToAdd ?? [], collectionIds: items.collections?.add ?? [] };
  }
  if (input.minimumRequirement !== undefined) {
    const m = input.minimumRequirement;
    if (m?.subtotal && m?.quantity) {
      errors.push(ue(f("minimumRequirement"), "Minimum subtotal and quantity can't both be present", "MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT"));
    }
    out.minimumRequirement = m?.subtotal?.greaterThanOrEqualToSubtotal != null
      ? { subtotal: String(m.subtotal.greaterThanOrEqualToSubtotal) }
      : m?.quantity?.greaterThanOrEqualToQuantity != null
        ? { quantity: String(m.quantity.greaterThanOrEqualToQuantity) }
        : null;
  }
  // context (current) or customerSelection (deprecated) pick the buyers.
  if (input.context && input.customerSelection) {
    errors.push(ue(f("context"), "Only one of context or customerSelection can be provided", "TOO_MANY_ARGUMENTS"));
  }
  const ctxIn = input.context;
  const sel = input.customerSelection;
  const customerIds = ctxIn?.customers?.add ?? sel?.customers?.add;
  const segmentIds = ctxIn?.customerSegments?.add ?? sel?.customerSegments?.add;
  if (ctxIn?.markets) errors.push(ue(f("context", "markets"), "Market contexts are not supported by the simulator", "INVALID"));
  if (customerIds) {
    const field = ctxIn ? f("context", "customers", "add") : f("customerSelection", "customers", "add");
    const ids: string[] = [];
    customerIds.forEach((gid, i) => {
      const g = tryParseGid(gid);
      if (!g || g.type !== "Customer" || !ctx.shop.customers.has(g.id)) {
        errors.push({ ...ue([...field, String(i)], `Customer ${gid} does not exist`, "INVALID") });
      } else ids.push(g.id);
    });
    if (ids.length === 0 && customerIds.length === 0) errors.push(ue(field, "Customers can't be blank", "BLANK"));
    out.context = { type: "customers", customerIds: ids };
  } else if (segmentIds) {
    const field = ctxIn ? f("context", "customerSegments", "add") : f("customerSelection", "customerSegments", "add");
    const ids: string[] = [];
    segmentIds.forEach((gid, i) => {
      const g = tryParseGid(gid);
      if (!g || g.type !== "Segment" || !ctx.shop.segments.has(g.id)) errors.push(ue([...field, String(i)], `Segment ${gid} does not exist`, "INVALID"));
      else ids.push(g.id);
    });
    out.context = { type: "segments", segmentIds: ids };
  } else if (ctxIn?.all || sel?.all || !existing) {
    out.context = { type: "all" };
  }
  return out;
}

function normIso(v: string | null | undefined): string | null {
  if (!v) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z") : null;
}

function findDiscount(ctx: ExecContext, id: string): DiscountRecord | undefined {
  const g = tryParseGid(id);
  if (!g || (g.type !== "DiscountCodeNode" && g.type !== "DiscountNode")) return undefined;
  return ctx.shop.discounts.get(g.id);
}

function indexCodes(ctx: ExecContext, d: DiscountRecord): void {
  for (const c of d.codes) ctx.shop.codeIndex.set(c.code.toLowerCase(), d.id);
}

function unindexCodes(ctx: ExecContext, d: DiscountRecord): void {
  for (const c of d.codes) if (ctx.shop.codeIndex.get(c.code.toLowerCase()) === d.id) ctx.shop.codeIndex.delete(c.code.toLowerCase());
}

// ---------- metafields ----------

const OWNER_TYPES: Record<string, string> = {
  Customer: "CUSTOMER",
  Order: "ORDER",
  Shop: "SHOP",
  AppInstallation: "APP_INSTALLATION",
  DiscountCodeNode: "DISCOUNT",
  DiscountNode: "DISCOUNT",
};

function ownerExists(ctx: ExecContext, type: string, id: string): boolean {
  switch (type) {
    case "Customer":
      return ctx.shop.customers.has(id);
    case "Order":
      return ctx.shop.orders.has(id);
    case "Shop":
      return ctx.shop.shop.id === id;
    case "AppInstallation":
      return ctx.shop.installation?.id === id;
    case "DiscountCodeNode":
    case "DiscountNode":
      return ctx.shop.discounts.has(id);
    default:
      return false;
  }
}

/** Checks a value against its metafield type; returns a reason when invalid. */
function checkMetafieldValue(type: string, value: string): string | undefined {
  const list = type.startsWith("list.");
  const base = list ? type.slice(5) : type;
  let values: unknown[] = [value];
  if (list || base === "json") {
    try {
      const parsed = JSON.parse(value);
      if (base === "json" && !list) return undefined;
      if (!Array.isArray(parsed)) return "Value must be a JSON array for list types";
      values = parsed;
    } catch {
      return "Value must be valid JSON";
    }
  }
  for (const v of values) {
    const s = String(v);
    switch (base) {
      case "number_integer":
        if (!/^-?\d+$/.test(s) || Math.abs(Number(s)) > 9007199254740991) return `Value must be an integer`;
        break;
      case "number_decimal":
        if (!/^-?\d+(\.\d+)?$/.test(s)) return `Value must be a decimal`;
        break;
      case "boolean":
        if (s !== "true" && s !== "false") return `Value must be true or false`;
        break;
      case "date":
        if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || !Number.isFinite(Date.parse(s))) return `Value must be a date (YYYY-MM-DD)`;
        break;
      case "date_time":
        if (!Number.isFinite(Date.parse(s))) return `Value must be an ISO 8601 date and time`;
        break;
      case "single_line_text_field":
        if (/[\r\n]/.test(s)) return "Value must be a single line";
        break;
      case "multi_line_text_field":
      case "json":
      case "url":
      case "color":
      case "money":
      case "rating":
      case "customer_reference":
      case "product_reference":
      case "collection_reference":
      case "variant_reference":
      case "metaobject_reference":
      case "rich_text_field":
        break;
      default:
        return `Type ${type} is not supported`;
    }
  }
  return undefined;
}

interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  value: string;
  type?: string | null;
  compareDigest?: string | null;
}

// ---------- tags ----------

function tagTarget(ctx: ExecContext, id: string) {
  const g = tryParseGid(id);
  if (g?.type === "Customer") {
    const c = ctx.shop.customers.get(g.id);
    if (c) {
      return {
        get: () => splitTags(c.rest.tags),
        set: (tags: string[]) => {
          c.rest.tags = tags.join(", ");
          ctx.store.touchCustomer(ctx.shop, c);
          ctx.services.mutationWebhook(ctx.shop, "customers/update", c.rest);
        },
        view: () => customerView(ctx, c.rest, c),
      };
    }
  }
  if (g?.type === "Order") {
    const o = ctx.shop.orders.get(g.id);
    if (o) {
      return {
        get: () => splitTags(o.rest.tags),
        set: (tags: string[]) => {
          o.rest.tags = tags.join(", ");
          o.updatedMs = ctx.store.clock();
          o.rest.updated_at = ctx.store.nowIso();
          ctx.shop.touch("orders");
          ctx.services.mutationWebhook(ctx.shop, "orders/updated", o.rest);
        },
        view: () => orderView(ctx, o),
      };
    }
  }
  return undefined;
}

function normalizeTags(tags: string[]): string[] {
  return tags.flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
}

// ---------- segments ----------

function checkSegmentQuery(query: string): string | undefined {
  if (!query.trim()) return "Query can't be blank";
  let depth = 0;
  let quote: string | null = null;
  for (const ch of query) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return "Query has an unbalanced ')'";
  }
  if (quote) return "Query has an unterminated string";
  if (depth !== 0) return "Query has an unbalanced '('";
  if (!/^\s*(NOT\s+)?\(?\s*[a-z_][a-z0-9_.]*/i.test(query)) return "Query must start with a filter name";
  return undefined;
}

function createCodeDiscount(ctx: ExecContext, input: BasicInput, kind: DiscountRecord["kind"]) {
  const inj = injected(ctx);
  if (inj) return { ...inj, codeDiscountNode: null };
  const errors: UserError[] = [];
  const fields = validateBasic(ctx, input, undefined, errors, kind);
  if (errors.length) return { codeDiscountNode: null, userErrors: errors };
  const now = ctx.store.nowIso();
  const d: DiscountRecord = {
    id: ctx.store.newId(),
    kind,
    title: fields.title!,
    codes: fields.codes!,
    startsAt: fields.startsAt!,
    endsAt: fields.endsAt ?? null,
    usageLimit: fields.usageLimit ?? null,
    appliesOncePerCustomer: fields.appliesOncePerCustomer ?? false,
    value: kind === "basic" ? fields.value! : null,
    items: fields.items ?? { all: true },
    minimumRequirement: fields.minimumRequirement ?? null,
    context: fields.context ?? { type: "all" },
    combinesWith: fields.combinesWith ?? { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
    tags: fields.tags ?? [],
    recurringCycleLimit: fields.recurringCycleLimit ?? null,
    createdAt: now,
    updatedAt: now,
    ...(kind === "freeShipping" ? { destination: fields.destination ?? { all: true }, maximumShippingPrice: fields.maximumShippingPrice ?? null } : {}),
  };
  ctx.shop.discounts.set(d.id, d);
  indexCodes(ctx, d);
  return { codeDiscountNode: discountCodeNodeView(ctx, d), userErrors: [] };
}

function updateCodeDiscount(ctx: ExecContext, id: string, input: BasicInput, kind: DiscountRecord["kind"]) {
  const inj = injected(ctx);
  if (inj) return { ...inj, codeDiscountNode: null };
  const d = findDiscount(ctx, id);
  if (!d) return { codeDiscountNode: null, userErrors: [ue(["id"], "Discount does not exist", "INVALID")] };
  if (d.kind !== kind) return { codeDiscountNode: null, userErrors: [ue(["id"], `Discount is not a ${kind === "basic" ? "basic" : "free shipping"} code discount`, "INVALID")] };
  const errors: UserError[] = [];
  const fields = validateBasic(ctx, input, d, errors, kind);
  if (errors.length) return { codeDiscountNode: null, userErrors: errors };
  unindexCodes(ctx, d);
  Object.assign(d, fields, { updatedAt: ctx.store.nowIso() });
  indexCodes(ctx, d);
  return { codeDiscountNode: discountCodeNodeView(ctx, d), userErrors: [] };
}

export const mutationRoot = {
  discountCodeBasicCreate(args: { basicCodeDiscount: BasicInput }, ctx: ExecContext) {
    return createCodeDiscount(ctx, args.basicCodeDiscount, "basic");
  },

  discountCodeFreeShippingCreate(args: { freeShippingCodeDiscount: BasicInput }, ctx: ExecContext) {
    return createCodeDiscount(ctx, args.freeShippingCodeDiscount, "freeShipping");
  },

  discountCodeFreeShippingUpdate(args: { id: string; freeShippingCodeDiscount: BasicInput }, ctx: ExecContext) {
    return updateCodeDiscount(ctx, args.id, args.freeShippingCodeDiscount, "freeShipping");
  },

  discountCodeBasicUpdate(args: { id: string; basicCodeDiscount: BasicInput }, ctx: ExecContext) {
    return updateCodeDiscount(ctx, args.id, args.basicCodeDiscount, "basic");
  },

  discountCodeActivate(args: { id: string }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, codeDiscountNode: null };
    const d = findDiscount(ctx, args.id);
    if (!d) return { codeDiscountNode: null, userErrors: [ue(["id"], "Discount does not exist", "INVALID")] };
    const now = ctx.store.nowIso();
    if (d.endsAt && Date.parse(d.endsAt) <= ctx.now) d.endsAt = null;
    if (Date.parse(d.startsAt) > ctx.now) d.startsAt = now;
    d.updatedAt = now;
    return { codeDiscountNode: discountCodeNodeView(ctx, d), userErrors: [] };
  },

  discountCodeDeactivate(args: { id: string }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, codeDiscountNode: null };
    const d = findDiscount(ctx, args.id);
    if (!d) return { codeDiscountNode: null, userErrors: [ue(["id"], "Discount does not exist", "INVALID")] };
    // Shopify deactivates by ending the discount now (status becomes EXPIRED).
    const now = ctx.store.nowIso();
    if (!d.endsAt || Date.parse(d.endsAt) > ctx.now) d.endsAt = now;
    if (Date.parse(d.startsAt) > ctx.now) d.startsAt = now;
    d.updatedAt = now;
    return { codeDiscountNode: discountCodeNodeView(ctx, d), userErrors: [] };
  },

  discountCodeDelete(args: { id: string }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, deletedCodeDiscountId: null };
    const d = findDiscount(ctx, args.id);
    if (!d) return { deletedCodeDiscountId: null, userErrors: [ue(["id"], "Discount does not exist", "INVALID")] };
    unindexCodes(ctx, d);
    ctx.shop.discounts.delete(d.id);
    ctx.shop.metafields.delete(toGid("DiscountCodeNode", d.id));
    return { deletedCodeDiscountId: toGid("DiscountCodeNode", d.id), userErrors: [] };
  },

  discountRedeemCodeBulkAdd(args: { discountId: string; codes: Array<{ code: string }> }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, bulkCreation: null };
    const d = findDiscount(ctx, args.discountId);
    if (!d) return { bulkCreation: null, userErrors: [ue(["discountId"], "Discount does not exist", "INVALID")] };
    if (args.codes.length === 0) return { bulkCreation: null, userErrors: [ue(["codes"], "Codes can't be blank", "BLANK")] };
    if (args.codes.length > 250) return { bulkCreation: null, userErrors: [ue(["codes"], "Codes exceeds the maximum of 250", "TOO_MANY_ARGUMENTS")] };
    const results: Array<{ code: string; redeemCodeId?: string; errors: Array<{ field: string[]; message: string; code: string }> }> = [];
    const seen = new Set<string>();
    for (const { code: raw } of args.codes) {
      const code = raw.trim();
      const lc = code.toLowerCase();
      if (!code) results.push({ code: raw, errors: [{ field: ["code"], message: "Code can't be blank", code: "BLANK" }] });
      else if (code.length > CODE_MAX) results.push({ code, errors: [{ field: ["code"], message: "Code is too long", code: "TOO_LONG" }] });
      else if (ctx.shop.codeIndex.has(lc) || seen.has(lc)) results.push({ code, errors: [{ field: ["code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" }] });
      else {
        const rc = { id: ctx.store.newId(), code, asyncUsageCount: 0 };
        d.codes.push(rc);
        ctx.shop.codeIndex.set(lc, d.id);
        seen.add(lc);
        results.push({ code, redeemCodeId: rc.id, errors: [] });
      }
    }
    const b = { id: ctx.store.newId(), discountId: d.id, createdAt: ctx.store.nowIso(), results };
    ctx.shop.redeemCodeBulkCreations.set(b.id, b);
    return { bulkCreation: redeemBulkCreationView(ctx, b), userErrors: [] };
  },

  tagsAdd(args: { id: string; tags: string[] }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, node: null };
    const t = tagTarget(ctx, args.id);
    if (!t) return { node: null, userErrors: [ue(["id"], `Resource ${args.id} not found`)] };
    const add = normalizeTags(args.tags);
    if (add.length === 0) return { node: null, userErrors: [ue(["tags"], "Tags can't be blank")] };
    const bad = add.find((x) => x.length > 255);
    if (bad) return { node: null, userErrors: [ue(["tags"], `Tag ${bad.slice(0, 20)}… is too long (maximum is 255 characters)`)] };
    const cur = t.get();
    const lower = new Set(cur.map((x) => x.toLowerCase()));
    const next = [...cur, ...add.filter((x) => !lower.has(x.toLowerCase()) && lower.add(x.toLowerCase()))];
    if (next.length > 250) return { node: null, userErrors: [ue(["tags"], "Tags exceeds the maximum of 250")] };
    t.set(next);
    return { node: t.view(), userErrors: [] };
  },

  tagsRemove(args: { id: string; tags: string[] }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, node: null };
    const t = tagTarget(ctx, args.id);
    if (!t) return { node: null, userErrors: [ue(["id"], `Resource ${args.id} not found`)] };
    const drop = new Set(normalizeTags(args.tags).map((x) => x.toLowerCase()));
    t.set(t.get().filter((x) => !drop.has(x.toLowerCase())));
    return { node: t.view(), userErrors: [] };
  },

  metafieldsSet(args: { metafields: MetafieldsSetInput[] }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, metafields: null };
    const list = args.metafields;
    if (list.length > 25) {
      return { metafields: null, userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null }] };
    }
    const errors: UserError[] = [];
    const planned: Array<{ ownerId: string; ownerType: string; ns: string; key: string; type: string; value: string; prev?: MetafieldRecord }> = [];
    list.forEach((m, i) => {
      const field = (k: string) => ["metafields", String(i), k];
      const err = (k: string, message: string, code: string) => errors.push({ field: field(k), message, code, elementIndex: i });
      const g = tryParseGid(m.ownerId);
      if (!g || !OWNER_TYPES[g.type]) return err("ownerId", "Owner type is not supported by the simulator or the id is malformed", "INVALID");
      if (!ownerExists(ctx, g.type, g.id)) return err("ownerId", "Owner does not exist.", "INVALID");
      const ns = expandNamespace(m.namespace, ctx);
      if (ns.length < 2 || ns.length > 255) return err("namespace", "Namespace must be between 2 and 255 characters", "INVALID");
      if (!/^[A-Za-z0-9_-]{2,64}$/.test(m.key)) return err("key", "Key must be 2-64 characters of letters, numbers, dashes or underscores", "INVALID");
      const ownerGid = toGid(g.type === "DiscountNode" ? "DiscountCodeNode" : g.type, g.id);
      const prev = ctx.shop.metafields.get(ownerGid)?.get(`${ns}\u0000${m.key}`);
      const type = m.type ?? prev?.type;
      if (!type) return err("type", "Type can't be blank", "BLANK");
      if (prev && m.type && m.type !== prev.type) return err("type", `Type must be ${prev.type} to match the existing metafield`, "INVALID_TYPE");
      if (m.compareDigest != null && (!prev || metafieldDigest(prev) !== m.compareDigest)) {
        return err("compareDigest", "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", "STALE_OBJECT");
      }
      if (m.value.trim() === "") return err("value", "Value can't be blank.", "BLANK");
      const bad = checkMetafieldValue(type, m.value);
      if (bad) return err("value", bad, bad.startsWith("Type ") ? "INVALID_TYPE" : "INVALID_VALUE");
      if (planned.some((p) => p.ownerId === ownerGid && p.ns === ns && p.key === m.key)) return err("key", "Duplicate metafield in input", "TAKEN");
      planned.push({ ownerId: ownerGid, ownerType: OWNER_TYPES[g.type]!, ns, key: m.key, type, value: m.value, prev });
    });
    // Atomic, like Shopify: any error means nothing is written.
    if (errors.length) return { metafields: null, userErrors: errors };
    const now = ctx.store.nowIso();
    const written = planned.map((p) => {
      const rec: MetafieldRecord = p.prev
        ? { ...p.prev, value: p.value, updatedAt: now }
        : { id: ctx.store.newId(), ownerId: p.ownerId, ownerType: p.ownerType, namespace: p.ns, key: p.key, type: p.type, value: p.value, createdAt: now, updatedAt: now };
      let m = ctx.shop.metafields.get(p.ownerId);
      if (!m) ctx.shop.metafields.set(p.ownerId, (m = new Map()));
      m.set(`${p.ns}\u0000${p.key}`, rec);
      return metafieldView(rec);
    });
    return { metafields: written, userErrors: [] };
  },

  metafieldsDelete(args: { metafields: Array<{ ownerId: string; namespace: string; key: string }> }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, deletedMetafields: null };
    const deleted = args.metafields.map((m) => {
      const ns = expandNamespace(m.namespace, ctx);
      const owner = ctx.shop.metafields.get(m.ownerId);
      const ok = owner?.delete(`${ns}\u0000${m.key}`) ?? false;
      return ok ? { __typename: "MetafieldIdentifier", ownerId: m.ownerId, namespace: ns, key: m.key } : null;
    });
    return { deletedMetafields: deleted, userErrors: [] };
  },

  segmentCreate(args: { name: string; query: string }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, segment: null };
    const name = args.name.trim();
    if (!name) return { segment: null, userErrors: [ue(["name"], "Name can't be blank")] };
    if (name.length > 255) return { segment: null, userErrors: [ue(["name"], "Name is too long (maximum is 255 characters)")] };
    if ([...ctx.shop.segments.values()].some((s) => s.name.toLowerCase() === name.toLowerCase())) {
      return { segment: null, userErrors: [ue(["name"], "Name has already been taken")] };
    }
    const bad = checkSegmentQuery(args.query);
    if (bad) return { segment: null, userErrors: [ue(["query"], bad)] };
    const now = ctx.store.nowIso();
    const s = { id: ctx.store.newId(), name, query: args.query, creationDate: now, lastEditDate: now };
    ctx.shop.segments.set(s.id, s);
    return { segment: segmentView(s), userErrors: [] };
  },

  segmentUpdate(args: { id: string; name?: string | null; query?: string | null }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, segment: null };
    const g = tryParseGid(args.id);
    const s = g?.type === "Segment" ? ctx.shop.segments.get(g.id) : undefined;
    if (!s) return { segment: null, userErrors: [ue(["id"], "Segment does not exist")] };
    if (args.name != null) {
      const name = args.name.trim();
      if (!name) return { segment: null, userErrors: [ue(["name"], "Name can't be blank")] };
      if ([...ctx.shop.segments.values()].some((o) => o.id !== s.id && o.name.toLowerCase() === name.toLowerCase())) {
        return { segment: null, userErrors: [ue(["name"], "Name has already been taken")] };
      }
      s.name = name;
    }
    if (args.query != null) {
      const bad = checkSegmentQuery(args.query);
      if (bad) return { segment: null, userErrors: [ue(["query"], bad)] };
      s.query = args.query;
    }
    s.lastEditDate = ctx.store.nowIso();
    return { segment: segmentView(s), userErrors: [] };
  },

  segmentDelete(args: { id: string }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, deletedSegmentId: null };
    const g = tryParseGid(args.id);
    if (!g || g.type !== "Segment" || !ctx.shop.segments.delete(g.id)) {
      return { deletedSegmentId: null, userErrors: [ue(["id"], "Segment does not exist")] };
    }
    return { deletedSegmentId: args.id, userErrors: [] };
  },

  bulkOperationRunQuery(args: { query: string; groupObjects: boolean }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, bulkOperation: null };
    if (args.groupObjects) {
      return { bulkOperation: null, userErrors: [ue(["groupObjects"], "groupObjects: true is not supported by the simulator; use ungrouped output", "INVALID")] };
    }
    const { op, userErrors } = ctx.services.startBulkQuery(ctx.shop, args.query);
    return { bulkOperation: op ? bulkOperationView(op) : null, userErrors };
  },

  bulkOperationCancel(args: { id: string }, ctx: ExecContext) {
    const inj = injected(ctx);
    if (inj) return { ...inj, bulkOperation: null };
    const g = tryParseGid(args.id);
    const existing = g?.type === "BulkOperation" ? ctx.shop.bulkOperations.get(g.id) : undefined;
    if (!existing) return { bulkOperation: null, userErrors: [ue(["id"], "Bulk operation does not exist")] };
    if (!["CREATED", "RUNNING"].includes(existing.status)) {
      return { bulkOperation: bulkOperationView(existing), userErrors: [ue(null, `A bulk operation cannot be canceled when it is ${existing.status.toLowerCase()}`)] };
    }
    const op = ctx.services.cancelBulk(ctx.shop, existing.id)!;
    return { bulkOperation: bulkOperationView(op), userErrors: [] };
  },
} satisfies Record<string, (args: never, ctx: ExecContext) => unknown>;

