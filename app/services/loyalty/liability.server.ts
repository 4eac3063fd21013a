// Points liability (domain `buildLiabilityReport`): outstanding points, their
// value at reward cost, expected breakage, month-end trend. The maintenance
// job stores one ShopSnapshot(kind LIABILITY) a day; the admin page reads the
// latest or computes one on demand.
import type { Prisma, PrismaClient } from "@prisma/client";
import { buildLiabilityReport, measureBreakageHistory, type CustomerLedger, type LiabilityPoint } from "~/domain/loyalty";
import { entryFromRow, writeTx } from "./ledger-store.server";
import { getActiveProgram } from "./program.server";

export const LIABILITY_KIND = "LIABILITY";

type Point = Omit<LiabilityPoint, "at"> & { at: string };

export interface LiabilityView {
  computedAt: string;
  currency: string;
  pendingPoints: number;
  spendablePoints: number;
  outstandingPoints: number;
  debtPoints: number;
  customersWithDebt: number;
  members: number;
  valuation: { basis: string; pointValueMinor: number | null; rewardId?: string };
  outstandingValueMinor: number | null;
  breakageRate: number | null;
  expectedBreakagePoints: number | null;
  expectedLiabilityMinor: number | null;
  trend: Point[];
}

export async function computeLiability(db: PrismaClient, shop: string, now = new Date()): Promise<LiabilityView> {
  const program = await getActiveProgram(db, shop);
  const rows = await db.ledgerEntry.findMany({ where: { shop }, orderBy: [{ occurredAt: "asc" }, { seq: "asc" }] });
  const byAccount = new Map<string, CustomerLedger & { entries: ReturnType<typeof entryFromRow>[] }>();
  for (const row of rows) {
    let ledger = byAccount.get(row.accountId);
    if (!ledger) byAccount.set(row.accountId, (ledger = { customerId: row.accountId, entries: [] }));
    ledger.entries.push(entryFromRow(row));
  }
  const ledgers = [...byAccount.values()];
  const history = measureBreakageHistory(ledgers, undefined, now);
  const report = buildLiabilityReport(program.settings, ledgers, { now, history });
  return {
    computedAt: now.toISOString(),
    currency: program.settings.currency,
    pendingPoints: report.pendingPoints,
    spendablePoints: report.spendablePoints,
    outstandingPoints: report.outstandingPoints,
    debtPoints: report.debtPoints,
    customersWithDebt: report.customersWithDebt,
    members: ledgers.length,
    valuation: report.valuation,
    outstandingValueMinor: report.outstandingValueMinor,
    breakageRate: report.breakageRate,
    expectedBreakagePoints: report.expectedBreakagePoints,
    expectedLiabilityMinor: report.expectedLiabilityMinor,
    trend: report.trend.map((p) => ({ ...p, at: p.at.toISOString() })),
  };
}

export async function storeLiabilitySnapshot(db: PrismaClient, shop: string, now = new Date()): Promise<LiabilityView> {
  const view = await computeLiability(db, shop, now);
  await writeTx(db, (tx) => tx.shopSnapshot.create({ data: { shop, kind: LIABILITY_KIND, payload: view as unknown as Prisma.InputJsonValue, computedAt: now } }));
  return view;
}

/** Latest stored report (with the history of stored totals), or a fresh one when none is stored or `fresh` is asked. */
export async function getLiabilityReport(db: PrismaClient, shop: string, now = new Date(), fresh = false) {
  const snapshots = await db.shopSnapshot.findMany({ where: { shop, kind: LIABILITY_KIND }, orderBy: { computedAt: "desc" }, take: 90 });
  const latest = snapshots[0]?.payload as unknown as LiabilityView | undefined;
  const report = fresh || !latest ? await computeLiability(db, shop, now) : latest;
  const history = snapshots
    .map((s) => ({ at: s.computedAt.toISOString(), outstandingPoints: (s.payload as unknown as LiabilityView).outstandingPoints, outstandingValueMinor: (s.payload as unknown as LiabilityView).outstandingValueMinor }))
    .reverse();
  return { report, history, stored: !fresh && latest !== undefined };
}
