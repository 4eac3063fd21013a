// Accepting a webhook delivery: verify it with authenticate.webhook, store the
// raw body in the inbox (deduplicated on the Webhook-Id per shop) and answer
// 200 once the row is committed. Processing happens in the worker
// (app/jobs/worker.server.ts). Performance notes: docs/sync.md.
import { createRequire } from "node:module";
import type { PrismaClient } from "@prisma/client";
import { currentProvider, directSql } from "~/db.server";
import { sqliteDateText, type DirectQueries, type SqlParam } from "~/lib/direct-sql.server";
import { SQLITE_BUSY_TIMEOUT_MS, SQLITE_WAL_SIZE_LIMIT_BYTES } from "~/lib/sqlite-adapter.server";
import { startCheckpointThread } from "~/lib/sqlite-checkpointer.server";
import { startSqliteWriterThread } from "~/lib/sqlite-writer-thread.server";
import { newSortableId, TS } from "~/services/sync/sql.server";
import { authenticate } from "~/shopify.server";
import { kickWorker } from "~/jobs/wake.server";
import { log } from "~/lib/log.server";

// Shopify's largest order payloads are a few hundred KB; anything far beyond is
// not a real delivery.
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

// Topics that may arrive after uninstall (no session): compliance and lifecycle.
const TOPICS_WITHOUT_SESSION = new Set(["app/uninstalled", "shop/redact", "customers/redact", "customers/data_request", "app/scopes_update"]);

/** Rows committed per transaction at most; a burst beyond waits for the next one. */
export const MAX_INBOX_BATCH = 256;

function reject(status: number, reason: string, shop?: string | null, topic?: string): Response {
  log.warn("webhook.rejected", { status, reason, shop: shop ?? undefined, topic });
  return new Response(JSON.stringify({ error: reason }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/**
 * The library reports topics as ORDERS_CREATE or BULK_OPERATIONS_FINISH; the header
 * and our routes use orders/create and bulk_operations/finish. Compared in the
 * enum form, since "_" appears both as the separator and inside names.
 */
function topicKey(topic: string): string {
  return topic.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * The X-Shopify-* headers authenticate.webhook needs: the five it requires.
 * Name, Triggered-At and Event-Id it would only copy into its result (Retain
 * reads none of them there: acceptWebhook takes Triggered-At and Event-Id from
 * the request itself), and every header given costs a canonicalisation per
 * lookup (~100 µs per delivery with six).
 */
const AUTH_HEADERS = new Set(["x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"]);

/**
 * What authenticate.webhook is given: the body already read and only the
 * headers it reads (AUTH_HEADERS and the Events API's Shopify-*). The library
 * re-canonicalizes every header name for each header it looks up, so its cost
 * grows with the square of the header count (a proxied delivery carries ~20).
 * It uses nothing of the request but method, url, headers and text() (checked
 * against @shopify/shopify-app-remix 6.0.1 and shopify-api 15: validate,
 * webApiConvertRequest, authenticate); a plain object with those spares a
 * second undici Request and a second body stream. Measured in docs/sync.md.
 */
function requestForAuthentication(request: Request, rawBody: string): Request {
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (AUTH_HEADERS.has(name) || name.startsWith("shopify-")) headers.set(name, value);
  }
  const subset: Pick<Request, "method" | "url" | "headers" | "text"> = { method: "POST", url: request.url, headers, text: () => Promise.resolve(rawBody) };
  return subset as Request;
}

export async function acceptWebhook(db: PrismaClient, request: Request, expectedTopic: string): Promise<Response> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_WEBHOOK_BYTES) return reject(413, `body of ${length} bytes exceeds ${MAX_WEBHOOK_BYTES}`);
  const headerTopic = request.headers.get("x-shopify-topic");
  const headerShop = request.headers.get("x-shopify-shop-domain");
  if (headerTopic && headerTopic !== expectedTopic) {
    return reject(400, `topic header "${headerTopic}" does not match this endpoint (${expectedTopic})`, headerShop);
  }

  // The body is read once, here; authenticate.webhook gets a copy carrying it.
  const rawBody = request.method === "POST" ? await request.text() : "";
  if (rawBody.length > MAX_WEBHOOK_BYTES) return reject(413, `body exceeds ${MAX_WEBHOOK_BYTES} bytes`, headerShop);

  let ctx: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    // A non-POST goes in as it is, so the library answers it (405).
    ctx = await authenticate.webhook(request.method === "POST" ? requestForAuthentication(request, rawBody) : request);
  } catch (err) {
    if (err instanceof Response) {
      log.warn("webhook.unauthenticated", { status: err.status, shop: headerShop ?? undefined, topic: expectedTopic });
      return err; // 401 bad HMAC, 400 missing headers, 405 wrong method
    }
    if (err instanceof SyntaxError) return reject(400, "body is not valid JSON", headerShop, expectedTopic);
    throw err;
  }

  if (topicKey(String(ctx.topic)) !== topicKey(expectedTopic)) return reject(400, `unexpected topic ${String(ctx.topic)}`, ctx.shop, expectedTopic);
  const topic = expectedTopic;
  if (!ctx.webhookId) return reject(400, "missing X-Shopify-Webhook-Id", ctx.shop, topic);
  if (ctx.payload === null || typeof ctx.payload !== "object") {
    return reject(400, "payload must be a JSON object", ctx.shop, topic);
  }
  const triggeredHeader = request.headers.get("x-shopify-triggered-at");
  const triggeredAt = triggeredHeader && !Number.isNaN(Date.parse(triggeredHeader)) ? new Date(triggeredHeader) : null;
  const now = new Date();
  // Happy path: one row in the next group commit, inserted only for a known
  // shop in a state that accepts this delivery, and dropped as a redelivery on
  // the unique key. Only when nothing was inserted do we look up why.
  const inserted = await inboxWriterFor(db).then((w) =>
    w.insert({
      // Time-ordered: appends to the primary-key index instead of dirtying a random page of it per delivery.
      id: newSortableId(),
      shop: ctx.shop,
      topic,
      webhookId: ctx.webhookId,
      eventId: request.headers.get("x-shopify-event-id"),
      apiVersion: ctx.apiVersion ?? null,
      triggeredAt,
      rawBody,
      receivedAt: now,
      anyStatus: Boolean(ctx.session) || TOPICS_WITHOUT_SESSION.has(topic),
    }),
  );
  if (!inserted) {
    const known = await db.shop.findUnique({ where: { shop: ctx.shop }, select: { status: true } });
    if (!known) return reject(404, `shop ${ctx.shop} never installed Retain`, ctx.shop, topic);
    const seen = await db.webhookInbox.findUnique({ where: { shop_webhookId: { shop: ctx.shop, webhookId: ctx.webhookId } }, select: { id: true } });
    // A redelivery of something already accepted: acknowledge, change nothing.
    if (seen) return new Response(null, { status: 200 });
    return reject(410, `shop ${ctx.shop} has uninstalled Retain`, ctx.shop, topic);
  }
  kickWorker();
  return new Response(null, { status: 200 });
}

