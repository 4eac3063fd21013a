// Shop-timezone calendar helpers built on Intl.DateTimeFormat (no tz library,
// no Date.now). Month and day keys are plain strings so they sort and compare.
import { AnalyticsInputError } from "./errors";
import type { DateRange } from "./types";

export const MS_PER_DAY = 86_400_000;

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatterCache.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    throw new AnalyticsInputError("INVALID_TIMEZONE", `unknown IANA time zone "${timeZone}"`);
  }
  formatterCache.set(timeZone, formatter);
  return formatter;
}

/** Throws AnalyticsInputError("INVALID_TIMEZONE") unless `timeZone` is a known IANA zone. */
export function assertTimeZone(timeZone: string): void {
  if (typeof timeZone !== "string" || timeZone.length === 0) {
    throw new AnalyticsInputError("INVALID_TIMEZONE", "time zone must be a non-empty IANA name");
  }
  formatterFor(timeZone);
}

export function assertValidDate(value: Date, what: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new AnalyticsInputError("INVALID_DATE", `${what} is not a valid Date`);
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(instantMs: number, timeZone: string): LocalParts {
  const parts = formatterFor(timeZone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Shop-local calendar date "YYYY-MM-DD" of an instant. */
export function localDateKey(instant: Date, timeZone: string): string {
  const p = localParts(instant.getTime(), timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Shop-local calendar month "YYYY-MM" of an instant. */
export function localMonthKey(instant: Date, timeZone: string): string {
  return localDateKey(instant, timeZone).slice(0, 7);
}

function parseMonthKey(key: string): { year: number; month: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) {
    throw new AnalyticsInputError("INVALID_LOCAL_DATE", `"${key}" is not a YYYY-MM month`);
  }
  return { year: Number(m[1]), month };
}

/** "2025-11" + 3 → "2026-02". */
export function addMonths(monthKey: string, months: number): string {
  const { year, month } = parseMonthKey(monthKey);
  const index = year * 12 + (month - 1) + months;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/** Whole months from `from` to `to` (negative when `to` is earlier). */
export function monthsBetween(from: string, to: string): number {
  const a = parseMonthKey(from);
  const b = parseMonthKey(to);
  return (b.year - a.year) * 12 + (b.month - a.month);
}

// Offset of the zone at an instant: local wall clock read as UTC minus the instant.
function offsetMs(instantMs: number, timeZone: string): number {
  const floored = instantMs - (((instantMs % 1000) + 1000) % 1000);
  const p = localParts(floored, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - floored;
}

/**
 * First instant of the shop-local day "YYYY-MM-DD". Where midnight is skipped
 * by a DST jump, the day starts at the jump.
 */
export function startOfLocalDay(dateKey: string, timeZone: string): Date {
  assertTimeZone(timeZone);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateKey);
  const wall = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 10) !== dateKey) {
    throw new AnalyticsInputError("INVALID_LOCAL_DATE", `"${dateKey}" is not a YYYY-MM-DD date`);
  }
  // Try both offsets around the wall time; the earliest candidate on the target day wins.
  const first = wall - offsetMs(wall, timeZone);
  const second = wall - offsetMs(first, timeZone);
  const onDay = [first, second].filter((t) => localDateKey(new Date(t), timeZone) === dateKey);
  return new Date(Math.min(...(onDay.length > 0 ? onDay : [second])));
}

/** The instants [start, end) covering shop-local month "YYYY-MM". */
export function localMonthRange(monthKey: string, timeZone: string): DateRange {
  parseMonthKey(monthKey);
  return {
    start: startOfLocalDay(`${monthKey}-01`, timeZone),
    end: startOfLocalDay(`${addMonths(monthKey, 1)}-01`, timeZone),
  };
}

/**
 * A fast instant → "YYYY-MM" mapper for instants in [fromMs, toMs]. It
 * precomputes the local month starts once and binary-searches them, instead of
 * one Intl call per order; results equal localMonthKey.
 */
export function createMonthKeyer(timeZone: string, fromMs: number, toMs: number): (instantMs: number) => string {
  const indexOf = createMonthIndexer(timeZone, fromMs, toMs);
  return (instantMs: number): string => formatMonthIndex(indexOf(instantMs));
}

/** "YYYY-MM" → year × 12 + month − 1, a number that months can be counted on. */
export function monthIndexOf(monthKey: string): number {
  const { year, month } = parseMonthKey(monthKey);
  return year * 12 + (month - 1);
}

/** Inverse of monthIndexOf. */
export function formatMonthIndex(index: number): string {
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/**
 * Like createMonthKeyer, but returns the month index (see monthIndexOf): no
 * string per order, and month differences are a subtraction.
 */
export function createMonthIndexer(timeZone: string, fromMs: number, toMs: number): (instantMs: number) => number {
  assertTimeZone(timeZone);
  const first = localMonthKey(new Date(fromMs), timeZone);
  const keys: string[] = [first];
  const starts: number[] = [localMonthRange(first, timeZone).start.getTime()];
  while (starts[starts.length - 1] <= toMs) {
    const next = addMonths(keys[keys.length - 1], 1);
    keys.push(next);
    starts.push(startOfLocalDay(`${next}-01`, timeZone).getTime());
  }
  const indices = keys.map(monthIndexOf);
  return (instantMs: number): number => {
    if (instantMs < starts[0] || instantMs >= starts[starts.length - 1]) {
      return monthIndexOf(localMonthKey(new Date(instantMs), timeZone));
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= instantMs) lo = mid;
      else hi = mid;
    }
    return indices[lo];
  };
}
