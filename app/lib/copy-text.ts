// PostgreSQL COPY text format (https://www.postgresql.org/docs/current/sql-copy.html,
// "Text Format"): one row per line, fields separated by a tab, NULL as \N, and
// backslash, newline, carriage return and tab escaped with a backslash. Pure:
// the backfill's parser thread loads it.
import type { SqlParam } from "./direct-sql.server";

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** One field. Dates as UTC ISO text; booleans as t/f; numbers as written by JavaScript. */
export function copyField(v: SqlParam): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "string") return SPECIAL.test(v) ? v.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "t" : "f";
  if (v instanceof Date) return v.toISOString();
  throw new TypeError("COPY text: binary values are not supported");
}

/** One row, with its line end. */
export function copyLine(values: readonly SqlParam[]): string {
  let line = copyField(values[0]);
  for (let i = 1; i < values.length; i++) line += "\t" + copyField(values[i]);
  return line + "\n";
}

const UNESCAPES: Record<string, string> = { "\\": "\\", n: "\n", r: "\r", t: "\t" };

/** The fields of one line of COPY text (without its newline), NULL as null: the inverse of copyLine for what it writes. */
export function parseCopyLine(line: string): Array<string | null> {
  return line.split("\t").map((f) => (f === "\\N" ? null : f.includes("\\") ? f.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c) : f));
}

/** The rows of a block of COPY text. */
export function parseCopyText(text: string): Array<Array<string | null>> {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map(parseCopyLine);
}