// ---------------------------------------------------------------------------
// Group commit. Accepted deliveries wait for the transaction in flight (at most
// one per database), then go in together: one BEGIN/COMMIT for the lot. Each
// caller learns whether its own row was inserted only after COMMIT, so a 200 is
// never sent for a row that is not durable ("nothing accepted is lost"); a
// failed transaction fails every request in it (the sender retries).

export interface InboxRow {
  id: string;
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string | null;
  apiVersion: string | null;
  triggeredAt: Date | null;
  rawBody: string;
  receivedAt: Date;
  /** Accept for a shop in any status (compliance/lifecycle topics, or a live session); otherwise only INSTALLED. */
  anyStatus: boolean;
}

export class InboxWriteError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`webhook inbox write failed: ${reason}`, options);
    this.name = "InboxWriteError";
  }
}

/** Writes one batch and says, per row in order, whether it was inserted. */
type BatchWriter = (rows: InboxRow[]) => Promise<boolean[]>;

interface Pending {
  row: InboxRow;
  resolve: (inserted: boolean) => void;
  reject: (err: unknown) => void;
}

export class InboxWriter {
  private queue: Pending[] = [];
  private flushing = 0;
  private scheduled = false;

  constructor(
    private readonly write: BatchWriter,
    readonly kind: string,
    private readonly close: () => Promise<void> = async () => {},
    /** Batches written at once: 1 for SQLite (one writer); PostgreSQL overlaps one batch's commit flush with the next's insert. */
    private readonly maxInFlight = 1,
  ) {}

