// Persistence of the loyalty ledger. A balance-changing event runs as:
//   lock the member's LoyaltyAccount row → load entries + lots → domain reducer
//   → insert entries, upsert lots, bump the account version — one transaction.
// Locking: PostgreSQL takes `SELECT … FOR UPDATE` on the account row. SQLite
// has one writer per database, but Prisma's interactive transactions start
// DEFERRED, so two connections could both read before either writes; the
// first statement is therefore a write to the account row, which takes the
// database write lock before anything is read. Either way the reducer sees
// the latest committed state and two redemptions can never both spend it.
// The (accountId, idempotencyKey, seq) unique key makes replays harmless.
import type { LedgerEntry as LedgerEntryRow, LoyaltyAccount, PointLot, Prisma, PrismaClient } from "@prisma/client";
import { currentProvider } from "~/db.server";
import type { EntrySource, LedgerChanges, LedgerEntry, LedgerState, Lot, RefundTrace, RuleSnapshot } from "~/domain/loyalty";
import { LedgerConflictError } from "./errors.server";

export type Tx = Prisma.TransactionClient;

// Lot ids are deterministic per ledger ("lot:signup"), so the table's global id is prefixed with the account.
const LOT_SEP = "|";
export function lotRowId(accountId: string, lotId: string): string {
  return `${accountId}${LOT_SEP}${lotId}`;
}
function domainLotId(rowId: string): string {
  return rowId.slice(rowId.indexOf(LOT_SEP) + 1);
}

export function entryFromRow(row: LedgerEntryRow): LedgerEntry {
  const entry: LedgerEntry = {
    idempotencyKey: row.idempotencyKey,
    seq: row.seq,
    type: row.type as LedgerEntry["type"],
    bucket: row.bucket as LedgerEntry["bucket"],
    points: row.points,
    reason: row.reason,
    source: { kind: row.sourceKind as EntrySource["kind"], id: row.sourceId },
    ruleSnapshot: row.ruleSnapshot as unknown as RuleSnapshot,
    occurredAt: row.occurredAt,
  };
  if (row.lotId !== null) entry.lotId = row.lotId;
  if (row.actor !== null) entry.actor = row.actor;
  if (row.refund !== null) entry.refund = row.refund as unknown as RefundTrace;
  return entry;
}

export function lotFromRow(row: PointLot): Lot {
  return {
    id: domainLotId(row.id),
    status: row.status as Lot["status"],
    source: { kind: row.sourceKind as EntrySource["kind"], id: row.sourceId },
    earnedAt: row.earnedAt,
    spendableAt: row.spendableAt,
    expiresAt: row.expiresAt,
    points: row.points,
    remaining: row.remaining,
  };
}

export async function loadLedgerEntries(db: PrismaClient | Tx, accountId: string): Promise<LedgerEntry[]> {
  const rows = await db.ledgerEntry.findMany({ where: { accountId }, orderBy: [{ occurredAt: "asc" }, { createdAt: "asc" }, { seq: "asc" }] });
  return rows.map(entryFromRow);
}

export async function loadLedgerState(db: PrismaClient | Tx, accountId: string): Promise<LedgerState> {
  const [entries, lots] = await Promise.all([
    db.ledgerEntry.findMany({ where: { accountId }, orderBy: [{ occurredAt: "asc" }, { createdAt: "asc" }, { seq: "asc" }] }),
    db.pointLot.findMany({ where: { accountId } }),
  ]);
  return { entries: entries.map(entryFromRow), lots: lots.map(lotFromRow) };
}

const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 };

/**
 * Every write goes through an interactive transaction. On SQLite the driver
 * adapter shares one connection and only serializes transactions: a plain
 * write issued while another transaction is open runs inside it and is lost
 * if that transaction rolls back.
 */
export function writeTx<T>(db: PrismaClient, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(fn, TX_OPTIONS);
}

/** The member row for a customer, created on first sight. */
export async function ensureAccount(db: PrismaClient, shop: string, customerShopifyId: string): Promise<{ account: LoyaltyAccount; created: boolean }> {
  const existing = await db.loyaltyAccount.findUnique({ where: { shop_customerShopifyId: { shop, customerShopifyId } } });
  if (existing) return { account: existing, created: false };
  try {
    return { account: await writeTx(db, (tx) => tx.loyaltyAccount.create({ data: { shop, customerShopifyId } })), created: true };
  } catch (err) {
    if ((err as { code?: string })?.code !== "P2002") throw err;
    return { account: await db.loyaltyAccount.findUniqueOrThrow({ where: { shop_customerShopifyId: { shop, customerShopifyId } } }), created: false };
  }
}

