// End-to-end CLV run on transactions, shared by the CLI and (later) jobs:
// summarise → check the small-data policy → fit (or choose) a transaction
// model and Gamma-Gamma → per-customer predictions. Pure; the caller does I/O.

import { bgNbdModel, type BgNbdParams } from "./bg-nbd";
import { splitCalibrationHoldout, summarizeTransactions, type CustomerSummary, type Transaction } from "./data-prep";
import { ClvError } from "./errors";
import { fitGammaGamma, selectSpendRows, type GammaGammaParams } from "./gamma-gamma";
import type { ModelFit, TransactionModelName } from "./model-types";
import { chooseModel, scoreHoldout, type HoldoutScore } from "./model-selection";
import { paretoNbdModel, type ParetoNbdParams } from "./pareto-nbd";
import { predictCustomers, predictCustomersWithFallback, type CustomerPrediction, type RangeMethod } from "./predict";
import { assessDataSufficiency, MIN_REPEATERS, type DataSufficiency } from "./small-data";

export interface ClvPipelineOptions {
  /** YYYY-MM-DD. With it, the data after it is a holdout used to choose the model (auto). */
  calibrationEnd?: string;
  horizonWeeks?: number;
  model?: TransactionModelName | "auto";
  /** Monthly discount rate (default 0.01). */
  discountRate?: number;
  /** Bootstrap draws for the CLV range (default 200; 0 = off) and its seed. */
  rangeDraws?: number;
  /** "delta" takes the range from the Hessian instead (rangeDraws then unused); see predict.ts. */
  rangeMethod?: RangeMethod;
  seed?: number;
  /**
   * Default true. false leaves `predictions` empty, for a caller that fitted
   * on a sample and predicts a larger set itself; a numeric failure of the
   * predictions then cannot turn into the fallback here (the caller reruns
   * with predictions to get that result).
   */
  predict?: boolean;
}

export interface ClvPipelineResult {
  /** model-not-identified: the fit ran to a boundary or did not converge, so the fallback was used. */
  status: "ok" | "insufficient-data" | "model-not-identified";
  sufficiency: DataSufficiency;
  model: TransactionModelName | "historical-average";
  fit: ModelFit<BgNbdParams> | ModelFit<ParetoNbdParams> | null;
  spendFit: ModelFit<GammaGammaParams> | null;
  /** Why spend fell back to each customer's average order value, if it did. */
  spendNote: string | null;
  /** Holdout scores when a calibration end with a non-empty holdout was given. */
  selection: HoldoutScore[] | null;
  /** How the model was chosen. */
  selectionRule: string;
  calibrationEnd: string;
  customers: CustomerSummary[];
  predictions: CustomerPrediction[];
}

