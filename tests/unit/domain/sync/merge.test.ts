import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { computeProgress, decideRefund, decideVersion, sumRefunds, type NormalizedRefund } from "~/domain/sync";

describe("decideVersion", () => {
  const t = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s));
  it("inserts when absent, updates when newer, ignores older and equal versions", () => {
    expect(decideVersion(null, t(1), false)).toBe("insert");
    expect(decideVersion(t(1), t(2), true)).toBe("update");
    expect(decideVersion(t(2), t(2), true)).toBe("duplicate");
    expect(decideVersion(t(3), t(2), true)).toBe("stale");
    expect(decideVersion(null, t(2), true)).toBe("update");
  });

  it("folding versions in any order keeps the newest (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 20 }), fc.integer(), (times, seed) => {
        const shuffled = [...times].sort((a, b) => ((a * 31 + seed) % 97) - ((b * 31 + seed) % 97));
        let stored: number | null = null;
        for (const v of [...shuffled, ...shuffled]) {
          const d = decideVersion(stored === null ? null : t(stored), t(v), stored !== null);
          if (d === "insert" || d === "update") stored = v;
        }
        return stored === Math.max(...times);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe("decideRefund", () => {
  const detailed: NormalizedRefund = { shopifyId: "1", orderShopifyId: "2", amountMinor: 100, storeCreditMinor: 0, lines: [], note: null, processedAt: new Date(0) };
  it("the detailed webhook version replaces a bulk summary, never the reverse", () => {
    expect(decideRefund(null, detailed)).toBe("insert");
    expect(decideRefund({ hasLines: false }, detailed)).toBe("enrich");
    expect(decideRefund({ hasLines: true }, { ...detailed, lines: null })).toBe("keep");
    expect(decideRefund({ hasLines: true }, detailed)).toBe("keep");
  });
  it("refundedMinor counts money and store credit", () => {
    expect(sumRefunds([{ amountMinor: 500, storeCreditMinor: 0 }, { amountMinor: 0, storeCreditMinor: 250 }])).toBe(750);
    expect(sumRefunds([])).toBe(0);
  });
});

describe("computeProgress", () => {
  it("reports rate and ETA from done/total and elapsed time", () => {
    const p = computeProgress({ objectsDone: 500, objectsTotal: 2000, startedAt: new Date(0), now: new Date(10_000) });
    expect(p).toEqual({ objectsDone: 500, objectsTotal: 2000, fraction: 0.25, ratePerSecond: 50, etaSeconds: 30 });
  });
  it("unknown total gives no fraction or ETA; zero total is complete", () => {
    expect(computeProgress({ objectsDone: 5, objectsTotal: null, startedAt: new Date(0), now: new Date(1000) }).etaSeconds).toBeNull();
    expect(computeProgress({ objectsDone: 0, objectsTotal: 0, startedAt: new Date(0), now: new Date(0) }).fraction).toBe(1);
  });
});
