// Worker transaction budgets (ADR 010, ADR 012): on SQLite each transaction
// holds the one write lock the webhook accept path needs, so it is shorter
// while the web process reports saturation.
import { afterEach, describe, expect, it } from "vitest";
import { currentProvider } from "~/db.server";
import { workerTransactionBudgetMs } from "~/jobs/worker.server";

describe("worker transaction budget", () => {
  const saved = process.env.RETAIN_WORKER_TX_MS;
  afterEach(() => {
    if (saved === undefined) delete process.env.RETAIN_WORKER_TX_MS;
    else process.env.RETAIN_WORKER_TX_MS = saved;
  });

  it("is 8 ms on SQLite, 3 ms under accept pressure; 50 ms on PostgreSQL either way", () => {
    delete process.env.RETAIN_WORKER_TX_MS;
    if (currentProvider() === "sqlite") {
      expect(workerTransactionBudgetMs(false)).toBe(8);
      expect(workerTransactionBudgetMs(true)).toBe(3);
    } else {
      expect(workerTransactionBudgetMs(false)).toBe(50);
      expect(workerTransactionBudgetMs(true)).toBe(50);
    }
  });

  it("RETAIN_WORKER_TX_MS overrides both", () => {
    process.env.RETAIN_WORKER_TX_MS = "12";
    expect(workerTransactionBudgetMs(false)).toBe(12);
    expect(workerTransactionBudgetMs(true)).toBe(12);
  });
});
