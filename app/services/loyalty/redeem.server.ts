// Redemption: debit points and record a PENDING Redemption in one transaction,
// then create the customer's discount code through the Admin API. Success
// marks it ISSUED; failure compensates the debit (domain
// `compensateRedemption`) and marks it FAILED. `(shop, requestKey)` is unique,
// so a repeated submit returns the first outcome without a second debit.
import { randomInt, randomUUID } from "node:crypto";
import type { PrismaClient, Redemption } from "@prisma/client";
import {
  InsufficientPointsError,
  RewardUnavailableError,
  compensateRedemption,
  currencyExponent,
  findReward,
  redeemPoints,
  type ProgramSettings,
  type Reward,
} from "~/domain/loyalty";
import { LOYALTY_DISCOUNT_BY_CODE, buildLoyaltyDiscountVariables } from "~/graphql/loyalty";
import { adminGraphql as defaultAdminGraphql, assertNoUserErrors } from "~/services/admin-api.server";
import { log } from "~/lib/log.server";
import { ProgramDisabledError, RedemptionFailedError, RedemptionInProgressError, RequestKeyConflictError } from "./errors.server";
import { applyLedgerEvent, writeTx } from "./ledger-store.server";
import { getActiveProgram, loadSettingsVersion } from "./program.server";
import { getSpendableBalance } from "./balance.server";

export type AdminGraphqlFn = typeof defaultAdminGraphql;
export interface RedeemDeps {
  adminGraphql?: AdminGraphqlFn;
}

export interface RedemptionOutcome {
  redemptionId: string;
  code: string;
  expiresAt: Date;
  reward: Reward | null;
  /** Spendable points after the redemption. */
  balance: number;
  /** True when this call returned an earlier result for the same request key. */
  replayed: boolean;
}

// No 0/O, 1/I/L: codes are read off screens and typed at checkout.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** RETAIN-XXXX-XXXX from a CSPRNG: 31^8 ≈ 8.5e11 codes. */
export function generateRedemptionCode(): string {
  const group = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  return `RETAIN-${group()}-${group()}`;
}

export function minorToDecimal(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  if (exp === 0) return String(minor);
  const s = String(Math.abs(minor)).padStart(exp + 1, "0");
  return `${minor < 0 ? "-" : ""}${s.slice(0, -exp)}.${s.slice(-exp)}`;
}

export function customerGid(customerShopifyId: string): string {
  return `gid://shopify/Customer/${customerShopifyId}`;
}

function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * 86_400_000);
}

async function createDiscount(
  call: AdminGraphqlFn,
  shop: string,
  settings: ProgramSettings,
  reward: Reward,
  customerShopifyId: string,
  code: string,
  startsAt: Date,
  endsAt: Date,
): Promise<string> {
  const built = buildLoyaltyDiscountVariables({
    code,
    title: `Loyalty reward: ${reward.name} (${code})`,
    customerGid: customerGid(customerShopifyId),
    kind: reward.type,
    amount: reward.type === "FIXED_AMOUNT" ? minorToDecimal(reward.amountMinor, settings.currency) : undefined,
    percent: reward.type === "PERCENT" ? reward.percent : undefined,
    minimumSubtotal: reward.minimumOrderMinor > 0 ? minorToDecimal(reward.minimumOrderMinor, settings.currency) : null,
    startsAt,
    endsAt,
  });
  const data = await call<Record<string, { codeDiscountNode?: { id: string } | null; userErrors?: unknown[] }>>(shop, built.document, built.variables);
  const [operation, payload] = Object.entries(data)[0] ?? [];
  assertNoUserErrors(payload, operation ?? "discountCodeCreate");
  const id = payload?.codeDiscountNode?.id;
  if (!id) throw new Error(`${operation} returned no discount id`);
  return id;
}

async function outcomeOf(db: PrismaClient, shop: string, r: Redemption, settings: ProgramSettings | null): Promise<RedemptionOutcome> {
  return {
    redemptionId: r.id,
    code: r.code as string,
    expiresAt: r.expiresAt as Date,
    reward: settings ? (findReward(settings, r.rewardId) ?? null) : null,
    balance: await getSpendableBalance(db, r.accountId),
    replayed: true,
  };
}

/** The earlier answer for a request key: same code, same failure, or "still in progress". */
async function replay(db: PrismaClient, shop: string, accountId: string, r: Redemption, settings: ProgramSettings): Promise<RedemptionOutcome> {
  if (r.accountId !== accountId) throw new RequestKeyConflictError();
  if (r.status === "ISSUED") return outcomeOf(db, shop, r, settings);
  if (r.status === "FAILED") throw new RedemptionFailedError(r.id, r.error ?? "the discount could not be created");
  throw new RedemptionInProgressError(r.requestKey);
}

/**
 * Redeems a reward for a customer. Throws InsufficientPointsError,
 * RewardUnavailableError, ProgramDisabledError, RedemptionFailedError (the
 * debit was rolled back), RedemptionInProgressError, RequestKeyConflictError.
 */
