// Starts background work once per server process.
//   RETAIN_WORKER=child  (default) a worker child process, so CPU-heavy jobs
//                        (analytics recompute on a large shop) never block the
//                        web process; restarted if it dies, and it exits with us.
//   RETAIN_WORKER=inline the worker loop inside this process (small shops, tests).
//   RETAIN_WORKER=off    nothing; run `tsx scripts/worker.ts` processes yourself.
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import prisma, { prepareDatabase } from "~/db.server";
import { getEnv } from "~/env.server";
import { log } from "~/lib/log.server";
import { startWorker, type WorkerHandle } from "./worker.server";
import { ensureRecurringJobs } from "./schedule.server";
import { webLoopSaturated } from "./accept-pressure.server";
import { setWakeHandler } from "./wake.server";

declare global {
  // eslint-disable-next-line no-var
  var __retainWorker: WorkerHandle | ChildProcess | undefined;
}

function startChildWorker(): ChildProcess {
  const script = path.resolve(process.cwd(), "scripts", "worker.ts");
  // Loaded with tsx's import hook in a direct child (not through the tsx CLI, which
  // would sit in between): the IPC channel then ties the worker's life to ours.
  const child = fork(script, [], { stdio: "inherit", env: process.env, execArgv: ["--import", "tsx"] });
  // The lowest CPU priority by default (ADR 012): under contention requests come first.
  try {
    if (child.pid !== undefined) os.setPriority(child.pid, getEnv().RETAIN_WORKER_NICE);
  } catch (err) {
    log.warn("worker.priority_not_set", { error: String(err) });
  }
  // A saturated web loop asks the worker to yield to it (accept-pressure.server.ts).
  setWakeHandler(() => {
    if (child.connected) child.send(webLoopSaturated() ? "kick:busy" : "kick");
  });
  child.on("exit", (code, signal) => {
    if (globalThis.__retainWorker !== child) return;
    log.error("worker.child_exited", { code, signal });
    setTimeout(() => {
      globalThis.__retainWorker = startChildWorker();
    }, 1000).unref();
  });
  return child;
}

export function bootBackgroundWork(): void {
  const env = getEnv();
  if (env.RETAIN_WORKER === "off" || globalThis.__retainWorker) return;
  if (env.RETAIN_WORKER === "child") {
    globalThis.__retainWorker = startChildWorker();
    return;
  }
  globalThis.__retainWorker = { stop: async () => {} };
  void (async () => {
    await prepareDatabase(prisma);
    await ensureRecurringJobs(prisma);
    globalThis.__retainWorker = startWorker(prisma);
    log.info("worker.started", { pid: process.pid, mode: "inline" });
  })().catch((err) => log.error("worker.boot_failed", { error: String(err) }));
}
