// Storefront GET reads on direct SQL (ADR 008): at the app-proxy target
// (p99 < 30 ms at 50 concurrent requests on 2 cores) Prisma's ~0.5–2 ms of
// JavaScript per query was most of the request. Here a request costs one
// indexed SELECT of two version stamps, plus — only when a stamp moved — the
// member's ledger rows. See docs/storefront.md ("Performance").
//
// Freshness: the stamps are read on every request, from the database, so a
// change written by any process (the worker awarding points, an admin saving
// settings, a redemption) is visible on the very next GET:
//   program stamp = LoyaltyProgram (enabled, currentVersion, updatedAt)
//   account stamp = LoyaltyAccount (id, version); every ledger write bumps
//                   `version` under the account lock (ledger-store.server.ts).
import type { PrismaClient } from "@prisma/client";
import { directSql } from "~/db.server";
import { createDefaultSettings, type EntrySource, type LedgerEntry, type LedgerState, type Lot, type ProgramSettings, type RefundTrace, type RuleSnapshot } from "~/domain/loyalty";
import { lotRowId } from "./ledger-store.server";
import { loadSettingsVersion } from "./program.server";

export interface ProxyStamps {
  /** Changes whenever the program is switched or its settings are saved; "none" when the shop has no program row. */
  program: string;
  enabled: boolean;
  currentVersion: number;
  updatedAt: Date | null;
  /** The member row, or null for guests and shoppers who never earned. */
  account: { id: string; version: number } | null;
}

interface StampRow {
  enabled: unknown;
  currentVersion: number | null;
  updatedAt: string | Date | null;
  accountId?: string | null;
  accountVersion?: number | null;
}

// Two primary/unique-key lookups in one statement; the FROM row makes both LEFT JOINs optional.
const MEMBER_STAMPS_SQL = `SELECT p."enabled" AS "enabled", p."currentVersion" AS "currentVersion", p."updatedAt" AS "updatedAt", a."id" AS "accountId", a."version" AS "accountVersion"
FROM (SELECT 1 AS "one") AS "x"
LEFT JOIN "LoyaltyProgram" AS p ON p."shop" = $1
LEFT JOIN "LoyaltyAccount" AS a ON a."shop" = $2 AND a."customerShopifyId" = $3`;
const PROGRAM_STAMP_SQL = `SELECT "enabled", "currentVersion", "updatedAt" FROM "LoyaltyProgram" WHERE "shop" = $1`;

/** Dates come back as Date on PostgreSQL and as ISO text on SQLite. */
export function toDate(value: string | Date | number): Date {
  return value instanceof Date ? value : new Date(value);
}

function parseJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

export async function readProxyStamps(db: PrismaClient, shop: string, customerShopifyId: string | null): Promise<ProxyStamps> {
  const sql = directSql(db);
  const rows = customerShopifyId
    ? await sql.query<StampRow>(MEMBER_STAMPS_SQL, [shop, shop, customerShopifyId])
    : await sql.query<StampRow>(PROGRAM_STAMP_SQL, [shop]);
  const row = rows[0];
  const hasProgram = row !== undefined && row.currentVersion !== null && row.currentVersion !== undefined;
  // SQLite stores booleans as 0/1.
  const enabled = hasProgram && (row.enabled === true || row.enabled === 1 || row.enabled === 1n);
  const updatedAt = hasProgram && row.updatedAt !== null ? toDate(row.updatedAt) : null;
  return {
    program: hasProgram ? `${enabled ? 1 : 0}:${row.currentVersion}:${updatedAt?.getTime() ?? ""}` : "none",
    enabled,
    currentVersion: hasProgram ? Number(row.currentVersion) : 0,
    updatedAt,
    account: row?.accountId ? { id: row.accountId, version: Number(row.accountVersion) } : null,
  };
}

// Settings versions are immutable; the stamp says which one is current.
const programCache = new Map<string, { stamp: string; enabled: boolean; settings: ProgramSettings }>();
const PROGRAM_CACHE_LIMIT = 5000;

