// The app home's setup guide: each step's state comes from real data, not from
// a checkbox the merchant ticks.
import type { PrismaClient } from "@prisma/client";
import { log } from "~/lib/log.server";

export type StepState = "done" | "in_progress" | "todo";

export interface SetupStep {
  id: "sync" | "loyalty" | "storefront" | "campaign";
  state: StepState;
  url: string;
  external?: boolean;
  detail?: Record<string, string | number>;
}

/** Theme editor deep links (PLATFORM.md §3): the block handle is the Liquid file name. */
export function themeEditorLinks(shop: string, apiKey: string) {
  const base = `https://${shop}/admin/themes/current/editor`;
  return {
    addBlock: `${base}?template=customers/account&addAppBlockId=${apiKey}/loyalty-panel&target=mainSection`,
    activateEmbed: `${base}?context=apps&activateAppId=${apiKey}/loyalty-launcher`,
  };
}

export async function getSetupGuide(db: PrismaClient, shop: string, apiKey: string): Promise<{ steps: SetupStep[]; complete: number }> {
  const [shopRow, runs, orders, program, campaigns] = await Promise.all([
    db.shop.findUnique({ where: { shop }, select: { storefrontSeenAt: true } }),
    db.syncRun.findMany({ where: { shop, kind: { in: ["BACKFILL_CUSTOMERS", "BACKFILL_ORDERS"] } }, select: { status: true } }),
    db.order.count({ where: { shop } }),
    db.loyaltyProgram.findUnique({ where: { shop }, select: { enabled: true } }),
    db.campaign.count({ where: { shop, status: { not: "DRAFT" } } }),
  ]);
  const syncing = runs.some((r) => ["PENDING", "RUNNING", "DOWNLOADING"].includes(r.status));
  const synced = runs.some((r) => r.status === "COMPLETED") || orders > 0;
  const links = themeEditorLinks(shop, apiKey);
  const steps: SetupStep[] = [
    { id: "sync", state: syncing ? "in_progress" : synced ? "done" : "todo", url: "/app/sync", detail: { orders } },
    { id: "loyalty", state: program?.enabled ? "done" : "todo", url: "/app/loyalty" },
    { id: "storefront", state: shopRow?.storefrontSeenAt ? "done" : "todo", url: links.activateEmbed, external: true },
    { id: "campaign", state: campaigns > 0 ? "done" : "todo", url: "/app/campaigns/new" },
  ];
  return { steps, complete: steps.filter((s) => s.state === "done").length };
}

// Shop → when this process last wrote storefrontSeenAt (or decided it was recent).
const lastMarked = new Map<string, number>();
const STOREFRONT_SEEN_INTERVAL_MS = 3600_000;

/**
 * Called by the app proxy: a signed storefront request proves the widget is live.
 * At most one conditional UPDATE an hour per shop and process, so the proxy's
 * hot path stays a read; a failed write never fails the storefront request.
 */
export async function markStorefrontSeen(db: PrismaClient, shop: string, now = new Date()): Promise<void> {
  const seen = lastMarked.get(shop);
  if (seen !== undefined && now.getTime() - seen < STOREFRONT_SEEN_INTERVAL_MS) return;
  lastMarked.set(shop, now.getTime());
  const cutoff = new Date(now.getTime() - STOREFRONT_SEEN_INTERVAL_MS);
  try {
    await db.shop.updateMany({ where: { shop, OR: [{ storefrontSeenAt: null }, { storefrontSeenAt: { lt: cutoff } }] }, data: { storefrontSeenAt: now } });
  } catch (err) {
    lastMarked.delete(shop);
    log.warn("setup-guide.storefront-seen.write-failed", { shop, error: (err as Error)?.message });
  }
}
