// Storefront app proxy (docs/storefront.md): what the theme extension reads
// and how redemptions answer. The customer is only ever the signed
// `logged_in_customer_id`; guests get program information and nothing personal.
// GET stays on a few indexed reads and never calls the Admin API.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import {
  InsufficientPointsError,
  LoyaltyError,
  RewardUnavailableError,
  computeTierStatus,
  createDefaultSettings,
  currencyExponent,
  lotsExpiringSoon,
  measureTierMetrics,
  type ProgramSettings,
  type Reward,
} from "~/domain/loyalty";
import { log } from "~/lib/log.server";
import { LoyaltyServiceError } from "./errors.server";
import { loadLedgerEntries, loadLedgerState } from "./ledger-store.server";
import { scheduleMetafieldSync } from "./metafields.server";
import { loadSettingsVersion } from "./program.server";
import { minorToDecimal, redeemReward, type RedeemDeps } from "./redeem.server";

export type ProxyErrorCode = "UNAUTHORIZED" | "NOT_LOGGED_IN" | "INVALID_REQUEST" | "INSUFFICIENT_POINTS" | "REWARD_DISABLED" | "TEMPORARY_FAILURE";

export interface ProxyReward {
  id: string;
  title: string;
  type: Reward["type"];
  cost: number;
  /** Decimal amount off, the percent, or "0.00" for free shipping. */
  value: string;
  minimumOrder: string | null;
  enabled: boolean;
}

export interface ProxyLoyalty {
  program: {
    enabled: boolean;
    pointsName: string;
    currency: string;
    earn: { points: number; perAmount: string };
    tiers: Array<{ name: string; threshold: number }>;
    tierBasis: "spend" | "points";
    rewards: ProxyReward[];
  };
  customer: {
    balance: number;
    pending: number;
    tier: { name: string } | null;
    nextTier: { name: string; remaining: number; progress: number } | null;
    expiring: { points: number; on: string } | null;
    activity: Array<{ date: string; points: number; label: string }>;
  } | null;
}

const MESSAGES: Record<"en" | "ar", Record<ProxyErrorCode | "PAUSED", string>> = {
  en: {
    UNAUTHORIZED: "This request could not be verified.",
    NOT_LOGGED_IN: "Sign in to redeem your points.",
    INVALID_REQUEST: "This request is not valid. Refresh the page and try again.",
    INSUFFICIENT_POINTS: "You don't have enough points for this reward yet.",
    REWARD_DISABLED: "This reward is no longer available.",
    PAUSED: "The rewards program is paused right now.",
    TEMPORARY_FAILURE: "We couldn't create your code just now. Your points were not used. Please try again.",
  },
  ar: {
    UNAUTHORIZED: "تعذّر التحقق من هذا الطلب.",
    NOT_LOGGED_IN: "سجّل الدخول لاستبدال نقاطك.",
    INVALID_REQUEST: "هذا الطلب غير صالح. حدّث الصفحة وحاول مرة أخرى.",
    INSUFFICIENT_POINTS: "ليست لديك نقاط كافية لهذه المكافأة بعد.",
    REWARD_DISABLED: "هذه المكافأة لم تعد متاحة.",
    PAUSED: "برنامج المكافآت متوقف مؤقتًا الآن.",
    TEMPORARY_FAILURE: "تعذّر إنشاء الرمز الآن. لم تُستخدم نقاطك. يُرجى المحاولة مرة أخرى.",
  },
};

export function proxyLanguage(acceptLanguage: string | null): "en" | "ar" {
  return /^\s*ar\b/i.test(acceptLanguage ?? "") ? "ar" : "en";
}

export interface ProxyReply {
  status: number;
  body: unknown;
}

export function proxyError(status: number, code: ProxyErrorCode, lang: "en" | "ar", messageKey: ProxyErrorCode | "PAUSED" = code): ProxyReply {
  return { status, body: { ok: false, error: { code, message: MESSAGES[lang][messageKey] } } };
}

export function toProxyReward(settings: ProgramSettings, r: Reward): ProxyReward {
  const value = r.type === "FIXED_AMOUNT" ? minorToDecimal(r.amountMinor, settings.currency) : r.type === "PERCENT" ? String(r.percent) : minorToDecimal(0, settings.currency);
  return {
    id: r.id,
    title: r.name,
    type: r.type,
    cost: r.costPoints,
    value,
    minimumOrder: r.minimumOrderMinor > 0 ? minorToDecimal(r.minimumOrderMinor, settings.currency) : null,
    enabled: r.enabled,
  };
}

// Storefront reads are the hot path: the program row is cached for a moment
// per process, so a settings change reaches shoppers within PROGRAM_TTL_MS.
const PROGRAM_TTL_MS = 2000;
const programCache = new Map<string, { at: number; value: { enabled: boolean; settings: ProgramSettings } }>();

/** Program settings without writing anything: a shop that never opened the admin sees a switched-off default program. */
async function readProgram(db: PrismaClient, shop: string, nowMs = performance.now()): Promise<{ enabled: boolean; settings: ProgramSettings }> {
  const hit = programCache.get(shop);
  if (hit && nowMs - hit.at < PROGRAM_TTL_MS) return hit.value;
  const program = await db.loyaltyProgram.findUnique({ where: { shop } });
  const value = program
    ? { enabled: program.enabled, settings: await loadSettingsVersion(db, shop, program.currentVersion, program.updatedAt) }
    : { enabled: false, settings: createDefaultSettings() };
  if (programCache.size > 5000) programCache.clear();
  programCache.set(shop, { at: nowMs, value });
  return value;
}

