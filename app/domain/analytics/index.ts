export * from "./types";
export * from "./errors";
export {
  addMonths,
  assertTimeZone,
  localDateKey,
  localMonthKey,
  localMonthRange,
  monthsBetween,
  startOfLocalDay,
} from "./time";
export * from "./metrics";
export * from "./cohorts";
export * from "./rfm";
export { prepareOrders, type PreparedOrders } from "./prepared-orders";
