// RFM scoring and Shopify's 11 named RFM groups.
//
// Shopify documents (CustomerRfmGroup enum, Admin API; "RFM customer analysis"
// help page): scores 1..5 per dimension relative to the shop (5 = top 20%),
// group chosen from R and FM = (F + M) / 2, PROSPECTS = no orders, and a
// one-line description per group. It does not publish the exact grid, so the
// cell boundaries in RFM_RULES are our decision, drawn to match each
// description; docs/analytics.md shows the grid.
import { AnalyticsInputError } from "./errors";
import { lowerBoundAt, prepareOrders, type PreparedOrders } from "./prepared-orders";
import { assertValidDate, MS_PER_DAY } from "./time";
import { nullMetric, ratio, type AnalyticsCustomer, type AnalyticsOrder, type Metric } from "./types";

export const RFM_GROUPS = [
  "CHAMPIONS",
  "LOYAL",
  "ACTIVE",
  "NEW",
  "PROMISING",
  "NEEDS_ATTENTION",
  "AT_RISK",
  "ALMOST_LOST",
  "PREVIOUSLY_LOYAL",
  "DORMANT",
  "PROSPECTS",
] as const;

export type RfmGroup = (typeof RFM_GROUPS)[number];
export type RfmScore = 1 | 2 | 3 | 4 | 5;

export interface RfmRule {
  group: Exclude<RfmGroup, "PROSPECTS">;
  /** Inclusive recency-score range. */
  recency: readonly [min: RfmScore, max: RfmScore];
  /** Inclusive range of FM = (F + M) / 2, which moves in steps of 0.5. */
  fm: readonly [min: number, max: number];
  /** Shopify's description of the group (CustomerRfmGroup enum). */
  description: string;
}

/**
 * The grid, R (rows) × FM (columns: low 1–2, mid 2.5–3.5, high 4–5):
 *
 *        low          mid              high
 *   R5   NEW          ACTIVE           CHAMPIONS
 *   R4   PROMISING    ACTIVE           LOYAL
 *   R3   ALMOST_LOST  NEEDS_ATTENTION  LOYAL
 *   R2   ALMOST_LOST  AT_RISK          PREVIOUSLY_LOYAL
 *   R1   DORMANT      AT_RISK          PREVIOUSLY_LOYAL
 *
 * Every (R, FM) cell matches exactly one rule; a test enforces it.
 */
export const RFM_RULES: readonly RfmRule[] = [
  { group: "CHAMPIONS", recency: [5, 5], fm: [4, 5], description: "Very recent purchases, many orders, and the most spend." },
  { group: "LOYAL", recency: [3, 4], fm: [4, 5], description: "Recent purchases, many orders, and the most spend." },
  { group: "ACTIVE", recency: [4, 5], fm: [2.5, 3.5], description: "Recent purchases, some orders, and moderate spend." },
  { group: "NEEDS_ATTENTION", recency: [3, 3], fm: [2.5, 3.5], description: "Recent purchases, some orders, and moderate spend." },
  { group: "NEW", recency: [5, 5], fm: [1, 2], description: "Very recent purchases, few orders, and low spend." },
  { group: "PROMISING", recency: [4, 4], fm: [1, 2], description: "Recent purchases, few orders, and low spend." },
  { group: "ALMOST_LOST", recency: [2, 3], fm: [1, 2], description: "Without recent purchases, fewer orders, and lower spend." },
  { group: "AT_RISK", recency: [1, 2], fm: [2.5, 3.5], description: "Without recent purchases, but with a strong history of orders and spend." },
  { group: "PREVIOUSLY_LOYAL", recency: [1, 2], fm: [4, 5], description: "Without recent purchases, but with a very strong history of orders and spend." },
  { group: "DORMANT", recency: [1, 1], fm: [1, 2], description: "Without recent orders, with infrequent orders, and with low spend." },
];

export const PROSPECTS_DESCRIPTION = "Customers with no orders yet.";

function assertScore(value: number, what: string): asserts value is RfmScore {
  if (!Number.isInteger(value) || value < 1 || value > 5) {
    throw new AnalyticsInputError("INVALID_AMOUNT", `${what} score must be an integer 1..5, got ${value}`);
  }
}

