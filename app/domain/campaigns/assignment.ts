import { CampaignError } from "./errors";
import { hashToUnit } from "./hash";

export type CampaignGroup = "treatment" | "control";

/** 10 % holdout: enough control customers to measure, few enough to forgo little revenue. */
export const DEFAULT_CONTROL_SHARE = 0.1;

function assertInputs(campaignSeed: string, controlShare: number): void {
  if (typeof campaignSeed !== "string" || campaignSeed.length === 0) {
    throw new CampaignError("invalid_assignment_input", "campaignSeed: must be a non-empty string");
  }
  if (!(typeof controlShare === "number" && controlShare > 0 && controlShare < 1)) {
    throw new CampaignError(
      "invalid_assignment_input",
      `controlShare: must be strictly between 0 and 1, got ${String(controlShare)}`
    );
  }
}

/**
 * The customer's fixed position in [0, 1) for this campaign. Control is the bottom
 * `controlShare` of the line, so raising the share only moves customers into control.
 */
export function assignmentBucket(campaignSeed: string, customerId: string): number {
  if (typeof customerId !== "string" || customerId.length === 0) {
    throw new CampaignError("invalid_assignment_input", "customerId: must be a non-empty string");
  }
  return hashToUnit(campaignSeed, customerId);
}

/**
 * Deterministic per (campaign seed, customer): the same customer always lands in the
 * same group, whatever else is in the audience and in whatever order it is processed.
 */
export function assignGroup(
  campaignSeed: string,
  customerId: string,
  controlShare: number = DEFAULT_CONTROL_SHARE
): CampaignGroup {
  assertInputs(campaignSeed, controlShare);
  return assignmentBucket(campaignSeed, customerId) < controlShare ? "control" : "treatment";
}

export interface AudienceAssignment {
  /** Ids in input order. */
  treatment: string[];
  control: string[];
}

export function assignAudience(
  campaignSeed: string,
  customerIds: readonly string[],
  controlShare: number = DEFAULT_CONTROL_SHARE
): AudienceAssignment {
  assertInputs(campaignSeed, controlShare);
  const seen = new Set<string>();
  const result: AudienceAssignment = { treatment: [], control: [] };
  for (const id of customerIds) {
    if (seen.has(id))
      throw new CampaignError("duplicate_customer", `customer ${id} appears twice in the audience`);
    seen.add(id);
    result[assignGroup(campaignSeed, id, controlShare)].push(id);
  }
  return result;
}
