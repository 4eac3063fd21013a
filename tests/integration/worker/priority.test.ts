// The forked worker runs below the web process's CPU priority (ADR 012), so
// under contention webhook accepts and admin pages come before processing.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { startAcceptServer, stopTree, type Proc } from "./harness";

/** Pids whose parent is `pid` and whose command line mentions `needle` (Linux /proc). */
function childrenOf(pid: number, needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) out.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

async function workerChildOf(proc: Proc): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const [child] = childrenOf(proc.child.pid!, "scripts/worker.ts"); // not tsx's esbuild service
    if (child !== undefined) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the app forked no worker child");
}

describe.skipIf(process.platform !== "linux")("worker child priority", () => {
  let server: Proc | null = null;
  afterEach(async () => {
    if (server) await stopTree(server);
    server = null;
  });

  it("forks the worker at nice 19 (lowest) by default, the web process staying at its own", async () => {
    server = await startAcceptServer();
    const worker = await workerChildOf(server);
    expect(os.getPriority(worker)).toBe(19);
    expect(os.getPriority(server.child.pid!)).toBe(os.getPriority(process.pid));
  });

  it("uses RETAIN_WORKER_NICE", async () => {
    server = await startAcceptServer({ RETAIN_WORKER_NICE: "5" });
    expect(os.getPriority(await workerChildOf(server))).toBe(5);
  });
});
