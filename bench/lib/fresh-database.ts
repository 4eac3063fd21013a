// A PostgreSQL bench runs in a fresh database on the server DATABASE_URL names,
// dropped at the end, as a SQLite bench gets a fresh file: tables from which an
// earlier run's rows were deleted (dead tuples, bloated indexes) made an import
// of 1M orders run up to 2x slower, so consecutive runs were not comparable.
import pg from "pg";

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `<label>_<pid>` next to serverUrl's database; returns its URL and how to drop it. */
export async function createFreshDatabase(serverUrl: string, label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `retain_bench_${label}_${process.pid}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(serverUrl, `DROP DATABASE "${name}" WITH (FORCE)`) };
}
