// Customer (and guest-order) arrival times: an inhomogeneous Poisson process
// conditioned on its count. Given N arrivals, their times are N i.i.d. draws
// from the normalised intensity, so we generate the sorted uniforms one at a
// time (order statistics by successive powers) and map each through the
// intensity's inverse CDF. Memory stays O(days), never O(arrivals).

import type { Seasonality } from "./config";
import type { Rng } from "./random";

const DAY = 86_400_000;

export class ArrivalSchedule {
  private readonly cumulative: Float64Array;
  private readonly weights: Float64Array;
  readonly total: number;

  constructor(
    private readonly startMs: number,
    private readonly endMs: number,
    seasonality: Seasonality,
  ) {
    const days = Math.ceil((endMs - startMs) / DAY);
    this.weights = new Float64Array(days);
    this.cumulative = new Float64Array(days + 1);
    for (let d = 0; d < days; d++) {
      const dayStart = startMs + d * DAY;
      const covered = Math.min(DAY, endMs - dayStart) / DAY;
      const w = dailyIntensity(dayStart, d, seasonality) * covered;
      this.weights[d] = w;
      this.cumulative[d + 1] = this.cumulative[d] + w;
    }
    this.total = this.cumulative[days];
  }

  /** Maps u in [0, 1) to an instant (whole seconds) with the intensity as density. */
  timeAt(u: number): number {
    const target = u * this.total;
    let lo = 0;
    let hi = this.weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cumulative[mid] <= target) lo = mid;
      else hi = mid - 1;
    }
    const w = this.weights[lo];
    const frac = w > 0 ? Math.min(1, (target - this.cumulative[lo]) / w) : 0;
    const ms = this.startMs + (lo + frac) * DAY;
    return Math.min(this.endMs - 1000, Math.floor(ms / 1000) * 1000);
  }

  /** Relative intensity of the day containing `ms` (for tests and docs). */
  intensityOn(ms: number): number {
    const d = Math.floor((ms - this.startMs) / DAY);
    return d >= 0 && d < this.weights.length ? this.weights[d] : 0;
  }

  /** `count` arrival instants in increasing order, drawn lazily. */
  *times(rng: Rng, count: number): Generator<number> {
    let previous = 0;
    for (let i = 0; i < count; i++) {
      // The minimum of the (count − i) remaining uniforms on (previous, 1).
      const v = rng.openUniform();
      previous = 1 - (1 - previous) * Math.pow(v, 1 / (count - i));
      yield this.timeAt(previous);
    }
  }
}

/**
 * Linear growth × a yearly cosine peaking mid-November × a holiday boost
 * (20 Nov – 20 Dec) × slightly quieter weekends.
 */
export function dailyIntensity(dayStartMs: number, dayIndex: number, s: Seasonality): number {
  const date = new Date(dayStartMs);
  const growth = Math.max(0.05, 1 + s.growthPerYear * (dayIndex / 365.25));
  const dayOfYear = (Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY;
  const annual = 1 + s.annualAmplitude * Math.cos((2 * Math.PI * (dayOfYear - 320)) / 365.25);
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  const holiday = (month === 11 && day >= 20) || (month === 12 && day <= 20) ? s.holidayBoost : 1;
  const weekday = date.getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 0.9 : 1;
  return growth * annual * holiday * weekly;
}
