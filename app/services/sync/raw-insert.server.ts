// Multi-row INSERT for the backfill's fresh rows. Prisma's createMany costs
// about 1 ms per order row here; one raw statement per few hundred rows is
// ~13x faster. Values are written in the formats Prisma itself uses (SQLite:
// ISO text dates, 0/1 booleans, JSON text), so Prisma reads them back
// unchanged; PostgreSQL gets typed parameters and a jsonb cast.
import { currentProvider } from "~/db.server";
import type { Tx } from "./tx.server";

type Value = string | number | boolean | Date | null;

// Stay well below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const MAX_PARAMS = 30_000;

export async function insertRows(tx: Tx, table: string, columns: string[], rows: Value[][], jsonColumns: ReadonlySet<string> = new Set()): Promise<void> {
  if (rows.length === 0) return;
  const pg = currentProvider() === "postgresql";
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    let n = 0;
    // PostgreSQL: explicit casts, and dates as UTC ISO text (Prisma's TIMESTAMP(3) columns hold UTC without zone).
    const cast = (c: string, v: Value) => (jsonColumns.has(c) ? "::jsonb" : v instanceof Date ? "::timestamp(3)" : "");
    const tuples = chunk.map((row) => `(${columns.map((c, i) => (pg ? `$${++n}${cast(c, row[i])}` : "?")).join(", ")})`);
    const params = chunk.flatMap((row) => row.map((v) => (v instanceof Date && pg ? v.toISOString() : typeof v === "boolean" && !pg ? (v ? 1 : 0) : v)));
    await tx.$executeRawUnsafe(head + tuples.join(", "), ...params);
  }
}
