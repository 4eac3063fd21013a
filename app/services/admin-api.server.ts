// Throttle-aware Admin GraphQL for background jobs (backfill, reconciliation,
// loyalty, campaigns, segment sync). Small on purpose:
//
//   const data = await adminGraphql<{ shop: { name: string } }>(shop, SHOP_DETAILS, {});
//   assertNoUserErrors(data.discountCodeBasicCreate, "discountCodeBasicCreate");
//
// - Keeps a per-shop model of Shopify's leaky bucket from `extensions.cost.
//   throttleStatus` and waits before a call whose expected cost (the last
//   requestedQueryCost seen for that document, else 50) exceeds what is
//   available, instead of being throttled.
// - THROTTLED responses were not executed by Shopify, so they are retried
//   (up to `maxRetries`) after waiting for the bucket to refill; that never
//   duplicates work. Network failures are retried only for queries, never for
//   mutations (a mutation may have run).
// - GraphQL errors raise AdminApiError; `assertNoUserErrors` turns a payload's
//   userErrors into AdminUserError.
import { log } from "~/lib/log.server";

export type AdminApiErrorReason = "graphql" | "http" | "throttled" | "network" | "aborted";

export class AdminApiError extends Error {
  readonly reason: AdminApiErrorReason;
  readonly shop: string;
  readonly operation: string;
  readonly errors: unknown[];
  constructor(reason: AdminApiErrorReason, shop: string, operation: string, message: string, errors: unknown[] = []) {
    super(`${operation} on ${shop}: ${message}`);
    this.name = "AdminApiError";
    this.reason = reason;
    this.shop = shop;
    this.operation = operation;
    this.errors = errors;
  }
}

