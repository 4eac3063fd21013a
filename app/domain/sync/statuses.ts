// REST and GraphQL spell statuses differently ("partially_refunded" vs
// PARTIALLY_REFUNDED, null vs UNFULFILLED, "partial" vs PARTIALLY_FULFILLED).
// We store the GraphQL enum spelling.

const FULFILLMENT_REST: Record<string, string> = {
  fulfilled: "FULFILLED",
  partial: "PARTIALLY_FULFILLED",
  restocked: "RESTOCKED",
  unfulfilled: "UNFULFILLED",
  not_eligible: "UNFULFILLED",
};

export function normalizeFinancialStatus(value: string | null): string | null {
  if (value === null || value === "") return null;
  return value.trim().toUpperCase();
}

export function normalizeFulfillmentStatus(value: string | null): string {
  if (value === null || value === "") return "UNFULFILLED";
  return FULFILLMENT_REST[value] ?? value.trim().toUpperCase();
}

export function normalizeConsent(value: string | null): string | null {
  return value === null || value === "" ? null : value.trim().toUpperCase();
}
