// Multi-row INSERT for the backfill's fresh rows. Prisma's createMany costs
// about 1 ms per order row here; one raw statement per few hundred rows is
// ~13x faster. Values are written in the formats Prisma itself uses (SQLite:
// ISO text dates, 0/1 booleans, JSON text), so Prisma reads them back
// unchanged; PostgreSQL gets typed parameters and a jsonb cast.
import { randomUUID } from "node:crypto";
import { currentProvider } from "~/db.server";
import type { Tx } from "./tx.server";

type Value = string | number | boolean | Date | null;

// Stay well below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const MAX_PARAMS = 30_000;

// Time-ordered ids in the UUID v7 layout: 48-bit milliseconds, a 12-bit
// per-process sequence, then 62 bits drawn once per process. Rows written
// together get adjacent keys, so bulk inserts append at the right edge of the
// primary-key index and of indexes keyed by a row id (OrderLineItem.orderId)
// instead of dirtying pages all over them (random UUIDs made each backfill
// commit write several times more WAL pages). Unique: within a process
// (time, sequence) never repeats; across processes the random tail differs.
let lastMs = 0;
let sequence = 0;
let prefix = "";
const processTail = (() => {
  const r = randomUUID(); // "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx": keep the variant nibble and the random tail
  return r.slice(18);
})();

export function newRowId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
    const time = now.toString(16).padStart(12, "0");
    prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one, stay monotonic.
    lastMs++;
    sequence = 0;
    const time = lastMs.toString(16).padStart(12, "0");
    prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
  }
  return `${prefix}${sequence.toString(16).padStart(3, "0")}${processTail}`;
}

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
