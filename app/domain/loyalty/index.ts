export * from "./balance";
export * from "./earn";
export * from "./errors";
export * from "./ledger";
export * from "./liability";
export { currencyExponent, formatMoney } from "./money";
export * from "./settings";
export * from "./tiers";
export * from "./types";
