// QueryRoot resolvers: filtering (Shopify search syntax), sorting and paging.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { paginate, type ConnectionArgs, type SortTuple } from "./connection";
import type { ExecContext } from "./context";
import { parseGid, tryParseGid } from "./gid";
import { compileSearchQuery, SearchQueryError, type SearchSpec } from "./search-query";
import { splitTags, type StoredCustomer, type StoredOrder } from "./store";
import {
  appInstallationView,
  bulkOperationView,
  customerView,
  discountCodeNodeView,
  discountNodeView,
  discountStatus,
  orderView,
  orderVisible,
  redeemBulkCreationView,
  resolveNode,
  segmentView,
  setOrderConnectionImpl,
  shopView,
} from "./views";

type Info = GraphQLResolveInfo;
type ListArgs = ConnectionArgs & { query?: string | null; sortKey?: string | null };

const customerSearch: SearchSpec<StoredCustomer> = {
  fields: {
    id: { kind: "id", get: (c) => c.id },
    customer_id: { kind: "id", get: (c) => c.id },
    created_at: { kind: "date", get: (c) => c.createdMs },
    updated_at: { kind: "date", get: (c) => c.updatedMs },
    email: { kind: "string", get: (c) => c.rest.email },
    phone: { kind: "string", get: (c) => c.rest.phone },
    first_name: { kind: "string", get: (c) => c.rest.first_name },
    last_name: { kind: "string", get: (c) => c.rest.last_name },
    state: { kind: "string", get: (c) => c.rest.state },
    tag: { kind: "tags", get: (c) => splitTags(c.rest.tags) },
    tag_not: { kind: "tags", get: (c) => splitTags(c.rest.tags) },
    accepts_marketing: { kind: "bool", get: (c) => c.rest.email_marketing_consent?.state === "subscribed" || c.rest.accepts_marketing === true },
    country: { kind: "string", get: (c) => c.rest.default_address?.country ?? c.rest.default_address?.country_code },
  },
  text: (c) => [c.rest.email, c.rest.first_name, c.rest.last_name, c.rest.phone].filter((x): x is string => typeof x === "string"),
};

const orderSearch: SearchSpec<StoredOrder> = {
  fields: {
    id: { kind: "id", get: (o) => o.id },
    created_at: { kind: "date", get: (o) => o.createdMs },
    updated_at: { kind: "date", get: (o) => o.updatedMs },
    processed_at: { kind: "date", get: (o) => o.processedMs },
    customer_id: { kind: "id", get: (o) => o.customerId },
    email: { kind: "string", get: (o) => o.rest.email },
    name: { kind: "string", get: (o) => o.rest.name },
    financial_status: { kind: "string", get: (o) => o.rest.financial_status },
    fulfillment_status: { kind: "string", get: (o) => o.rest.fulfillment_status ?? "unshipped" },
    status: { kind: "string", get: (o) => (o.rest.cancelled_at ? "cancelled" : o.rest.closed_at ? "closed" : "open") },
    test: { kind: "bool", get: (o) => Boolean(o.rest.test) },
    tag: { kind: "tags", get: (o) => splitTags(o.rest.tags) },
    discount_code: { kind: "string", get: (o) => o.rest.discount_codes?.[0]?.code },
  },
  text: (o) => [o.rest.name, o.rest.email].filter((x): x is string => typeof x === "string"),
};

function compile<T>(query: string | null | undefined, spec: SearchSpec<T>) {
  try {
    return compileSearchQuery(query, spec);
  } catch (e) {
    if (e instanceof SearchQueryError) throw new GraphQLError(e.message, { extensions: { code: "BAD_USER_INPUT" } });
    throw e;
  }
}

const customerSortKeys: Record<string, (c: StoredCustomer) => number | string> = {
  ID: () => 0,
  RELEVANCE: () => 0,
  CREATED_AT: (c) => c.createdMs,
  UPDATED_AT: (c) => c.updatedMs,
  NAME: (c) => `${c.rest.first_name ?? ""} ${c.rest.last_name ?? ""}`.toLowerCase(),
  LOCATION: (c) => String(c.rest.default_address?.country ?? ""),
};

