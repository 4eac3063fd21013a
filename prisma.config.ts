// Prisma CLI configuration. DATABASE_URL picks the engine: `file:` → SQLite
// (embedded default), `postgres://` → PostgreSQL. The CLI runs through the JS
// schema engine and a driver adapter because native engines cannot be
// downloaded on these machines (docs/decisions/0003-prisma-driver-adapters.md).
import path from "node:path";
import type { PrismaConfig } from "prisma";
import { databaseProvider, resolveDatabaseUrl } from "./scripts/database-url";

const url = resolveDatabaseUrl(process.env.DATABASE_URL);
const provider = databaseProvider(url);
const schema =
  provider === "postgresql"
    ? path.join("prisma", "postgres", "schema.prisma")
    : path.join("prisma", "schema.prisma");

export default {
  experimental: { adapter: true },
  engine: "js",
  schema,
  async adapter() {
    if (provider === "postgresql") {
      const { createPgAdapterFactory } = await import("./scripts/pg-adapter");
      return createPgAdapterFactory(url);
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url });
  },
} satisfies PrismaConfig;
