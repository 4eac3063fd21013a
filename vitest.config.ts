import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = { "~": fileURLToPath(new URL("./app", import.meta.url)) };

// Two projects: unit tests are pure and parallel; integration tests share a
// real database per worker and run in fewer threads to stay within 2 cores.
export default defineConfig({
  resolve: { alias },
  test: {
    poolOptions: { forks: { maxForks: 2, minForks: 1 }, threads: { maxThreads: 2, minThreads: 1 } },
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // A guard against hangs, not a speed check (benchmarks do that): model fits and bootstraps on
          // CDNOW take seconds, and vitest's 5 s default failed one on a busy shared host.
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ["tests/setup/global-setup.ts"],
          setupFiles: ["tests/setup/integration-setup.ts"],
          pool: "forks",
        },
      },
    ],
  },
});
