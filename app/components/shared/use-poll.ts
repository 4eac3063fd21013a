// Re-runs the page's loaders on an interval while a long task runs, so progress
// read from the database (job rows, campaign rows) moves on screen; stops as soon
// as the loader says the task is over. Leaving and coming back needs nothing
// special: the loader reads the current state again.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

export function usePollWhile(active: boolean, intervalMs = 2000): void {
  const revalidator = useRevalidator();
  // The revalidator's identity changes on every state change; keep the interval stable.
  const ref = useRef(revalidator);
  ref.current = revalidator;
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => {
      if (ref.current.state === "idle" && document.visibilityState !== "hidden") ref.current.revalidate();
    }, intervalMs);
    return () => clearInterval(id);
  }, [active, intervalMs]);
}

/** The largest value seen for `key`: a bar never steps back between polls of one run. */
export function useMonotonic(key: string | null, value: number): number {
  const seen = useRef<{ key: string | null; max: number }>({ key: null, max: 0 });
  if (seen.current.key !== key) seen.current = { key, max: value };
  else seen.current.max = Math.max(seen.current.max, value);
  return seen.current.max;
}
