/**
 * MurmurHash3 (x86, 32-bit) over UTF-8 bytes, written from Austin Appleby's published
 * algorithm. Checked against the reference test vectors in the unit tests, so the
 * assignment of a customer never silently changes with a refactor or a runtime.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Final avalanche: every input bit affects every output bit. */
function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export function murmur3X86_32(bytes: Uint8Array, seed: number, length: number = bytes.length): number {
  let h = seed >>> 0;
  const blocks = length - (length % 4);
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, C1);
    k = rotl32(k, 15);
    k = Math.imul(k, C2);
    h ^= k;
    h = rotl32(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length % 4;
  if (tail > 0) {
    let k = 0;
    // Little-endian tail, same byte order as the blocks.
    for (let j = tail - 1; j >= 0; j--) k = (k << 8) | bytes[blocks + j];
    k = Math.imul(k, C1);
    k = rotl32(k, 15);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  return fmix32(h);
}

export function murmur3String(text: string, seed: number): number {
  return murmur3X86_32(encoder.encode(text), seed);
}

// Two independent lanes give 53 bits, so buckets stay distinct far beyond any shop's size.
const LANE_HI_SEED = 0x5bd1e995;
const LANE_LO_SEED = 0x27d4eb2f;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

// Reused scratch buffer: hashing 100k customer ids should not allocate 100k arrays.
let scratch = new Uint8Array(256);

/** UTF-8 encodes into the scratch buffer exactly as TextEncoder does (lone surrogates → U+FFFD). */
function encodeUtf8(text: string): number {
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      scratch[n++] = code;
      continue;
    }
    if (code < 0x800) {
      scratch[n++] = 0xc0 | (code >> 6);
      scratch[n++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
        scratch[n++] = 0xf0 | (code >> 18);
        scratch[n++] = 0x80 | ((code >> 12) & 0x3f);
        scratch[n++] = 0x80 | ((code >> 6) & 0x3f);
        scratch[n++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = 0xfffd;
    }
    scratch[n++] = 0xe0 | (code >> 12);
    scratch[n++] = 0x80 | ((code >> 6) & 0x3f);
    scratch[n++] = 0x80 | (code & 0x3f);
  }
  return n;
}

/** UTF-8 bytes of a string (exported for tests that compare with TextEncoder). */
export function utf8Bytes(text: string): Uint8Array {
  return scratch.slice(0, encodeUtf8(text));
}

/**
 * Maps (key parts) to a uniform number in [0, 1). Parts are length-prefixed (UTF-16 length)
 * so ("ab", "c") and ("a", "bc") never collide.
 */
export function hashToUnit(...parts: string[]): number {
  let key = "";
  for (let i = 0; i < parts.length; i++) key += `${i > 0 ? "|" : ""}${parts[i].length}:${parts[i]}`;
  const length = encodeUtf8(key);
  const hi = murmur3X86_32(scratch, LANE_HI_SEED, length) >>> 11; // 21 bits
  const lo = murmur3X86_32(scratch, LANE_LO_SEED, length); // 32 bits
  return (hi * TWO_POW_32 + lo) / TWO_POW_53;
}
