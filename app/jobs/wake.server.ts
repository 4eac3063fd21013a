// Lets request handlers wake the in-process worker without importing it (and
// with it every job handler) into the request path.
let wake: (() => void) | null = null;

export function setWakeHandler(fn: (() => void) | null): void {
  wake = fn;
}

export function kickWorker(): void {
  wake?.();
}
