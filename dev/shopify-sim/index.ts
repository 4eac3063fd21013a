// Shopify Admin API simulator: startSimulator() runs a node:http server that
// speaks Admin GraphQL 2026-07, token exchange, bulk operations and signed
// webhooks over an in-memory store, plus a JSON control API under /_sim/.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GraphQLSchema } from "graphql";
import { BulkRunner, type BulkFault } from "./bulk";
import type { SimServices } from "./context";
import type { ThrottleConfig, ThrottleStatus } from "./cost";
import { NotFoundError, SimInputError, UnknownShopError } from "./errors";
import { fieldResolver, GraphQLEndpoint, type FaultSpec, type RequestLogEntry } from "./graphql-endpoint";
import { HttpError, readBody, readJson, readParams, sendJson } from "./http-util";
import { InvalidShopDomainError, mintSessionToken, normalizeShopDomain } from "./jwt";
import { restId } from "./gid";
import { exchangeToken } from "./oauth";
import { ADMIN_API_VERSION, loadAdminSchema } from "./schema";
import { SimStore, type BulkOperationRecord, type DiscountRecord, type MetafieldRecord, type RestPayload, type SegmentRecord, type ShopInput, type ShopRecord, type StoredOrder } from "./store";
import { WebhookSender, type WebhookDelivery } from "./webhooks";

export { loadAdminSchema, printAdminSchemaSdl, readAdminIntrospection, ADMIN_API_VERSION } from "./schema";
export { mintSessionToken, normalizeShopDomain } from "./jwt";
export { webhookHmac } from "./webhooks";
export type { FaultSpec, RequestLogEntry } from "./graphql-endpoint";
export type { WebhookDelivery } from "./webhooks";
export type { BulkFault } from "./bulk";
export { SimInputError, UnknownShopError, NotFoundError } from "./errors";

export interface SimulatorOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  host?: string;
  apiKey: string;
  apiSecret: string;
  /** Where bulk JSONL files go (a private subdirectory is created); default os.tmpdir(). */
  dataDir?: string;
  throttle?: Partial<ThrottleConfig>;
  /** App URL used for webhooks when token exchange installs the app on a shop. */
  appUrl?: string;
  /** Scopes granted on install (default: customers, orders incl. read_all_orders, discounts). */
  scopes?: string[];
  /** Create unknown shops on token exchange (default true). */
  autoCreateShops?: boolean;
  onlineTokenTtlSeconds?: number;
  /** Lifetime of expiring offline tokens (token exchange with `expiring=1`); default 3600. */
  expiringOfflineTtlSeconds?: number;
  /** Wall clock in ms; inject for deterministic tests. */
  clock?: () => number;
  /** Numeric stand-in for the app id (used by `$app` metafield namespaces). */
  appId?: string;
  /**
   * Deliver the webhooks Shopify sends for the app's own mutations
   * (tagsAdd/tagsRemove → customers/update or orders/updated). Default true.
   */
  mutationWebhooks?: boolean;
  /** Webhook path for a topic, appended to appUrl (default `/webhooks/<topic>`). */
  webhookPath?: (topic: string) => string;
}

export interface TokenRequestLogEntry {
  at: string;
  shop: string | null;
  grantType: string | null;
  requestedTokenType: string | null;
  status: number;
  error: string | null;
}

export interface UpsertOptions {
  /** Also POST the matching signed webhook (orders/create, customers/update, ...) to the app. */
  webhook?: boolean;
}

