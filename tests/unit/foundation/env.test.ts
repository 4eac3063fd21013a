import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/env.server";

const base = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret-123456", SHOPIFY_APP_URL: "https://retain.example.com" };

describe("environment validation at start-up", () => {
  it("accepts a complete environment and defaults the database to embedded SQLite", () => {
    expect(parseEnv(base).DATABASE_URL).toMatch(/^file:/);
  });

  it("names every missing variable with what to do", () => {
    try {
      parseEnv({});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/SHOPIFY_API_KEY/);
      expect(msg).toMatch(/SHOPIFY_API_SECRET/);
      expect(msg).toMatch(/SHOPIFY_APP_URL/);
      expect(msg).toMatch(/Partner Dashboard/);
    }
  });

  it("refuses the simulator in production and on a non-local host", () => {
    expect(() => parseEnv({ ...base, NODE_ENV: "production", SHOPIFY_SIMULATOR_URL: "http://127.0.0.1:4100" })).toThrow(/development only/);
    expect(() => parseEnv({ ...base, SHOPIFY_SIMULATOR_URL: "http://10.0.0.5:4100" })).toThrow(/this machine/);
  });

  it("rejects an unsupported DATABASE_URL", () => {
    expect(() => parseEnv({ ...base, DATABASE_URL: "mysql://localhost/x" })).toThrow(/DATABASE_URL/);
  });

  it("prepares PostgreSQL statements unless DATABASE_PREPARED_STATEMENTS is off, and names a bad value", () => {
    expect(parseEnv(base).DATABASE_PREPARED_STATEMENTS).toBe("on");
    expect(parseEnv({ ...base, DATABASE_PREPARED_STATEMENTS: "off" }).DATABASE_PREPARED_STATEMENTS).toBe("off");
    expect(() => parseEnv({ ...base, DATABASE_PREPARED_STATEMENTS: "false" })).toThrow(/DATABASE_PREPARED_STATEMENTS must be "on" \(default\) or "off"/);
  });

  it("runs the worker child at nice 19 (lowest) unless RETAIN_WORKER_NICE says otherwise, and names a bad value", () => {
    expect(parseEnv(base).RETAIN_WORKER_NICE).toBe(19);
    expect(parseEnv({ ...base, RETAIN_WORKER_NICE: "0" }).RETAIN_WORKER_NICE).toBe(0);
    expect(parseEnv({ ...base, RETAIN_WORKER_NICE: "19" }).RETAIN_WORKER_NICE).toBe(19);
    for (const bad of ["20", "-1", "2.5", "low"]) {
      expect(() => parseEnv({ ...base, RETAIN_WORKER_NICE: bad })).toThrow(/RETAIN_WORKER_NICE must be a whole number from 0/);
    }
  });
});
