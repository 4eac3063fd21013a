// npm run clv -- --transactions <file.csv> --out <predictions.csv>
//   [--calibration-end YYYY-MM-DD] [--horizon-weeks 39] [--model bg-nbd|pareto-nbd|auto]
//   [--discount-rate 0.01] [--draws 200] [--seed 1]
// Only file and argument handling lives here; the work is in app/domain/analytics/clv.

import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ClvError } from "../app/domain/analytics/clv/errors";
import { describeModel, formatPredictionsCsv, runClvPipeline } from "../app/domain/analytics/clv/pipeline";
import { parseTransactionsCsv } from "../app/domain/analytics/clv/transactions-csv";

const USAGE =
  "usage: npm run clv -- --transactions <file.csv> --out <predictions.csv> [--calibration-end YYYY-MM-DD] " +
  "[--horizon-weeks 39] [--model bg-nbd|pareto-nbd|auto] [--discount-rate 0.01] [--draws 200] [--seed 1]";

function fail(message: string, code: number): never {
  process.stderr.write(`clv: ${message}\n`);
  process.exit(code);
}

function parseNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value)) fail(`--${name} must be a number, got "${raw}"\n${USAGE}`, 2);
  return value;
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        transactions: { type: "string" },
        out: { type: "string" },
        "calibration-end": { type: "string" },
        "horizon-weeks": { type: "string" },
        model: { type: "string" },
        "discount-rate": { type: "string" },
        draws: { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.transactions || !values.out) fail(`--transactions and --out are required\n${USAGE}`, 2);
  const model = values.model ?? "auto";
  if (model !== "auto" && model !== "bg-nbd" && model !== "pareto-nbd") fail(`--model must be bg-nbd, pareto-nbd or auto, got "${model}"`, 2);

  let text: string;
  try {
    text = readFileSync(values.transactions, "utf8");
  } catch (error) {
    fail(`cannot read ${values.transactions}: ${(error as Error).message}`, 1);
  }
  try {
    const parsed = parseTransactionsCsv(text);
    process.stderr.write(
      `clv: ${parsed.format} format, ${parsed.recordsRead} records, ${parsed.transactions.length} transactions, ${parsed.skipped.length} skipped\n`,
    );
    for (const row of parsed.skipped.slice(0, 20)) process.stderr.write(`clv:   line ${row.line}: ${row.reason}\n`);
    if (parsed.skipped.length > 20) process.stderr.write(`clv:   ... and ${parsed.skipped.length - 20} more skipped rows\n`);

    const horizonWeeks = parseNumber("horizon-weeks", values["horizon-weeks"], 39);
    const discountRate = parseNumber("discount-rate", values["discount-rate"], 0.01);
    const draws = parseNumber("draws", values.draws, 200);
    const seed = parseNumber("seed", values.seed, 1);
    const result = runClvPipeline(parsed.transactions, {
      calibrationEnd: values["calibration-end"],
      horizonWeeks,
      model,
      discountRate,
      rangeDraws: draws,
      seed,
    });
    if (result.status === "insufficient-data" && result.sufficiency.status === "insufficient-data") {
      process.stderr.write(`clv: ${result.sufficiency.reason}; wrote historical-average fallback predictions\n`);
    }
    if (result.status === "model-not-identified") {
      process.stderr.write(`clv: warning: ${result.selectionRule}\n`);
    }
    if (result.spendNote) process.stderr.write(`clv: spend: ${result.spendNote}\n`);
    if (result.fit && !result.fit.converged) process.stderr.write(`clv: warning: fit did not converge (${result.fit.message})\n`);
    writeFileSync(values.out, formatPredictionsCsv(result.predictions));
    const side = describeModel(result, {
      input: { file: values.transactions, format: parsed.format, records: parsed.recordsRead, skipped: parsed.skipped.length },
      horizonWeeks,
      discountRate,
      clvMonths: 12,
      rangeDraws: draws,
      seed,
    });
    writeFileSync(`${values.out}.model.json`, `${JSON.stringify(side, null, 2)}\n`);
    process.stderr.write(`clv: ${result.model}, ${result.predictions.length} customers -> ${values.out}\n`);
  } catch (error) {
    if (error instanceof ClvError) fail(`${error.reason}: ${error.message}`, 1);
    throw error;
  }
}

main();
