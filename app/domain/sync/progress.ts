// Backfill progress as the Data sync page shows it.

export interface SyncProgress {
  objectsDone: number;
  objectsTotal: number | null;
  /** 0..1, null while the total is unknown. */
  fraction: number | null;
  /** Objects per second since the run started; null before any time passed. */
  ratePerSecond: number | null;
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: number | null;
}

export function computeProgress(input: { objectsDone: number; objectsTotal: number | null; startedAt: Date; now: Date }): SyncProgress {
  const { objectsDone, objectsTotal } = input;
  const elapsed = (input.now.getTime() - input.startedAt.getTime()) / 1000;
  const ratePerSecond = elapsed > 0 ? objectsDone / elapsed : null;
  const fraction = objectsTotal === null ? null : objectsTotal === 0 ? 1 : Math.min(1, objectsDone / objectsTotal);
  let etaSeconds: number | null = null;
  if (objectsTotal !== null && ratePerSecond !== null && ratePerSecond > 0) {
    etaSeconds = Math.max(0, (objectsTotal - objectsDone) / ratePerSecond);
  } else if (objectsTotal !== null && objectsDone >= objectsTotal) etaSeconds = 0;
  return { objectsDone, objectsTotal, fraction, ratePerSecond, etaSeconds };
}