  insert(row: InboxRow): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  // setImmediate: every delivery authenticated in this event-loop turn joins the batch.
  private schedule(): void {
    if (this.flushing >= this.maxInFlight || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing >= this.maxInFlight || this.queue.length === 0) return;
    this.flushing++;
    const batch = this.queue.splice(0, MAX_INBOX_BATCH);
    try {
      const inserted = await this.write(batch.map((p) => p.row));
      batch.forEach((p, i) => p.resolve(inserted[i] === true));
    } catch (err) {
      const failure = err instanceof InboxWriteError ? err : new InboxWriteError(err instanceof Error ? err.message : String(err), { cause: err });
      log.error("webhook.inbox_write_failed", { rows: batch.length, error: failure.message });
      for (const p of batch) p.reject(failure);
    } finally {
      this.flushing--;
      if (this.queue.length > 0) this.schedule();
    }
  }

  /** Stops the writer (tests); rows still queued are written first. */
  async stop(): Promise<void> {
    while (this.queue.length > 0 || this.flushing > 0) await new Promise((r) => setTimeout(r, 1));
    await this.close();
  }
}

const INSERT_COLUMNS = `"id", "shop", "topic", "webhookId", "eventId", "apiVersion", "triggeredAt", "rawBody", "status", "attempts", "nextAttemptAt", "receivedAt"`;

/** The one-row insert, gated on the shop's existence (and status unless anyStatus). */
function insertSql(anyStatus: boolean): string {
  return `INSERT INTO "WebhookInbox" (${INSERT_COLUMNS})
    SELECT $1, $2, $3, $4, $5, $6, $7${TS()}, $8, 'PENDING', 0, $9${TS()}, $10${TS()}
    WHERE EXISTS (SELECT 1 FROM "Shop" WHERE "shop" = $11${anyStatus ? "" : ` AND "status" = 'INSTALLED'`})
    ON CONFLICT ("shop", "webhookId") DO NOTHING`;
}

/** insertSql with SQLite's positional placeholders, for the connections prepared outside direct SQL. */
function sqliteInsertSql(anyStatus: boolean): string {
  return insertSql(anyStatus).replace(/\$\d+/g, "?");
}

function insertParams(r: InboxRow, date: (d: Date) => SqlParam): SqlParam[] {
  return [r.id, r.shop, r.topic, r.webhookId, r.eventId, r.apiVersion, r.triggeredAt ? date(r.triggeredAt) : null, r.rawBody, date(r.receivedAt), date(r.receivedAt), r.shop];
}

/**
 * PostgreSQL: a batch of up to PG_CHUNK rows is one statement (one round trip,
 * atomic on its own): one VALUES row per delivery, the same shop gate per row,
 * duplicates dropped on the unique key (within the batch too); RETURNING says
 * which rows went in. Its commit is synchronous (a 200 means the row is
 * durable). Each body is a bind parameter of its own: in a text[] array (the
 * earlier unnest form) the driver escaped every quote of every body with two
 * regex passes, 11% of the web process's CPU.
 */
const PG_CHUNK = 64;
const pgBatchInsertSql = new Map<number, string>();
function pgBatchInsert(rows: number): string {
  let sql = pgBatchInsertSql.get(rows);
  if (sql === undefined) {
    let n = 0;
    const p = (cast = "") => `$${++n}${cast}`;
    const values = Array.from({ length: rows }, () =>
      `(${p()}, ${p()}, ${p()}, ${p()}, ${p()}, ${p()}, ${p("::timestamp(3)")}, ${p()}, ${p("::timestamp(3)")}, ${p("::boolean")})`).join(", ");
    sql = `INSERT INTO "WebhookInbox" (${INSERT_COLUMNS})
  SELECT v."id", v."shop", v."topic", v."webhookId", v."eventId", v."apiVersion", v."triggeredAt", v."rawBody", 'PENDING', 0, v."receivedAt", v."receivedAt"
  FROM (VALUES ${values}) AS v("id", "shop", "topic", "webhookId", "eventId", "apiVersion", "triggeredAt", "rawBody", "receivedAt", "anyStatus")
  WHERE EXISTS (SELECT 1 FROM "Shop" s WHERE s."shop" = v."shop" AND (v."anyStatus" OR s."status" = 'INSTALLED'))
  ON CONFLICT ("shop", "webhookId") DO NOTHING
  RETURNING "id"`;
    pgBatchInsertSql.set(rows, sql);
  }
  return sql;
}

