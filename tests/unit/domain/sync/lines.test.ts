// readLines (app/services/sync/lines.server.ts) splits a byte stream into
// lines without holding it whole: chunk boundaries anywhere, even inside a
// multi-byte UTF-8 character, must not change the lines.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readLineBlocks, readLines } from "~/services/sync/lines.server";

async function collect(chunks: Uint8Array[]): Promise<string[]> {
  async function* gen() {
    yield* chunks;
  }
  const out: string[] = [];
  for await (const line of readLines(gen())) out.push(line);
  return out;
}

async function collectBlocks(chunks: Uint8Array[]): Promise<string[][]> {
  async function* gen() {
    yield* chunks;
  }
  const out: string[][] = [];
  for await (const block of readLineBlocks(gen())) out.push(block);
  return out;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.slice(prev, p));
    prev = p;
  }
  return parts;
}

describe("readLines and readLineBlocks", () => {
  it("yields JSONL lines across arbitrary chunk boundaries, including inside UTF-8 characters (property)", async () => {
    const lines = ['{"id":"gid://shopify/Order/1","name":"Café ☕"}', '{"id":"gid://shopify/LineItem/2","title":"Über 😀","__parentId":"gid://shopify/Order/1"}', "{}"];
    const bytes = new TextEncoder().encode(lines.join("\n") + "\n");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
        const chunks = splitAt(bytes, cuts);
        expect(await collect(chunks)).toEqual(lines);
        const blocks = await collectBlocks(chunks);
        expect(blocks.flat()).toEqual(lines);
        expect(blocks.every((b) => b.length > 0)).toBe(true);
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it("handles CRLF endings and a last line without a newline", async () => {
    const enc = new TextEncoder();
    expect(await collect([enc.encode("a\r\nb\r"), enc.encode("\nc")])).toEqual(["a", "b", "c"]);
    expect(await collect([])).toEqual([]);
    expect(await collect([enc.encode("a\n\n\nb\n")])).toEqual(["a", "", "", "b"]);
  });
});
