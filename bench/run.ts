// Runs benchmarks and records their results in docs/benchmarks.md with the
// machine and the date. Each bench prints JSON lines; they are kept verbatim
// (flattened into a table) so the numbers can be traced to a run.
//   npm run bench -- [clv-fit] [storefront-assets] [storefront-proxy] [webhooks] [process-inbox] [backfill] [analytics]
//   extra args after `--args` go to every bench, e.g. npm run bench -- backfill --args --customers 250000
//   --repeat N runs each bench N times in a row and adds the median of its headline figures: on a
//   shared host consecutive runs of the same build have differed by ±20%, so one run can mislead.
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const ALL = ["clv-fit", "storefront-assets", "storefront-proxy", "webhooks", "process-inbox", "backfill", "analytics"];
const argv = process.argv.slice(2);
const split = argv.indexOf("--args");
const own = split === -1 ? argv : argv.slice(0, split);
const names = own.filter((a, i) => !a.startsWith("-") && own[i - 1] !== "--repeat");
const extra = split === -1 ? [] : argv.slice(split + 1);
const selected = names.length ? names : ALL;
const repeatAt = own.indexOf("--repeat");
const repeat = repeatAt === -1 ? 1 : Number(own[repeatAt + 1]);
if (!Number.isInteger(repeat) || repeat < 1) {
  console.error("--repeat needs a whole number ≥ 1");
  process.exit(2);
}
// Headline figures summarised across repeats.
const HEADLINE = ["acceptedPerSecond", "latencyMs.p99", "ordersPerSecond", "cpuSeconds.web", "cpuSeconds.worker", "cpuSeconds", "peakRssMb"];

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : +((v[mid - 1] + v[mid]) / 2).toFixed(2);
}

function flatten(obj: unknown, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  if (obj && typeof obj === "object" && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = Array.isArray(obj) ? JSON.stringify(obj) : String(obj);
  }
  return out;
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, DATABASE_URL engine ${
  (process.env.DATABASE_URL ?? "file:").startsWith("file:") ? "SQLite" : "PostgreSQL"
}`;
/**
 * How fast this machine runs single-threaded JavaScript right now: the best of
 * three runs of a fixed workload (JSON parse and stringify of an order-like
 * object, HMAC-SHA256 of its text), in ms. The same code has measured up to
 * 1.7x apart on different days here (shared hosts), so runs are comparable
 * across days only next to this figure.
 */
function calibrationMs(): number {
  const order = {
    id: 5530000000001, email: "calibration@example.com", created_at: "2026-01-01T00:00:00Z", currency: "USD", total_price: "123.45",
    line_items: Array.from({ length: 6 }, (_, i) => ({ id: 1340000000000 + i, title: `Item ${i}`, price: `${10 + i}.00`, quantity: i + 1, sku: `SKU-${i}` })),
  };
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    let n = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = JSON.stringify({ ...order, id: order.id + i });
      n += (JSON.parse(text) as { line_items: unknown[] }).line_items.length;
      n += createHmac("sha256", "calibration").update(text).digest("base64").length;
    }
    // n is read so the work cannot be optimised away.
    best = Math.min(best, performance.now() - t + (n < 0 ? 1 : 0));
  }
  return Math.round(best);
}

const date = new Date().toISOString();
let section = `\n## Run of ${date}\n\nMachine: ${machine}. Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(", ")}. Calibration: ${calibrationMs()} ms (fixed single-thread JavaScript workload; lower is faster).\n`;

for (const name of selected) {
  const script = path.join(root, "bench", `${name}.ts`);
  if (!fs.existsSync(script)) {
    console.error(`no bench named ${name} (bench/${name}.ts)`);
    process.exit(2);
  }
  const runs: Record<string, string>[] = [];
  for (let r = 1; r <= repeat; r++) {
    console.log(`▸ bench ${name}${repeat > 1 ? ` (run ${r} of ${repeat})` : ""}`);
    const started = Date.now();
    const res = spawnSync(path.join(root, "node_modules/.bin/tsx"), [script, ...extra], { cwd: root, encoding: "utf8", maxBuffer: 256 * 2 ** 20, stdio: ["ignore", "pipe", "inherit"] });
    process.stdout.write(res.stdout);
    const lines = res.stdout.split("\n").filter((l) => l.trim().startsWith("{"));
    const label = repeat > 1 ? ` run ${r} of ${repeat}` : "";
    section += `\n### ${name}${label}${res.status === 0 ? "" : ` (exited ${res.status})`} — ${((Date.now() - started) / 1000).toFixed(0)} s wall\n\n`;
    let last: Record<string, string> | null = null;
    for (const line of lines) {
      try {
        const flat = flatten(JSON.parse(line));
        last = flat;
        section += `| metric | value |\n|---|---|\n${Object.entries(flat).map(([k, v]) => `| ${k} | ${v} |`).join("\n")}\n\n`;
      } catch {
        section += "```\n" + line + "\n```\n";
      }
    }
    // A bench's last line is its result (earlier ones are stages such as generating data).
    if (res.status === 0 && last) runs.push(last);
  }
  if (repeat > 1 && runs.length > 0) {
    const rows = HEADLINE.filter((k) => runs.every((f) => f[k] !== undefined && Number.isFinite(Number(f[k])))).map((k) => {
      const values = runs.map((f) => Number(f[k]));
      return `| ${k} | ${median(values)} | ${values.join(", ")} |`;
    });
    if (rows.length > 0) section += `### ${name}: median of ${runs.length} runs\n\n| metric | median | runs |\n|---|---|---|\n${rows.join("\n")}\n\n`;
  }
}

const file = path.join(root, "docs", "benchmarks.md");
const header = "# Benchmarks\n\nProduced by `npm run bench` (bench/run.ts); newest runs last.\n";
fs.writeFileSync(file, (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : header) + section);
console.log(`\nrecorded in ${path.relative(root, file)}`);
