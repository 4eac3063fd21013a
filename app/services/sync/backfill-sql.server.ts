// Set-wise SQL for the backfill's direct-SQL batches (ADR 008), one text per
// engine. SQLite runs a cached prepared statement per row: inside one
// transaction that is a few microseconds a row, with no statement text to
// build. PostgreSQL gets one statement per chunk with a typed array per column
// (INSERT … SELECT FROM unnest(…)), so a round trip covers thousands of rows
// and the parameter count does not grow with them.
import { copyLine } from "~/lib/copy-text";
import type { DirectQueries, SqlParam } from "~/lib/direct-sql.server";

export type ColumnType = "text" | "int" | "bool" | "timestamp" | "json";
export interface Column {
  name: string;
  type: ColumnType;
}

const PG_TYPE: Record<ColumnType, string> = { text: "text", int: "integer", bool: "boolean", timestamp: "timestamp(3)", json: "jsonb" };
/** Rows per PostgreSQL statement: bounds the size of one parameter array. */
const PG_CHUNK = 5_000;

const texts = new Map<string, string>();
function cached(key: string, build: () => string): string {
  let sql = texts.get(key);
  if (sql === undefined) {
    sql = build();
    texts.set(key, sql);
  }
  return sql;
}

/** A cast PostgreSQL needs on a parameter of this type (SQLite needs none). */
export function castFor(q: DirectQueries, type: ColumnType): string {
  return q.provider === "postgresql" && type !== "text" && type !== "int" ? `::${PG_TYPE[type]}` : "";
}

/**
 * Inserts `rows` (values in `columns` order; dates as Date, JSON as text).
 * `conflict` is an optional ON CONFLICT clause.
 */
export async function insertMany(q: DirectQueries, table: string, columns: readonly Column[], rows: readonly SqlParam[][], conflict = ""): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => `"${c.name}"`).join(", ");
  if (q.copyIn && conflict === "") {
    let text = "";
    for (const row of rows) text += copyLine(row);
    await q.copyIn(table, columns.map((c) => c.name), text);
    return;
  }
  if (q.provider === "postgresql") {
    const sql = cached(`pg:${table}:${names}:${conflict}`, () => {
      const arrays = columns.map((c, i) => `$${i + 1}::${PG_TYPE[c.type]}[]`).join(", ");
      return `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${arrays})${conflict ? ` ${conflict}` : ""}`;
    });
    for (let start = 0; start < rows.length; start += PG_CHUNK) {
      const chunk = rows.slice(start, start + PG_CHUNK);
      // pg would render Dates inside arrays in local time: pass UTC ISO text (timestamp(3) ignores the zone).
      const arrays = columns.map((_, i) => chunk.map((row) => {
        const v = row[i];
        return v instanceof Date ? v.toISOString() : v === undefined ? null : v;
      }));
      await q.execute(sql, arrays as unknown as SqlParam[]);
    }
    return;
  }
  // Multi-row VALUES measured no faster here: SQLite's B-tree work, not the call, is the cost.
  const sql = cached(`lite:${table}:${names}:${conflict}`, () =>
    `INSERT INTO "${table}" (${names}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})${conflict ? ` ${conflict}` : ""}`,
  );
  await q.executeEach(sql, rows);
}
