// Loads the vendored Shopify Admin GraphQL schema (introspection JSON, gzip).
// Building a 3,500-type client schema takes ~0.5 s, so it is built once per
// process and shared by the simulator, codegen helpers and tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, printSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";

const SCHEMA_FILE = fileURLToPath(
  new URL(`./schema/admin_${ADMIN_API_VERSION}.introspection.json.gz`, import.meta.url),
);

export class SchemaLoadError extends Error {
  constructor(
    readonly reason: "unreadable" | "malformed",
    detail: string,
  ) {
    super(`Cannot load Admin schema (${reason}): ${detail}`);
    this.name = "SchemaLoadError";
  }
}

let cached: GraphQLSchema | undefined;

/** Parsed introspection result of the vendored Admin API schema. */
export function readAdminIntrospection(): IntrospectionQuery {
  let raw: Buffer;
  try {
    raw = gunzipSync(readFileSync(SCHEMA_FILE));
  } catch (error) {
    throw new SchemaLoadError("unreadable", (error as Error).message);
  }
  const json = JSON.parse(raw.toString("utf8")) as { data?: IntrospectionQuery };
  if (!json.data?.__schema) throw new SchemaLoadError("malformed", "missing data.__schema");
  return json.data;
}

/** The Admin API 2026-07 schema as a graphql-js client schema (cached). */
export function loadAdminSchema(): GraphQLSchema {
  if (!cached) cached = buildClientSchema(readAdminIntrospection());
  return cached;
}

/** SDL of the vendored schema, for tools (graphql-codegen) that cannot read the .gz. */
export function printAdminSchemaSdl(): string {
  return printSchema(loadAdminSchema());
}