const orderSortKeys: Record<string, (o: StoredOrder) => number | string> = {
  ID: () => 0,
  RELEVANCE: () => 0,
  CREATED_AT: (o) => o.createdMs,
  UPDATED_AT: (o) => o.updatedMs,
  PROCESSED_AT: (o) => o.processedMs,
  ORDER_NUMBER: (o) => Number(o.rest.order_number ?? o.rest.number ?? 0),
  TOTAL_PRICE: (o) => Number(o.rest.total_price ?? 0),
  CURRENT_TOTAL_PRICE: (o) => Number(o.rest.current_total_price ?? o.rest.total_price ?? 0),
  FINANCIAL_STATUS: (o) => String(o.rest.financial_status ?? ""),
  FULFILLMENT_STATUS: (o) => String(o.rest.fulfillment_status ?? ""),
  CUSTOMER_NAME: (o) => `${o.rest.customer?.first_name ?? ""} ${o.rest.customer?.last_name ?? ""}`.toLowerCase(),
};

function memoRoot<T>(ctx: ExecContext, info: Info, compute: () => T[]): T[] {
  // Bulk runs execute the document once per window; filter+sort only once.
  if (ctx.bulk && info.path.prev === undefined) return (ctx.bulk.rootItems ??= compute()) as T[];
  return compute();
}

function customersConnection(ctx: ExecContext, args: ListArgs, info: Info) {
  const sortKey = args.sortKey ?? "ID";
  const keyOf = customerSortKeys[sortKey] ?? customerSortKeys.ID!;
  const items = memoRoot(ctx, info, () => {
    const search = compile(args.query, customerSearch);
    const sorted = ctx.shop.sorted<StoredCustomer>("customers", sortKey, keyOf);
    return args.query ? sorted.filter((c) => search.test(c)) : sorted;
  });
  return paginate(items, args, ctx, info, (c): SortTuple => [keyOf(c), c.id], (c) => customerView(ctx, c.rest, c));
}

function ordersConnectionOver(ctx: ExecContext, base: StoredOrder[] | null, args: ListArgs, info: Info) {
  const sortKey = args.sortKey ?? "PROCESSED_AT";
  const keyOf = orderSortKeys[sortKey] ?? orderSortKeys.ID!;
  const items = memoRoot(ctx, info, () => {
    const search = compile(args.query, orderSearch);
    let list: StoredOrder[];
    if (base) {
      list = [...base].sort((a, b) => {
        const ka = keyOf(a);
        const kb = keyOf(b);
        return ka < kb ? -1 : ka > kb ? 1 : a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      });
    } else {
      list = ctx.shop.sorted<StoredOrder>("orders", sortKey, keyOf);
    }
    const allVisible = ctx.shop.hasScope("read_all_orders");
    if (!args.query && allVisible) return list;
    return list.filter((o) => (allVisible || orderVisible(ctx, o)) && search.test(o));
  });
  return paginate(items, args, ctx, info, (o): SortTuple => [keyOf(o), o.id], (o) => orderView(ctx, o));
}

setOrderConnectionImpl((ctx, orders, args, info) => ordersConnectionOver(ctx, orders, args, info));

function count(n: number, limit: number | null | undefined) {
  const cap = limit ?? 10000;
  return { __typename: "Count", count: Math.min(n, cap), precision: n > cap ? "AT_LEAST" : "EXACT" };
}

