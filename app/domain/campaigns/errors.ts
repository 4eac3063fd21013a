/**
 * Every rejected campaign input surfaces as a `CampaignError` with a machine-readable
 * `reason` (for the UI and logs) and the list of precise `issues` (for people).
 */
export type CampaignErrorReason =
  | "invalid_audience"
  | "invalid_customer_facts"
  | "invalid_offer"
  | "invalid_cost_input"
  | "invalid_assignment_input"
  | "duplicate_customer"
  | "invalid_outcomes"
  | "invalid_stats_options"
  | "invalid_verdict_input"
  | "invalid_now";

export class CampaignError extends Error {
  override readonly name = "CampaignError";
  readonly reason: CampaignErrorReason;
  readonly issues: readonly string[];

  constructor(reason: CampaignErrorReason, issues: readonly string[] | string) {
    const list = typeof issues === "string" ? [issues] : [...issues];
    super(`${reason}: ${list.join("; ")}`);
    this.reason = reason;
    this.issues = list;
  }
}

/** Formats zod issues as "path.to.field: message" so errors point at the exact field. */
export function formatZodIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>
): string[] {
  return issues.map((issue) => {
    const path = issue.path.map((p) => String(p)).join(".");
    return path.length > 0 ? `${path}: ${issue.message}` : issue.message;
  });
}

/** Rejects Invalid Date and non-Date `now` values before any arithmetic can produce NaN. */
export function assertValidNow(now: unknown): asserts now is Date {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new CampaignError("invalid_now", "now must be a valid Date");
  }
}
