// Process helpers for the worker tests: start the accept server (with its
// forked worker child) or standalone workers, each in its own process group
// so a test can SIGKILL a whole tree the way a crash or an OOM kill would.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface Proc {
  child: ChildProcess;
  /** First JSON line the process printed (e.g. {"listening": port}). */
  ready: Record<string, unknown>;
  output: () => string;
}

function startProcess(args: string[], env: NodeJS.ProcessEnv, readyKey: string, timeoutMs = 30_000): Promise<Proc> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise<Proc>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(" ")} not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          const json = JSON.parse(line) as Record<string, unknown>;
          if (readyKey in json) {
            clearTimeout(timer);
            resolve({ child, ready: json, output: () => out });
            return;
          }
        } catch {
          /* a partial line */
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, RETAIN_LOG: process.env.RETAIN_TEST_CHILD_LOG ?? "error", NODE_ENV: "test", ...extra };
}

/** The real webhook routes + bootBackgroundWork (RETAIN_WORKER=child forks scripts/worker.ts). */
export function startAcceptServer(extra: Record<string, string> = {}): Promise<Proc> {
  return startProcess(["tests/integration/worker/accept-server.ts"], baseEnv({ RETAIN_WORKER: "child", ...extra }), "listening");
}

export function startWorkerProcess(id: string, extra: Record<string, string> = {}): Promise<Proc> {
  return startProcess(["scripts/worker.ts", "--id", id], baseEnv(extra), "msg");
}

/** SIGKILL the process and everything it forked (same process group). */
export async function killTree(proc: Proc): Promise<void> {
  const pid = proc.child.pid!;
  const exited = proc.child.exitCode !== null || proc.child.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.child.once("exit", r));
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    /* already gone */
  }
  await exited;
}

/** Graceful stop (SIGTERM to the group), SIGKILL after 5 s. */
export async function stopTree(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((r) => proc.child.once("exit", r));
  try {
    process.kill(-proc.child.pid!, "SIGTERM");
  } catch {
    return;
  }
  const t = setTimeout(() => killTree(proc), 5000);
  await exited;
  clearTimeout(t);
}
