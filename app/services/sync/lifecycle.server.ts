// App lifecycle webhooks: app/uninstalled and app/scopes_update.
import type { PrismaClient } from "@prisma/client";
import { asArray, asRecord, optionalDate, requiredString } from "~/domain/sync";
import { cancelShopJobs } from "~/jobs/queue.server";
import { inTransaction } from "./tx.server";

/**
 * Marks the shop uninstalled, cancels its queued jobs and deletes its
 * sessions (the token is revoked). Data stays until shop/redact, so a
 * reinstall resumes. A delivery triggered before the latest reinstall is stale
 * and ignored.
 */
export async function markUninstalled(db: PrismaClient, shop: string, triggeredAt: Date | null, now: Date): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const row = await tx.shop.findUnique({ where: { shop }, select: { reinstalledAt: true, installedAt: true, status: true } });
    const installedSince = row?.reinstalledAt ?? row?.installedAt ?? null;
    if (row && triggeredAt && installedSince && triggeredAt < installedSince) return false;
    await tx.shop.updateMany({ where: { shop }, data: { status: "UNINSTALLED", uninstalledAt: now } });
    await tx.session.deleteMany({ where: { shop } });
    await cancelShopJobs(tx as unknown as PrismaClient, shop, now);
    await tx.auditLog.create({ data: { shop, actor: "webhook", action: "shop.uninstalled" } });
    return true;
  });
}

/** app/scopes_update: `{ id, previous: [...], current: [...], updated_at }`. */
export async function updateScopes(db: PrismaClient, shop: string, payload: unknown): Promise<string> {
  const p = asRecord(payload, "payload");
  const scopes = asArray(p.current, "payload.current").map((s, i) => requiredString(s, `payload.current[${i}]`)).join(",");
  optionalDate(p.updated_at, "payload.updated_at");
  await inTransaction(db, async (tx) => {
    await tx.shop.updateMany({ where: { shop }, data: { scopes } });
    await tx.session.updateMany({ where: { shop }, data: { scope: scopes } });
  });
  return scopes;
}