/** The group for scores (r, f, m), by the first matching rule of RFM_RULES. */
export function classifyRfm(r: number, f: number, m: number): Exclude<RfmGroup, "PROSPECTS"> {
  assertScore(r, "recency");
  assertScore(f, "frequency");
  assertScore(m, "monetary");
  const fm = (f + m) / 2;
  const rule = RFM_RULES.find(
    (x) => r >= x.recency[0] && r <= x.recency[1] && fm >= x.fm[0] && fm <= x.fm[1],
  );
  // Unreachable while RFM_RULES covers the grid; kept as a guard for edits to the table.
  if (!rule) throw new AnalyticsInputError("INVALID_AMOUNT", `no RFM rule covers R=${r}, FM=${fm}`);
  return rule.group;
}

/**
 * Quintile scores 1..5, higher = better. A value's score is
 * 1 + floor(5 × w / n), where w counts values strictly worse and n all values.
 * Ties therefore share one score (the lowest of the quintiles the tie spans),
 * independent of input order: with 60% one-order customers, all of them get F=1.
 */
export function scoreQuintiles(values: readonly number[], direction: "higher-is-better" | "lower-is-better"): RfmScore[] {
  const n = values.length;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new AnalyticsInputError("INVALID_AMOUNT", `cannot score non-finite value ${v}`);
  }
  // Typed-array sort: numeric, no comparator calls (values are finite, checked above).
  const sorted = Float64Array.from(values).sort();
  const countBelow = (v: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const countAbove = (v: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return n - lo;
  };
  return values.map((v) => {
    const worse = direction === "higher-is-better" ? countBelow(v) : countAbove(v);
    return (1 + Math.floor((5 * worse) / n)) as RfmScore;
  });
}

/** classifyRfm for every (r, f, m), indexed by (r−1)·25 + (f−1)·5 + (m−1): one lookup per customer instead of a rule search. */
const GROUP_BY_SCORES: readonly Exclude<RfmGroup, "PROSPECTS">[] = Array.from({ length: 125 }, (_, i) =>
  classifyRfm(Math.floor(i / 25) + 1, (Math.floor(i / 5) % 5) + 1, (i % 5) + 1),
);

export interface RfmScores {
  r: RfmScore;
  f: RfmScore;
  m: RfmScore;
  /** (f + m) / 2. */
  fm: number;
}

export interface RfmCustomer {
  customerId: string;
  group: RfmGroup;
  /** null for PROSPECTS. */
  scores: RfmScores | null;
  /** Whole days from the last order to `asOf`; null for PROSPECTS. */
  recencyDays: number | null;
  /** Non-test, non-cancelled orders before `asOf` (refunded ones still count). */
  frequency: number;
  /** Net spend (charged − refunded) in minor units. */
  monetaryMinor: number;
}

export interface RfmSnapshot {
  asOf: Date;
  /** Sorted by customerId. */
  customers: RfmCustomer[];
}

export interface RfmInput {
  /** Customer records; those created at or after `asOf` are not yet customers. */
  customers: readonly AnalyticsCustomer[];
  orders: readonly AnalyticsOrder[];
  /** Orders at or after this instant are ignored, so past snapshots can be rebuilt. */
  asOf: Date;
}

/** Scores every customer and assigns an RFM group; customers without orders are PROSPECTS. */
export function computeRfm(input: RfmInput): RfmSnapshot {
  const { orders, ...options } = input;
  return computeRfmPrepared(prepareOrders(orders), options);
}

