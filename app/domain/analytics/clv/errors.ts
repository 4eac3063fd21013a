// Typed errors for the CLV engine: callers switch on `reason`, people read `message`.

export type ClvErrorReason =
  | "empty-input"
  | "invalid-transaction"
  | "invalid-date"
  | "invalid-amount"
  | "invalid-summary"
  | "invalid-parameters"
  | "invalid-option"
  | "calibration-out-of-range"
  | "numeric-failure"
  | "parse-error"
  | "insufficient-data";

export class ClvError extends Error {
  readonly reason: ClvErrorReason;
  readonly details: Record<string, unknown> | undefined;

  constructor(reason: ClvErrorReason, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "ClvError";
    this.reason = reason;
    this.details = details;
  }
}

/** Throws `invalid-parameters` unless every named value is finite and > 0. */
export function assertPositiveParams(model: string, params: Record<string, number>): void {
  for (const [name, value] of Object.entries(params)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ClvError("invalid-parameters", `${model}: parameter ${name} must be finite and > 0, got ${value}`, {
        model,
        name,
        value,
      });
    }
  }
}
