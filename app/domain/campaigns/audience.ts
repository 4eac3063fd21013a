import { z } from "zod";
import { RFM_GROUPS, type RfmGroup } from "~/domain/analytics/rfm";
import { CampaignError, assertValidNow, formatZodIssues } from "./errors";

// One list of RFM groups for the whole app: the analytics module owns it.
export const RfmGroupSchema = z.enum(RFM_GROUPS);

const MS_PER_DAY = 86_400_000;

function rangeSchema<T extends z.ZodNumber>(bound: T) {
  return z
    .object({ min: bound.optional(), max: bound.optional() })
    .strict()
    .superRefine((range, ctx) => {
      if (range.min === undefined && range.max === undefined) {
        ctx.addIssue({ code: "custom", message: "give min, max or both" });
      }
      if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
        ctx.addIssue({
          code: "custom",
          path: ["min"],
          message: `min (${range.min}) must not exceed max (${range.max})`,
        });
      }
    });
}

function uniqueList<T extends z.ZodType<string>>(item: T, label: string) {
  return z
    .array(item)
    .min(1, `give at least one ${label}, or omit the criterion`)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((value, index) => {
        if (seen.has(value)) {
          ctx.addIssue({ code: "custom", path: [index], message: `duplicate ${label} ${value}` });
        }
        seen.add(value);
      });
    });
}

const probability = z.number().min(0).max(1);

/**
 * An audience is the AND of the criteria given; an omitted criterion does not filter,
 * so `{}` means every customer. Lists inside one criterion are ORs (any listed group).
 */
export const AudienceDefinitionSchema = z
  .object({
    rfmGroups: uniqueList(RfmGroupSchema, "RFM group").optional(),
    predictedClvMinor: rangeSchema(z.number().int().min(0)).optional(),
    pAlive: rangeSchema(probability).optional(),
    /** Churn risk is 1 − P(alive); offered because merchants think in risk. */
    churnRisk: rangeSchema(probability).optional(),
    loyaltyTiers: uniqueList(z.string().trim().min(1), "loyalty tier").optional(),
    daysSinceLastOrder: rangeSchema(z.number().int().min(0)).optional(),
  })
  .strict()
  .superRefine((def, ctx) => {
    if (def.pAlive && def.churnRisk) {
      const lo = Math.max(def.pAlive.min ?? 0, 1 - (def.churnRisk.max ?? 1));
      const hi = Math.min(def.pAlive.max ?? 1, 1 - (def.churnRisk.min ?? 0));
      if (lo > hi + 1e-12) {
        ctx.addIssue({
          code: "custom",
          path: ["churnRisk"],
          message: "pAlive and churnRisk ranges exclude each other (churn risk = 1 − P(alive))",
        });
      }
    }
  });
export type AudienceDefinition = z.infer<typeof AudienceDefinitionSchema>;

/** What the audience predicate knows about one customer; null means "not computed yet". */
export interface CustomerFacts {
  customerId: string;
  rfmGroup: RfmGroup | null;
  predictedClvMinor: number | null;
  pAlive: number | null;
  loyaltyTier: string | null;
  lastOrderAt: Date | null;
}

// Definitions already validated by parseAudienceDefinition, so the per-customer
// predicate does not re-run zod for each of 100k customers.
const validated = new WeakSet<object>();

export function parseAudienceDefinition(input: unknown): AudienceDefinition {
  const result = AudienceDefinitionSchema.safeParse(input);
  if (!result.success) {
    throw new CampaignError("invalid_audience", formatZodIssues(result.error.issues));
  }
  validated.add(result.data);
  return result.data;
}

function ensureDefinition(def: AudienceDefinition): AudienceDefinition {
  return typeof def === "object" && def !== null && validated.has(def) ? def : parseAudienceDefinition(def);
}

