// Balance, tier and next-tier progress written to customer metafields
// ($app:retain) so the theme shows them with no network call. Accounts are
// marked dirty by every ledger change; this pushes them in metafieldsSet calls
// of ≤ 25 fields (8 customers × 3), through the throttle-aware client, and
// marks an account clean only if it did not change while the call was in flight.
import type { PrismaClient } from "@prisma/client";
import { computeTierStatus, measureTierMetrics, type ProgramSettings } from "~/domain/loyalty";
import { enqueueJob } from "~/jobs/queue.server";
import {
  LOYALTY_METAFIELDS_DELETE,
  LOYALTY_METAFIELDS_SET,
  LOYALTY_METAFIELD_NAMESPACE,
  METAFIELDS_PER_CALL,
  buildLoyaltyMetafields,
  type MetafieldInput,
} from "~/graphql/loyalty";
import { adminGraphql as defaultAdminGraphql, assertNoUserErrors } from "~/services/admin-api.server";
import { log } from "~/lib/log.server";
import { loadLedgerState, writeTx } from "./ledger-store.server";
import { getActiveProgram } from "./program.server";
import { customerGid, type RedeemDeps } from "./redeem.server";

export interface MetafieldSyncResult {
  accounts: number;
  calls: number;
  failed: number;
}

export interface CustomerMetafieldValues {
  balance: number;
  tierName: string | null;
  nextTier: { name: string; remaining: number; progress: number } | null;
}

/** What the storefront shows for one member: spendable balance, tier, progress (2 decimals) to the next tier. */
export function metafieldValuesFor(settings: ProgramSettings, entries: Parameters<typeof measureTierMetrics>[0], now: Date): CustomerMetafieldValues {
  const available = entries.reduce((s, e) => s + (e.bucket === "AVAILABLE" ? e.points : 0), 0);
  const status = computeTierStatus(settings, measureTierMetrics(entries, now));
  return {
    balance: Math.max(0, available),
    tierName: status.current?.name ?? null,
    nextTier: status.next ? { name: status.next.name, remaining: status.remainingToNext, progress: Math.floor(status.progress * 100) / 100 } : null,
  };
}

/** Debounced follow-up after balance changes: one queued sync per shop. */
export async function scheduleMetafieldSync(db: PrismaClient, shop: string, now = new Date(), delayMs = 15_000): Promise<void> {
  await writeTx(db, (tx) => enqueueJob(tx as unknown as PrismaClient, { type: "loyalty.metafields-sync", shop, dedupeKey: `loyalty-metafields:${shop}`, runAt: new Date(now.getTime() + delayMs) }, now));
}

export async function syncLoyaltyMetafields(db: PrismaClient, shop: string, now = new Date(), deps: RedeemDeps = {}, maxAccounts = 2000): Promise<MetafieldSyncResult> {
  const call = deps.adminGraphql ?? defaultAdminGraphql;
  const program = await getActiveProgram(db, shop);
  const result: MetafieldSyncResult = { accounts: 0, calls: 0, failed: 0 };
  const perCall = Math.floor(METAFIELDS_PER_CALL / 3);
  const skip = new Set<string>();
  type Account = Awaited<ReturnType<typeof db.loyaltyAccount.findMany>>[number];
  const push = async (accounts: Account[]): Promise<boolean> => {
    const fields: MetafieldInput[] = [];
    const tierless: string[] = [];
    for (const account of accounts) {
      const state = await loadLedgerState(db, account.id);
      const values = metafieldValuesFor(program.settings, state.entries, now);
      fields.push(...buildLoyaltyMetafields({ customerGid: customerGid(account.customerShopifyId), ...values }));
      if (!values.tierName && program.settings.tiers.levels.length > 0) tierless.push(customerGid(account.customerShopifyId));
    }
    try {
      const data = await call<{ metafieldsSet: { userErrors: unknown[] } }>(shop, LOYALTY_METAFIELDS_SET, { metafields: fields });
      result.calls += 1;
      assertNoUserErrors(data.metafieldsSet, "metafieldsSet");
      if (tierless.length > 0) {
        // A member who dropped below the first tier: remove the stale tier so Liquid shows "Member".
        const del = await call<{ metafieldsDelete: { userErrors: unknown[] } }>(shop, LOYALTY_METAFIELDS_DELETE, {
          metafields: tierless.map((ownerId) => ({ ownerId, namespace: LOYALTY_METAFIELD_NAMESPACE, key: "tier" })),
        });
        result.calls += 1;
        assertNoUserErrors(del.metafieldsDelete, "metafieldsDelete");
      }
    } catch (err) {
      log.warn("loyalty.metafields.failed", { shop, accounts: accounts.length, error: (err as Error)?.message });
      return false;
    }
    await writeTx(db, async (tx) => {
      for (const a of accounts) await tx.loyaltyAccount.updateMany({ where: { id: a.id, version: a.version }, data: { metafieldsDirty: false } });
    });
    result.accounts += accounts.length;
    return true;
  };
  while (result.accounts + result.failed < maxAccounts) {
    const dirty = await db.loyaltyAccount.findMany({ where: { shop, metafieldsDirty: true, id: { notIn: [...skip] } }, orderBy: { updatedAt: "asc" }, take: perCall });
    if (dirty.length === 0) break;
    if (await push(dirty)) continue;
    // metafieldsSet is atomic: one bad customer (e.g. deleted in Shopify) fails the batch, so retry one by one.
    // Failures stay dirty for the next run and are skipped for the rest of this one.
    const failed: Account[] = dirty.length > 1 ? [] : dirty;
    if (dirty.length > 1) for (const a of dirty) if (!(await push([a]))) failed.push(a);
    for (const a of failed) {
      skip.add(a.id);
      result.failed += 1;
    }
  }
  return result;
}
