// Public API of the CLV engine (pure domain: no I/O, no clock).

export { ClvError, type ClvErrorReason } from "./errors";
export {
  splitCalibrationHoldout,
  summarizeTransactions,
  parseCalendarDay,
  formatCalendarDay,
  type Transaction,
  type CustomerSummary,
  type HoldoutCustomerSummary,
  type CalibrationHoldoutResult,
} from "./data-prep";
export type { ModelFit, FitOptions, RfmRow, TransactionModel, TransactionModelName } from "./model-types";
export {
  bgNbdModel,
  fitBgNbd,
  bgNbdLogLikelihood,
  bgNbdLogLikelihoodPerCustomer,
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesUnconditional,
  bgNbdProbabilityAlive,
  type BgNbdParams,
} from "./bg-nbd";
export {
  paretoNbdModel,
  fitParetoNbd,
  paretoNbdLogLikelihood,
  paretoNbdLogLikelihoodPerCustomer,
  paretoNbdExpectedPurchases,
  paretoNbdExpectedPurchasesUnconditional,
  paretoNbdProbabilityAlive,
  type ParetoNbdParams,
} from "./pareto-nbd";
export {
  fitGammaGamma,
  gammaGammaLogLikelihood,
  expectedAverageSpend,
  selectSpendRows,
  type GammaGammaParams,
  type SpendRow,
} from "./gamma-gamma";
export { computeCustomerClv, computeDiscountedValue, WEEKS_PER_MONTH, type ClvOptions } from "./clv";
export { estimateParameterUncertainty, drawParameterSamples } from "./uncertainty";
export {
  predictCustomers,
  predictCustomersWithFallback,
  computeMedianWeeksToNextPurchase,
  type CustomerPrediction,
  type PredictionOptions,
  type RangeMethod,
} from "./predict";
export {
  selectModel,
  scoreHoldout,
  computeFrequencyBuckets,
  computeWeeklyTracking,
  buildBacktestReport,
  chooseModel,
  type BacktestReport,
  type HoldoutScore,
  type ModelSelectionResult,
} from "./model-selection";
export { assessDataSufficiency, computePooledRepeatRate, MIN_CUSTOMERS, MIN_REPEATERS, type DataSufficiency } from "./small-data";
export { parseTransactionsCsv, detectTransactionsFormat, type ParsedTransactions, type SkippedRow } from "./transactions-csv";
export { runClvPipeline, type ClvPipelineOptions, type ClvPipelineResult } from "./pipeline";
