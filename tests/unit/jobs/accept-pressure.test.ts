// The accept-first rule (ADR 012): the worker yields to a saturated web
// process, within bounds, and never because of it lets a backlog age past
// MAX_YIELD_LAG_MS.
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import {
  acceptYieldStats,
  MAX_YIELD_LAG_MS,
  noteAcceptPressure,
  noteBacklogAge,
  underAcceptPressure,
  webLoopSaturated,
  workerBurstShare,
  yieldToAcceptPath,
} from "~/jobs/accept-pressure.server";

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* keep the event loop busy, as a burst of requests does */
  }
}
const idleFor = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("web loop saturation", () => {
  it("reports a loop busy for a whole sample as saturated and an idle one as not", async () => {
    webLoopSaturated(); // first call only sets the mark
    busyFor(80);
    expect(webLoopSaturated()).toBe(true);
    await idleFor(80);
    expect(webLoopSaturated()).toBe(false);
  });

  it("keeps the last verdict between samples (a burst asks thousands of times a second)", async () => {
    webLoopSaturated();
    busyFor(80);
    expect(webLoopSaturated()).toBe(true);
    await idleFor(5);
    expect(webLoopSaturated()).toBe(true);
  });
});

describe("worker yielding", () => {
  it("does not pause without pressure", async () => {
    noteBacklogAge(0);
    const before = acceptYieldStats().pauses;
    await yieldToAcceptPath(0.1);
    busyFor(5);
    await yieldToAcceptPath(0.1);
    expect(acceptYieldStats().pauses).toBe(before);
  });

  it("pauses under pressure so work takes at most its share: 10 ms of work at 10% asks 90 ms, capped at 50", async () => {
    noteBacklogAge(0);
    noteAcceptPressure();
    await yieldToAcceptPath(0.1); // starts the work clock
    const before = acceptYieldStats();
    busyFor(10);
    await yieldToAcceptPath(0.1);
    const after = acceptYieldStats();
    expect(after.pauses).toBe(before.pauses + 1);
    expect(after.pausedMs - before.pausedMs).toBeGreaterThanOrEqual(49);
    expect(after.pausedMs - before.pausedMs).toBeLessThanOrEqual(51);
  });

  it("at a 50% share the pause equals the work done", async () => {
    noteBacklogAge(0);
    noteAcceptPressure();
    await yieldToAcceptPath(0.5);
    const before = acceptYieldStats();
    const started = performance.now();
    busyFor(4);
    const worked = performance.now() - started;
    await yieldToAcceptPath(0.5);
    const paused = acceptYieldStats().pausedMs - before.pausedMs;
    expect(paused).toBeGreaterThanOrEqual(Math.floor(worked) - 1);
    expect(paused).toBeLessThanOrEqual(50);
  });

  it("pressure ends 150 ms after the last signal", () => {
    const t = performance.now();
    noteBacklogAge(0);
    noteAcceptPressure(t);
    expect(underAcceptPressure(t + 149)).toBe(true);
    expect(underAcceptPressure(t + 151)).toBe(false);
  });

  it(`never yields while the oldest delivery in hand has waited over ${MAX_YIELD_LAG_MS / 1000} s`, async () => {
    noteAcceptPressure();
    noteBacklogAge(MAX_YIELD_LAG_MS + 1);
    expect(underAcceptPressure()).toBe(false);
    const before = acceptYieldStats().pauses;
    busyFor(5);
    await yieldToAcceptPath(0.1);
    expect(acceptYieldStats().pauses).toBe(before);
    noteBacklogAge(0);
    expect(underAcceptPressure()).toBe(true);
  });

  it("a share of 1 never pauses", async () => {
    noteBacklogAge(0);
    noteAcceptPressure();
    const before = acceptYieldStats().pauses;
    busyFor(5);
    await yieldToAcceptPath(1);
    expect(acceptYieldStats().pauses).toBe(before);
  });

  it("reads RETAIN_WORKER_BURST_SHARE, falling back to 0.1 on anything outside (0, 1]", () => {
    const saved = process.env.RETAIN_WORKER_BURST_SHARE;
    try {
      for (const [raw, want] of [["0.25", 0.25], ["1", 1], ["0", 0.1], ["1.5", 0.1], ["abc", 0.1], ["", 0.1]] as const) {
        process.env.RETAIN_WORKER_BURST_SHARE = raw;
        expect(workerBurstShare()).toBe(want);
      }
    } finally {
      if (saved === undefined) delete process.env.RETAIN_WORKER_BURST_SHARE;
      else process.env.RETAIN_WORKER_BURST_SHARE = saved;
    }
  });
});
