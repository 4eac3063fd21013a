// The production HTTP server for the built app (also used by the demo and the
// end-to-end tests): static assets with long-lived caching, then Remix.
// Unlike remix-serve it never re-imports the build per request, so it serves
// the same way whatever NODE_ENV says. Webhooks and app-proxy calls are
// dispatched straight to their route modules (app/lib/resource-dispatch.server.ts).
import http from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { createResourceDispatcher } from "./app/lib/resource-dispatch.server";

installGlobals({ nativeFetch: true });

const root = path.dirname(new URL(import.meta.url).pathname);
const buildDir = path.join(root, "build");
const build = await import(path.join(buildDir, "server", "index.js"));

// Webhook deliveries and app-proxy calls skip express and Remix's handler (see the module).
const dispatchResource = createResourceDispatcher(build);

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use("/assets", express.static(path.join(buildDir, "client", "assets"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV === "development" ? "development" : "production" }));

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const server = http.createServer((req, res) => {
  dispatchResource(req, res).then(
    (handled) => {
      if (!handled) app(req, res);
    },
    (err) => {
      console.error(JSON.stringify({ level: "error", msg: "server.dispatch_failed", error: String(err) }));
      if (!res.headersSent) res.writeHead(500);
      res.end();
    },
  );
});
server.listen(port, host, () => {
  console.log(JSON.stringify({ msg: "server.listening", url: `http://${host}:${port}`, pid: process.pid }));
});
const shutdown = () => server.close(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