export interface UserErrorEntry {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export class AdminUserError extends Error {
  readonly userErrors: UserErrorEntry[];
  readonly operation: string;
  constructor(operation: string, userErrors: UserErrorEntry[]) {
    super(`${operation}: ${userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ` : "") + e.message).join("; ")}`);
    this.name = "AdminUserError";
    this.operation = operation;
    this.userErrors = userErrors;
  }
}

/** Throws AdminUserError when a mutation payload reports userErrors. */
export function assertNoUserErrors(payload: unknown, operation: string): void {
  const list = payload && typeof payload === "object" ? (payload as { userErrors?: unknown }).userErrors : undefined;
  if (Array.isArray(list) && list.length > 0) throw new AdminUserError(operation, list as UserErrorEntry[]);
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface GraphqlResponse {
  data?: unknown;
  errors?: unknown;
  extensions?: { cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus } };
}

export type AdminTransport = (shop: string, document: string, variables: Record<string, unknown>, signal?: AbortSignal) => Promise<GraphqlResponse>;

export interface AdminGraphqlOptions {
  signal?: AbortSignal;
  /** Retries of THROTTLED responses (and network failures of queries). Default 6. */
  maxRetries?: number;
}

interface BucketState extends ThrottleStatus {
  observedAtMs: number;
}

const DEFAULT_COST = 50;

export interface AdminClientDeps {
  transport: AdminTransport;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  clock?: () => number;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function operationName(document: string): string {
  const m = /\b(query|mutation)\s+([A-Za-z0-9_]+)/.exec(document);
  return m ? m[2] : "anonymous operation";
}

function isMutation(document: string): boolean {
  return /^\s*(#graphql\s*)?mutation\b/.test(document.replace(/^\s*#[^\n]*\n/gm, ""));
}

/** Top-level GraphQL errors as a list, whether the client returned an array or `{ graphQLErrors }`. */
function errorList(errors: unknown): Array<{ message?: string; extensions?: { code?: string } }> {
  if (!errors) return [];
  if (Array.isArray(errors)) return errors;
  const nested = (errors as { graphQLErrors?: unknown }).graphQLErrors;
  if (Array.isArray(nested) && nested.length > 0) return nested;
  const message = (errors as { message?: string }).message;
  return message ? [{ message }] : [];
}

export function createAdminGraphql(deps: AdminClientDeps) {
  const sleep = deps.sleep ?? abortableSleep;
  const clock = deps.clock ?? (() => Date.now());
  const buckets = new Map<string, BucketState>();
  const costs = new Map<string, number>();

  function availableNow(state: BucketState): number {
    const elapsed = (clock() - state.observedAtMs) / 1000;
    return Math.min(state.maximumAvailable, state.currentlyAvailable + elapsed * state.restoreRate);
  }

  function waitMsFor(shop: string, cost: number): number {
    const state = buckets.get(shop);
    if (!state || state.restoreRate <= 0) return 0;
    const needed = Math.min(cost, state.maximumAvailable);
    const available = availableNow(state);
    return needed <= available ? 0 : Math.ceil(((needed - available) / state.restoreRate) * 1000);
  }

  function observe(shop: string, response: GraphqlResponse): void {
    const status = response.extensions?.cost?.throttleStatus;
    if (status && Number.isFinite(status.currentlyAvailable) && Number.isFinite(status.restoreRate)) {
      buckets.set(shop, { ...status, observedAtMs: clock() });
    }
  }

  /** Runs `document` for `shop` and returns `data`; see the module comment for the rules. */
  async function adminGraphql<T = Record<string, unknown>>(
    shop: string,
    document: string,
    variables: Record<string, unknown> = {},
    options: AdminGraphqlOptions = {},
  ): Promise<T> {
    const op = operationName(document);
    const maxRetries = options.maxRetries ?? 6;
    const mutation = isMutation(document);
    for (let attempt = 0; ; attempt++) {
      if (options.signal?.aborted) throw new AdminApiError("aborted", shop, op, "aborted by caller");
      const expected = costs.get(document) ?? DEFAULT_COST;
      const wait = waitMsFor(shop, expected);
      if (wait > 0) await sleep(wait, options.signal);

      let response: GraphqlResponse;
      try {
        response = await deps.transport(shop, document, variables, options.signal);
      } catch (err) {
        if (options.signal?.aborted) throw new AdminApiError("aborted", shop, op, "aborted by caller");
        if (err instanceof AdminApiError) throw err;
        if (!mutation && attempt < maxRetries) {
          await sleep(Math.min(30_000, 500 * 2 ** attempt), options.signal);
          continue;
        }
        throw new AdminApiError("network", shop, op, (err as Error)?.message ?? String(err));
      }
      observe(shop, response);
      const requested = response.extensions?.cost?.requestedQueryCost;
      if (typeof requested === "number" && requested > 0) costs.set(document, requested);

      const errors = errorList(response.errors);
      const throttled = errors.some((e) => e.extensions?.code === "THROTTLED");
      if (throttled) {
        if (attempt >= maxRetries) throw new AdminApiError("throttled", shop, op, `still throttled after ${attempt} retries`, errors);
        const refill = waitMsFor(shop, typeof requested === "number" ? requested : expected);
        const backoff = Math.max(refill, Math.min(30_000, 250 * 2 ** attempt));
        log.info("admin-api.throttled", { shop, op, attempt, waitMs: backoff });
        await sleep(backoff, options.signal);
        continue;
      }
      if (errors.length > 0) {
        throw new AdminApiError("graphql", shop, op, errors.map((e) => e.message ?? "error").join("; "), errors);
      }
      if (response.data === undefined || response.data === null) {
        throw new AdminApiError("graphql", shop, op, "response has no data");
      }
      return response.data as T;
    }
  }

  return { adminGraphql, bucketFor: (shop: string) => buckets.get(shop) };
}

/** The app's transport: the offline session of `shop` via shopify-app-remix. */
export const shopifyTransport: AdminTransport = async (shop, document, variables, signal) => {
  // Imported lazily so pure callers and unit tests never build the Shopify app.
  const { unauthenticated } = await import("~/shopify.server");
  let admin: { graphql: (q: string, o: { variables: Record<string, unknown>; signal?: AbortSignal }) => Promise<Response> };
  try {
    ({ admin } = await unauthenticated.admin(shop));
  } catch (err) {
    throw new AdminApiError("http", shop, operationName(document), `no offline session: ${(err as Error)?.message ?? String(err)}`);
  }
  try {
    const res = await admin.graphql(document, { variables, signal });
    return (await res.json()) as GraphqlResponse;
  } catch (err) {
    // The library throws on GraphQL errors (including THROTTLED) with the full body attached.
    const body = (err as { body?: unknown })?.body;
    if (body && typeof body === "object") return body as GraphqlResponse;
    if ((err as { name?: string })?.name === "HttpThrottlingError") {
      return { errors: [{ message: "HTTP 429", extensions: { code: "THROTTLED" } }] };
    }
    if (err instanceof Response) throw new AdminApiError("http", shop, operationName(document), `HTTP ${err.status}`);
    throw err;
  }
};

const defaultClient = createAdminGraphql({ transport: shopifyTransport });

/** Admin GraphQL for background jobs, with throttle handling (module comment). */
export const adminGraphql = defaultClient.adminGraphql;
