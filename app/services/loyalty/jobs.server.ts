// Queue handlers of the loyalty capability; the lead registers them in app/jobs/registry.server.ts.
import type { Job, PrismaClient } from "@prisma/client";
import type { JobBatchPreparer, JobHandler } from "~/jobs/registry.server";
import { scheduleNextRun } from "~/jobs/schedule.server";
import { log } from "~/lib/log.server";
import { runLoyaltyMaintenance } from "./maintenance.server";
import { scheduleMetafieldSync, syncLoyaltyMetafields } from "./metafields.server";
import { processOrderChanged, quickSkipMany } from "./orders.server";

class LoyaltyJobError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = "LoyaltyJobError";
    this.reason = reason;
  }
}

function requireShop(shop: string | null, type: string): string {
  if (!shop) throw new LoyaltyJobError("missing_shop", `${type} needs job.shop`);
  return shop;
}

/** Shops whose program is switched on and whose app is installed. */
export async function listActiveLoyaltyShops(db: PrismaClient): Promise<string[]> {
  const programs = await db.loyaltyProgram.findMany({ where: { enabled: true }, select: { shop: true } });
  if (programs.length === 0) return [];
  const installed = await db.shop.findMany({ where: { shop: { in: programs.map((p) => p.shop) }, status: "INSTALLED" }, select: { shop: true } });
  return installed.map((s) => s.shop).sort();
}

function orderShopifyIdOf(job: Job): string | null {
  const id = (job.payload as { orderShopifyId?: unknown } | null)?.orderShopifyId;
  return typeof id === "string" && id !== "" ? id : null;
}

export const loyaltyJobBatchPreparers: Record<string, JobBatchPreparer> = {
  // The usual outcome (guest or test order, non-member while the program is off) for a whole claim in one statement per shop.
  "loyalty.order-changed": async (db, jobs) => {
    const byShop = new Map<string, Job[]>();
    for (const job of jobs) {
      if (!job.shop || orderShopifyIdOf(job) === null) continue; // the handler reports these
      const list = byShop.get(job.shop);
      if (list) list.push(job);
      else byShop.set(job.shop, [job]);
    }
    const settled = new Map<string, unknown>();
    for (const [shop, list] of byShop) {
      const skips = await quickSkipMany(db, shop, list.map((j) => orderShopifyIdOf(j)!));
      for (const job of list) {
        const skip = skips.get(orderShopifyIdOf(job)!);
        if (skip) settled.set(job.id, skip);
      }
    }
    return settled;
  },
};

export const loyaltyJobHandlers: Record<string, JobHandler> = {
  "loyalty.order-changed": async (db, job, ctx) => {
    const shop = requireShop(job.shop, job.type);
    const orderShopifyId = orderShopifyIdOf(job);
    if (orderShopifyId === null) throw new LoyaltyJobError("invalid_payload", "loyalty.order-changed needs payload.orderShopifyId");
    const result = await processOrderChanged(db, shop, orderShopifyId, ctx.now);
    if (result.entriesWritten > 0) await scheduleMetafieldSync(db, shop, ctx.now);
    return result;
  },
  "loyalty.metafields-sync": async (db, job, ctx) => syncLoyaltyMetafields(db, requireShop(job.shop, job.type), ctx.now),
  "loyalty.maintenance-all": async (db, _job, ctx) => {
    const results: Record<string, unknown> = {};
    for (const shop of await listActiveLoyaltyShops(db)) {
      try {
        results[shop] = await runLoyaltyMaintenance(db, shop, ctx.now);
      } catch (err) {
        // One shop's failure (e.g. revoked token) must not stop the others; it is retried next hour.
        log.error("loyalty.maintenance.failed", { shop, error: (err as Error)?.message });
        results[shop] = { error: (err as Error)?.message ?? String(err) };
      }
    }
    await scheduleNextRun(db, "loyalty.maintenance-all", ctx.now);
    return results;
  },
};
