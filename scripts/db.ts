// Database tooling that works offline with Prisma 6.19's JS engine.
//   tsx scripts/db.ts sync-schema        derive prisma/postgres/schema.prisma
//   tsx scripts/db.ts generate           generate the client for DATABASE_URL's engine
//   tsx scripts/db.ts deploy             generate if needed, then apply migrations
//   tsx scripts/db.ts new-migration NAME write a migration for both engines
// See docs/decisions/0003-prisma-driver-adapters.md for why it looks like this.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { databaseProvider, resolveDatabaseUrl, type DatabaseProvider } from "./database-url";

const root = path.resolve(import.meta.dirname, "..");
const sqliteSchema = path.join(root, "prisma", "schema.prisma");
const pgSchema = path.join(root, "prisma", "postgres", "schema.prisma");
const prismaBin = path.join(root, "node_modules", ".bin", "prisma");
const markerFile = path.join(root, "node_modules", ".prisma", "client", "retain-provider.txt");

function schemaFor(provider: DatabaseProvider): string {
  return provider === "postgresql" ? pgSchema : sqliteSchema;
}

export function derivePostgresSchema(source: string): string {
  const out = source
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(/url\s+=\s+"file:[^"]*"/, 'url      = "postgresql://localhost:5432/retain"')
    .replace(
      "// Retain data model. This file is the source of truth for SQLite (the",
      "// GENERATED from prisma/schema.prisma by `tsx scripts/db.ts sync-schema`; do not edit.\n// Retain data model. This file is the source of truth for SQLite (the",
    );
  if (!out.includes('provider = "postgresql"')) throw new Error("could not derive the PostgreSQL schema");
  return out;
}

function syncSchema(): void {
  fs.mkdirSync(path.dirname(pgSchema), { recursive: true });
  fs.writeFileSync(pgSchema, derivePostgresSchema(fs.readFileSync(sqliteSchema, "utf8")));
}

function run(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(prismaBin, args, { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

function generate(provider: DatabaseProvider): void {
  syncSchema();
  run(["generate", "--schema", schemaFor(provider)]);
  fs.writeFileSync(markerFile, provider);
}

export function generatedProvider(): string | null {
  return fs.existsSync(markerFile) ? fs.readFileSync(markerFile, "utf8").trim() : null;
}

function ensureGenerated(provider: DatabaseProvider): void {
  if (generatedProvider() !== provider) generate(provider);
}

function deploy(url: string): void {
  const provider = databaseProvider(url);
  ensureGenerated(provider);
  if (provider === "sqlite") {
    const file = url.replace(/^file:/, "").split("?")[0];
    fs.mkdirSync(path.dirname(path.resolve(root, file)), { recursive: true });
  }
  process.stdout.write(run(["migrate", "deploy"], { ...process.env, DATABASE_URL: url }));
}

function newMigration(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("migration name: lowercase letters, digits and _ only");
  syncSchema();
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  for (const provider of ["sqlite", "postgresql"] as const) {
    const schema = schemaFor(provider);
    const dir = path.join(path.dirname(schema), "migrations");
    const snapshot = path.join(dir, "schema.snapshot.prisma");
    const from = fs.existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
    const sql = run(["migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"]);
    if (/^-- This is an empty migration/.test(sql.trim())) {
      console.log(`${provider}: no changes`);
      continue;
    }
    const target = path.join(dir, `${stamp}_${name}`);
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, "migration.sql"), sql);
    fs.writeFileSync(path.join(dir, "migration_lock.toml"), `provider = "${provider}"\n`);
    fs.copyFileSync(schema, snapshot);
    console.log(`${provider}: wrote ${path.relative(root, target)}`);
  }
}

const [command, arg] = process.argv.slice(2);
const url = resolveDatabaseUrl(process.env.DATABASE_URL);
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  switch (command) {
    case "sync-schema":
      syncSchema();
      break;
    case "generate":
      generate(databaseProvider(url));
      break;
    case "ensure":
      ensureGenerated(databaseProvider(url));
      break;
    case "deploy":
      deploy(url);
      break;
    case "new-migration":
      newMigration(arg ?? "");
      break;
    default:
      console.error("usage: tsx scripts/db.ts sync-schema|generate|ensure|deploy|new-migration NAME");
      process.exit(2);
  }
}