export function runClvPipeline(transactions: readonly Transaction[], options: ClvPipelineOptions = {}): ClvPipelineResult {
  const horizonWeeks = options.horizonWeeks ?? 39;
  const requested = options.model ?? "auto";
  if (!["auto", "bg-nbd", "pareto-nbd"].includes(requested)) {
    throw new ClvError("invalid-option", `model must be bg-nbd, pareto-nbd or auto, got ${requested}`);
  }
  const clv = { discountRate: options.discountRate ?? 0.01 };
  const range = { method: options.rangeMethod ?? "bootstrap", draws: options.rangeDraws ?? 200, seed: options.seed ?? 1 };

  let customers: CustomerSummary[];
  let calibrationEnd: string;
  let split: ReturnType<typeof splitCalibrationHoldout> | null = null;
  if (options.calibrationEnd) {
    split = splitCalibrationHoldout(transactions, { calibrationEnd: options.calibrationEnd });
    customers = split.customers;
    calibrationEnd = split.calibrationEnd;
  } else {
    const summary = summarizeTransactions(transactions);
    customers = summary.customers;
    calibrationEnd = summary.observationEnd;
  }
  const predictionOptions = { horizonWeeks, clv, calibrationEnd, range };
  const predict = options.predict ?? true;
  const fallbackPredictions = () => (predict ? predictCustomersWithFallback(customers, predictionOptions) : []);

  const sufficiency = assessDataSufficiency(customers);
  if (sufficiency.status === "insufficient-data") {
    return {
      status: "insufficient-data",
      sufficiency,
      model: "historical-average",
      fit: null,
      spendFit: null,
      spendNote: "each customer's average order value (no spend model below the data threshold)",
      selection: null,
      selectionRule: sufficiency.reason,
      calibrationEnd,
      customers,
      predictions: fallbackPredictions(),
    };
  }

  const fitBg = () => bgNbdModel.fit(customers);
  const fitPn = () => paretoNbdModel.fit(customers);
  const fallBack = (why: string, fit: ClvPipelineResult["fit"], selection: HoldoutScore[] | null): ClvPipelineResult => ({
    status: "model-not-identified",
    sufficiency,
    model: "historical-average",
    fit,
    spendFit: null,
    spendNote: "each customer's average order value (transaction model not identified)",
    selection,
    selectionRule: `${why}, so the historical average is used`,
    calibrationEnd,
    customers,
    predictions: fallbackPredictions(),
  });
  let model: TransactionModelName;
  let fit: ModelFit<BgNbdParams> | ModelFit<ParetoNbdParams>;
  let selection: HoldoutScore[] | null = null;
  let selectionRule: string;
  if (requested !== "auto") {
    model = requested;
    fit = requested === "bg-nbd" ? fitBg() : fitPn();
    selectionRule = "requested";
  } else {
    const bg = fitBg();
    const pn = fitPn();
    if (!bg.converged && !pn.converged) {
      return fallBack(`neither model converged (bg-nbd: ${bg.message}; pareto-nbd: ${pn.message})`, bg, null);
    }
    if (bg.converged !== pn.converged) {
      // Only one model is identified by these data: use it.
      model = bg.converged ? "bg-nbd" : "pareto-nbd";
      selectionRule = `only ${model} converged`;
    } else if (split && split.durationHoldout > 0) {
      selection = [scoreHoldout(bgNbdModel, bg.params, split), scoreHoldout(paretoNbdModel, pn.params, split)];
      model = chooseModel(selection);
      selectionRule = "lower holdout mean absolute error of repeat purchases";
    } else {
      // Same number of parameters, so the higher likelihood is also the lower AIC.
      model = bg.logLikelihood >= pn.logLikelihood ? "bg-nbd" : "pareto-nbd";
      selectionRule = "higher calibration log-likelihood (no holdout)";
    }
    fit = model === "bg-nbd" ? bg : pn;
  }
  if (!fit.converged) return fallBack(`${selectionRule}; ${model} did not converge (${fit.message})`, fit, selection);

  const spendRows = selectSpendRows(customers);
  let spendFit: ModelFit<GammaGammaParams> | null = null;
  let spendNote: string | null = null;
  if (spendRows.length < MIN_REPEATERS) {
    spendNote = `only ${spendRows.length} repeat buyers with positive spend (need ${MIN_REPEATERS}): using each customer's average order value`;
  } else {
    spendFit = fitGammaGamma(spendRows);
    if (!(spendFit.params.q > 1)) {
      spendNote = `Gamma-Gamma q = ${spendFit.params.q} <= 1 (infinite mean spend): using each customer's average order value`;
      spendFit = null;
    }
  }
  let predictions: CustomerPrediction[] = [];
  if (predict) {
    try {
      predictions =
        model === "bg-nbd"
          ? predictCustomers(customers, { model: bgNbdModel, fit: fit as ModelFit<BgNbdParams>, spendFit }, predictionOptions)
          : predictCustomers(customers, { model: paretoNbdModel, fit: fit as ModelFit<ParetoNbdParams>, spendFit }, predictionOptions);
    } catch (error) {
      // A converged but extreme fit can still defeat the special functions: say so, never emit NaN.
      if (error instanceof ClvError && error.reason === "numeric-failure") {
        return fallBack(`${selectionRule}; ${model} predictions failed numerically (${error.message})`, fit, selection);
      }
      throw error;
    }
  }
  return { status: "ok", sufficiency, model, fit, spendFit, spendNote, selection, selectionRule, calibrationEnd, customers, predictions };
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const num = (value: number | null) => (value === null ? "" : String(value));

export const PREDICTION_COLUMNS = [
  "customer_id",
  "frequency",
  "recency",
  "T",
  "monetary_value",
  "expected_purchases",
  "p_alive",
  "next_order_days",
  "next_order_date",
  "expected_avg_spend",
  "predicted_clv",
  "clv_low",
  "clv_high",
] as const;

/** One CSV row per customer; empty cells mean "not available" (never NaN). */
export function formatPredictionsCsv(predictions: readonly CustomerPrediction[]): string {
  const lines = [PREDICTION_COLUMNS.join(",")];
  for (const p of predictions) {
    lines.push(
      [
        csvCell(p.customerId),
        num(p.frequency),
        num(p.recency),
        num(p.T),
        num(p.monetaryValue),
        num(p.expectedPurchases),
        num(p.probabilityAlive),
        num(p.nextOrderInDays),
        p.nextOrderDate ?? "",
        num(p.expectedAverageSpend),
        num(p.predictedClv),
        num(p.clvLow),
        num(p.clvHigh),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The `<out>.model.json` side file: model, parameters, fit quality, policy. */
export function describeModel(result: ClvPipelineResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: result.status,
    model: result.model,
    selectionRule: result.selectionRule,
    selection: result.selection,
    sufficiency: result.sufficiency,
    calibrationEnd: result.calibrationEnd,
    customers: result.customers.length,
    repeaters: result.customers.filter((c) => c.frequency > 0).length,
    fit: result.fit && {
      params: result.fit.params,
      standardErrors: result.fit.standardErrors ?? null,
      logLikelihood: result.fit.logLikelihood,
      converged: result.fit.converged,
      iterations: result.fit.iterations,
      message: result.fit.message,
    },
    spend: result.spendFit
      ? {
          model: "gamma-gamma",
          params: result.spendFit.params,
          standardErrors: result.spendFit.standardErrors ?? null,
          logLikelihood: result.spendFit.logLikelihood,
          converged: result.spendFit.converged,
          iterations: result.spendFit.iterations,
        }
      : { model: "average-order-value", note: result.spendNote },
    ...extra,
  };
}