/** Takes the account's row lock (see the module comment) and returns the row as of now. */
async function lockAccount(tx: Tx, accountId: string): Promise<LoyaltyAccount> {
  if (currentProvider() === "postgresql") {
    await tx.$queryRawUnsafe(`SELECT "id" FROM "LoyaltyAccount" WHERE "id" = $1 FOR UPDATE`, accountId);
  } else {
    await tx.$executeRawUnsafe(`UPDATE "LoyaltyAccount" SET "version" = "version" + 1 WHERE "id" = ?`, accountId);
  }
  return tx.loyaltyAccount.findUniqueOrThrow({ where: { id: accountId } });
}

/** Writes a reducer's changes: new entries, then lots (insert new ids, update known ones). */
export async function persistLedgerChanges(tx: Tx, account: LoyaltyAccount, before: LedgerState, changes: LedgerChanges): Promise<void> {
  if (changes.entries.length > 0) {
    await tx.ledgerEntry.createMany({
      data: changes.entries.map((e) => ({
        shop: account.shop,
        accountId: account.id,
        idempotencyKey: e.idempotencyKey,
        seq: e.seq,
        type: e.type,
        bucket: e.bucket,
        points: e.points,
        reason: e.reason,
        sourceKind: e.source.kind,
        sourceId: e.source.id,
        ruleSnapshot: e.ruleSnapshot as unknown as Prisma.InputJsonValue,
        refund: e.refund ? (e.refund as unknown as Prisma.InputJsonValue) : undefined,
        lotId: e.lotId ?? null,
        actor: e.actor ?? null,
        occurredAt: e.occurredAt,
      })),
    });
  }
  const known = new Set(before.lots.map((l) => l.id));
  const fresh = changes.lots.filter((l) => !known.has(l.id));
  if (fresh.length > 0) {
    await tx.pointLot.createMany({
      data: fresh.map((l) => ({
        id: lotRowId(account.id, l.id),
        shop: account.shop,
        accountId: account.id,
        status: l.status,
        sourceKind: l.source.kind,
        sourceId: l.source.id,
        earnedAt: l.earnedAt,
        spendableAt: l.spendableAt,
        expiresAt: l.expiresAt,
        points: l.points,
        remaining: l.remaining,
      })),
    });
  }
  for (const l of changes.lots.filter((x) => known.has(x.id))) {
    await tx.pointLot.update({ where: { id: lotRowId(account.id, l.id) }, data: { status: l.status, remaining: l.remaining, expiresAt: l.expiresAt } });
  }
}

export interface LedgerEventResult<T> {
  account: LoyaltyAccount;
  changes: LedgerChanges;
  /** State after the changes. */
  state: LedgerState;
  extra: T;
}

export interface ApplyOptions<T> {
  /** Runs inside the same transaction after the changes are written (e.g. the Redemption row). */
  within?: (tx: Tx, result: { account: LoyaltyAccount; changes: LedgerChanges; state: LedgerState }) => Promise<T>;
  /** Customer-driven activity (orders, redemptions) resets the inactivity clock shown in the admin. */
  activityAt?: Date;
}

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  const message = String((err as Error)?.message ?? "");
  // P2034: write conflict / deadlock (PostgreSQL); SQLITE_BUSY when another process holds the lock past busy_timeout.
  return code === "P2034" || /SQLITE_BUSY|database is locked|deadlock/i.test(message);
}

/**
 * Applies one domain reducer to an account under its lock, in one transaction.
 * The reducer may throw a domain error (e.g. InsufficientPointsError): nothing is written.
 */
export async function applyLedgerEvent<T = undefined>(
  db: PrismaClient,
  accountId: string,
  reduce: (state: LedgerState, account: LoyaltyAccount) => LedgerChanges,
  options: ApplyOptions<T> = {},
): Promise<LedgerEventResult<T>> {
  const attempts = 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const account = await lockAccount(tx, accountId);
        const before = await loadLedgerState(tx, accountId);
        const changes = reduce(before, account);
        const changed = changes.entries.length > 0 || changes.lots.length > 0;
        let updated = account;
        if (changed) {
          await persistLedgerChanges(tx, account, before, changes);
          updated = await tx.loyaltyAccount.update({
            where: { id: accountId },
            data: {
              version: { increment: 1 },
              metafieldsDirty: true,
              ...(options.activityAt && (!account.lastActivityAt || options.activityAt > account.lastActivityAt) ? { lastActivityAt: options.activityAt } : {}),
            },
          });
        }
        const state: LedgerState = changed
          ? { entries: [...before.entries, ...changes.entries], lots: mergeLots(before.lots, changes.lots) }
          : before;
        const extra = options.within ? await options.within(tx, { account: updated, changes, state }) : (undefined as T);
        return { account: updated, changes, state, extra };
      }, TX_OPTIONS);
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt >= attempts) throw new LedgerConflictError(accountId, attempts);
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.floor(Math.random() * 20)));
    }
  }
}

function mergeLots(before: readonly Lot[], changed: readonly Lot[]): Lot[] {
  const byId = new Map(before.map((l) => [l.id, l]));
  for (const l of changed) byId.set(l.id, l);
  return [...byId.values()];
}