function assertFacts(facts: CustomerFacts): void {
  const problems: string[] = [];
  if (typeof facts?.customerId !== "string" || facts.customerId.length === 0) {
    problems.push("customerId: must be a non-empty string");
  }
  const id = typeof facts?.customerId === "string" ? facts.customerId : "?";
  if (facts?.rfmGroup != null && !RFM_GROUPS.includes(facts.rfmGroup)) {
    problems.push(`${id}.rfmGroup: unknown group ${String(facts.rfmGroup)}`);
  }
  if (
    facts?.predictedClvMinor != null &&
    !(Number.isFinite(facts.predictedClvMinor) && facts.predictedClvMinor >= 0)
  ) {
    problems.push(`${id}.predictedClvMinor: must be a finite number ≥ 0`);
  }
  if (facts?.pAlive != null && !(facts.pAlive >= 0 && facts.pAlive <= 1)) {
    problems.push(`${id}.pAlive: must be within [0, 1]`);
  }
  if (
    facts?.lastOrderAt != null &&
    !(facts.lastOrderAt instanceof Date && !Number.isNaN(facts.lastOrderAt.getTime()))
  ) {
    problems.push(`${id}.lastOrderAt: must be a valid Date or null`);
  }
  if (problems.length > 0) throw new CampaignError("invalid_customer_facts", problems);
}

function inRange(value: number, range: { min?: number; max?: number }): boolean {
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** Whole days since the last order; a last order stamped after `now` (clock skew) counts as 0. */
export function daysSince(lastOrderAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - lastOrderAt.getTime()) / MS_PER_DAY));
}

/**
 * True when the customer satisfies every criterion. A criterion that needs a fact the
 * customer lacks (null) does not match: we never guess a customer into a campaign.
 */
export function matchesAudience(def: AudienceDefinition, facts: CustomerFacts, now: Date): boolean {
  const audience = ensureDefinition(def);
  assertValidNow(now);
  assertFacts(facts);
  if (audience.rfmGroups && (facts.rfmGroup === null || !audience.rfmGroups.includes(facts.rfmGroup))) {
    return false;
  }
  if (audience.predictedClvMinor) {
    if (facts.predictedClvMinor === null || !inRange(facts.predictedClvMinor, audience.predictedClvMinor)) {
      return false;
    }
  }
  if (audience.pAlive && (facts.pAlive === null || !inRange(facts.pAlive, audience.pAlive))) return false;
  if (audience.churnRisk && (facts.pAlive === null || !inRange(1 - facts.pAlive, audience.churnRisk))) {
    return false;
  }
  if (
    audience.loyaltyTiers &&
    (facts.loyaltyTier === null || !audience.loyaltyTiers.includes(facts.loyaltyTier))
  ) {
    return false;
  }
  if (audience.daysSinceLastOrder) {
    if (
      facts.lastOrderAt === null ||
      !inRange(daysSince(facts.lastOrderAt, now), audience.daysSinceLastOrder)
    ) {
      return false;
    }
  }
  return true;
}

function assertUniqueIds(customers: readonly CustomerFacts[]): void {
  const seen = new Set<string>();
  for (const c of customers) {
    if (seen.has(c.customerId))
      throw new CampaignError("duplicate_customer", `customer ${c.customerId} is listed twice`);
    seen.add(c.customerId);
  }
}

/** The customer ids in the audience, in input order. */
export function selectAudience(
  def: AudienceDefinition,
  customers: readonly CustomerFacts[],
  now: Date
): string[] {
  const audience = ensureDefinition(def);
  assertUniqueIds(customers);
  return customers.filter((c) => matchesAudience(audience, c, now)).map((c) => c.customerId);
}

export interface AudienceSummary {
  size: number;
  /** Sum of predicted CLV over the audience (minor units, rounded): the value at stake. */
  expectedValueMinor: number;
  /** Members without a CLV prediction; they add 0 to the expected value. */
  withoutPredictionCount: number;
}

export function summarizeAudience(
  def: AudienceDefinition,
  customers: readonly CustomerFacts[],
  now: Date
): AudienceSummary {
  const audience = ensureDefinition(def);
  assertUniqueIds(customers);
  let size = 0;
  let expectedValue = 0;
  let withoutPrediction = 0;
  for (const customer of customers) {
    if (!matchesAudience(audience, customer, now)) continue;
    size += 1;
    if (customer.predictedClvMinor === null) withoutPrediction += 1;
    else expectedValue += customer.predictedClvMinor;
  }
  return { size, expectedValueMinor: Math.round(expectedValue), withoutPredictionCount: withoutPrediction };
}
