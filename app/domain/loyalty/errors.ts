/**
 * Typed failures of the loyalty domain. Every error carries a machine-readable
 * `reason` so services can map it to an HTTP status or a user message without
 * parsing text.
 */
export class LoyaltyError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.reason = reason;
  }
}

/** A caller passed a value the ledger cannot account for (negative amount, empty reason...). */
export class InvalidLoyaltyInputError extends LoyaltyError {
  readonly field: string;
  constructor(field: string, message: string) {
    super("invalid_input", `${field}: ${message}`);
    this.field = field;
  }
}

export interface SettingsIssue {
  /** Dotted path of the offending field, e.g. `rewards.2.costPoints`. */
  path: string;
  message: string;
}

export class SettingsValidationError extends LoyaltyError {
  readonly issues: readonly SettingsIssue[];
  constructor(issues: readonly SettingsIssue[]) {
    super(
      "invalid_settings",
      `Invalid loyalty settings: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
    this.issues = issues;
  }
}

export class InsufficientPointsError extends LoyaltyError {
  readonly requested: number;
  readonly spendable: number;
  constructor(requested: number, spendable: number) {
    super("insufficient_points", `Requested ${requested} points but only ${spendable} are spendable`);
    this.requested = requested;
    this.spendable = spendable;
  }
}

export class RewardUnavailableError extends LoyaltyError {
  readonly rewardId: string;
  constructor(rewardId: string, why: "unknown" | "disabled") {
    super(`reward_${why}`, `Reward ${rewardId} is ${why === "unknown" ? "not in the catalogue" : "disabled"}`);
    this.rewardId = rewardId;
  }
}

export class RedemptionNotFoundError extends LoyaltyError {
  readonly redemptionId: string;
  constructor(redemptionId: string) {
    super("redemption_not_found", `No redemption ${redemptionId} in this ledger`);
    this.redemptionId = redemptionId;
  }
}

export class CurrencyMismatchError extends LoyaltyError {
  constructor(expected: string, got: string) {
    super("currency_mismatch", `Amounts are in ${got} but the program is configured in ${expected}`);
  }
}
