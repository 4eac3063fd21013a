// Accepting webhooks comes before processing them (ADR 012). Shopify waits
// 5 s for a 200 and retries, then drops subscriptions that keep failing;
// processing may lag a few seconds without harm. When the web process and
// its forked worker share a small machine, a burst of deliveries saturates
// the web process's event loop while the worker, draining as fast as it can,
// takes CPU (and on SQLite the write lock) from it. So the web process tells
// the worker, with each wake-up, whether its loop is saturated, and the worker
// then pauses between transactions for a share of the time it worked. On a
// machine with cores to spare the loop never saturates and nothing pauses;
// once the burst ends the worker catches up at full speed.
import { performance, type EventLoopUtilization } from "node:perf_hooks";

// ---- web process ----

/** Loop utilization from which the web process counts as saturated. */
const SATURATED = 0.75;
/** Shortest span a utilization sample covers (a burst sends thousands of wake-ups a second). */
const SAMPLE_MS = 50;

let mark: EventLoopUtilization | null = null;
let markAt = 0;
let saturated = false;

/**
 * Whether this process's event loop was at least 75% busy over the last
 * sample (≥ 50 ms, taken when asked). Called by the web process as it wakes
 * the worker.
 */
export function webLoopSaturated(now = performance.now()): boolean {
  if (mark === null) {
    mark = performance.eventLoopUtilization();
    markAt = now;
    return false;
  }
  if (now - markAt >= SAMPLE_MS) {
    const current = performance.eventLoopUtilization();
    saturated = performance.eventLoopUtilization(current, mark).utilization >= SATURATED;
    mark = current;
    markAt = now;
  }
  return saturated;
}

// ---- worker process ----

/** How long one saturated signal keeps the worker yielding (the web process re-sends it while it lasts). */
const HOLD_MS = 150;
/** Longest single pause, so a long transaction never stalls processing for long. */
const MAX_PAUSE_MS = 50;
/** Deliveries waiting longer than this: the worker stops yielding until it has caught up. */
export const MAX_YIELD_LAG_MS = 10_000;

let pressureUntil = 0;
let behind = false;
let workingSince = performance.now();
const yieldStats = { pauses: 0, pausedMs: 0 };

/**
 * Share of the time the worker may work while the web process is saturated
 * (RETAIN_WORKER_BURST_SHARE, default 0.1; 1 never yields).
 */
export function workerBurstShare(): number {
  const n = Number(process.env.RETAIN_WORKER_BURST_SHARE ?? "");
  return Number.isFinite(n) && n > 0 && n <= 1 ? n : 0.1;
}

/** The web process reported a saturated loop. */
export function noteAcceptPressure(now = performance.now()): void {
  pressureUntil = now + HOLD_MS;
}

/** How long the oldest delivery of the batch in hand has waited: past MAX_YIELD_LAG_MS, no yielding. */
export function noteBacklogAge(ms: number): void {
  behind = ms > MAX_YIELD_LAG_MS;
}

/** Whether the worker should give way to the accept path now. */
export function underAcceptPressure(now = performance.now()): boolean {
  return now < pressureUntil && !behind;
}

/**
 * Called by the worker between transactions: under accept pressure, sleeps
 * so that work takes at most `share` of the time since the last call (each
 * pause at most 50 ms); otherwise returns at once.
 */
export async function yieldToAcceptPath(share = workerBurstShare()): Promise<void> {
  const now = performance.now();
  const worked = now - workingSince;
  if (share < 1 && underAcceptPressure(now)) {
    const pause = Math.min(MAX_PAUSE_MS, (worked * (1 - share)) / share);
    if (pause >= 1) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      yieldStats.pauses++;
      yieldStats.pausedMs += pause;
    }
  }
  workingSince = performance.now();
}

/** Pauses taken so far (benchmarks). */
export function acceptYieldStats(): { pauses: number; pausedMs: number } {
  return { pauses: yieldStats.pauses, pausedMs: Math.round(yieldStats.pausedMs) };
}
