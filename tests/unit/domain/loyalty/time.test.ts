import { describe, expect, it } from "vitest";
import { addUtcMonths, listMonthEnds } from "~/domain/loyalty/time";

describe("UTC calendar arithmetic", () => {
  it("clamps to the last day of shorter months (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year)", () => {
    expect(addUtcMonths(new Date("2026-01-31T12:00:00Z"), 1)).toEqual(new Date("2026-02-28T12:00:00Z"));
    expect(addUtcMonths(new Date("2028-01-31T12:00:00Z"), 1)).toEqual(new Date("2028-02-29T12:00:00Z"));
    expect(addUtcMonths(new Date("2026-03-31T00:00:00Z"), -13)).toEqual(new Date("2025-02-28T00:00:00Z"));
    expect(addUtcMonths(new Date("2026-11-15T08:30:00Z"), 14)).toEqual(new Date("2028-01-15T08:30:00Z"));
  });

  it("lists the last millisecond of each month from the first date's month to the second's", () => {
    expect(listMonthEnds(new Date("2026-11-20T00:00:00Z"), new Date("2027-01-02T00:00:00Z"))).toEqual([
      new Date("2026-11-30T23:59:59.999Z"),
      new Date("2026-12-31T23:59:59.999Z"),
      new Date("2027-01-31T23:59:59.999Z"),
    ]);
    expect(listMonthEnds(new Date("2027-02-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z"))).toEqual([]);
  });
});
