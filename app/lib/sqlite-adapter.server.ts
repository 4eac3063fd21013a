// The better-sqlite3 driver adapter, adjusted for several processes sharing
// one database file (the app and its worker child):
// - WAL, a busy timeout and synchronous=NORMAL on every connection, and a WAL
//   file cut back to 64 MB when it restarts (checkpoints run once a second, so
//   a bulk import can grow it to hundreds of MB, which would otherwise stay);
// - transactions start with BEGIN IMMEDIATE. The adapter's deferred BEGIN takes
//   the write lock only at the first write, and in WAL mode that upgrade fails
//   at once with "database is locked" when another process wrote meanwhile
//   (the busy timeout cannot help a stale snapshot). Taking the lock up front
//   makes writers queue on the busy timeout instead.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

type Factory = InstanceType<typeof PrismaBetterSQLite3>;
type Adapter = Awaited<ReturnType<Factory["connect"]>>;

interface RawSqlite {
  prepare(sql: string): unknown;
  pragma(sql: string): unknown;
}

/** The better-sqlite3 connection behind each adapter factory, once connected (for direct SQL). */
const connections = new WeakMap<object, unknown>();

export function sqliteConnectionOf(factory: object): unknown {
  return connections.get(factory);
}

export const SQLITE_BUSY_TIMEOUT_MS = 15_000;
export const SQLITE_WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export function createSqliteAdapter(url: string): Factory {
  const inner = new PrismaBetterSQLite3({ url, timeout: SQLITE_BUSY_TIMEOUT_MS } as ConstructorParameters<typeof PrismaBetterSQLite3>[0]);
  const tune = (adapter: Adapter): Adapter => {
    const client = (adapter as unknown as { client: RawSqlite }).client;
    client.pragma("journal_mode = WAL");
    client.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    client.pragma("synchronous = NORMAL");
    client.pragma(`journal_size_limit = ${SQLITE_WAL_SIZE_LIMIT_BYTES}`);
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  };
  const factory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = tune(await inner.connect());
      connections.set(factory, (adapter as unknown as { client: RawSqlite }).client);
      return adapter;
    },
    connectToShadowDb: async () => tune(await inner.connectToShadowDb()),
  };
  return factory as unknown as Factory;
}
