import { DEFAULT_FIXTURE_CUSTOMERS, startStorefrontSim } from "./index";

// `npx tsx dev/storefront-sim/cli.ts` — runs the simulator until interrupted (e.g. as a Playwright webServer).
// Environment: SIM_PORT (default 4100), SIM_SHOP, APP_PROXY_TARGET, SHOPIFY_API_SECRET, SIM_LOCALE.
const sim = await startStorefrontSim({
  port: Number(process.env.SIM_PORT ?? 4100),
  shop: process.env.SIM_SHOP ?? "retain-dev.myshopify.com",
  appProxyTarget: process.env.APP_PROXY_TARGET ?? "http://127.0.0.1:3000/proxy",
  apiSecret: process.env.SHOPIFY_API_SECRET ?? "",
  customers: DEFAULT_FIXTURE_CUSTOMERS,
  locale: process.env.SIM_LOCALE,
});
console.log(JSON.stringify({ storefront: sim.url, customers: DEFAULT_FIXTURE_CUSTOMERS.map((c) => c.id) }));
const stop = () => void sim.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