/** Drops the cached program (after an admin change in this process; other processes catch up within the TTL). */
export function forgetProxyProgram(shop: string): void {
  programCache.delete(shop);
}

function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export async function getProxyLoyalty(db: PrismaClient, shop: string, customerShopifyId: string | null, now = new Date()): Promise<ProxyLoyalty> {
  const { enabled, settings } = await readProgram(db, shop);
  const program: ProxyLoyalty["program"] = {
    enabled,
    pointsName: "points",
    currency: settings.currency,
    // "Earn <rate> points for every <one unit of currency>".
    earn: { points: settings.earn.pointsPerUnit, perAmount: minorToDecimal(10 ** currencyExponent(settings.currency), settings.currency) },
    tiers: settings.tiers.levels.map((t) => ({ name: t.name, threshold: t.threshold })),
    tierBasis: settings.tiers.basis,
    rewards: settings.rewards.filter((r) => r.enabled).map((r) => toProxyReward(settings, r)),
  };
  if (!customerShopifyId) return { program, customer: null };

  const account = await db.loyaltyAccount.findUnique({ where: { shop_customerShopifyId: { shop, customerShopifyId } }, select: { id: true } });
  // Lots only matter for the expiry notice.
  const state = !account
    ? { entries: [], lots: [] }
    : settings.expiry.mode === "none"
      ? { entries: await loadLedgerEntries(db, account.id), lots: [] }
      : await loadLedgerState(db, account.id);
  let pending = 0;
  let available = 0;
  for (const e of state.entries) {
    if (e.bucket === "PENDING") pending += e.points;
    else available += e.points;
  }
  const status = computeTierStatus(settings, measureTierMetrics(state.entries, now));
  const soon = lotsExpiringSoon(state, settings, now);
  // One line per event: a confirmation or a debt repayment nets to 0 and is left out.
  const events = new Map<string, { date: Date; points: number; label: string }>();
  for (const e of state.entries) {
    const ev = events.get(e.idempotencyKey);
    if (ev) ev.points += e.points;
    else events.set(e.idempotencyKey, { date: e.occurredAt, points: e.points, label: e.reason });
  }
  const activity = [...events.values()]
    .filter((e) => e.points !== 0)
    .sort((a, b) => b.date.getTime() - a.date.getTime())
    .slice(0, 10)
    .map((e) => ({ date: dateOnly(e.date), points: e.points, label: e.label }));
  return {
    program,
    customer: {
      balance: Math.max(0, available),
      pending,
      tier: status.current ? { name: status.current.name } : null,
      nextTier: status.next ? { name: status.next.name, remaining: status.remainingToNext, progress: Math.floor(status.progress * 100) / 100 } : null,
      expiring: soon.length > 0 ? { points: soon.filter((l) => dateOnly(l.expiresAt) === dateOnly(soon[0].expiresAt)).reduce((s, l) => s + l.points, 0), on: dateOnly(soon[0].expiresAt) } : null,
      activity,
    },
  };
}

export const redeemBodySchema = z.object({
  rewardId: z.string().trim().min(1).max(64),
  // The widget sends a v4 UUID; anything printable of sane length is accepted.
  requestKey: z.string().trim().regex(/^[A-Za-z0-9_.:-]{8,100}$/, "must be 8-100 letters, digits or - _ . :"),
});

/** POST /apps/retain/redeem. `body` is the parsed JSON (or undefined when it was not JSON). Any customer id in it is ignored. */
export async function redeemViaProxy(
  db: PrismaClient,
  shop: string,
  customerShopifyId: string | null,
  body: unknown,
  lang: "en" | "ar",
  now = new Date(),
  deps: RedeemDeps = {},
): Promise<ProxyReply> {
  if (!customerShopifyId) return proxyError(401, "NOT_LOGGED_IN", lang);
  if (body === undefined) return proxyError(400, "INVALID_REQUEST", lang);
  const parsed = redeemBodySchema.safeParse(body);
  if (!parsed.success) return proxyError(422, "INVALID_REQUEST", lang);
  const { rewardId, requestKey } = parsed.data;
  try {
    const out = await redeemReward(db, shop, customerShopifyId, rewardId, requestKey, now, deps);
    if (!out.replayed) await scheduleMetafieldSync(db, shop, now).catch((err) => log.warn("loyalty.metafields.schedule-failed", { shop, error: (err as Error)?.message }));
    const { settings } = await readProgram(db, shop);
    return {
      status: 200,
      body: { ok: true, code: out.code, balance: out.balance, reward: out.reward ? toProxyReward(settings, out.reward) : null, expiresAt: out.expiresAt.toISOString() },
    };
  } catch (err) {
    if (err instanceof InsufficientPointsError) return proxyError(409, "INSUFFICIENT_POINTS", lang);
    if (err instanceof RewardUnavailableError) return proxyError(err.reason === "reward_unknown" ? 410 : 409, "REWARD_DISABLED", lang);
    if (err instanceof LoyaltyServiceError) {
      if (err.reason === "program_disabled") return proxyError(409, "REWARD_DISABLED", lang, "PAUSED");
      if (err.reason === "request_key_conflict") return proxyError(409, "INVALID_REQUEST", lang);
      return proxyError(503, "TEMPORARY_FAILURE", lang);
    }
    if (err instanceof LoyaltyError) return proxyError(422, "INVALID_REQUEST", lang);
    log.error("loyalty.proxy.redeem-error", { shop, error: (err as Error)?.message });
    return proxyError(503, "TEMPORARY_FAILURE", lang);
  }
}
