// bench/webhooks' load generator must send each prepared request exactly once:
// a request dropped or repeated would make accepted/s and the end-to-end count
// wrong. wrk calls the script's request() once before the run without sending
// the result (wrk-deliveries.lua answers that call with a request of its own).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, runWrk, writeRequestFile, wrkAvailable } from "../../../bench/lib/wrk-load";

const available = wrkAvailable();

describe.skipIf(!available)("wrk load generator (bench/lib/wrk-load.ts; skipped where wrk is not installed)", () => {
  const seen: string[] = [];
  let server: http.Server;
  let port = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (d: string) => (body += d));
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${req.headers["x-n"]} ${body.length}`);
        // Every seventh request is refused, so non-2xx answers are counted apart.
        res.statusCode = Number(req.headers["x-n"]) % 7 === 0 ? 409 : 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends every request exactly once, in full, and counts the answers", async () => {
    seen.length = 0;
    const count = 1_500;
    const requests = Array.from({ length: count }, (_, n) => ({
      method: "POST", path: "/webhooks/orders/create", headers: { "x-n": String(n) }, body: "é".repeat(n % 300) + "x".repeat(5_000),
    }));
    const file = writeRequestFile(port, requests);
    try {
      const result = await runWrk(file, 8, 20);
      const refused = requests.filter((_, n) => n % 7 === 0).length;
      expect(result.accepted).toBe(count - refused);
      expect(result.non2xx).toBe(refused);
      expect(result.errors).toBe(0);
      expect(result.seconds).toBeGreaterThan(0);
      expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p50);
    } finally {
      file.dispose();
    }
    expect(seen).toHaveLength(count);
    expect(new Set(seen).size).toBe(count);
    for (const [n, r] of requests.entries()) expect(seen).toContain(`POST /webhooks/orders/create ${n} ${r.body.length}`);
  });
});

describe("raw requests for wrk", () => {
  it("state the body's length in bytes, not characters", () => {
    const raw = rawRequest("127.0.0.1:1", { method: "POST", path: "/p", headers: { a: "b" }, body: "€€" }).toString("latin1");
    expect(raw).toContain("content-length: 6\r\n\r\n");
    expect(raw.startsWith("POST /p HTTP/1.1\r\nhost: 127.0.0.1:1\r\na: b\r\n")).toBe(true);
  });
});
