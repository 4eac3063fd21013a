import { describe, expect, it } from "vitest";
import { hashToUnit, murmur3String, murmur3X86_32, utf8Bytes } from "~/domain/campaigns/hash";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("murmur3X86_32", () => {
  // Reference vectors for MurmurHash3_x86_32 published with SMHasher ports.
  it("matches the published MurmurHash3_x86_32 test vectors", () => {
    expect(murmur3X86_32(bytes(), 0)).toBe(0);
    expect(murmur3X86_32(bytes(), 1)).toBe(0x514e28b7);
    expect(murmur3X86_32(bytes(), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3X86_32(bytes(0xff, 0xff, 0xff, 0xff), 0)).toBe(0x76293b50);
    expect(murmur3X86_32(bytes(0x21, 0x43, 0x65, 0x87), 0)).toBe(0xf55b516b);
    expect(murmur3X86_32(bytes(0x21, 0x43, 0x65, 0x87), 0x5082edee)).toBe(0x2362f9de);
    expect(murmur3X86_32(bytes(0x21, 0x43, 0x65), 0)).toBe(0x7e4a8634);
    expect(murmur3String("hello", 0)).toBe(0x248bfa47);
    expect(murmur3String("hello", 1)).toBe(0xbb4abcad);
    expect(murmur3String("hello, world", 0)).toBe(0x149bbb7f);
  });
});

describe("hashToUnit", () => {
  it("stays in [0, 1) and separates length-prefixed parts", () => {
    const a = hashToUnit("ab", "c");
    const b = hashToUnit("a", "bc");
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1);
    expect(a).not.toBe(b);
  });

  // Cross-checked with an independent Python implementation of the same construction
  // (two MurmurHash3 lanes with seeds 0x5bd1e995 / 0x27d4eb2f, 21 + 32 bits).
  it("pins bucket values so a refactor can never reshuffle live campaigns", () => {
    expect(hashToUnit("campaign-1", "gid://shopify/Customer/1")).toBe(0.3532315742795338);
    expect(hashToUnit("campaign-1", "gid://shopify/Customer/2")).toBe(0.37016493686396645);
  });

  it("spreads 20 000 keys evenly over 10 buckets (chi-square below the 0.999 quantile, 27.88)", () => {
    const counts = new Array(10).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[Math.floor(hashToUnit("spread", `c${i}`) * 10)] += 1;
    const expected = n / 10;
    const chi2 = counts.reduce((sum, k) => sum + (k - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88);
  });
});

describe("utf8Bytes", () => {
  it("encodes exactly like TextEncoder, including astral characters and lone surrogates", () => {
    const encoder = new TextEncoder();
    for (const text of [
      "",
      "plain-ascii-123",
      "Zoë",
      "客户-7",
      "emoji 🎉 ok",
      "lone \ud800 high",
      "lone \udc00 low",
      "end\ud83d",
    ]) {
      expect(Array.from(utf8Bytes(text))).toEqual(Array.from(encoder.encode(text)));
    }
  });
});
