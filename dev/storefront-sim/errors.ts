export type StorefrontSimErrorReason =
  | "INVALID_SECRET"
  | "INVALID_QUERY"
  | "INVALID_OPTIONS"
  | "UNKNOWN_LOCALE"
  | "UNKNOWN_BLOCK"
  | "INVALID_SCHEMA"
  | "DUPLICATE_CUSTOMER";

// Every bad input to the simulator surfaces as this error with a machine-readable reason.
export class StorefrontSimError extends Error {
  override readonly name = "StorefrontSimError";
  constructor(
    readonly reason: StorefrontSimErrorReason,
    message: string,
  ) {
    super(message);
  }
}
