import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema } from "../../../scripts/db";
import { databaseProvider, resolveDatabaseUrl } from "../../../scripts/database-url";

const root = path.resolve(import.meta.dirname, "../../..");

describe("one schema for SQLite and PostgreSQL", () => {
  it("prisma/postgres/schema.prisma is exactly the SQLite schema with the provider swapped", () => {
    const sqlite = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
    const pg = fs.readFileSync(path.join(root, "prisma/postgres/schema.prisma"), "utf8");
    expect(pg).toBe(derivePostgresSchema(sqlite));
  });

  it("the migration snapshots match the current schema (no unmigrated change)", () => {
    const sqlite = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
    expect(fs.readFileSync(path.join(root, "prisma/migrations/schema.snapshot.prisma"), "utf8")).toBe(sqlite);
    expect(fs.readFileSync(path.join(root, "prisma/postgres/migrations/schema.snapshot.prisma"), "utf8")).toBe(derivePostgresSchema(sqlite));
  });

  it("no model stores money as a float", () => {
    const sqlite = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
    const floats = sqlite.split("\n").filter((l) => /\bFloat\b/.test(l) && /minor|amount|price|total|revenue|clv|spend/i.test(l));
    expect(floats).toEqual([]);
  });

  it("DATABASE_URL picks the engine and rejects anything else with a clear message", () => {
    expect(databaseProvider(resolveDatabaseUrl(undefined))).toBe("sqlite");
    expect(databaseProvider("postgresql://u:p@127.0.0.1:5432/db")).toBe("postgresql");
    expect(() => databaseProvider("mysql://x")).toThrow(/must start with "file:"/);
  });
});
