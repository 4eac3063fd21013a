import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addMonths,
  createMonthKeyer,
  localDateKey,
  localMonthKey,
  localMonthRange,
  monthsBetween,
  startOfLocalDay,
} from "~/domain/analytics/time";

describe("shop-timezone calendar helpers", () => {
  it("2025-01-31T23:30Z is January in America/New_York and February in Asia/Tokyo", () => {
    const t = new Date("2025-01-31T23:30:00Z");
    expect(localMonthKey(t, "America/New_York")).toBe("2025-01");
    expect(localMonthKey(t, "Asia/Tokyo")).toBe("2025-02");
    expect(localDateKey(t, "Asia/Tokyo")).toBe("2025-02-01");
  });

  it("January 2025 in New York is [05:00Z Jan 1, 05:00Z Feb 1); in Tokyo [15:00Z Dec 31, 15:00Z Jan 31)", () => {
    expect(localMonthRange("2025-01", "America/New_York")).toEqual({
      start: new Date("2025-01-01T05:00:00Z"),
      end: new Date("2025-02-01T05:00:00Z"),
    });
    expect(localMonthRange("2025-01", "Asia/Tokyo")).toEqual({
      start: new Date("2024-12-31T15:00:00Z"),
      end: new Date("2025-01-31T15:00:00Z"),
    });
  });

  it("March 2025 in New York spans the DST change: starts at UTC−5, ends at UTC−4", () => {
    expect(localMonthRange("2025-03", "America/New_York")).toEqual({
      start: new Date("2025-03-01T05:00:00Z"),
      end: new Date("2025-04-01T04:00:00Z"),
    });
  });

  it("a day whose midnight DST skipped (São Paulo, 2018-11-04) starts at the jump, 03:00Z", () => {
    expect(startOfLocalDay("2018-11-04", "America/Sao_Paulo")).toEqual(new Date("2018-11-04T03:00:00Z"));
  });

  it("month arithmetic crosses years both ways", () => {
    expect(addMonths("2025-11", 3)).toBe("2026-02");
    expect(addMonths("2025-01", -1)).toBe("2024-12");
    expect(monthsBetween("2024-12", "2026-02")).toBe(14);
  });

  it("rejects malformed local dates and months with INVALID_LOCAL_DATE", () => {
    expect(() => startOfLocalDay("2025-02-30", "UTC")).toThrow(expect.objectContaining({ reason: "INVALID_LOCAL_DATE" }));
    expect(() => addMonths("2025-13", 1)).toThrow(expect.objectContaining({ reason: "INVALID_LOCAL_DATE" }));
  });
});

describe("createMonthKeyer", () => {
  it("agrees with Intl-based localMonthKey for every instant, including DST and 45-minute-offset zones", () => {
    const zones = ["UTC", "America/New_York", "Asia/Tokyo", "Asia/Kathmandu", "Pacific/Chatham", "America/Sao_Paulo", "Australia/Lord_Howe"];
    const from = Date.UTC(2017, 0, 1);
    const to = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.array(fc.integer({ min: from, max: to }), { minLength: 1, maxLength: 30 }), (zone, instants) => {
        const keyOf = createMonthKeyer(zone, from, to);
        for (const t of instants) expect(keyOf(t)).toBe(localMonthKey(new Date(t), zone));
      }),
      { seed: 31, numRuns: 60 },
    );
  });

  it("is exact one millisecond either side of a local month boundary", () => {
    const keyOf = createMonthKeyer("America/New_York", Date.UTC(2025, 0, 1), Date.UTC(2025, 5, 1));
    const boundary = Date.parse("2025-04-01T04:00:00Z"); // Apr 1 00:00 EDT
    expect([keyOf(boundary - 1), keyOf(boundary)]).toEqual(["2025-03", "2025-04"]);
    // Outside the precomputed span it falls back to Intl.
    expect(keyOf(Date.parse("2030-01-31T23:30:00Z"))).toBe("2030-01");
  });
});