/** computeRfm on orders already cleaned and grouped by prepareOrders (e.g. today's and a past snapshot). */
export function computeRfmPrepared(prepared: PreparedOrders, input: Omit<RfmInput, "orders">): RfmSnapshot {
  assertValidDate(input.asOf, "asOf");
  const asOf = input.asOf.getTime();
  const ids = new Set<string>();
  // Listed customers in input order, and buyers missing from the list.
  const listed: string[] = [];
  const unlisted: string[] = [];
  for (const customer of input.customers) {
    if (ids.has(customer.id)) {
      throw new AnalyticsInputError("DUPLICATE_CUSTOMER_ID", `customer ${customer.id} appears more than once`);
    }
    assertValidDate(customer.createdAt, `customer ${customer.id} createdAt`);
    if (customer.createdAt.getTime() < asOf) {
      ids.add(customer.id);
      listed.push(customer.id);
    }
  }
  // Buyers' rows are created once, in their final shape, and scored in place;
  // the three score inputs are collected as columns on the way.
  const buyers: RfmCustomer[] = [];
  const recencies: number[] = [];
  const frequencies: number[] = [];
  const monetaries: number[] = [];
  for (const [customerId, list] of prepared.byCustomer) {
    // Only orders before asOf count: a time-sorted prefix of the list.
    const n = lowerBoundAt(list, asOf);
    if (n === 0) continue;
    // A customer with orders exists even if the customer list lags behind.
    if (!ids.has(customerId)) {
      ids.add(customerId);
      unlisted.push(customerId);
    }
    let monetaryMinor = 0;
    for (let i = 0; i < n; i += 1) monetaryMinor += list[i].netMinor;
    const recencyDays = Math.floor((asOf - list[n - 1].at) / MS_PER_DAY);
    buyers.push({ customerId, recencyDays, frequency: n, monetaryMinor, group: "PROSPECTS", scores: null });
    recencies.push(recencyDays);
    frequencies.push(n);
    monetaries.push(monetaryMinor);
  }
  const r = scoreQuintiles(recencies, "lower-is-better");
  const f = scoreQuintiles(frequencies, "higher-is-better");
  const m = scoreQuintiles(monetaries, "higher-is-better");

  const scored = new Map<string, RfmCustomer>();
  buyers.forEach((b, i) => {
    // Scores from scoreQuintiles are whole numbers 1..5 by construction.
    b.group = GROUP_BY_SCORES[(r[i] - 1) * 25 + (f[i] - 1) * 5 + (m[i] - 1)];
    b.scores = { r: r[i], f: f[i], m: m[i], fm: (f[i] + m[i]) / 2 };
    scored.set(b.customerId, b);
  });

  const customers = sortedUnion(listed, unlisted).map(
    (customerId): RfmCustomer =>
      scored.get(customerId) ?? {
        customerId,
        group: "PROSPECTS",
        scores: null,
        recencyDays: null,
        frequency: 0,
        monetaryMinor: 0,
      },
  );
  return { asOf: new Date(asOf), customers };
}

/**
 * The ids of two disjoint lists in ascending order, as [...a, ...b].sort():
 * when `a` is already sorted (the loader reads customers in id order) only
 * the few in `b` are sorted and merged in, which saves a full sort of a large
 * shop's ids.
 */
