// Typed failures of the loyalty services. The proxy and admin routes map
// `reason` to HTTP statuses and messages; nothing parses error text.

export type LoyaltyServiceReason =
  | "program_disabled"
  | "redemption_failed"
  | "redemption_in_progress"
  | "request_key_conflict"
  | "concurrency_conflict"
  | "not_found";

export class LoyaltyServiceError extends Error {
  readonly reason: LoyaltyServiceReason;
  constructor(reason: LoyaltyServiceReason, message: string) {
    super(message);
    this.name = new.target.name;
    this.reason = reason;
  }
}

export class ProgramDisabledError extends LoyaltyServiceError {
  constructor(shop: string) {
    super("program_disabled", `The loyalty program of ${shop} is switched off`);
  }
}

/** The discount could not be created; the debit was compensated. Safe to retry with a new request key. */
export class RedemptionFailedError extends LoyaltyServiceError {
  readonly redemptionId: string;
  constructor(redemptionId: string, cause: string) {
    super("redemption_failed", `Redemption ${redemptionId} failed: ${cause}`);
    this.redemptionId = redemptionId;
  }
}

/** Another request with the same key is still between the debit and the Admin API answer. */
export class RedemptionInProgressError extends LoyaltyServiceError {
  constructor(requestKey: string) {
    super("redemption_in_progress", `A redemption with request key ${requestKey} is still being processed`);
  }
}

/** A request key already used by another customer: refused without revealing anything about it. */
export class RequestKeyConflictError extends LoyaltyServiceError {
  constructor() {
    super("request_key_conflict", "This request key was already used for a different redemption");
  }
}

export class LedgerConflictError extends LoyaltyServiceError {
  constructor(accountId: string, attempts: number) {
    super("concurrency_conflict", `Account ${accountId} kept changing under ${attempts} attempts; try again`);
  }
}
