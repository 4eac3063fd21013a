// The environment, validated once at start-up with messages a new user can act on.
import { z } from "zod";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    SHOPIFY_API_KEY: z
      .string({ error: "SHOPIFY_API_KEY is missing: copy the Client ID from your app in the Partner Dashboard (npm run demo sets a local one)." })
      .min(1, "SHOPIFY_API_KEY is empty: copy the Client ID from your app in the Partner Dashboard."),
    SHOPIFY_API_SECRET: z
      .string({ error: "SHOPIFY_API_SECRET is missing: copy the Client secret from your app in the Partner Dashboard (npm run demo sets a local one)." })
      .min(8, "SHOPIFY_API_SECRET looks too short: use the app's Client secret."),
    SHOPIFY_APP_URL: z
      .url({ error: "SHOPIFY_APP_URL must be the public URL of this app, e.g. https://retain.example.com (shopify app dev sets it)." }),
    SCOPES: z.string().optional(),
    DATABASE_URL: z
      .string()
      .default("file:./prisma/dev.sqlite")
      .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v), {
        message: 'DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL).',
      }),
    SHOPIFY_SIMULATOR_URL: z.url({ error: "SHOPIFY_SIMULATOR_URL must be a URL like http://127.0.0.1:4100" }).optional(),
    RETAIN_WORKER: z.enum(["child", "inline", "off"]).default("child"),
    RETAIN_WORKER_NICE: z.coerce
      .number({ error: "RETAIN_WORKER_NICE must be a whole number from 0 (the app's own CPU priority) to 19 (the lowest)." })
      .int("RETAIN_WORKER_NICE must be a whole number from 0 to 19.")
      .min(0, "RETAIN_WORKER_NICE must be a whole number from 0 to 19.")
      .max(19, "RETAIN_WORKER_NICE must be a whole number from 0 to 19.")
      .default(19),
    DATABASE_PREPARED_STATEMENTS: z.enum(["on", "off"], { error: 'DATABASE_PREPARED_STATEMENTS must be "on" (default) or "off".' }).default("on"),
    SHOP_CUSTOM_DOMAIN: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.SHOPIFY_SIMULATOR_URL && env.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["SHOPIFY_SIMULATOR_URL"],
        message: "SHOPIFY_SIMULATOR_URL is for local development only; unset it in production.",
      });
    }
    if (env.SHOPIFY_SIMULATOR_URL) {
      const host = new URL(env.SHOPIFY_SIMULATOR_URL).hostname;
      if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
        ctx.addIssue({
          code: "custom",
          path: ["SHOPIFY_SIMULATOR_URL"],
          message: "SHOPIFY_SIMULATOR_URL must point at a simulator on this machine (127.0.0.1 or localhost).",
        });
      }
    }
  });

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Retain cannot start: the environment is not valid.\n  - ${problems.join("\n  - ")}\nSee README.md ("Configuration").`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`));
  }
  return result.data;
}

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
