import { z } from "zod";
import { SettingsValidationError, type SettingsIssue } from "./errors";
import { RATE_DECIMALS, hasAtMostDecimals } from "./money";

/** Shopify order financial statuses (Admin GraphQL OrderDisplayFinancialStatus). */
export const FINANCIAL_STATUSES = [
  "PENDING",
  "AUTHORIZED",
  "PARTIALLY_PAID",
  "PAID",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
  "VOIDED",
  "EXPIRED",
] as const;
export type FinancialStatus = (typeof FINANCIAL_STATUSES)[number];

const intIn = (min: number, max: number) => z.number().int().min(min).max(max);

const rate = (max: number, decimals: number) =>
  z
    .number()
    .positive()
    .max(max)
    .refine((v) => hasAtMostDecimals(v, decimals), { message: `must have at most ${decimals} decimals` });

const earnSchema = z.object({
  /** Points per whole unit of shop currency (1 → $1 earns 1 point). */
  pointsPerUnit: rate(10_000, RATE_DECIMALS).default(1),
  /** Subtotal after discounts always counts; these are optional extras. Gift-card purchases are excluded by default so a gift card does not earn twice. */
  include: z
    .object({
      shipping: z.boolean().default(false),
      tax: z.boolean().default(false),
      giftCards: z.boolean().default(false),
    })
    .default({ shipping: false, tax: false, giftCards: false }),
  eligibleFinancialStatuses: z.array(z.enum(FINANCIAL_STATUSES)).min(1).default(["PAID"]),
  rounding: z.enum(["floor", "round", "ceil"]).default("floor"),
  /** Days between payment and points becoming spendable; normally the return window. */
  pendingDays: intIn(0, 365).default(30),
});

const bonusesSchema = z.object({
  signupPoints: intIn(0, 1_000_000).default(0),
  birthdayPoints: intIn(0, 1_000_000).default(0),
});

const warningDays = intIn(0, 365).default(30);
const expirySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("none") }),
  z.object({ mode: z.literal("afterEarn"), months: intIn(1, 120), warningDays }),
  z.object({ mode: z.literal("afterInactivity"), months: intIn(1, 120), warningDays }),
]);

const tierSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  /** Minor units of spend or points over the rolling 12 months, depending on `tiers.basis`. */
  threshold: z.number().int().min(0),
  multiplier: rate(10, 2).min(1),
  perks: z.string().max(500).default(""),
});

const tiersSchema = z.object({
  basis: z.enum(["spend", "points"]).default("spend"),
  levels: z.array(tierSchema).max(20).default([]),
});

const rewardBase = {
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  costPoints: intIn(1, 100_000_000),
  minimumOrderMinor: z.number().int().min(0).default(0),
  codeValidityDays: intIn(1, 3650).default(90),
  enabled: z.boolean().default(true),
};
const rewardSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("FIXED_AMOUNT"), amountMinor: z.number().int().positive(), ...rewardBase }),
  z.object({ type: z.literal("PERCENT"), percent: intIn(1, 100), ...rewardBase }),
  z.object({ type: z.literal("FREE_SHIPPING"), ...rewardBase }),
]);

export const programSettingsSchema = z
  .object({
    version: z.number().int().min(1).default(1),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD")
      .default("USD"),
    earn: earnSchema.default(earnSchema.parse({})),
    bonuses: bonusesSchema.default({ signupPoints: 0, birthdayPoints: 0 }),
    expiry: expirySchema.default({ mode: "none" }),
    tiers: tiersSchema.default({ basis: "spend", levels: [] }),
    rewards: z
      .array(rewardSchema)
      .max(50)
      .default([
        {
          type: "FIXED_AMOUNT",
          id: "five-off",
          name: "5 off",
          amountMinor: 500,
          costPoints: 500,
          minimumOrderMinor: 0,
          codeValidityDays: 90,
          enabled: true,
        },
      ]),
    /** Value of one point in minor units for the liability report; null → derive from the rewards. */
    pointValueMinor: z.number().min(0).max(1_000_000).nullable().default(null),
  })
  .superRefine((s, ctx) => {
    const tierIds = new Set<string>();
    s.tiers.levels.forEach((t, i) => {
      if (tierIds.has(t.id)) ctx.addIssue({ code: "custom", path: ["tiers", "levels", i, "id"], message: `duplicate tier id "${t.id}"` });
      tierIds.add(t.id);
      const prev = s.tiers.levels[i - 1];
      if (prev && t.threshold <= prev.threshold) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", "levels", i, "threshold"],
          message: `must be greater than the previous tier's threshold (${prev.threshold})`,
        });
      }
    });
    const rewardIds = new Set<string>();
    s.rewards.forEach((r, i) => {
      if (rewardIds.has(r.id)) ctx.addIssue({ code: "custom", path: ["rewards", i, "id"], message: `duplicate reward id "${r.id}"` });
      rewardIds.add(r.id);
    });
    // Pending points never expire (they are not spendable yet), so they must confirm before any lot could expire.
    if (s.expiry.mode !== "none" && s.earn.pendingDays >= s.expiry.months * 28) {
      ctx.addIssue({
        code: "custom",
        path: ["earn", "pendingDays"],
        message: `must be shorter than the expiry period (${s.expiry.months} months)`,
      });
    }
  });

export type ProgramSettingsInput = z.input<typeof programSettingsSchema>;
export type ProgramSettings = z.output<typeof programSettingsSchema>;
export type Reward = ProgramSettings["rewards"][number];
export type Tier = ProgramSettings["tiers"]["levels"][number];
export type ExpiryPolicy = ProgramSettings["expiry"];

function toIssues(error: z.ZodError): SettingsIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/** Validates merchant input; throws SettingsValidationError listing every bad field by path. */
export function parseProgramSettings(input: unknown): ProgramSettings {
  const result = programSettingsSchema.safeParse(input ?? {});
  if (!result.success) throw new SettingsValidationError(toIssues(result.error));
  return result.data;
}

export function createDefaultSettings(): ProgramSettings {
  return parseProgramSettings({});
}

/**
 * New settings version: top-level sections in `patch` replace the current
 * ones, the version increments. Entries keep the version they were made
 * under, so refunds can be prorated with the rules of the original award.
 */
export function reviseProgramSettings(current: ProgramSettings, patch: Partial<ProgramSettingsInput>): ProgramSettings {
  const { version: _ignored, ...rest } = patch;
  return parseProgramSettings({ ...current, ...rest, version: current.version + 1 });
}

export function findReward(settings: ProgramSettings, rewardId: string): Reward | undefined {
  return settings.rewards.find((r) => r.id === rewardId);
}
