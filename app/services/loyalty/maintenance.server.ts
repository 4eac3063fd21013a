// Scheduled upkeep of one shop's program: confirm pending points whose return
// window ended, expire lots (and count those inside the warning window),
// recalculate tiers on the rolling 12 months, birthday bonuses, recover
// interrupted redemptions, push dirty metafields, and a daily liability
// snapshot. Every step is a ledger reducer with deterministic keys, so a
// re-run after a crash repeats nothing.
import type { PrismaClient } from "@prisma/client";
import { confirmPendingPoints, expireLots, lotsExpiringSoon } from "~/domain/loyalty";
import { log } from "~/lib/log.server";
import { awardBirthdayBonuses } from "./customer.server";
import { applyLedgerEvent, loadLedgerState } from "./ledger-store.server";
import { LIABILITY_KIND, storeLiabilitySnapshot } from "./liability.server";
import { syncLoyaltyMetafields, type MetafieldSyncResult } from "./metafields.server";
import { refreshAccountTier } from "./orders.server";
import { getActiveProgram } from "./program.server";
import { recoverStaleRedemptions, type RedeemDeps } from "./redeem.server";

export interface MaintenanceResult {
  confirmedAccounts: number;
  expiredAccounts: number;
  expiringSoonPoints: number;
  tierChanges: number;
  birthdays: number;
  recovered: { issued: number; failed: number };
  metafields: MetafieldSyncResult | null;
  liabilitySnapshot: boolean;
}

const SNAPSHOT_EVERY_MS = 20 * 3600_000;

export async function runLoyaltyMaintenance(db: PrismaClient, shop: string, now = new Date(), deps: RedeemDeps & { syncMetafields?: boolean } = {}): Promise<MaintenanceResult> {
  const program = await getActiveProgram(db, shop);
  const settings = program.settings;
  const out: MaintenanceResult = { confirmedAccounts: 0, expiredAccounts: 0, expiringSoonPoints: 0, tierChanges: 0, birthdays: 0, recovered: { issued: 0, failed: 0 }, metafields: null, liabilitySnapshot: false };

  const due = await db.pointLot.findMany({ where: { shop, status: "PENDING", spendableAt: { lte: now } }, select: { accountId: true }, distinct: ["accountId"] });
  for (const { accountId } of due) {
    const res = await applyLedgerEvent(db, accountId, (state) => confirmPendingPoints(state, settings, now));
    if (res.changes.entries.length > 0 || res.changes.lots.length > 0) out.confirmedAccounts += 1;
  }

  if (settings.expiry.mode !== "none") {
    // Fixed dates can be filtered in the database; inactivity expiry depends on each ledger's last activity.
    const where = settings.expiry.mode === "afterEarn"
      ? { shop, status: "ACTIVE", remaining: { gt: 0 }, OR: [{ expiresAt: { lte: new Date(now.getTime() + settings.expiry.warningDays * 86_400_000) } }, { expiresAt: null }] }
      : { shop, status: "ACTIVE", remaining: { gt: 0 } };
    const candidates = await db.pointLot.findMany({ where, select: { accountId: true }, distinct: ["accountId"] });
    for (const { accountId } of candidates) {
      const res = await applyLedgerEvent(db, accountId, (state) => expireLots(state, settings, now));
      if (res.changes.entries.length > 0) out.expiredAccounts += 1;
      out.expiringSoonPoints += lotsExpiringSoon(res.state, settings, now).reduce((s, l) => s + l.points, 0);
    }
  }

  if (settings.tiers.levels.length > 0 || (await db.loyaltyAccount.count({ where: { shop, tier: { not: null } } })) > 0) {
    const accounts = await db.loyaltyAccount.findMany({ where: { shop }, select: { id: true, tier: true } });
    for (const a of accounts) {
      const state = await loadLedgerState(db, a.id);
      const tier = await refreshAccountTier(db, a.id, a.tier, settings, state, now);
      if (tier !== a.tier) out.tierChanges += 1;
    }
  }

  if (program.enabled) out.birthdays = await awardBirthdayBonuses(db, shop, now);
  out.recovered = await recoverStaleRedemptions(db, shop, now, deps);
  if (deps.syncMetafields !== false) out.metafields = await syncLoyaltyMetafields(db, shop, now, deps);

  const last = await db.shopSnapshot.findFirst({ where: { shop, kind: LIABILITY_KIND }, orderBy: { computedAt: "desc" }, select: { computedAt: true } });
  if (!last || now.getTime() - last.computedAt.getTime() >= SNAPSHOT_EVERY_MS) {
    await storeLiabilitySnapshot(db, shop, now);
    out.liabilitySnapshot = true;
  }
  log.info("loyalty.maintenance", { shop, ...out, metafields: out.metafields ?? undefined });
  return out;
}
