// Lets request handlers wake the in-process worker without importing it (and
// with it every job handler) into the request path.
let wake: (() => void) | null = null;
let pending = false;

export function setWakeHandler(fn: (() => void) | null): void {
  wake = fn;
}

/**
 * Wakes the worker once per event-loop turn however many callers ask: a group
 * commit answers dozens of deliveries in one turn, and with the child worker
 * each wake is an IPC message that both processes pay for.
 */
export function kickWorker(): void {
  if (pending) return;
  pending = true;
  setImmediate(() => {
    pending = false;
    wake?.();
  });
}
