// CLI: `tsx dev/shopify-sim/main.ts` — runs the simulator until SIGINT/SIGTERM.
// Env: SIM_PORT (default 4010), SIM_HOST (127.0.0.1), SHOPIFY_API_KEY,
// SHOPIFY_API_SECRET, SHOPIFY_APP_URL (webhook target), SIM_DATA_DIR,
// SCOPES (comma list; must equal the app's SCOPES), SIM_SHOP (optional:
// create and install this shop at start-up).
import { startSimulator } from "./index";

const key = process.env.SHOPIFY_API_KEY;
const secret = process.env.SHOPIFY_API_SECRET;
if (!key || !secret) {
  console.error("shopify-sim: SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set");
  process.exit(2);
}
const port = Number(process.env.SIM_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`shopify-sim: SIM_PORT ${process.env.SIM_PORT} is not a port number`);
  process.exit(2);
}

const sim = await startSimulator({
  port,
  host: process.env.SIM_HOST ?? "127.0.0.1",
  apiKey: key,
  apiSecret: secret,
  appUrl: process.env.SHOPIFY_APP_URL,
  dataDir: process.env.SIM_DATA_DIR,
  scopes: process.env.SCOPES ? process.env.SCOPES.split(",").map((x) => x.trim()).filter(Boolean) : undefined,
});
console.log(`shopify-sim listening on ${sim.url} (Admin API ${sim.apiVersion})`);
if (process.env.SIM_SHOP) {
  sim.createShop({ domain: process.env.SIM_SHOP });
  const { accessToken } = sim.installApp(process.env.SIM_SHOP, { appUrl: process.env.SHOPIFY_APP_URL });
  console.log(`shopify-sim: shop ${process.env.SIM_SHOP} installed, offline token ${accessToken}`);
}

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  await sim.close();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
