// sqliteDateText is the text Prisma's SQLite adapter stores: toISOString with
// "+00:00" for the "Z". Its faster construction must give exactly that.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sqliteDateText } from "~/lib/sqlite-date-text";

const reference = (d: Date) => `${d.toISOString().slice(0, -1)}+00:00`;

describe("sqliteDateText", () => {
  // For every time in [min, max] it is the reference text.
  const matchesReference = (min: number, max: number, seed: number, numRuns: number) =>
    fc.assert(
      fc.property(fc.integer({ min, max }), (ms) => {
        const d = new Date(ms);
        expect(sqliteDateText(d)).toBe(reference(d));
      }),
      { seed, numRuns },
    );

  it("is toISOString with +00:00 for any time, including years outside 1000-9999", () => {
    matchesReference(-8.64e15, 8.64e15, 20261123, 5_000);
    // Four-digit years, the constructed path.
    matchesReference(Date.UTC(1000, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), 20261124, 20_000);
    for (const iso of ["2024-06-01T02:56:58.000Z", "2026-12-31T23:59:59.999Z", "1000-01-01T00:00:00.007Z", "9999-12-31T23:59:59.050Z", "0999-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z"]) {
      expect(sqliteDateText(new Date(iso))).toBe(iso.replace("Z", "+00:00"));
    }
  });

  it("throws on an invalid date, as toISOString does", () => {
    expect(() => sqliteDateText(new Date(Number.NaN))).toThrow(RangeError);
  });
});
