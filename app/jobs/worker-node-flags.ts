// Node flags of the worker process (app/jobs/boot.server.ts forks it with
// them; run standalone workers with them in NODE_OPTIONS).
//
// A 64 MB semi-space: a backfill batch (2,000 JSONL lines and the rows made
// from them) lives a few milliseconds, but with Node's default young
// generation it outlives one or two scavenges and is copied, or promoted and
// then collected by the old generation. On PostgreSQL, 1M orders, four
// alternating runs each: median 14,505 → 17,267 orders/s, process CPU
// 74.7 → 63 s, peak RSS 350 → 520 MB (flat). docs/benchmarks.md, tenth session.
export const WORKER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];
