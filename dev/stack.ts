// Starts the whole offline loop: the Admin API simulator, the admin shell
// (session tokens + App Bridge stand-in) and the built Retain app. Used by
// `npm run demo` and by the end-to-end tests.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startSimulator, type Simulator } from "./shopify-sim/index";
import { embeddedAppUrl, startAdminShell, type AdminShell } from "./admin-shell/index";

export const DEMO_API_KEY = "3c1f5ad0e6a1d2b7c9e84f5a6b7c8d90";
export const DEMO_API_SECRET = "shpss_demo_0f9e8d7c6b5a49382716a5b4c3d2e1f0";
export const DEMO_SHOP = "retain-demo.myshopify.com";

export interface StackOptions {
  appPort: number;
  simPort?: number;
  shellPort?: number;
  databaseUrl: string;
  shops?: { domain: string; name: string; currencyCode?: string; ianaTimezone?: string }[];
  logFile?: string;
  extraEnv?: Record<string, string>;
}

export interface Stack {
  sim: Simulator;
  shell: AdminShell;
  app: ChildProcess;
  appUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Opens the app for a shop the way the admin does; installs it on first use (token exchange). */
  install(shop: string): Promise<void>;
  restartApp(): Promise<void>;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "..");

async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`app exited with code ${child.exitCode} before it answered ${url}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${url}: ${lastError}`);
}

export function appEnv(opts: { appUrl: string; simUrl: string; appBridgeUrl: string; databaseUrl: string; port: number }): Record<string, string> {
  return {
    NODE_ENV: "development",
    PORT: String(opts.port),
    HOST: "127.0.0.1",
    SHOPIFY_API_KEY: DEMO_API_KEY,
    SHOPIFY_API_SECRET: DEMO_API_SECRET,
    SHOPIFY_APP_URL: opts.appUrl,
    SHOPIFY_SIMULATOR_URL: opts.simUrl,
    APP_BRIDGE_URL: opts.appBridgeUrl,
    DATABASE_URL: opts.databaseUrl,
    RETAIN_WORKER: "child",
  };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const serverEntry = path.join(root, "build", "server", "index.js");
  if (!fs.existsSync(serverEntry)) throw new Error("build/server/index.js is missing: run `npm run build` first");
  const appUrl = `http://127.0.0.1:${opts.appPort}`;
  const shops = opts.shops ?? [{ domain: DEMO_SHOP, name: "Retain Demo Store" }];
  const sim = await startSimulator({
    port: opts.simPort ?? 0,
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    appUrl,
  });
  for (const s of shops) {
    sim.createShop({ domain: s.domain, name: s.name, currencyCode: s.currencyCode ?? "USD", ianaTimezone: s.ianaTimezone ?? "America/New_York" });
  }
  const shell = await startAdminShell({
    port: opts.shellPort ?? 0,
    appUrl,
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    shops: shops.map((s) => s.domain),
  });
  const env = {
    ...process.env,
    ...appEnv({ appUrl, simUrl: sim.url, appBridgeUrl: shell.appBridgeUrl, databaseUrl: opts.databaseUrl, port: opts.appPort }),
    ...opts.extraEnv,
  };
  const out = opts.logFile ? fs.openSync(opts.logFile, "a") : "inherit";
  const launch = () =>
    spawn(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "server.ts")], {
      cwd: root,
      env,
      stdio: ["ignore", out, out],
    });
  let app = launch();
  await waitForHttp(`${appUrl}/healthz`, 60_000, app);

  const stack: Stack = {
    sim,
    shell,
    get app() {
      return app;
    },
    appUrl,
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    async install(shop) {
      const res = await fetch(embeddedAppUrl({ appUrl, apiKey: DEMO_API_KEY, apiSecret: DEMO_API_SECRET, shop }), {
        redirect: "manual",
        // authenticate.admin answers bots with 410; this stands for the merchant's browser.
        headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36" },
      });
      if (res.status !== 200) throw new Error(`installing ${shop}: app answered ${res.status} ${await res.text()}`);
    },
    async restartApp() {
      await stopChild(app);
      app = launch();
      await waitForHttp(`${appUrl}/healthz`, 60_000, app);
    },
    async stop() {
      await stopChild(app);
      await shell.close();
      await sim.close();
    },
  };
  return stack;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}
