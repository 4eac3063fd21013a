// The Admin API access scopes Retain asks for (kept equal to shopify.app.toml;
// tests/unit/foundation/app-config.test.ts checks it). The simulator grants the
// same by default, because shopify-app-remix re-exchanges tokens on every
// request when the granted scopes differ from its configured ones.
export const DEFAULT_SCOPES = [
  "read_orders",
  "read_all_orders",
  "read_customers",
  "write_customers",
  "read_discounts",
  "write_discounts",
  "write_app_proxy",
  "read_themes",
];
