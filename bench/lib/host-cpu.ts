// Busy and idle CPU seconds of the whole host so far (Linux /proc/stat; zeros elsewhere): whether a
// run used both cores, and what it cost in all.
// On the shared 2-core machine the database server's processes are outside any
// process the bench can time, so the host's busy time is the full account.
import { readFileSync } from "node:fs";

export function hostCpuSeconds(): { busy: number; idle: number } {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + f[4]; // idle + iowait
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal
    return { busy: (total - idle) / 100, idle: idle / 100 };
  } catch {
    return { busy: 0, idle: 0 };
  }
}
