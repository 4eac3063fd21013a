// Storefront app proxy (docs/storefront.md): what the theme extension reads
// and how redemptions answer. The customer is only ever the signed
// `logged_in_customer_id`; guests get program information and nothing personal.
// GET stays on a few indexed reads (direct SQL, proxy-read.server.ts) and never calls the Admin API.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import {
  InsufficientPointsError,
  LoyaltyError,
  RewardUnavailableError,
  computeTierStatus,
  currencyExponent,
  lotsExpiringSoon,
  measureTierMetrics,
  type LedgerState,
  type ProgramSettings,
  type Reward,
} from "~/domain/loyalty";
import { log } from "~/lib/log.server";
import { LoyaltyServiceError } from "./errors.server";
import { scheduleMetafieldSync } from "./metafields.server";
import { forgetProxyProgramCache, loadProxyLedger, loadProxyProgram, readProxyStamps, type ProxyStamps } from "./proxy-read.server";
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

/** Drops this process's cached program for a shop. Not needed for correctness (every GET compares the program's stamp); it frees memory after an admin change. */
export function forgetProxyProgram(shop: string): void {
  forgetProxyProgramCache(shop);
}

function dateOnly(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function buildProgram(enabled: boolean, settings: ProgramSettings): ProxyLoyalty["program"] {
  return {
    enabled,
    pointsName: "points",
    currency: settings.currency,
    // "Earn <rate> points for every <one unit of currency>".
    earn: { points: settings.earn.pointsPerUnit, perAmount: minorToDecimal(10 ** currencyExponent(settings.currency), settings.currency) },
    tiers: settings.tiers.levels.map((t) => ({ name: t.name, threshold: t.threshold })),
    tierBasis: settings.tiers.basis,
    rewards: settings.rewards.filter((r) => r.enabled).map((r) => toProxyReward(settings, r)),
  };
}

function buildCustomer(settings: ProgramSettings, state: LedgerState, now: Date): NonNullable<ProxyLoyalty["customer"]> {
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
    balance: Math.max(0, available),
    pending,
    tier: status.current ? { name: status.current.name } : null,
    nextTier: status.next ? { name: status.next.name, remaining: status.remainingToNext, progress: Math.floor(status.progress * 100) / 100 } : null,
    expiring: soon.length > 0 ? { points: soon.filter((l) => dateOnly(l.expiresAt) === dateOnly(soon[0].expiresAt)).reduce((s, l) => s + l.points, 0), on: dateOnly(soon[0].expiresAt) } : null,
    activity,
  };
}

async function composeProxyLoyalty(db: PrismaClient, shop: string, customerShopifyId: string | null, stamps: ProxyStamps, now: Date): Promise<ProxyLoyalty> {
  const { enabled, settings } = await loadProxyProgram(db, shop, stamps);
  const program = buildProgram(enabled, settings);
  if (!customerShopifyId) return { program, customer: null };
  // Reading never creates a member row; lots only matter for the expiry notice.
  const state = stamps.account ? await loadProxyLedger(db, stamps.account.id, settings.expiry.mode !== "none") : { entries: [], lots: [] };
  return { program, customer: buildCustomer(settings, state, now) };
}

export async function getProxyLoyalty(db: PrismaClient, shop: string, customerShopifyId: string | null, now = new Date()): Promise<ProxyLoyalty> {
  return composeProxyLoyalty(db, shop, customerShopifyId, await readProxyStamps(db, shop, customerShopifyId), now);
}

// The serialized answer per (shop, customer), reused while the program and
// account stamps read by this very request are unchanged (readProxyStamps: any
// process's ledger write or settings save moves one). The tier window and the
// expiry notice also move with the clock, so an answer is rebuilt at least
// every RESPONSE_MAX_AGE_MS.
export const RESPONSE_MAX_AGE_MS = 60_000;
const RESPONSE_CACHE_LIMIT = 10_000;
const responses = new Map<string, { stamp: string; builtAt: number; body: string }>();

/** GET /apps/retain/loyalty's JSON body (what getProxyLoyalty returns, serialized). */
export async function getProxyLoyaltyJson(db: PrismaClient, shop: string, customerShopifyId: string | null, now = new Date()): Promise<string> {
  const stamps = await readProxyStamps(db, shop, customerShopifyId);
  const stamp = stamps.account ? `${stamps.program}|${stamps.account.id}:${stamps.account.version}` : stamps.program;
  const key = `${shop}\n${customerShopifyId ?? ""}`;
  const t = now.getTime();
  const hit = responses.get(key);
  if (hit && hit.stamp === stamp && t >= hit.builtAt && t - hit.builtAt < RESPONSE_MAX_AGE_MS) return hit.body;
  const body = JSON.stringify(await composeProxyLoyalty(db, shop, customerShopifyId, stamps, now));
  // Oldest-first eviction (Map keeps insertion order).
  responses.delete(key);
  if (responses.size >= RESPONSE_CACHE_LIMIT) responses.delete(responses.keys().next().value as string);
  responses.set(key, { stamp, builtAt: t, body });
  return body;
}

/** Forget every cached storefront answer (tests; a bulk repair of ledger rows that bypassed the account version). */
export function clearProxyResponses(): void {
  responses.clear();
  forgetProxyProgramCache();
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
    const { settings } = await loadProxyProgram(db, shop, await readProxyStamps(db, shop, null));
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
