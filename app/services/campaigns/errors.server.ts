// Typed failures of the campaign services; routes map `reason` to a message key.
export type CampaignServiceErrorReason =
  | "not_found"
  | "invalid_input"
  | "invalid_state"
  | "audience_empty"
  | "delivery_limit"
  | "shopify_rejected";

export class CampaignServiceError extends Error {
  override readonly name = "CampaignServiceError";
  readonly reason: CampaignServiceErrorReason;
  readonly issues: readonly string[];

  constructor(reason: CampaignServiceErrorReason, issues: readonly string[] | string) {
    const list = typeof issues === "string" ? [issues] : [...issues];
    super(`${reason}: ${list.join("; ")}`);
    this.reason = reason;
    this.issues = list;
  }
}
