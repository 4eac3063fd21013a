/**
 * Typed failures of the sync domain. A payload the mappers cannot read is
 * never turned into NaN or a partial row: it raises a SyncInputError with a
 * machine-readable reason and the JSON path of the offending field.
 */
export type SyncInputReason =
  | "missing_field"
  | "invalid_type"
  | "invalid_money"
  | "invalid_date"
  | "invalid_id"
  | "invalid_json";

export class SyncInputError extends Error {
  readonly reason: SyncInputReason;
  readonly path: string;
  constructor(reason: SyncInputReason, path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = new.target.name;
    this.reason = reason;
    this.path = path;
  }
}
