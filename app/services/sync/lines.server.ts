// Streams text lines out of a byte stream without ever holding the whole
// body: a JSONL bulk result can be gigabytes.
//
// Lines are cut on the newline byte before decoding (0x0A never occurs inside
// a multi-byte UTF-8 sequence), and each line is decoded on its own with
// Buffer's UTF-8 decoder. A streaming TextDecoder over whole chunks went
// through ICU and produced two-byte strings, and yielding line by line cost a
// promise per line: together ~8% of the backfill's writer thread.

/** Lines of a stream, one array per chunk that completed at least one line. */
export async function* readLineBlocks(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string[]> {
  let carry: Buffer[] = []; // bytes after the last newline seen
  for await (const chunk of chunks) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let nl = buf.indexOf(10);
    if (nl === -1) {
      // Copied: a stream may reuse the chunk's memory for the next one.
      if (buf.length > 0) carry.push(Buffer.from(buf));
      continue;
    }
    const block: string[] = [];
    if (carry.length > 0) {
      carry.push(buf.subarray(0, nl));
      block.push(decodeLine(Buffer.concat(carry), 0, -1));
      carry = [];
    } else {
      block.push(decodeLine(buf, 0, nl));
    }
    let start = nl + 1;
    for (nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      block.push(decodeLine(buf, start, nl));
      start = nl + 1;
    }
    if (start < buf.length) carry.push(Buffer.from(buf.subarray(start)));
    yield block;
  }
  if (carry.length > 0) yield [decodeLine(Buffer.concat(carry), 0, -1)];
}

/** `buf[start, end)` as text (end -1: to the end), without a trailing CR. */
function decodeLine(buf: Buffer, start: number, end: number): string {
  let stop = end === -1 ? buf.length : end;
  if (stop > start && buf[stop - 1] === 13) stop--;
  return buf.toString("utf8", start, stop);
}

/** Lines of a stream, one at a time. */
export async function* readLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  for await (const block of readLineBlocks(chunks)) yield* block;
}

/** Lines of a fetched URL (the bulk operation result), in blocks. */
export async function* fetchLines(url: string, signal?: AbortSignal, fetchImpl: typeof fetch = fetch): AsyncGenerator<string[]> {
  const res = await fetchImpl(url, { signal });
  if (!res.ok || !res.body) throw new Error(`download of bulk result failed: HTTP ${res.status}`);
  yield* readLineBlocks(res.body as unknown as AsyncIterable<Uint8Array>);
}
