export type AnalyticsInputReason =
  | "INVALID_DATE"
  | "INVALID_RANGE"
  | "INVALID_TIMEZONE"
  | "INVALID_LOOKBACK"
  | "INVALID_AMOUNT"
  | "REFUND_EXCEEDS_TOTAL"
  | "DUPLICATE_ORDER_ID"
  | "DUPLICATE_CUSTOMER_ID"
  | "INVALID_LOCAL_DATE"
  | "INVALID_CLV";

/** Bad input to an analytics function; `reason` is machine-readable, `message` names the offender. */
export class AnalyticsInputError extends Error {
  readonly reason: AnalyticsInputReason;

  constructor(reason: AnalyticsInputReason, message: string) {
    super(message);
    this.name = "AnalyticsInputError";
    this.reason = reason;
  }
}