export interface Simulator {
  url: string;
  port: number;
  apiVersion: string;
  schema: GraphQLSchema;
  store: SimStore;
  /** Every Admin GraphQL request, in order (live array). */
  requests: RequestLogEntry[];
  webhookDeliveries: WebhookDelivery[];
  /** Every POST /admin/oauth/access_token: outcome without secrets. */
  tokenRequests: TokenRequestLogEntry[];
  close(): Promise<void>;
  createShop(input: ShopInput): ShopRecord;
  installApp(shop: string, opts?: { appUrl?: string; scopes?: string[] | string }): { accessToken: string; scope: string };
  uninstallApp(shop: string, opts?: UpsertOptions): Promise<void>;
  upsertCustomers(shop: string, payloads: RestPayload | RestPayload[], opts?: UpsertOptions): Promise<number>;
  deleteCustomer(shop: string, id: string | number, opts?: UpsertOptions): Promise<boolean>;
  upsertOrders(shop: string, payloads: RestPayload | RestPayload[], opts?: UpsertOptions): Promise<number>;
  upsertRefund(shop: string, payload: RestPayload, opts?: UpsertOptions): Promise<StoredOrder>;
  listDiscounts(shop: string): DiscountRecord[];
  listMetafields(shop: string, ownerId?: string): MetafieldRecord[];
  customerTags(shop: string, id: string | number): string[];
  listSegments(shop: string): SegmentRecord[];
  listBulkOperations(shop: string): BulkOperationRecord[];
  failNext(spec: FaultSpec): void;
  clearFaults(): void;
  failNextBulk(fault: BulkFault): void;
  setBulkDelay(ms: number): void;
  setThrottle(shop: string, state: Partial<ThrottleStatus>): ThrottleStatus;
  throttleStatus(shop: string): ThrottleStatus;
  clearRequests(): void;
  /** Expires every access token of the shop now; returns how many. */
  expireTokens(shop: string): number;
  reset(): void;
  mintSessionToken(opts: { shop: string; userId?: string | number; ttlSeconds?: number }): string;
  sendWebhook(shop: string, topic: string, payload: unknown): Promise<WebhookDelivery | undefined>;
  /** Lose the next `count` webhook deliveries (of `topic`, or any). */
  dropNextWebhooks(spec: { topic?: string; count?: number }): void;
  /** Deliver a recorded webhook again, same body and X-Shopify-Webhook-Id (as Shopify retries). */
  redeliverWebhook(deliveryId: string): Promise<WebhookDelivery>;
  /** POSTs a GraphQL document as the app would (offline token of the shop). */
  graphql(shop: string, query: string, variables?: Record<string, unknown>, opts?: { token?: string; apiVersion?: string }): Promise<{ status: number; body: any }>;
  /** Waits for running bulk operations and webhook deliveries. */
  settle(): Promise<void>;
}

const INVALID_TOKEN_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };
const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*", "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS" };

