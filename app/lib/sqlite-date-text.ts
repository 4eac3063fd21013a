/**
 * The text Prisma's SQLite adapter stores for a DateTime ("…T…+00:00"), so
 * Prisma reads direct writes back unchanged. PostgreSQL's timestamp(3) columns
 * read the same text as UTC (a timestamp without time zone ignores the offset).
 */
export function sqliteDateText(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, -1)}+00:00`;
}
