// One typed error for every bad generator or sender input, with a stable reason
// code so callers (and tests) can branch on it instead of parsing messages.

export type GeneratorErrorReason =
  | "INVALID_SEED"
  | "INVALID_SIZE"
  | "INVALID_DATE"
  | "INVALID_PARAMETER"
  | "INVALID_DISTRIBUTION"
  | "INVALID_CAMPAIGN"
  | "INVALID_CLI_ARGUMENT"
  | "INVALID_WEBHOOK_INPUT";

export class GeneratorInputError extends Error {
  readonly reason: GeneratorErrorReason;

  constructor(reason: GeneratorErrorReason, message: string) {
    super(message);
    this.name = "GeneratorInputError";
    this.reason = reason;
  }
}
