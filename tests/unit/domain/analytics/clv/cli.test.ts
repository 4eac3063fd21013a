import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CDNOW_PATH, loadReference } from "./cdnow-fixture";

const ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const runCli = (args: string[]) => spawnSync(TSX, ["scripts/clv.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

describe("npm run clv (scripts/clv.ts) end to end", () => {
  const dir = mkdtempSync(join(tmpdir(), "clv-cli-"));

  it("CDNOW with --calibration-end 1997-09-30 --model bg-nbd: rows match the reference file; model.json has the fit", () => {
    const out = join(dir, "predictions.csv");
    const result = runCli(["--transactions", CDNOW_PATH, "--out", out, "--calibration-end", "1997-09-30", "--model", "bg-nbd", "--draws", "20"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/cdnow format, 6919 records, 6919 transactions, 0 skipped/);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe(
      "customer_id,frequency,recency,T,monetary_value,expected_purchases,p_alive,next_order_days,next_order_date,expected_avg_spend,predicted_clv,clv_low,clv_high",
    );
    expect(lines).toHaveLength(2358);
    const reference = new Map(loadReference().map((r) => [r.customerId, r]));
    for (const line of [lines[1], lines[2], lines[3], lines[1516]]) {
      const cells = line.split(",");
      const ref = reference.get(cells[0])!;
      expect(Number(cells[1])).toBe(ref.frequencyCal);
      expect(Math.abs(Number(cells[5]) / ref.bgnbdExpectedHoldout - 1)).toBeLessThan(1e-4);
      expect(Math.abs(Number(cells[6]) / ref.bgnbdPAlive - 1)).toBeLessThan(1e-4);
      expect(Math.abs(Number(cells[10]) / ref.clv12mBgnbdGg - 1)).toBeLessThan(1e-4);
      expect(Number(cells[11])).toBeLessThanOrEqual(Number(cells[10]));
      expect(Number(cells[12])).toBeGreaterThanOrEqual(Number(cells[10]));
    }
    const model = JSON.parse(readFileSync(`${out}.model.json`, "utf8"));
    expect(model.model).toBe("bg-nbd");
    expect(model.fit.converged).toBe(true);
    expect(model.fit.logLikelihood).toBeCloseTo(-9582.4292, 3);
    expect(model.spend.params.p).toBeCloseTo(6.2496, 3);
  }, 120_000);

  it("reports skipped rows with line numbers and exits non-zero on fatal errors", () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "customer_id,date,amount\na,2024-13-01,5\n");
    const fatal = runCli(["--transactions", bad, "--out", join(dir, "x.csv")]);
    expect(fatal.status).toBe(1);
    expect(fatal.stderr).toMatch(/line 2: date: "2024-13-01" is not a calendar date/);

    const partial = join(dir, "partial.csv");
    writeFileSync(partial, "customer_id,date,amount\na,2024-01-01,5\nb,2024-01-02,oops\n");
    const ok = runCli(["--transactions", partial, "--out", join(dir, "y.csv")]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/1 skipped/);
    expect(ok.stderr).toMatch(/line 3: unrecognised amount "oops"/);
    expect(ok.stderr).toMatch(/too little history/);

    const usage = runCli(["--transactions", partial, "--out", join(dir, "z.csv"), "--model", "nope"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--model must be bg-nbd, pareto-nbd or auto/);
  }, 120_000);
});