/** PostgreSQL, or SQLite without a file: direct SQL on the app's own connection. */
function directBatchWriter(db: PrismaClient): BatchWriter {
  const sql = directSql(db);
  if (sql.provider === "postgresql") {
    const insertChunks = async (q: DirectQueries, rows: InboxRow[]) => {
      const ids = new Set<string>();
      for (let start = 0; start < rows.length; start += PG_CHUNK) {
        const chunk = rows.slice(start, start + PG_CHUNK);
        const params: SqlParam[] = [];
        for (const r of chunk) {
          params.push(r.id, r.shop, r.topic, r.webhookId, r.eventId, r.apiVersion, r.triggeredAt?.toISOString() ?? null, r.rawBody, r.receivedAt.toISOString(), r.anyStatus);
        }
        for (const row of await q.query<{ id: string }>(pgBatchInsert(chunk.length), params)) ids.add(row.id);
      }
      return rows.map((r) => ids.has(r.id));
    };
    // One statement is atomic on its own; a batch of several chunks (rare) is one transaction.
    return (rows) => (rows.length <= PG_CHUNK ? insertChunks(sql, rows) : sql.transaction((tx) => insertChunks(tx, rows)));
  }
  return (rows) =>
    sql.transaction(async (tx) => {
      const out: boolean[] = [];
      for (const r of rows) out.push((await tx.execute(insertSql(r.anyStatus), insertParams(r, (d) => d))) > 0);
      return out;
    });
}

// SQLite with a database file: the inserts run on a connection of their own
// with busy_timeout = 0. better-sqlite3 waits for the write lock
// synchronously; on the app's connection (15 s busy timeout) that wait, while
// the worker process holds the lock, would freeze every request of this
// process, and SQLite's busy handler sleeps 1, 2, 5, 10… ms, missing the short
// gaps between the worker's transactions. Here a busy lock fails at once and
// the batch is retried on the event loop (next turn, then every 1 ms), so
// nothing blocks, and a Prisma transaction open on the app's connection can
// always finish first: no deadlock (the concern of ADR 008). Each batch is one
// synchronous BEGIN IMMEDIATE … COMMIT. Its commits never checkpoint (a
// checkpoint fsyncs: 10–60 ms here, seen as commit outliers); a small thread
// runs PASSIVE checkpoints, which do not block writers, every 200 ms.
// RETAIN_INBOX_STATS=1 logs lock waits and batch sizes every 2 s.
interface SqliteStatement {
  run(params: unknown[]): { changes: number };
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string): unknown;
  exec(sql: string): unknown;
  close(): unknown;
  readonly inTransaction: boolean;
}
type SqliteDriver = new (file: string) => SqliteConnection;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

function ownConnectionWriter(file: string): { write: BatchWriter; close: () => Promise<void> } {
  const require = createRequire(import.meta.url);
  const driver = require.resolve("better-sqlite3");
  const Database = require(driver) as SqliteDriver;
  const conn = new Database(file);
  conn.pragma("busy_timeout = 0");
  conn.pragma("synchronous = NORMAL");
  conn.pragma("wal_autocheckpoint = 0");
  conn.pragma(`journal_size_limit = ${SQLITE_WAL_SIZE_LIMIT_BYTES}`);
  const begin = conn.prepare("BEGIN IMMEDIATE");
  const commit = conn.prepare("COMMIT");
  const gated = conn.prepare(sqliteInsertSql(false));
  const any = conn.prepare(sqliteInsertSql(true));
  const checkpointer = startCheckpointThread(file, 200);
  checkpointer.on("error", (err) => log.error("webhook.inbox_checkpointer_failed", { error: String(err) }));
  const stats = inboxStats();

  // Synchronous from BEGIN to COMMIT: nothing else of this process runs in between.
  const writeNow = (rows: InboxRow[]): boolean[] => {
    begin.run([]);
    try {
      const out = rows.map((r) => (r.anyStatus ? any : gated).run(insertParams(r, sqliteDateText)).changes > 0);
      commit.run([]);
      return out;
    } catch (err) {
      if (conn.inTransaction) conn.exec("ROLLBACK");
      throw err;
    }
  };
  const write: BatchWriter = async (rows) => {
    const asked = performance.now();
    const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const locked = performance.now();
        const out = writeNow(rows);
        stats?.record(rows.length, locked - asked, performance.now() - locked);
        return out;
      } catch (err) {
        if (!isBusy(err) || Date.now() > deadline) throw err;
      }
      await new Promise((r) => (attempt < 2 ? setImmediate(r) : setTimeout(r, 1)));
    }
  };
  return {
    write,
    close: async () => {
      await checkpointer.terminate();
      conn.close();
    },
  };
}

