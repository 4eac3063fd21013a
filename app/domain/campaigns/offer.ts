import { z } from "zod";
import { CampaignError, formatZodIssues } from "./errors";

const dateInput = z.preprocess(
  (value) => (typeof value === "string" || typeof value === "number" ? new Date(value) : value),
  z.date({ error: "must be a valid date or ISO 8601 string" })
);

const PercentReward = z.object({ kind: z.literal("PERCENT"), percent: z.number().min(1).max(100) }).strict();

const FixedAmountReward = z
  .object({
    kind: z.literal("FIXED_AMOUNT"),
    amountMinor: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD"),
  })
  .strict();

const FreeShippingReward = z.object({ kind: z.literal("FREE_SHIPPING") }).strict();

/** Either a multiplier on the points an order earns, or a fixed bonus per order. */
const BonusPointsReward = z
  .object({
    kind: z.literal("BONUS_POINTS"),
    multiplier: z.number().gt(1).max(10).optional(),
    points: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((reward, ctx) => {
    if ((reward.multiplier === undefined) === (reward.points === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of multiplier or points" });
    }
  });

export const OfferRewardSchema = z.discriminatedUnion("kind", [
  PercentReward,
  FixedAmountReward,
  FreeShippingReward,
  BonusPointsReward,
]);
export type OfferReward = z.infer<typeof OfferRewardSchema>;

export const OfferSchema = z
  .object({
    reward: OfferRewardSchema,
    minimumOrderMinor: z.number().int().min(0).default(0),
    startsAt: dateInput,
    endsAt: dateInput,
  })
  .strict()
  .superRefine((offer, ctx) => {
    if (offer.endsAt.getTime() <= offer.startsAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
    }
  });
export type Offer = z.infer<typeof OfferSchema>;

export function parseOffer(input: unknown): Offer {
  const result = OfferSchema.safeParse(input);
  if (!result.success) throw new CampaignError("invalid_offer", formatZodIssues(result.error.issues));
  return result.data;
}

const nonNegative = z.number().finite().min(0);

export const CostAssumptionsSchema = z
  .object({
    /** Expected number of redeeming orders over the campaign. */
    expectedRedemptions: nonNegative,
    /** Average order subtotal before discount (minor units). */
    averageOrderMinor: nonNegative.optional(),
    /** Average shipping charge the merchant waives per order (minor units). */
    averageShippingMinor: nonNegative.optional(),
    /** Points an average order earns without the campaign. */
    basePointsPerOrder: nonNegative.optional(),
    /** What one point costs the merchant when redeemed (minor units, may be fractional). */
    pointValueMinor: nonNegative.optional(),
    /** Shop currency; a FIXED_AMOUNT reward in another currency is rejected. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
  })
  .strict();
export type CostAssumptions = z.input<typeof CostAssumptionsSchema>;

export interface OfferCostEstimate {
  averageDiscountMinor: number;
  expectedRedemptions: number;
  /** expectedRedemptions × averageDiscountMinor, rounded to whole minor units. */
  estimatedCostMinor: number;
}

function requireInput(value: number | undefined, field: string, kind: string): number {
  if (value === undefined) {
    throw new CampaignError("invalid_cost_input", `${field}: required to estimate a ${kind} offer`);
  }
  return value;
}

/**
 * Expected cost = expected redemptions × average discount per redemption. Redeeming
 * orders must reach the minimum order, so the order value used is at least that minimum.
 */
export function estimateOfferCost(offerInput: Offer, assumptionsInput: CostAssumptions): OfferCostEstimate {
  const offer = parseOffer(offerInput);
  const parsed = CostAssumptionsSchema.safeParse(assumptionsInput);
  if (!parsed.success) throw new CampaignError("invalid_cost_input", formatZodIssues(parsed.error.issues));
  const a = parsed.data;
  const reward = offer.reward;
  let averageDiscount: number;
  switch (reward.kind) {
    case "PERCENT": {
      const order = Math.max(
        requireInput(a.averageOrderMinor, "averageOrderMinor", reward.kind),
        offer.minimumOrderMinor
      );
      averageDiscount = (order * reward.percent) / 100;
      break;
    }
    case "FIXED_AMOUNT": {
      if (a.currency !== undefined && a.currency !== reward.currency) {
        throw new CampaignError(
          "invalid_cost_input",
          `currency: reward is in ${reward.currency} but the shop currency is ${a.currency}`
        );
      }
      const order = Math.max(
        requireInput(a.averageOrderMinor, "averageOrderMinor", reward.kind),
        offer.minimumOrderMinor
      );
      // A fixed discount never exceeds the order it applies to.
      averageDiscount = Math.min(reward.amountMinor, order);
      break;
    }
    case "FREE_SHIPPING":
      averageDiscount = requireInput(a.averageShippingMinor, "averageShippingMinor", reward.kind);
      break;
    case "BONUS_POINTS": {
      const pointValue = requireInput(a.pointValueMinor, "pointValueMinor", reward.kind);
      const extraPoints =
        reward.multiplier !== undefined
          ? (reward.multiplier - 1) * requireInput(a.basePointsPerOrder, "basePointsPerOrder", reward.kind)
          : reward.points ?? 0;
      averageDiscount = extraPoints * pointValue;
      break;
    }
  }
  return {
    averageDiscountMinor: averageDiscount,
    expectedRedemptions: a.expectedRedemptions,
    estimatedCostMinor: Math.round(a.expectedRedemptions * averageDiscount),
  };
}
