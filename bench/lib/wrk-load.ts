// The load generator of bench/webhooks: wrk (Debian package `wrk`, C on epoll)
// sending requests built here in full beforehand, each exactly once
// (wrk-deliveries.lua). On this 2-core machine the generator shares the cores
// with the app, the worker and the database; autocannon's JavaScript took
// ~0.15 ms of CPU per request there, wrk a few microseconds (ADR 018).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "wrk-deliveries.lua");

export interface HttpRequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  /** Answered with a 2xx. */
  accepted: number;
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** From the first request sent to the last answer (the script's markers). */
  seconds: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** CPU of the generator itself (user + system). */
  cpuSeconds: number;
}

export function wrkAvailable(): boolean {
  return spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;
}

/** CPU seconds of this process's children that have exited and been waited for (Linux; 0 elsewhere). */
function childrenCpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in USER_HZ
  } catch {
    return 0;
  }
}

/** The raw HTTP/1.1 request, as its bytes. */
export function rawRequest(host: string, r: HttpRequestSpec): Buffer {
  const body = Buffer.from(r.body, "utf8");
  let head = `${r.method} ${r.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [k, v] of Object.entries(r.headers)) head += `${k}: ${v}\r\n`;
  head += `content-length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

export interface RequestFile {
  file: string;
  count: number;
  host: string;
  dispose(): void;
}

/** Writes the requests for wrk-deliveries.lua (done before a measured run: it is not the app's work). */
export function writeRequestFile(port: number, requests: readonly HttpRequestSpec[]): RequestFile {
  if (requests.length === 0) throw new Error("writeRequestFile: no requests");
  const host = `127.0.0.1:${port}`;
  const file = path.join(os.tmpdir(), `retain-wrk-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.bin`);
  const parts: Buffer[] = [];
  for (const r of requests) {
    const raw = rawRequest(host, r);
    parts.push(Buffer.from(`${raw.length}\n`, "latin1"), raw);
  }
  writeFileSync(file, Buffer.concat(parts));
  return { file, count: requests.length, host, dispose: () => rmSync(file, { force: true }) };
}

/** Sends every request of the file once over `connections` keep-alive connections; resolves when all are answered. */
export async function runWrk(requests: RequestFile, connections: number, bound = Math.max(60, Math.ceil(requests.count / 100))): Promise<LoadResult> {
  const cpuBefore = childrenCpuSeconds();
  // `bound` (seconds) only limits a run that stalls: the script's "end" marker stops wrk at the last answer.
  let startAt = 0;
  let endAt = 0;
  const out = await new Promise<string>((resolve, reject) => {
    const args = ["-t1", `-c${connections}`, `-d${bound}s`, "--timeout", "30s", "-s", script, `http://${requests.host}`, "--", requests.file];
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      const now = performance.now();
      stdout += d;
      if (startAt === 0 && /^start$/m.test(stdout)) startAt = now;
      if (endAt === 0 && /^end$/m.test(stdout)) {
        endAt = now;
        child.kill("SIGINT"); // wrk then prints its summary and calls done()
      }
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`wrk exited with ${code}: ${stdout}`))));
  });
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`wrk printed no result: ${out}`);
  const r = JSON.parse(line) as {
    answered: number; ok: number; p50Us: number; p99Us: number; maxUs: number;
    errors: { connect: number; read: number; write: number; timeout: number };
  };
  if (startAt === 0 || endAt === 0) throw new Error(`wrk: no start/end markers: ${out}`);
  if (r.answered !== requests.count) throw new Error(`wrk: ${r.answered} of ${requests.count} requests answered (${line})`);
  const e = r.errors;
  return {
    accepted: r.ok, non2xx: r.answered - r.ok, errors: e.connect + e.read + e.write + e.timeout, seconds: (endAt - startAt) / 1000,
    latencyMs: { p50: r.p50Us / 1000, p99: r.p99Us / 1000, max: r.maxUs / 1000 },
    cpuSeconds: childrenCpuSeconds() - cpuBefore,
  };
}
