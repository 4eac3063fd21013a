// Direct SQL on the app's own database connection, for hot paths where
// Prisma's per-query cost (0.5–2 ms through the JS query engine and driver
// adapter) dominates: webhook accept, delivery processing, backfill upserts,
// storefront reads. SQLite statements run on the very better-sqlite3
// connection Prisma's adapter uses (prepared once, cached), under the same
// process-wide lock (app/lib/sqlite-serial.server.ts), so a direct statement
// never slips into someone else's open Prisma transaction. PostgreSQL shares
// the pg.Pool given to the Prisma adapter. See docs/decisions/008-direct-sql-hot-paths.md.
//
// SQL is written once for both engines with PostgreSQL's $n placeholders, each
// used once and in order (SQLite gets positional "?").
import type { PrismaClient } from "@prisma/client";
import { finished } from "node:stream/promises";
import pg, { type Pool, type PoolClient, type QueryConfig } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { DatabaseProvider } from "../../scripts/database-url";
import { sqliteDateText } from "./sqlite-date-text";
import { sqliteGuardOf, type SqliteGuard } from "./sqlite-serial.server";

export { sqliteDateText };

export type SqlParam = string | number | bigint | boolean | Date | Buffer | null | undefined;
export type SqlRow = Record<string, unknown>;

