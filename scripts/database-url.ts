// Shared by the Prisma CLI config, scripts and the app: one place decides
// which engine a DATABASE_URL means.
export type DatabaseProvider = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.sqlite";

export function resolveDatabaseUrl(raw: string | undefined): string {
  const url = (raw ?? "").trim();
  return url === "" ? DEFAULT_DATABASE_URL : url;
}

export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL); got "${url.slice(0, 24)}…"`,
  );
}
