// Relay-style cursor pagination shared by every connection the simulator serves.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { compareIds } from "./gid";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

/** Bulk operations page through the root connection in windows and read nested ones whole. */
export interface BulkWindow {
  afterIndex: number;
  size: number;
  hasMore: boolean;
  /** Filtered+sorted root items, memoised across windows of one bulk run. */
  rootItems?: unknown[];
}

export interface PagingContext {
  bulk?: BulkWindow;
}

export type SortTuple = [number | string, string];

export const MAX_PAGE_SIZE = 250;

function encodeCursor(t: SortTuple): string {
  return Buffer.from(JSON.stringify(t)).toString("base64url");
}

function decodeCursor(cursor: string, argName: string): SortTuple {
  try {
    const t = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(t) && t.length === 2 && typeof t[1] === "string") return t as SortTuple;
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for '${argName}' argument.`, { extensions: { code: "BAD_USER_INPUT" } });
}

function compareTuple(a: SortTuple, b: SortTuple): number {
  if (a[0] < b[0]) return -1;
  if (a[0] > b[0]) return 1;
  return compareIds(a[1], b[1]);
}

function isRootField(info: GraphQLResolveInfo): boolean {
  return info.path.prev === undefined;
}

export interface Connection {
  edges: Array<{ cursor: string; node: unknown }>;
  nodes: unknown[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * Pages `items` (already filtered and in ascending order of `tupleOf`).
 * `reverse` flips the order. Cursors encode the (sortKey, id) tuple so they
 * stay valid while records are inserted.
 */
export function paginate<T>(
  items: T[],
  args: ConnectionArgs,
  ctx: PagingContext,
  info: GraphQLResolveInfo,
  tupleOf: (item: T) => SortTuple,
  toNode: (item: T) => unknown,
): Connection {
  const dir = args.reverse ? -1 : 1;
  const ordered = args.reverse ? [...items].reverse() : items;
  const cmp = (a: SortTuple, b: SortTuple) => dir * compareTuple(a, b);

  if (ctx.bulk) {
    let window = ordered;
    if (isRootField(info)) {
      const b = ctx.bulk;
      window = ordered.slice(b.afterIndex, b.afterIndex + b.size);
      b.hasMore = b.afterIndex + b.size < ordered.length;
    }
    return build(window, false, false);
  }

  const { first, last } = args;
  if (first == null && last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_USER_INPUT" } });
  }
  for (const [name, v] of [["first", first], ["last", last]] as const) {
    if (v != null && (v < 0 || v > MAX_PAGE_SIZE)) {
      throw new GraphQLError(
        `Argument '${name}' on Field '${info.fieldName}' has an invalid value (${v}). Expected a value between 0 and ${MAX_PAGE_SIZE}.`,
        { extensions: { code: "BAD_USER_INPUT" } },
      );
    }
  }
  // Binary search: first index whose tuple is strictly after `t` in the current order.
  const upper = (t: SortTuple) => {
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(tupleOf(ordered[mid]!), t) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lower = (t: SortTuple) => {
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(tupleOf(ordered[mid]!), t) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let start = args.after ? upper(decodeCursor(args.after, "after")) : 0;
  let end = args.before ? lower(decodeCursor(args.before, "before")) : ordered.length;
  if (end < start) end = start;
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  return build(ordered.slice(start, end), end < ordered.length, start > 0);

  function build(window: T[], hasNextPage: boolean, hasPreviousPage: boolean): Connection {
    let nodes: unknown[] | undefined;
    let edges: Connection["edges"] | undefined;
    return {
      get nodes() {
        return (nodes ??= window.map(toNode));
      },
      get edges() {
        if (!edges) {
          const ns = (nodes ??= window.map(toNode));
          // Cursors are encoded only when a document asks for them.
          edges = window.map((item, i) => ({
            get cursor() {
              return encodeCursor(tupleOf(item));
            },
            node: ns[i],
          }));
        }
        return edges;
      },
      get pageInfo() {
        return {
          hasNextPage,
          hasPreviousPage,
          startCursor: window.length ? encodeCursor(tupleOf(window[0]!)) : null,
          endCursor: window.length ? encodeCursor(tupleOf(window[window.length - 1]!)) : null,
        };
      },
    };
  }
}

/** Small in-memory lists (line items, codes): position is the sort key. */
export function paginateList<T>(items: T[], args: ConnectionArgs, ctx: PagingContext, info: GraphQLResolveInfo, toNode: (item: T) => unknown): Connection {
  const indexed = items.map((item, i) => ({ item, i }));
  return paginate(indexed, args, ctx, info, (x) => [x.i, String(x.i)], (x) => toNode(x.item));
}
