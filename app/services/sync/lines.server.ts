// Streams text lines out of a byte stream without ever holding the whole
// body: a JSONL bulk result can be gigabytes.

export async function* readLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  let carry = "";
  for await (const chunk of chunks) {
    carry += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = carry.indexOf("\n", start); nl !== -1; nl = carry.indexOf("\n", start)) {
      yield carry.slice(start, nl).replace(/\r$/, "");
      start = nl + 1;
    }
    carry = carry.slice(start);
  }
  carry += decoder.decode();
  if (carry.length > 0) yield carry.replace(/\r$/, "");
}

/** Lines of a fetched URL (the bulk operation result). */
export async function* fetchLines(url: string, signal?: AbortSignal, fetchImpl: typeof fetch = fetch): AsyncGenerator<string> {
  const res = await fetchImpl(url, { signal });
  if (!res.ok || !res.body) throw new Error(`download of bulk result failed: HTTP ${res.status}`);
  yield* readLines(res.body as unknown as AsyncIterable<Uint8Array>);
}
