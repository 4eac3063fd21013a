// Times each CLV model fit on the CDNOW sample (median of N runs after a
// warm-up) and prints one JSON line. Standard errors are off in the timed runs
// (they are an extra Hessian, timed separately as *_with_se_ms for BG/NBD).
// Usage: npx tsx bench/clv-fit.ts [runs]

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fitBgNbd } from "../app/domain/analytics/clv/bg-nbd";
import { splitCalibrationHoldout } from "../app/domain/analytics/clv/data-prep";
import { fitGammaGamma, selectSpendRows } from "../app/domain/analytics/clv/gamma-gamma";
import { fitParetoNbd } from "../app/domain/analytics/clv/pareto-nbd";
import { parseTransactionsCsv } from "../app/domain/analytics/clv/transactions-csv";

const runs = Math.max(1, Number(process.argv[2] ?? 21));
const text = readFileSync(fileURLToPath(new URL("../tests/fixtures/cdnow/CDNOW_sample.txt", import.meta.url)), "utf8");
const { customers } = splitCalibrationHoldout(parseTransactionsCsv(text).transactions, { calibrationEnd: "1997-09-30" });
const spendRows = selectSpendRows(customers);

const median = (values: number[]) => Number([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(3));

/** Median wall time and median CPU time (user + system) in ms; CPU time is less inflated on a busy machine. */
function measure(task: () => unknown, count: number): { wall: number; cpu: number } {
  for (let i = 0; i < 3; i++) task();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < count; i++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    task();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const noSe = { computeStandardErrors: false };
const bg = measure(() => fitBgNbd(customers, noSe), runs);
const bgSe = measure(() => fitBgNbd(customers), runs);
const pn = measure(() => fitParetoNbd(customers, noSe), Math.max(1, Math.ceil(runs / 4)));
const gg = measure(() => fitGammaGamma(spendRows, noSe), runs);
const result = {
  bench: "clv-fit",
  runs,
  customers: customers.length,
  bgnbd_ms: bg.wall,
  pnbd_ms: pn.wall,
  gg_ms: gg.wall,
  bgnbd_with_se_ms: bgSe.wall,
  bgnbd_cpu_ms: bg.cpu,
  pnbd_cpu_ms: pn.cpu,
  gg_cpu_ms: gg.cpu,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