/** RETAIN_INBOX_STATS=1: batch sizes, lock waits and transaction times, logged every 2 s. */
function inboxStats(): { record(rows: number, waitMs: number, transactionMs: number): void } | null {
  if (process.env.RETAIN_INBOX_STATS !== "1") return null;
  let batches = 0;
  let rowCount = 0;
  let waits: number[] = [];
  let commits: number[] = [];
  setInterval(() => {
    if (batches === 0) return;
    const q = (a: number[], p: number) => +a.sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(2);
    log.error("webhook.inbox_stats", {
      batches,
      rowsPerBatch: +(rowCount / batches).toFixed(1),
      lockWaitMs: { p50: q(waits, 0.5), p99: q(waits, 0.99), max: q(waits, 1) },
      transactionMs: { p50: q(commits, 0.5), p99: q(commits, 0.99), max: q(commits, 1) },
    });
    batches = 0;
    rowCount = 0;
    waits = [];
    commits = [];
  }, 2000).unref();
  return {
    record(rows, waitMs, transactionMs) {
      batches++;
      rowCount += rows;
      waits.push(waitMs);
      commits.push(transactionMs);
    },
  };
}

/**
 * SQLite with a database file (the default): the same transactions as
 * ownConnectionWriter, run by a thread of their own
 * (app/lib/sqlite-writer-thread.server.ts), so the event loop only hands rows
 * over. If the thread dies, the batch in it fails (its callers answer 500 and
 * Shopify redelivers; dedupe makes a committed one harmless) and later batches
 * go through ownConnectionWriter on this thread.
 */
export async function sqliteThreadWriter(
  file: string,
  start: typeof startSqliteWriterThread = startSqliteWriterThread,
): Promise<{ write: BatchWriter; close: () => Promise<void> }> {
  const thread = await start(file, [sqliteInsertSql(false), sqliteInsertSql(true)], SQLITE_BUSY_TIMEOUT_MS);
  const checkpointer = startCheckpointThread(file, 200);
  checkpointer.on("error", (err) => log.error("webhook.inbox_checkpointer_failed", { error: String(err) }));
  const stats = inboxStats();
  let fallback: { write: BatchWriter; close: () => Promise<void> } | null = null;
  thread.onFailure((err) => {
    log.error("webhook.inbox_writer_thread_failed", { error: err.message });
    fallback = ownConnectionWriter(file);
  });
  const write: BatchWriter = async (rows) => {
    if (fallback) return fallback.write(rows);
    const result = await thread.run(rows.map((r) => [r.anyStatus ? 1 : 0, insertParams(r, sqliteDateText)] as const));
    stats?.record(rows.length, result.waitMs, result.transactionMs);
    return result.changes.map((n) => n > 0);
  };
  return {
    write,
    close: async () => {
      await thread.close();
      await fallback?.close();
      await checkpointer.terminate();
    },
  };
}

const writers = new WeakMap<PrismaClient, Promise<InboxWriter>>();

// RETAIN_INBOX_WRITER=direct forces the direct-SQL writer on SQLite too, =main-thread the
// own-connection writer without its thread (tests run all three).
async function createInboxWriter(db: PrismaClient): Promise<InboxWriter> {
  const choice = process.env.RETAIN_INBOX_WRITER;
  if (currentProvider() === "sqlite" && choice !== "direct") {
    const files = await directSql(db).query<{ name: string; file: string }>("PRAGMA database_list");
    const file = files.find((f) => f.name === "main")?.file;
    if (file) {
      if (choice !== "main-thread") {
        try {
          const threaded = await sqliteThreadWriter(file);
          return new InboxWriter(threaded.write, "sqlite-writer-thread", threaded.close);
        } catch (err) {
          log.error("webhook.inbox_writer_thread_unavailable", { error: String(err) });
        }
      }
      const own = ownConnectionWriter(file);
      return new InboxWriter(own.write, "sqlite-own-connection", own.close);
    }
  }
  const pg = currentProvider() === "postgresql";
  return new InboxWriter(directBatchWriter(db), pg ? "postgresql" : "sqlite-direct", undefined, pg ? 2 : 1);
}

/** The group-commit writer of this database (created on first use). */
export function inboxWriterFor(db: PrismaClient): Promise<InboxWriter> {
  let w = writers.get(db);
  if (!w) {
    w = createInboxWriter(db).catch((err) => {
      writers.delete(db);
      throw err;
    });
    writers.set(db, w);
  }
  return w;
}
