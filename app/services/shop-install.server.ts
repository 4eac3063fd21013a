// What happens when a shop authenticates: record (or revive) the shop and
// queue its install job (shop details + backfill). Safe to run on every auth.
import type { PrismaClient } from "@prisma/client";
import { enqueueJob } from "~/jobs/queue.server";

export async function onShopAuthenticated(db: PrismaClient, shop: string, now = new Date()): Promise<void> {
  const existing = await db.shop.findUnique({ where: { shop } });
  if (existing && existing.status === "INSTALLED") return;
  await db.shop.upsert({
    where: { shop },
    create: { shop, status: "INSTALLED", installedAt: now },
    update: { status: "INSTALLED", reinstalledAt: now, uninstalledAt: null },
  });
  await db.auditLog.create({
    data: { shop, actor: "system", action: existing ? "shop.reinstalled" : "shop.installed" },
  });
  await enqueueJob(db, { type: "shop.install", shop, dedupeKey: `install:${shop}` }, now);
}
