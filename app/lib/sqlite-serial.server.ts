// SQLite through @prisma/adapter-better-sqlite3 uses ONE connection. Its mutex
// serializes interactive transactions only, so a plain query issued while
// another async transaction is open runs inside that transaction — and is lost
// if it rolls back; reads can see uncommitted rows. We therefore serialize all
// database work of the process: each top-level query and each whole
// transaction holds one async lock; queries inside a transaction (same async
// context) pass through. SQLite has a single writer anyway, so nothing is lost.
import { AsyncLocalStorage } from "node:async_hooks";
import type { PrismaClient } from "@prisma/client";

export class AsyncLock {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** The lock and transaction context of a serialized client, for direct SQL on the same connection. */
export interface SqliteGuard {
  lock: AsyncLock;
  inTransaction: AsyncLocalStorage<true>;
}

const guards = new WeakMap<object, SqliteGuard>();

export function sqliteGuardOf(client: object): SqliteGuard | undefined {
  return guards.get(client);
}

export function serializeSqliteClient(base: PrismaClient): PrismaClient {
  const lock = new AsyncLock();
  const inTransaction = new AsyncLocalStorage<true>();
  const guarded = <T>(fn: () => Promise<T>): Promise<T> => (inTransaction.getStore() ? fn() : lock.run(fn));

  // The top-level $allOperations hook covers model operations and raw queries.
  const extended = base.$extends({
    query: {
      $allOperations({ args, query }) {
        return guarded(() => query(args));
      },
    },
  }) as unknown as PrismaClient;

  const serialized = new Proxy(extended, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "$transaction" && typeof value === "function") {
        return (arg: unknown, opts?: unknown) =>
          inTransaction.getStore()
            ? value.call(target, arg, opts)
            : lock.run(() => inTransaction.run(true, () => value.call(target, arg, opts)));
      }
      return value;
    },
  });
  guards.set(serialized, { lock, inTransaction });
  return serialized;
}