function sortedUnion(a: string[], b: string[]): string[] {
  for (let i = 1; i < a.length; i++) if (!(a[i - 1] < a[i])) return [...a, ...b].sort();
  b.sort();
  if (b.length === 0) return a;
  const out: string[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] < b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

export interface RfmSegmentSummary {
  group: RfmGroup;
  customers: number;
  /** customers / all customers in the snapshot. */
  share: Metric;
  orders: number;
  /** Net lifetime spend of the segment's customers. */
  revenueMinor: number;
  /** Mean of the supplied per-customer CLV over members that have one. */
  averageClv: Metric;
  /** Members that had a CLV value. */
  customersWithClv: number;
  averageRecencyDays: Metric;
}

/**
 * Size, revenue and average CLV per group, in RFM_GROUPS order (empty groups
 * included so the UI shows all 11). `clvByCustomer` is in whatever unit the
 * caller uses (predicted CLV in minor units, typically).
 */
export function summarizeRfmSegments(
  snapshot: RfmSnapshot,
  clvByCustomer: ReadonlyMap<string, number> = new Map(),
): RfmSegmentSummary[] {
  for (const [id, clv] of clvByCustomer) {
    if (!Number.isFinite(clv)) throw new AnalyticsInputError("INVALID_CLV", `CLV for customer ${id} is ${clv}`);
  }
  const total = snapshot.customers.length;
  // One pass over the customers into per-group accumulators (members are
  // visited in snapshot order, so sums come out as a per-group filter would).
  const acc = new Map<RfmGroup, { customers: number; orders: number; revenue: number; clvSum: number; withClv: number; recencySum: number; withRecency: number }>(
    RFM_GROUPS.map((g) => [g, { customers: 0, orders: 0, revenue: 0, clvSum: 0, withClv: 0, recencySum: 0, withRecency: 0 }]),
  );
  for (const c of snapshot.customers) {
    const a = acc.get(c.group);
    if (!a) continue;
    a.customers += 1;
    a.orders += c.frequency;
    a.revenue += c.monetaryMinor;
    const clv = clvByCustomer.get(c.customerId);
    if (clv !== undefined) {
      a.clvSum += clv;
      a.withClv += 1;
    }
    if (c.recencyDays !== null) {
      a.recencySum += c.recencyDays;
      a.withRecency += 1;
    }
  }
  return RFM_GROUPS.map((group) => {
    const a = acc.get(group)!;
    return {
      group,
      customers: a.customers,
      share: ratio(a.customers, total, "NO_CUSTOMERS"),
      orders: a.orders,
      revenueMinor: a.revenue,
      averageClv: a.customers === 0 ? nullMetric("EMPTY_SEGMENT") : ratio(a.clvSum, a.withClv, "NO_CLV_VALUES"),
      customersWithClv: a.withClv,
      averageRecencyDays: a.customers === 0 ? nullMetric("EMPTY_SEGMENT") : ratio(a.recencySum, a.withRecency, "NO_ORDERS"),
    };
  });
}

/** "NONE" = the customer is absent from that snapshot (not yet a customer, or deleted). */
export type RfmGroupOrNone = RfmGroup | "NONE";
export const RFM_GROUPS_OR_NONE: readonly RfmGroupOrNone[] = [...RFM_GROUPS, "NONE"];

export interface RfmMovement {
  /** matrix[from][to] = customers that were in `from` and are now in `to`. */
  matrix: Record<RfmGroupOrNone, Record<RfmGroupOrNone, number>>;
  unchanged: number;
  moved: number;
  /** In the current snapshot only. */
  entered: number;
  /** In the previous snapshot only. */
  left: number;
}

function emptyMovementMatrix(): RfmMovement["matrix"] {
  return Object.fromEntries(
    RFM_GROUPS_OR_NONE.map((from) => [from, Object.fromEntries(RFM_GROUPS_OR_NONE.map((to) => [to, 0]))]),
  ) as RfmMovement["matrix"];
}

function isSortedById(customers: readonly RfmCustomer[]): boolean {
  for (let i = 1; i < customers.length; i += 1) if (!(customers[i - 1].customerId < customers[i].customerId)) return false;
  return true;
}

/**
 * Both snapshots are sorted by id (computeRfm's contract): a merge walk counts
 * the transitions without building two id maps and their union. Falls back to
 * maps for snapshots built by hand out of order.
 */
function compareSortedSnapshots(previous: RfmSnapshot, current: RfmSnapshot): RfmMovement {
  const a = previous.customers;
  const b = current.customers;
  if (!isSortedById(a) || !isSortedById(b)) {
    return compareRfmSnapshots(toGroupMap(previous) as Map<string, RfmGroup>, toGroupMap(current) as Map<string, RfmGroup>);
  }
  const matrix = emptyMovementMatrix();
  let unchanged = 0;
  let moved = 0;
  let entered = 0;
  let left = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].customerId < b[j].customerId)) {
      matrix[a[i].group].NONE += 1;
      left += 1;
      i += 1;
    } else if (i >= a.length || b[j].customerId < a[i].customerId) {
      matrix.NONE[b[j].group] += 1;
      entered += 1;
      j += 1;
    } else {
      const from = a[i].group;
      const to = b[j].group;
      matrix[from][to] += 1;
      if (from === to) unchanged += 1;
      else moved += 1;
      i += 1;
      j += 1;
    }
  }
  return { matrix, unchanged, moved, entered, left };
}

type GroupAssignments = RfmSnapshot | ReadonlyMap<string, RfmGroup>;

function toGroupMap(assignments: GroupAssignments): ReadonlyMap<string, RfmGroup> {
  if (assignments instanceof Map) return assignments;
  return new Map((assignments as RfmSnapshot).customers.map((c) => [c.customerId, c.group]));
}

/** Transition counts between two snapshots (or stored customerId → group maps). */
export function compareRfmSnapshots(previous: GroupAssignments, current: GroupAssignments): RfmMovement {
  if (!(previous instanceof Map) && !(current instanceof Map)) {
    return compareSortedSnapshots(previous as RfmSnapshot, current as RfmSnapshot);
  }
  const before = toGroupMap(previous);
  const after = toGroupMap(current);
  const matrix = Object.fromEntries(
    RFM_GROUPS_OR_NONE.map((from) => [from, Object.fromEntries(RFM_GROUPS_OR_NONE.map((to) => [to, 0]))]),
  ) as Record<RfmGroupOrNone, Record<RfmGroupOrNone, number>>;
  let unchanged = 0;
  let moved = 0;
  let entered = 0;
  let left = 0;
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const from: RfmGroupOrNone = before.get(id) ?? "NONE";
    const to: RfmGroupOrNone = after.get(id) ?? "NONE";
    matrix[from][to] += 1;
    if (from === "NONE") entered += 1;
    else if (to === "NONE") left += 1;
    else if (from === to) unchanged += 1;
    else moved += 1;
  }
  return { matrix, unchanged, moved, entered, left };
}
