// COPY text format as PostgreSQL's documentation defines it (sql-copy.html, "Text Format").
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { copyField, copyLine, parseCopyLine, parseCopyText } from "~/lib/copy-text";

describe("COPY text encoding", () => {
  it("escapes backslash, newline, carriage return and tab, and nothing else", () => {
    expect(copyField("a\\b")).toBe("a\\\\b");
    expect(copyField("line 1\nline 2\r\n")).toBe("line 1\\nline 2\\r\\n");
    expect(copyField("col\tcol")).toBe("col\\tcol");
    expect(copyField(`quotes " ' , ; {} é 漢 🎉`)).toBe(`quotes " ' , ; {} é 漢 🎉`);
  });

  it("writes NULL as \\N, so a string that reads \\N stays a string", () => {
    expect(copyField(null)).toBe("\\N");
    expect(copyField(undefined)).toBe("\\N");
    expect(copyField("\\N")).toBe("\\\\N");
    expect(copyField("")).toBe("");
  });

  it("writes numbers, booleans and dates in forms PostgreSQL reads back unchanged", () => {
    expect(copyField(0)).toBe("0");
    expect(copyField(-1234)).toBe("-1234");
    expect(copyField(9007199254740993n)).toBe("9007199254740993");
    expect(copyField(true)).toBe("t");
    expect(copyField(false)).toBe("f");
    expect(copyField(new Date(Date.UTC(2026, 10, 22, 23, 5, 1, 7)))).toBe("2026-11-22T23:05:01.007Z");
  });

  it("joins a row with tabs and ends it with a newline", () => {
    expect(copyLine(["a", null, 3, "x\ty"])).toBe("a\t\\N\t3\tx\\ty\n");
  });

  it("refuses binary values rather than writing them wrong", () => {
    expect(() => copyField(Buffer.from("x"))).toThrow(TypeError);
  });

  it("parseCopyLine inverts copyLine for any strings and NULLs (fast-check, seeded)", () => {
    const field = fc.option(fc.string({ unit: fc.constantFrom("a", "\\", "\t", "\n", "\r", "N", "é", "🎉", " ") }), { nil: null });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (values) => {
        const line = copyLine(values);
        expect(line.slice(0, -1)).not.toMatch(/\n/); // only the row end is a raw newline
        expect(parseCopyLine(line.slice(0, -1))).toEqual(values);
        expect(parseCopyText(line + line)).toEqual([values, values]);
      }),
      { seed: 20261122, numRuns: 500 },
    );
  });
});
