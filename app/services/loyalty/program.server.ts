// Program settings: one LoyaltyProgram row per shop (on/off + current version)
// and immutable LoyaltySettingsVersion rows, so every ledger entry can be
// explained by the rules it was written under (docs/loyalty.md).
import type { LoyaltyProgram, Prisma, PrismaClient } from "@prisma/client";
import { createDefaultSettings, parseProgramSettings, type ProgramSettings } from "~/domain/loyalty";
import { writeTx } from "./ledger-store.server";

type Client = PrismaClient | Prisma.TransactionClient;

export interface ActiveProgram {
  shop: string;
  enabled: boolean;
  settings: ProgramSettings;
  /** First time the merchant switched the program on; orders processed before it never earn. */
  startedAt: Date | null;
}

export const PROGRAM_ENABLED_ACTION = "loyalty.program.enabled";

// Settings versions never change once written, so they can be cached for the process lifetime.
const settingsCache = new Map<string, ProgramSettings>();
const CACHE_LIMIT = 2000;

function cacheSettings(key: string, settings: ProgramSettings): void {
  if (settingsCache.size >= CACHE_LIMIT) settingsCache.delete(settingsCache.keys().next().value as string);
  settingsCache.set(key, settings);
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === "P2002";
}

/** The shop's program, created on first sight with default settings in the shop's currency, switched off. */
export async function ensureProgram(db: PrismaClient, shop: string): Promise<LoyaltyProgram> {
  const existing = await db.loyaltyProgram.findUnique({ where: { shop } });
  if (existing) return existing;
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  const settings = parseProgramSettings({ ...createDefaultSettings(), currency: shopRow?.currencyCode ?? "USD", version: 1 });
  try {
    return await writeTx(db, async (tx) => {
      await tx.loyaltySettingsVersion.create({ data: { shop, version: 1, settings: settings as unknown as Prisma.InputJsonValue, createdBy: "system" } });
      return tx.loyaltyProgram.create({ data: { shop, enabled: false, currentVersion: 1 } });
    });
  } catch (err) {
    // Two first visits at once: the other one created it.
    if (isUniqueViolation(err)) return db.loyaltyProgram.findUniqueOrThrow({ where: { shop } });
    throw err;
  }
}

/**
 * A settings version. Versions never change once written, but a shop's rows
 * can be erased (shop/redact) and recreated, so the cache key includes the
 * program row's `updatedAt` stamp; without a stamp the row is always read.
 */
export async function loadSettingsVersion(db: Client, shop: string, version: number, stamp?: Date): Promise<ProgramSettings> {
  const key = stamp ? `${shop}\u0000${version}\u0000${stamp.getTime()}` : null;
  const cached = key ? settingsCache.get(key) : undefined;
  if (cached) return cached;
  const row = await db.loyaltySettingsVersion.findUniqueOrThrow({ where: { shop_version: { shop, version } } });
  const settings = parseProgramSettings(row.settings);
  if (key) cacheSettings(key, settings);
  return settings;
}

export async function getActiveProgram(db: PrismaClient, shop: string): Promise<ActiveProgram> {
  const program = await ensureProgram(db, shop);
  const settings = await loadSettingsVersion(db, shop, program.currentVersion, program.updatedAt);
  const started = await db.auditLog.findFirst({ where: { shop, action: PROGRAM_ENABLED_ACTION }, orderBy: { createdAt: "asc" }, select: { createdAt: true } });
  return { shop, enabled: program.enabled, settings, startedAt: started?.createdAt ?? null };
}

/**
 * Validates and stores a new settings version (throws SettingsValidationError
 * listing every bad field). The version number is assigned here, never taken
 * from the input.
 */
export async function saveProgramSettings(db: PrismaClient, shop: string, input: unknown, actor: string, now = new Date()): Promise<ProgramSettings> {
  await ensureProgram(db, shop);
  const raw = input && typeof input === "object" ? (input as Record<string, unknown>) : {};
  for (let attempt = 0; ; attempt++) {
    const current = await db.loyaltyProgram.findUniqueOrThrow({ where: { shop } });
    const settings = parseProgramSettings({ ...raw, version: current.currentVersion + 1 });
    try {
      await writeTx(db, async (tx) => {
        await tx.loyaltySettingsVersion.create({ data: { shop, version: settings.version, settings: settings as unknown as Prisma.InputJsonValue, createdBy: actor, createdAt: now } });
        const moved = await tx.loyaltyProgram.updateMany({ where: { shop, currentVersion: current.currentVersion }, data: { currentVersion: settings.version } });
        if (moved.count !== 1) throw Object.assign(new Error("settings version moved"), { code: "P2002" });
        await tx.auditLog.create({ data: { shop, actor, action: "loyalty.settings.saved", subject: `v${settings.version}`, details: { version: settings.version }, createdAt: now } });
      });
      return settings;
    } catch (err) {
      // Two admins saving at once: re-read and write the next version.
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
  }
}

export async function setProgramEnabled(db: PrismaClient, shop: string, enabled: boolean, actor: string, now = new Date()): Promise<void> {
  await ensureProgram(db, shop);
  await writeTx(db, async (tx) => {
    await tx.loyaltyProgram.update({ where: { shop }, data: { enabled } });
    await tx.auditLog.create({ data: { shop, actor, action: enabled ? PROGRAM_ENABLED_ACTION : "loyalty.program.disabled", createdAt: now } });
  });
}