function appIdFor(apiKey: string): string {
  return String(Number.parseInt(createHash("sha256").update(apiKey).digest("hex").slice(0, 10), 16) % 1_000_000_000_000);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  if (!options.apiKey || !options.apiSecret) throw new SimInputError("missing_credentials", "startSimulator needs apiKey and apiSecret");
  const clock = options.clock ?? (() => Date.now());
  const schema = loadAdminSchema();
  const store = new SimStore(clock, options.scopes);
  const appId = options.appId ?? appIdFor(options.apiKey);
  const dataDir = await mkdtemp(join(options.dataDir ?? tmpdir(), "shopify-sim-"));
  const webhooks = new WebhookSender(store, options.apiSecret, ADMIN_API_VERSION, options.webhookPath);
  let baseUrl = "";

  const services: SimServices = {
    startBulkQuery: (shop, query) => bulk.start(shop, query),
    cancelBulk: (shop, id) => bulk.cancel(shop, id),
    mutationWebhook: (shop, topic, payload) => {
      if (options.mutationWebhooks === false) return;
      // Snapshot now: later mutations must not change what this delivery carries.
      void webhooks.send(shop, topic, structuredClone(payload));
    },
  };
  const bulk = new BulkRunner({
    schema,
    store,
    apiKey: options.apiKey,
    appId,
    dataDir,
    baseUrl: () => baseUrl,
    webhooks,
    fieldResolver,
    services: () => services,
  });
  const endpoint = new GraphQLEndpoint({
    schema,
    store,
    apiKey: options.apiKey,
    appId,
    services,
    throttle: { maximumAvailable: options.throttle?.maximumAvailable ?? 2000, restoreRate: options.throttle?.restoreRate ?? 100 },
  });

  const asArray = (p: RestPayload | RestPayload[]) => (Array.isArray(p) ? p : [p]);

  const sim: Simulator = {
    url: "",
    port: 0,
    apiVersion: ADMIN_API_VERSION,
    schema,
    store,
    requests: endpoint.requests,
    webhookDeliveries: webhooks.deliveries,
    tokenRequests: [],
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets from fetch() would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
      await bulk.settle();
      await webhooks.settle();
      await rm(dataDir, { recursive: true, force: true });
    },
    createShop: (input) => store.createShop(input),
    installApp: (shop, opts = {}) => store.installApp(shop, { appUrl: opts.appUrl ?? options.appUrl, scopes: opts.scopes }),
    async uninstallApp(shop, opts = {}) {
      const s = store.shop(shop);
      if (opts.webhook) await webhooks.send(s, "app/uninstalled", { id: Number(s.shop.id), name: s.shop.name, email: s.shop.email, domain: null, myshopify_domain: s.shop.domain, currency: s.shop.currencyCode, iana_timezone: s.shop.ianaTimezone });
      store.uninstallApp(shop);
    },
    async upsertCustomers(shop, payloads, opts = {}) {
      const s = store.shop(shop);
      const list = asArray(payloads);
      for (const p of list) {
        const existed = p.id != null && s.customers.has(String(restId(p) ?? p.id));
        const c = store.upsertCustomer(shop, p);
        if (opts.webhook) await webhooks.send(s, existed ? "customers/update" : "customers/create", c.rest);
      }
      return list.length;
    },
    async deleteCustomer(shop, id, opts = {}) {
      const s = store.shop(shop);
      const key = String(id).replace(/^gid:\/\/shopify\/Customer\//, "");
      const ok = store.deleteCustomer(shop, key);
      if (ok && opts.webhook) await webhooks.send(s, "customers/delete", { id: Number(key), tax_exemptions: [], admin_graphql_api_id: `gid://shopify/Customer/${key}` });
      return ok;
    },
    async upsertOrders(shop, payloads, opts = {}) {
      const s = store.shop(shop);
      const list = asArray(payloads);
      for (const p of list) {
        const before = p.id != null ? s.orders.get(String(restId(p) ?? p.id))?.rest : undefined;
        const o = store.upsertOrder(shop, p);
        if (!opts.webhook) continue;
        // One merchant action can fan out to several topics sharing an event id.
        const topics = [before ? "orders/updated" : "orders/create"];
        if (o.rest.financial_status === "paid" && before?.financial_status !== "paid") topics.push("orders/paid");
        if (o.rest.cancelled_at && !before?.cancelled_at) topics.push("orders/cancelled");
        const eventId = randomUUID();
        for (const topic of topics) await webhooks.send(s, topic, o.rest, { eventId });
      }
      return list.length;
    },
    async upsertRefund(shop, payload, opts = {}) {
      const s = store.shop(shop);
      const order = store.upsertRefund(shop, payload);
      if (opts.webhook) {
        const refund = (order.rest.refunds as RestPayload[]).find((r) => String(r.id) === String(payload.id)) ?? order.rest.refunds.at(-1);
        await webhooks.send(s, "refunds/create", refund);
      }
      return order;
    },
    listDiscounts: (shop) => store.listDiscounts(shop),
    listMetafields: (shop, ownerId) => store.listMetafields(shop, ownerId),
    customerTags: (shop, id) => store.customerTags(shop, id),
    listSegments: (shop) => store.listSegments(shop),
    listBulkOperations: (shop) => store.listBulkOperations(shop),
    failNext: (spec) => endpoint.failNext(spec),
    clearFaults: () => endpoint.clearFaults(),
    failNextBulk: (fault) => bulk.failNext(fault),
    setBulkDelay: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new SimInputError("invalid_delay", "bulk delay must be a non-negative number of ms");
      bulk.delayMs = ms;
    },
    setThrottle: (shop, state) => endpoint.setThrottle(store.shop(shop).shop.domain, state),
    throttleStatus: (shop) => endpoint.setThrottle(store.shop(shop).shop.domain, {}),
    clearRequests: () => endpoint.clearLog(),
    expireTokens: (shop) => store.expireTokens(shop),
    reset: () => {
      store.reset();
      endpoint.resetState();
      bulk.reset();
      webhooks.reset();
      sim.tokenRequests.length = 0;
    },
    mintSessionToken: (o) => mintSessionToken({ ...o, apiKey: options.apiKey, apiSecret: options.apiSecret, nowSeconds: Math.floor(clock() / 1000) }),
    sendWebhook: (shop, topic, payload) => webhooks.send(store.shop(shop), topic, payload),
    dropNextWebhooks: (spec) => webhooks.dropNext(spec),
    redeliverWebhook: (deliveryId) => {
      const p = webhooks.redeliver(deliveryId);
      if (!p) throw new NotFoundError(`Webhook delivery ${deliveryId}`);
      return p;
    },
    async graphql(shop, query, variables, opts = {}) {
      const s = store.shop(shop);
      const token = opts.token ?? s.installation?.offlineToken ?? "";
      const res = await fetch(`${sim.url}/admin/api/${opts.apiVersion ?? ADMIN_API_VERSION}/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token, "x-sim-shop-domain": s.shop.domain },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: await res.json() };
    },
    settle: async () => {
      await bulk.settle();
      await webhooks.settle();
    },
  };

  const control = createControlApi(sim, endpoint, bulk, webhooks, options);

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      if (e instanceof HttpError) return sendJson(res, e.status, e.body);
      if (e instanceof UnknownShopError || e instanceof NotFoundError) return sendJson(res, 404, { error: e.reason, message: e.message });
      if (e instanceof SimInputError) return sendJson(res, 400, { error: e.reason, message: e.message });
      if (e instanceof InvalidShopDomainError) return sendJson(res, 400, { error: "invalid_shop", message: e.message });
      console.error("[shopify-sim] internal error:", e);
      sendJson(res, 500, { errors: "Internal Server Error" });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sim.local");
    const path = url.pathname;
    const gql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    if (gql) {
      if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
      if (gql[1] !== ADMIN_API_VERSION) return sendJson(res, 404, { errors: "Not Found" });
      const token = header(req, "x-shopify-access-token");
      const tokenRec = store.resolveToken(token);
      const host = header(req, "host")?.replace(/:\d+$/, "");
      const shopHint = header(req, "x-sim-shop-domain") ?? (host?.endsWith(".myshopify.com") ? host : undefined) ?? tokenRec?.shop;
      const shop = shopHint ? store.findShop(shopHint) : undefined;
      if (!shop) {
        if (!shopHint) return sendJson(res, 401, INVALID_TOKEN_BODY);
        return sendJson(res, 404, { errors: "Not Found" });
      }
      if (!tokenRec || tokenRec.shop !== shop.shop.domain) return sendJson(res, 401, INVALID_TOKEN_BODY);
      const contentType = String(header(req, "content-type") ?? "");
      let body: unknown;
      if (contentType.includes("application/graphql")) body = { query: (await readBody(req, 10 << 20)).toString("utf8") };
      else body = await readJson(req, 10 << 20);
      const out = await endpoint.handle(shop, gql[1]!, body);
      if (out.drop) {
        req.socket.destroy();
        return;
      }
      return sendJson(res, out.status, out.body, { "X-Shopify-API-Version": ADMIN_API_VERSION, ...out.headers });
    }
    if (path === "/admin/oauth/access_token") {
      if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
      const params = await readParams(req);
      const out = exchangeToken(
        {
          store,
          apiKey: options.apiKey,
          apiSecret: options.apiSecret,
          autoCreateShops: options.autoCreateShops ?? true,
          defaultAppUrl: options.appUrl,
          onlineTokenTtlSeconds: options.onlineTokenTtlSeconds ?? 86_399,
          expiringOfflineTtlSeconds: options.expiringOfflineTtlSeconds ?? 3600,
          refreshTokenTtlSeconds: 90 * 86_400,
        },
        params,
        header(req, "x-sim-shop-domain"),
      );
      sim.tokenRequests.push({
        at: store.nowIso(),
        shop: header(req, "x-sim-shop-domain") ?? null,
        grantType: typeof params.grant_type === "string" ? params.grant_type : null,
        requestedTokenType: typeof params.requested_token_type === "string" ? params.requested_token_type : null,
        status: out.status,
        error: typeof out.body.error === "string" ? `${out.body.error}: ${String(out.body.error_description)}` : null,
      });
      if (sim.tokenRequests.length > 5000) sim.tokenRequests.splice(0, sim.tokenRequests.length - 5000);
      return sendJson(res, out.status, out.body);
    }
    if (path.startsWith("/_sim/")) {
      if (req.method === "OPTIONS") {
        res.writeHead(204, CORS);
        return void res.end();
      }
      const bulkFile = /^\/_sim\/bulk\/([\w.-]+\.jsonl)$/.exec(path);
      if (bulkFile && req.method === "GET") {
        const file = bulk.filePath(bulkFile[1]!);
        const st = await stat(file).catch(() => undefined);
        if (!st) return sendJson(res, 404, { errors: "Not Found" });
        res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": st.size });
        createReadStream(file).pipe(res);
        return;
      }
      return control(req, res, url);
    }
    return sendJson(res, 404, { errors: "Not Found" });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${hostForUrl}:${addr.port}`;
  sim.url = baseUrl;
  sim.port = addr.port;
  return sim;
}

function createControlApi(sim: Simulator, endpoint: GraphQLEndpoint, bulk: BulkRunner, webhooks: WebhookSender, options: SimulatorOptions) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? "GET";
    const parts = url.pathname.split("/").filter(Boolean).slice(1).map(decodeURIComponent); // drop "_sim"
    const ok = (body: unknown, status = 200) => sendJson(res, status, body, CORS);
    const body = async () => readJson(req, 512 << 20);
    const webhook = url.searchParams.get("webhook") === "1" || url.searchParams.get("webhook") === "true";
    const [a, shop, b, id, c] = parts;

    if (a === "health") return ok({ ok: true, apiVersion: ADMIN_API_VERSION, url: sim.url });
    if (a === "session-token" && method === "GET") {
      const s = url.searchParams.get("shop");
      if (!s) throw new SimInputError("missing_shop", "shop query parameter is required");
      const ttl = url.searchParams.get("ttlSeconds");
      const token = sim.mintSessionToken({ shop: normalizeShopDomain(s), userId: url.searchParams.get("userId") ?? undefined, ttlSeconds: ttl ? Number(ttl) : undefined });
      return ok({ token });
    }
    if (a === "reset" && method === "POST") {
      sim.reset();
      return ok({ ok: true });
    }
    if (a === "requests") {
      if (method === "DELETE") {
        sim.clearRequests();
        return ok({ ok: true });
      }
      const since = Number(url.searchParams.get("since") ?? 0);
      return ok({ requests: endpoint.requests.filter((r) => r.seq > since) });
    }
    if (a === "webhooks" && method === "GET" && !shop) return ok({ deliveries: webhooks.deliveries });
    if (a === "webhooks" && method === "POST" && shop === "drop") {
      sim.dropNextWebhooks((await body()) as { topic?: string; count?: number });
      return ok({ ok: true });
    }
    if (a === "webhooks" && method === "POST" && shop && b === "redeliver") return ok({ delivery: await sim.redeliverWebhook(shop) });
    if (a === "token-requests" && method === "GET") return ok({ tokenRequests: sim.tokenRequests });
    if (a === "faults") {
      if (method === "DELETE") {
        sim.clearFaults();
        return ok({ ok: true });
      }
      if (method === "POST") {
        const spec = (await body()) as FaultSpec;
        try {
          sim.failNext(spec);
        } catch (e) {
          throw new SimInputError("invalid_fault", (e as Error).message);
        }
        return ok({ ok: true });
      }
    }
    if (a === "bulk-faults" && method === "POST") {
      try {
        sim.failNextBulk((await body()) as BulkFault);
      } catch (e) {
        throw new SimInputError("invalid_fault", (e as Error).message);
      }
      return ok({ ok: true });
    }
    if (a === "bulk-delay" && method === "PUT") {
      sim.setBulkDelay(Number(((await body()) as { ms?: unknown }).ms));
      return ok({ ok: true, ms: bulk.delayMs });
    }
    if (a === "shops" && !shop) {
      if (method === "POST") return ok({ shop: sim.createShop((await body()) as ShopInput) }, 201);
      if (method === "GET") return ok({ shops: [...sim.store.shops.values()].map((s) => ({ ...s.shop, installed: Boolean(s.installation) })) });
    }
    if (a === "shops" && shop) {
      const s = sim.store.shop(shop);
      if (!b && method === "GET") {
        return ok({ shop: s.shop, installation: s.installation ?? null, counts: { customers: s.customers.size, orders: s.orders.size, discounts: s.discounts.size, segments: s.segments.size } });
      }
      switch (b) {
        case "install":
          if (method === "POST") {
            const p = (await body()) as { appUrl?: string; scopes?: string[] | string };
            return ok(sim.installApp(shop, { appUrl: p.appUrl ?? options.appUrl, scopes: p.scopes }));
          }
          if (method === "DELETE") {
            await sim.uninstallApp(shop, { webhook });
            return ok({ ok: true });
          }
          break;
        case "customers":
          if (method === "POST" && !id) return ok({ upserted: await sim.upsertCustomers(shop, (await body()) as RestPayload[], { webhook }) });
          if (method === "DELETE" && id) return ok({ deleted: await sim.deleteCustomer(shop, id, { webhook }) });
          if (method === "GET" && id && c === "tags") return ok({ tags: sim.customerTags(shop, id) });
          if (method === "GET" && id) {
            const cu = s.customers.get(id);
            if (!cu) throw new NotFoundError(`Customer ${id}`);
            return ok({ customer: cu.rest });
          }
          break;
        case "orders":
          if (method === "POST" && !id) return ok({ upserted: await sim.upsertOrders(shop, (await body()) as RestPayload[], { webhook }) });
          if (method === "GET" && id) {
            const o = s.orders.get(id);
            if (!o) throw new NotFoundError(`Order ${id}`);
            return ok({ order: o.rest });
          }
          break;
        case "refunds":
          if (method === "POST") {
            const order = await sim.upsertRefund(shop, (await body()) as RestPayload, { webhook });
            return ok({ orderId: order.id, financialStatus: order.rest.financial_status });
          }
          break;
        case "discounts":
          if (method === "GET") return ok({ discounts: sim.listDiscounts(shop) });
          break;
        case "metafields":
          if (method === "GET") return ok({ metafields: sim.listMetafields(shop, url.searchParams.get("ownerId") ?? undefined) });
          break;
        case "segments":
          if (method === "GET") return ok({ segments: sim.listSegments(shop) });
          break;
        case "bulk-operations":
          if (method === "GET") return ok({ bulkOperations: sim.listBulkOperations(shop) });
          break;
        case "expire-tokens":
          if (method === "POST") return ok({ expired: sim.expireTokens(shop) });
          break;
        case "throttle":
          if (method === "GET") return ok(sim.throttleStatus(shop));
          if (method === "PUT") return ok(sim.setThrottle(shop, (await body()) as Partial<ThrottleStatus>));
          break;
        case "webhooks":
          if (method === "POST") {
            const p = (await body()) as { topic?: string; payload?: unknown };
            if (!p.topic) throw new SimInputError("missing_topic", "topic is required");
            return ok({ delivery: (await sim.sendWebhook(shop, p.topic, p.payload ?? {})) ?? null });
          }
          break;
      }
    }
    return sendJson(res, 404, { error: "not_found", message: `No control route ${method} ${url.pathname}` }, CORS);
  };
}