export interface DirectQueries {
  readonly provider: DatabaseProvider;
  /** Rows of a SELECT (or of a statement with RETURNING). Dates come back as Date on PostgreSQL and ISO text on SQLite (use toDate). */
  query<T = SqlRow>(sql: string, params?: readonly SqlParam[], options?: QueryOptions): Promise<T[]>;
  /** Rows changed. */
  execute(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /**
   * One statement run once per parameter list, in order; rows changed in all.
   * SQLite runs the lot synchronously (no promise per row: the backfill's bulk
   * inserts); PostgreSQL runs them one after another.
   */
  executeEach(sql: string, paramLists: readonly (readonly SqlParam[])[]): Promise<number>;
  /**
   * PostgreSQL inside a transaction only: rows in COPY text format
   * (app/lib/copy-text.ts) streamed into `table` with COPY FROM STDIN. Plain
   * inserts, no ON CONFLICT: for rows known to be new.
   */
  copyIn?(table: string, columns: readonly string[], text: string): Promise<void>;
}

export interface DirectSql extends DirectQueries {
  /**
   * One transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of
   * failing on upgrade). Do not open a Prisma $transaction inside it. On
   * SQLite, when called inside a Prisma transaction it joins that one.
   */
  transaction<T>(fn: (tx: DirectQueries) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface QueryOptions {
  /**
   * false: PostgreSQL plans this statement with its actual parameters each
   * time instead of preparing it once per connection. For statements whose
   * best plan depends on the values and on how full the tables are: a generic
   * plan cached while a table was still empty stays a sequential scan until
   * the next ANALYZE.
   */
  prepared?: boolean;
}

export interface TransactionOptions {
  /**
   * false: on PostgreSQL the commit does not wait for its WAL flush
   * (`synchronous_commit = off`, ADR 010). Only for transactions that carry
   * their own redo marker (a worker batch with its DONE marks, a backfill batch
   * with its resume point): a commit lost in a server crash is then done again.
   * SQLite ignores it (its commits do not fsync under WAL with synchronous=NORMAL).
   */
  durable?: boolean;
}

export class DirectSqlUnavailableError extends Error {
  constructor() {
    super("this Prisma client was not created by createPrismaClient (app/db.server.ts), so it has no direct SQL connection");
    this.name = "DirectSqlUnavailableError";
  }
}

interface Statement {
  reader: boolean;
  all(params: unknown[]): unknown[];
  run(params: unknown[]): { changes: number };
}
interface SqliteConnection {
  prepare(sql: string): Statement;
  exec(sql: string): void;
}

type Registration =
  | { provider: "sqlite"; connection: () => unknown; guard: SqliteGuard; client: PrismaClient }
  | { provider: "postgresql"; pool: Pool };

// On globalThis so a second copy of this module (Vite dev reloads, a bench that
// imports both the sources and the build) sees the client db.server.ts parked there.
const registry = ((globalThis as { __retainDirectSql?: { registrations: WeakMap<object, Registration>; instances: WeakMap<object, DirectSql> } }).__retainDirectSql ??= {
  registrations: new WeakMap(),
  instances: new WeakMap(),
});
const { registrations, instances } = registry;

/** Called by createPrismaClient. */
export function registerDirectSql(client: PrismaClient, registration: Registration): void {
  registrations.set(client, registration);
}

export function getDirectSql(client: PrismaClient): DirectSql {
  let direct = instances.get(client);
  if (direct) return direct;
  const reg = registrations.get(client);
  if (!reg) throw new DirectSqlUnavailableError();
  direct = reg.provider === "sqlite" ? createSqliteDirect(reg.client, reg.connection, reg.guard) : createPgDirect(reg.pool);
  instances.set(client, direct);
  return direct;
}

const placeholders = /\$\d+/g;

/**
 * The statement with "?" for each $n. better-sqlite3 binds a list by position,
 * so the $n must appear in order, each once ($1, $2, …): anything else would
 * bind the wrong values without an error, so it throws instead.
 */
function positional(sql: string): string {
  let expected = 1;
  return sql.replace(placeholders, (p) => {
    if (Number(p.slice(1)) !== expected) throw new Error(`direct SQL on SQLite: placeholders must appear in order $1, $2, … each once; found ${p} where $${expected} was expected in: ${sql.slice(0, 200)}`);
    expected++;
    return "?";
  });
}



function sqliteParams(params: readonly SqlParam[]): unknown[] {
  // Most lists need no conversion (the backfill's rows come encoded): pass them as they are.
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (v === undefined || typeof v === "boolean" || v instanceof Date) return convertSqliteParams(params);
  }
  return params as unknown[]; // better-sqlite3 only reads it
}

function convertSqliteParams(params: readonly SqlParam[]): unknown[] {
  const out = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    out[i] = v === undefined ? null : v instanceof Date ? sqliteDateText(v) : typeof v === "boolean" ? (v ? 1 : 0) : v;
  }
  return out;
}

const STATEMENT_CACHE_LIMIT = 512;

function createSqliteDirect(client: PrismaClient, adapterConnection: () => unknown, guard: SqliteGuard): DirectSql {
  const statements = new Map<string, Statement>();
  let connection: SqliteConnection | undefined;

  const connect = async (): Promise<SqliteConnection> => {
    const current = adapterConnection() as SqliteConnection | undefined;
    if (current) return current;
    // The adapter connects lazily on Prisma's first query.
    await client.$queryRawUnsafe("SELECT 1");
    const opened = adapterConnection() as SqliteConnection | undefined;
    if (!opened) throw new DirectSqlUnavailableError();
    return opened;
  };
  const statement = (conn: SqliteConnection, sql: string): Statement => {
    if (conn !== connection) {
      connection = conn;
      statements.clear();
    }
    let st = statements.get(sql);
    if (!st) {
      if (statements.size >= STATEMENT_CACHE_LIMIT) statements.clear();
      st = conn.prepare(positional(sql));
      statements.set(sql, st);
    }
    return st;
  };
  const queries = (conn: SqliteConnection): DirectQueries => ({
    provider: "sqlite",
    query: async <T>(sql: string, params: readonly SqlParam[] = []) => {
      const st = statement(conn, sql);
      if (!st.reader) {
        st.run(sqliteParams(params));
        return [] as T[];
      }
      return st.all(sqliteParams(params)) as T[];
    },
    execute: async (sql: string, params: readonly SqlParam[] = []) => statement(conn, sql).run(sqliteParams(params)).changes,
    executeEach: async (sql: string, paramLists: readonly (readonly SqlParam[])[]) => {
      const st = statement(conn, sql);
      let changes = 0;
      for (const params of paramLists) changes += st.run(sqliteParams(params)).changes;
      return changes;
    },
  });
  // Outside a transaction each statement takes the process lock; inside one (ours or Prisma's) it runs at once.
  // connect() may issue a Prisma query, which itself takes the lock: always call it before taking the lock.
  const guarded = async <T>(fn: (conn: SqliteConnection) => T | Promise<T>): Promise<T> => {
    const conn = await connect();
    return guard.inTransaction.getStore() ? fn(conn) : guard.lock.run(async () => fn(conn));
  };

  return {
    provider: "sqlite",
    query: <T>(sql: string, params?: readonly SqlParam[]) => guarded((conn) => queries(conn).query<T>(sql, params)),
    execute: (sql: string, params?: readonly SqlParam[]) => guarded((conn) => queries(conn).execute(sql, params)),
    executeEach: (sql: string, paramLists: readonly (readonly SqlParam[])[]) => guarded((conn) => queries(conn).executeEach(sql, paramLists)),
    transaction: async <T>(fn: (tx: DirectQueries) => Promise<T>): Promise<T> => {
      const conn = await connect();
      if (guard.inTransaction.getStore()) return fn(queries(conn));
      return guard.lock.run(() =>
        guard.inTransaction.run(true, async () => {
          conn.exec("BEGIN IMMEDIATE");
          try {
            const result = await fn(queries(conn));
            conn.exec("COMMIT");
            return result;
          } catch (err) {
            try {
              conn.exec("ROLLBACK");
            } catch {
              // SQLite already rolled back (e.g. SQLITE_FULL); the original error matters.
            }
            throw err;
          }
        }),
      );
    },
  };
}

// Prisma stores DateTime as timestamp(3) without zone holding UTC; pg would
// read it as local time. int8 counts come back as numbers (they fit here).
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
const pgTypeParsers = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP_OID && format !== "binary") return (text: string) => new Date(`${text.replace(" ", "T")}Z`);
    if (oid === INT8_OID && format !== "binary") return (text: string) => Number(text);
    return format === "binary" ? pg.types.getTypeParser(oid, "binary") : pg.types.getTypeParser(oid, "text");
  },
} as QueryConfig["types"];