/** The program as of these stamps, without writing anything: a shop that never opened the admin sees a switched-off default program. */
export async function loadProxyProgram(db: PrismaClient, shop: string, stamps: ProxyStamps): Promise<{ enabled: boolean; settings: ProgramSettings }> {
  const hit = programCache.get(shop);
  if (hit && hit.stamp === stamps.program) return hit;
  const value = {
    stamp: stamps.program,
    enabled: stamps.enabled,
    settings: stamps.program === "none" ? createDefaultSettings() : await loadSettingsVersion(db, shop, stamps.currentVersion, stamps.updatedAt ?? undefined),
  };
  if (programCache.size >= PROGRAM_CACHE_LIMIT && !programCache.has(shop)) programCache.delete(programCache.keys().next().value as string);
  programCache.set(shop, value);
  return value;
}

export function forgetProxyProgramCache(shop?: string): void {
  if (shop === undefined) programCache.clear();
  else programCache.delete(shop);
}

interface EntryRow {
  idempotencyKey: string;
  seq: number;
  type: string;
  bucket: string;
  points: number;
  reason: string;
  sourceKind: string;
  sourceId: string;
  ruleSnapshot: unknown;
  refund: unknown;
  lotId: string | null;
  actor: string | null;
  occurredAt: string | Date;
}

interface LotRow {
  id: string;
  status: string;
  sourceKind: string;
  sourceId: string;
  earnedAt: string | Date;
  spendableAt: string | Date;
  expiresAt: string | Date | null;
  points: number;
  remaining: number;
}

// Same order as ledger-store's loadLedgerEntries: the activity list keeps each event's first row.
const ENTRIES_SQL = `SELECT "idempotencyKey", "seq", "type", "bucket", "points", "reason", "sourceKind", "sourceId", "ruleSnapshot", "refund", "lotId", "actor", "occurredAt"
FROM "LedgerEntry" WHERE "accountId" = $1 ORDER BY "occurredAt" ASC, "createdAt" ASC, "seq" ASC`;
// Only lots that can still expire matter to the storefront's expiry notice.
const LOTS_SQL = `SELECT "id", "status", "sourceKind", "sourceId", "earnedAt", "spendableAt", "expiresAt", "points", "remaining"
FROM "PointLot" WHERE "accountId" = $1 AND "status" = 'ACTIVE' AND "remaining" > 0`;

function entryFromSqlRow(r: EntryRow): LedgerEntry {
  const entry: LedgerEntry = {
    idempotencyKey: r.idempotencyKey,
    seq: Number(r.seq),
    type: r.type as LedgerEntry["type"],
    bucket: r.bucket as LedgerEntry["bucket"],
    points: Number(r.points),
    reason: r.reason,
    source: { kind: r.sourceKind as EntrySource["kind"], id: r.sourceId },
    ruleSnapshot: parseJson<RuleSnapshot>(r.ruleSnapshot),
    occurredAt: toDate(r.occurredAt),
  };
  if (r.lotId !== null) entry.lotId = r.lotId;
  if (r.actor !== null) entry.actor = r.actor;
  if (r.refund !== null && r.refund !== undefined) entry.refund = parseJson<RefundTrace>(r.refund);
  return entry;
}

function lotFromSqlRow(r: LotRow, rowPrefix: string): Lot {
  return {
    id: r.id.startsWith(rowPrefix) ? r.id.slice(rowPrefix.length) : r.id,
    status: r.status as Lot["status"],
    source: { kind: r.sourceKind as EntrySource["kind"], id: r.sourceId },
    earnedAt: toDate(r.earnedAt),
    spendableAt: toDate(r.spendableAt),
    expiresAt: r.expiresAt === null ? null : toDate(r.expiresAt),
    points: Number(r.points),
    remaining: Number(r.remaining),
  };
}

/** A member's ledger rows (and, when `withLots`, the lots that can still expire). */
export async function loadProxyLedger(db: PrismaClient, accountId: string, withLots: boolean): Promise<LedgerState> {
  const sql = directSql(db);
  const entries = (await sql.query<EntryRow>(ENTRIES_SQL, [accountId])).map(entryFromSqlRow);
  const lots = withLots ? (await sql.query<LotRow>(LOTS_SQL, [accountId])).map((r) => lotFromSqlRow(r, lotRowId(accountId, ""))) : [];
  return { entries, lots };
}
