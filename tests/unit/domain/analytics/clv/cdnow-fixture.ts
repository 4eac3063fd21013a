// Loads the vendored CDNOW sample and the lifetimes reference predictions
// (tests/fixtures/cdnow, see NOTICE.md there). Cached per test file.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { splitCalibrationHoldout, type CalibrationHoldoutResult } from "~/domain/analytics/clv/data-prep";
import { parseTransactionsCsv } from "~/domain/analytics/clv/transactions-csv";

export const FIXTURE_DIR = fileURLToPath(new URL("../../../../fixtures/cdnow/", import.meta.url));
export const CDNOW_PATH = `${FIXTURE_DIR}CDNOW_sample.txt`;
export const REFERENCE_PATH = `${FIXTURE_DIR}reference_predictions_cdnow_sample.csv`;

export interface ReferenceRow {
  customerId: string;
  frequencyCal: number;
  recencyCal: number;
  TCal: number;
  monetaryValueCal: number;
  frequencyHoldout: number;
  bgnbdExpectedHoldout: number;
  bgnbdPAlive: number;
  pnbdExpectedHoldout: number;
  pnbdPAlive: number;
  ggExpectedAvgSpend: number;
  clv12mBgnbdGg: number;
  clv12mPnbdGg: number;
}

/** Full-precision parameters of REFERENCE.md §3 (lifetimes 0.11.3 on the transaction data). */
export const REFERENCE_BGNBD = { r: 0.24259454342106704, alpha: 4.413602716077371, a: 0.7929218333478817, b: 2.425905728721775 };
export const REFERENCE_BGNBD_LL = -9582.429206673936;
export const REFERENCE_PNBD = { r: 0.5532766817595332, alpha: 10.577732093878435, s: 0.6062090240722409, beta: 11.667659192544257 };
export const REFERENCE_PNBD_LL = -9594.976178992249;
export const REFERENCE_PNBD_REFINED = { r: 0.5532770561124309, alpha: 10.577683652059097, s: 0.6062399626238494, beta: 11.66873432459923 };
export const REFERENCE_GG = { p: 6.249572277633281, q: 3.7442246747587378, gamma: 15.44352101837112 };
export const REFERENCE_GG_LL = -4055.9176948018685;

let cachedSplit: CalibrationHoldoutResult | undefined;
let cachedReference: ReferenceRow[] | undefined;

export function loadCdnowText(): string {
  return readFileSync(CDNOW_PATH, "utf8");
}

/** Calibration 1997-01-01..1997-09-30, holdout to 1998-06-30 (REFERENCE §1). */
export function loadCdnowSplit(): CalibrationHoldoutResult {
  cachedSplit ??= splitCalibrationHoldout(parseTransactionsCsv(loadCdnowText()).transactions, {
    calibrationEnd: "1997-09-30",
    observationEnd: "1998-06-30",
  });
  return cachedSplit;
}

export function loadReference(): ReferenceRow[] {
  if (cachedReference) return cachedReference;
  const lines = readFileSync(REFERENCE_PATH, "utf8").trim().split(/\r?\n/);
  cachedReference = lines.slice(1).map((line) => {
    const v = line.split(",");
    const n = (i: number) => Number(v[i]);
    return {
      customerId: v[0],
      frequencyCal: n(1),
      recencyCal: n(2),
      TCal: n(3),
      monetaryValueCal: n(4),
      frequencyHoldout: n(5),
      bgnbdExpectedHoldout: n(6),
      bgnbdPAlive: n(7),
      pnbdExpectedHoldout: n(8),
      pnbdPAlive: n(9),
      ggExpectedAvgSpend: n(10),
      clv12mBgnbdGg: n(11),
      clv12mPnbdGg: n(12),
    };
  });
  return cachedReference;
}

/** |actual − expected| within rel·|expected|, or within abs for tiny values. */
export function isClose(actual: number, expected: number, rel: number, abs = 0): boolean {
  return Number.isFinite(actual) && Math.abs(actual - expected) <= Math.max(rel * Math.abs(expected), abs);
}

/** Lists the customers that fail a closeness check, so a failure names them. */
export function findMismatches(
  rows: readonly ReferenceRow[],
  compute: (row: ReferenceRow) => number,
  expected: (row: ReferenceRow) => number,
  rel: number,
  abs: number,
): string[] {
  const bad: string[] = [];
  for (const row of rows) {
    const got = compute(row);
    const want = expected(row);
    if (!isClose(got, want, rel, abs)) bad.push(`customer ${row.customerId}: got ${got}, want ${want}`);
  }
  return bad;
}

export const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);