function pgParams(params: readonly SqlParam[]): unknown[] {
  return params.map((v) => (v === undefined ? null : v instanceof Date ? v.toISOString() : typeof v === "bigint" ? v.toString() : v));
}

// Hot-path statements are prepared once per connection (a named statement) instead of parsed
// and planned on every call: each round trip of the worker costs less server CPU. Texts are few
// and fixed (lists travel as array parameters); past the cap new texts simply go unnamed.
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 1_000;
function statementName(text: string): string | undefined {
  // Off behind a pooler that cannot keep named statements (PgBouncer in transaction mode before 1.21).
  if (process.env.DATABASE_PREPARED_STATEMENTS === "off") return undefined;
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `retain_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

function pgQueries(runner: Pick<Pool | PoolClient, "query">, copy = false): DirectQueries {
  const run = (sql: string, params: readonly SqlParam[], prepared = true) =>
    runner.query({ name: prepared ? statementName(sql) : undefined, text: sql, values: pgParams(params), types: pgTypeParsers });
  const execute = async (sql: string, params: readonly SqlParam[] = []) => (await run(sql, params)).rowCount ?? 0;
  return {
    provider: "postgresql",
    query: async <T>(sql: string, params: readonly SqlParam[] = [], options: QueryOptions = {}) => (await run(sql, params, options.prepared !== false)).rows as T[],
    execute,
    executeEach: async (sql: string, paramLists: readonly (readonly SqlParam[])[]) => {
      let changes = 0;
      for (const params of paramLists) changes += await execute(sql, params);
      return changes;
    },
    ...(copy && {
      copyIn: async (table: string, columns: readonly string[], text: string) => {
        if (text.length === 0) return;
        const stream = (runner as PoolClient).query(copyFrom(`COPY "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`));
        stream.end(text);
        await finished(stream);
      },
    }),
  };
}

function createPgDirect(pool: Pool): DirectSql {
  return {
    ...pgQueries(pool),
    transaction: async <T>(fn: (tx: DirectQueries) => Promise<T>, options: TransactionOptions = {}): Promise<T> => {
      const conn = await pool.connect();
      try {
        await conn.query(options.durable === false ? "BEGIN; SET LOCAL synchronous_commit = off" : "BEGIN");
        const result = await fn(pgQueries(conn, true));
        await conn.query("COMMIT");
        return result;
      } catch (err) {
        await conn.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        conn.release();
      }
    },
  };
}

/**
 * `"column" IN <the list>` as one bound parameter, so a statement's text does
 * not depend on the list's length: json_each on SQLite, an array on PostgreSQL.
 */
export function inList(q: Pick<DirectQueries, "provider">, column: string, n: number): string {
  return q.provider === "postgresql" ? `"${column}" = ANY($${n}::text[])` : `"${column}" IN (SELECT value FROM json_each($${n}))`;
}

/**
 * Rows of `table` (alias r) for the shop ($1) whose `keyColumn` is one of the
 * keys in $2 (`listParam`), selecting `select`; `firstOnly` returns each key
 * that has a row once (an existence probe: select the key alone). On PostgreSQL each key is a probe of the index on
 * (shop, keyColumn): a LATERAL subquery fenced by LIMIT 1 / OFFSET 0 cannot be
 * pulled up into a join. As `= ANY(list)` or a join, the planner costs a few
 * thousand keys against a table with no statistics yet (a bulk import fills it
 * faster than autovacuum analyzes it) as a scan of the whole table: ~30 ms per
 * batch at 244k orders instead of ~3 ms (ADR 013). `where` adds a condition on r.
 */
export function rowsByKeysSql(
  q: Pick<DirectQueries, "provider">, table: string, keyColumn: string, select: string, opts: { where?: string; firstOnly?: boolean } = {},
): string {
  const extra = opts.where ? ` AND ${opts.where}` : "";
  return q.provider === "postgresql"
    ? `SELECT x.* FROM (SELECT DISTINCT unnest($2::text[]) AS "key") AS k, LATERAL (SELECT ${select} FROM "${table}" r WHERE r."shop" = $1 AND r."${keyColumn}" = k."key"${extra} ${opts.firstOnly ? "LIMIT 1" : "OFFSET 0"}) AS x`
    : `SELECT ${opts.firstOnly ? "DISTINCT " : ""}${select} FROM "${table}" r WHERE r."shop" = $1 AND r."${keyColumn}" IN (SELECT value FROM json_each($2))${extra}`;
}

export function listParam(q: Pick<DirectQueries, "provider">, values: readonly string[]): SqlParam {
  return (q.provider === "postgresql" ? [...values] : JSON.stringify(values)) as unknown as SqlParam;
}
