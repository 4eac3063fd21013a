import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CampaignError,
  DEFAULT_CONTROL_SHARE,
  assignAudience,
  assignGroup,
  assignmentBucket,
  createSeededRandom,
} from "~/domain/campaigns";

const ids = (n: number, prefix = "gid://shopify/Customer/") =>
  Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const random = createSeededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("assignGroup", () => {
  it("defaults to a 10 % control share", () => {
    expect(DEFAULT_CONTROL_SHARE).toBe(0.1);
    const split = assignAudience("default-share", ids(20_000));
    // Binomial(20 000, 0.1): sd = √(20 000 · 0.1 · 0.9) ≈ 42.4; allow 4 sd.
    expect(Math.abs(split.control.length - 2000)).toBeLessThan(4 * 42.43);
  });

  it("is deterministic per (seed, customer) and differs between campaigns", () => {
    const customers = ids(2000);
    const first = customers.map((id) => assignGroup("spring-sale", id));
    const again = customers.map((id) => assignGroup("spring-sale", id));
    expect(again).toEqual(first);
    const other = customers.map((id) => assignGroup("summer-sale", id));
    expect(other).not.toEqual(first);
  });

  it("control sets of two campaigns overlap only by chance (share² of the audience)", () => {
    const customers = ids(20_000);
    const a = new Set(assignAudience("campaign-a", customers, 0.2).control);
    const both = assignAudience("campaign-b", customers, 0.2).control.filter((id) => a.has(id)).length;
    // Expected 20 000 · 0.04 = 800, sd = √(20 000 · 0.04 · 0.96) ≈ 27.7.
    expect(Math.abs(both - 800)).toBeLessThan(4 * 27.7);
  });

  it("raising the control share only moves customers from treatment into control", () => {
    for (const id of ids(5000)) {
      if (assignGroup("grow", id, 0.1) === "control") expect(assignGroup("grow", id, 0.25)).toBe("control");
    }
  });

  it("rejects bad seeds, ids and shares with a typed error", () => {
    expect(() => assignGroup("", "c1")).toThrow(CampaignError);
    expect(() => assignGroup("s", "")).toThrow(/customerId/);
    for (const share of [0, 1, -0.1, Number.NaN, 2])
      expect(() => assignGroup("s", "c1", share)).toThrow(/controlShare/);
    expect(() => assignAudience("s", ["c1", "c2", "c1"])).toThrow(/c1 appears twice/);
  });
});

describe("assignAudience", () => {
  it.each([0.05, 0.1, 0.2, 0.5])(
    "recovers a %s control share within 4 binomial sd for each of 5 campaigns",
    (share) => {
      const n = 10_000;
      const sd = Math.sqrt(n * share * (1 - share));
      for (let c = 0; c < 5; c++) {
        const { control, treatment } = assignAudience(`share-${share}-${c}`, ids(n), share);
        expect(control.length + treatment.length).toBe(n);
        expect(Math.abs(control.length - n * share)).toBeLessThan(4 * sd);
      }
    }
  );

  it("never changes a customer's group when the audience grows or is reordered", () => {
    const base = ids(3000);
    const before = assignAudience("stable", base, 0.15);
    const grown = shuffle([...base, ...ids(3000, "gid://shopify/Customer/new-")], 7);
    const after = assignAudience("stable", grown, 0.15);
    const afterControl = new Set(after.control);
    for (const id of before.control) expect(afterControl.has(id)).toBe(true);
    for (const id of before.treatment) expect(afterControl.has(id)).toBe(false);
  });

  it("is independent of list order for any set of ids (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 24 }), { maxLength: 60 }),
        fc.integer(),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (list, seed, share) => {
          const forward = assignAudience("prop", list, share);
          const reversed = assignAudience("prop", [...list].reverse(), share);
          expect(new Set(reversed.control)).toEqual(new Set(forward.control));
          const shuffled = assignAudience("prop", shuffle(list, seed), share);
          expect(new Set(shuffled.treatment)).toEqual(new Set(forward.treatment));
        }
      ),
      { seed: 42, numRuns: 200 }
    );
  });

  it("buckets are uniform on [0, 1): mean ≈ 1/2 and variance ≈ 1/12 over 20 000 ids", () => {
    const buckets = ids(20_000).map((id) => assignmentBucket("uniform", id));
    const mean = buckets.reduce((s, b) => s + b, 0) / buckets.length;
    const variance = buckets.reduce((s, b) => s + (b - mean) ** 2, 0) / (buckets.length - 1);
    // sd of the mean = √(1/12 / 20 000) ≈ 0.00204.
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * 0.00204);
    // sd of the sample variance = √((1/80 − 1/144) / 20 000) ≈ 0.000527.
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * 0.000527);
  });
});