export const queryRoot = {
  shop: (_: unknown, ctx: ExecContext) => shopView(ctx.shop, ctx),
  currentAppInstallation: (_: unknown, ctx: ExecContext) => appInstallationView(ctx),
  customers: (args: ListArgs, ctx: ExecContext, info: Info) => customersConnection(ctx, args, info),
  customersCount: (args: { query?: string | null; limit?: number | null }, ctx: ExecContext) => {
    const search = compile(args.query, customerSearch);
    let n = 0;
    for (const c of ctx.shop.customers.values()) if (search.test(c)) n++;
    return count(n, args.limit);
  },
  customer: (args: { id: string }, ctx: ExecContext) => {
    const g = tryParseGid(args.id);
    const c = g?.type === "Customer" ? ctx.shop.customers.get(g.id) : undefined;
    return c ? customerView(ctx, c.rest, c) : null;
  },
  orders: (args: ListArgs, ctx: ExecContext, info: Info) => ordersConnectionOver(ctx, null, args, info),
  ordersCount: (args: { query?: string | null; limit?: number | null }, ctx: ExecContext) => {
    const search = compile(args.query, orderSearch);
    let n = 0;
    for (const o of ctx.shop.orders.values()) if (orderVisible(ctx, o) && search.test(o)) n++;
    return count(n, args.limit);
  },
  order: (args: { id: string }, ctx: ExecContext) => {
    const g = tryParseGid(args.id);
    const o = g?.type === "Order" ? ctx.shop.orders.get(g.id) : undefined;
    return o && orderVisible(ctx, o) ? orderView(ctx, o) : null;
  },
  node: (args: { id: string }, ctx: ExecContext) => resolveNode(ctx, args.id),
  nodes: (args: { ids: string[] }, ctx: ExecContext) => {
    if (args.ids.length > 250) throw new GraphQLError("The maximum number of ids is 250.", { extensions: { code: "BAD_USER_INPUT" } });
    return args.ids.map((id) => resolveNode(ctx, id));
  },
  codeDiscountNodeByCode: (args: { code: string }, ctx: ExecContext) => {
    const id = ctx.shop.codeIndex.get(args.code.toLowerCase());
    const d = id ? ctx.shop.discounts.get(id) : undefined;
    return d ? discountCodeNodeView(ctx, d) : null;
  },
  codeDiscountNode: (args: { id: string }, ctx: ExecContext) => {
    const g = parseGidOrNull(args.id);
    const d = g ? ctx.shop.discounts.get(g.id) : undefined;
    return d ? discountCodeNodeView(ctx, d) : null;
  },
  discountNode: (args: { id: string }, ctx: ExecContext) => {
    const g = parseGidOrNull(args.id);
    const d = g ? ctx.shop.discounts.get(g.id) : undefined;
    return d ? discountNodeView(ctx, d) : null;
  },
  discountNodes: (args: ListArgs, ctx: ExecContext, info: Info) => {
    const q = (args.query ?? "").trim();
    const status = /status:(\w+)/i.exec(q)?.[1]?.toUpperCase();
    const list = [...ctx.shop.discounts.values()].filter((d) => !status || discountStatus(d, ctx.now) === status);
    return paginate(list, args, ctx, info, (d) => [0, d.id], (d) => discountNodeView(ctx, d));
  },
  codeDiscountNodes: (args: ListArgs, ctx: ExecContext, info: Info) => {
    const list = [...ctx.shop.discounts.values()];
    return paginate(list, args, ctx, info, (d) => [0, d.id], (d) => discountCodeNodeView(ctx, d));
  },
  discountRedeemCodeBulkCreation: (args: { id: string }, ctx: ExecContext) => {
    const g = parseGidOrNull(args.id);
    const b = g ? ctx.shop.redeemCodeBulkCreations.get(g.id) : undefined;
    return b ? redeemBulkCreationView(ctx, b) : null;
  },
  segment: (args: { id: string }, ctx: ExecContext) => {
    const g = parseGidOrNull(args.id);
    const s = g ? ctx.shop.segments.get(g.id) : undefined;
    return s ? segmentView(s) : null;
  },
  segments: (args: ListArgs, ctx: ExecContext, info: Info) => {
    const list = [...ctx.shop.segments.values()];
    return paginate(list, args, ctx, info, (s) => [s.creationDate, s.id], segmentView);
  },
  segmentsCount: (args: { limit?: number | null }, ctx: ExecContext) => count(ctx.shop.segments.size, args.limit),
  bulkOperation: (args: { id: string }, ctx: ExecContext) => {
    const g = parseGidOrNull(args.id);
    const b = g ? ctx.shop.bulkOperations.get(g.id) : undefined;
    return b ? bulkOperationView(b) : null;
  },
  bulkOperations: (args: ListArgs, ctx: ExecContext, info: Info) => {
    const q = (args.query ?? "").trim();
    const status = /status:(\w+)/i.exec(q)?.[1]?.toUpperCase();
    const type = /operation_type:(\w+)/i.exec(q)?.[1]?.toUpperCase();
    const list = [...ctx.shop.bulkOperations.values()].filter((b) => (!status || b.status === status) && (!type || b.type === type));
    return paginate(list, args, ctx, info, (b) => [b.createdAt, b.id], bulkOperationView);
  },
  currentBulkOperation: (args: { type?: string | null }, ctx: ExecContext) => {
    const type = args.type ?? "QUERY";
    let latest: ReturnType<typeof bulkOperationView> | null = null;
    let latestId = -1;
    for (const b of ctx.shop.bulkOperations.values()) {
      if (b.type === type && Number(b.id) > latestId) {
        latestId = Number(b.id);
        latest = bulkOperationView(b);
      }
    }
    return latest;
  },
  webhookSubscriptions: (args: ConnectionArgs, ctx: ExecContext, info: Info) => paginate([], args, ctx, info, () => [0, "0"], (x) => x),
};

function parseGidOrNull(id: string) {
  try {
    return parseGid(id);
  } catch {
    return null;
  }
}