export async function redeemReward(
  db: PrismaClient,
  shop: string,
  customerShopifyId: string,
  rewardId: string,
  requestKey: string,
  now = new Date(),
  deps: RedeemDeps = {},
): Promise<RedemptionOutcome> {
  const call = deps.adminGraphql ?? defaultAdminGraphql;
  const program = await getActiveProgram(db, shop);
  if (!program.enabled) throw new ProgramDisabledError(shop);
  const settings = program.settings;
  const account = await db.loyaltyAccount.findUnique({ where: { shop_customerShopifyId: { shop, customerShopifyId } } });
  const earlier = await db.redemption.findUnique({ where: { shop_requestKey: { shop, requestKey } } });
  if (earlier) {
    if (!account) throw new RequestKeyConflictError();
    return replay(db, shop, account.id, earlier, settings);
  }
  const reward = findReward(settings, rewardId);
  if (!reward) throw new RewardUnavailableError(rewardId, "unknown");
  if (!reward.enabled) throw new RewardUnavailableError(rewardId, "disabled");
  if (!account) throw new InsufficientPointsError(reward.costPoints, 0);

  const redemptionId = randomUUID();
  const code = generateRedemptionCode();
  const expiresAt = addDays(now, reward.codeValidityDays);
  let balanceAfter: number;
  try {
    const res = await applyLedgerEvent(db, account.id, (state) => redeemPoints(state, settings, { redemptionId, rewardId, redeemedAt: now }), {
      activityAt: now,
      within: async (tx, { account: acc }) => {
        await tx.redemption.create({
          data: { id: redemptionId, shop, accountId: acc.id, rewardId, points: reward.costPoints, requestKey, status: "PENDING", code, expiresAt },
        });
      },
    });
    balanceAfter = sumSpendable(res.state.entries);
  } catch (err) {
    // A concurrent submit with the same key won the unique index: answer as it did.
    if ((err as { code?: string })?.code === "P2002") {
      const winner = await db.redemption.findUnique({ where: { shop_requestKey: { shop, requestKey } } });
      if (winner) return replay(db, shop, account.id, winner, settings);
    }
    throw err;
  }

  try {
    const discountId = await createDiscount(call, shop, settings, reward, customerShopifyId, code, now, expiresAt);
    await writeTx(db, (tx) => tx.redemption.update({ where: { id: redemptionId }, data: { status: "ISSUED", discountId } }));
    return { redemptionId, code, expiresAt, reward, balance: balanceAfter, replayed: false };
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    log.warn("loyalty.redemption.failed", { shop, redemptionId, cause });
    await failRedemption(db, account.id, redemptionId, settings, cause.slice(0, 500), now);
    throw new RedemptionFailedError(redemptionId, cause);
  }
}

function sumSpendable(entries: readonly { bucket: string; points: number }[]): number {
  return Math.max(0, entries.reduce((s, e) => s + (e.bucket === "AVAILABLE" ? e.points : 0), 0));
}

/** Gives the points back to the lots they came from and marks the redemption FAILED, atomically. */
async function failRedemption(db: PrismaClient, accountId: string, redemptionId: string, settings: ProgramSettings, cause: string, now: Date): Promise<void> {
  await applyLedgerEvent(db, accountId, (state) => compensateRedemption(state, settings, { redemptionId, compensatedAt: now, reason: cause }), {
    within: async (tx) => {
      await tx.redemption.update({ where: { id: redemptionId }, data: { status: "FAILED", error: cause } });
    },
  });
}

/**
 * Redemptions left PENDING by a crash between the debit and the API answer:
 * if the code exists in Shopify the redemption is ISSUED, else the debit is
 * compensated. Run by the maintenance job; an API failure leaves it for the next run.
 */
export async function recoverStaleRedemptions(db: PrismaClient, shop: string, now: Date, deps: RedeemDeps = {}, olderThanMs = 10 * 60_000): Promise<{ issued: number; failed: number }> {
  const call = deps.adminGraphql ?? defaultAdminGraphql;
  const stale = await db.redemption.findMany({ where: { shop, status: "PENDING", createdAt: { lt: new Date(now.getTime() - olderThanMs) } }, take: 100 });
  let issued = 0;
  let failed = 0;
  if (stale.length === 0) return { issued, failed };
  const program = await db.loyaltyProgram.findUniqueOrThrow({ where: { shop } });
  const settings = await loadSettingsVersion(db, shop, program.currentVersion, program.updatedAt);
  for (const r of stale) {
    try {
      const data = await call<{ codeDiscountNodeByCode: { id: string } | null }>(shop, LOYALTY_DISCOUNT_BY_CODE, { code: r.code });
      if (data.codeDiscountNodeByCode) {
        const discountId = data.codeDiscountNodeByCode.id;
        await writeTx(db, (tx) => tx.redemption.update({ where: { id: r.id }, data: { status: "ISSUED", discountId } }));
        issued += 1;
      } else {
        await failRedemption(db, r.accountId, r.id, settings, "interrupted before the discount was created", now);
        failed += 1;
      }
    } catch (err) {
      log.warn("loyalty.redemption.recover-failed", { shop, redemptionId: r.id, error: (err as Error)?.message });
    }
  }
  return { issued, failed };
}
