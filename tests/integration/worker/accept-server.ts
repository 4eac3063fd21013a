// A minimal HTTP front for the real webhook routes, for the crash and
// two-worker tests: it serves /webhooks/<resource>/<action> through the route
// modules' own `action` (authenticate.webhook + inbox), and boots background
// work exactly as the app does (RETAIN_WORKER=child forks scripts/worker.ts).
// Run with `node --import tsx tests/integration/worker/accept-server.ts`;
// prints {"listening": port} on stdout once it accepts connections.
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import prisma, { prepareDatabase } from "~/db.server";
import { bootBackgroundWork } from "~/jobs/boot.server";

const routesDir = path.resolve(import.meta.dirname, "../../../app/routes");
type Action = (args: { request: Request; params: object; context: object }) => Promise<Response>;
const actions = new Map<string, Action>();

async function actionFor(pathname: string): Promise<Action | null> {
  const m = /^\/webhooks\/([a-z_]+)\/([a-z_]+)$/.exec(pathname);
  if (!m) return null;
  const file = path.join(routesDir, `webhooks.${m[1]}.${m[2]}.tsx`);
  let action = actions.get(file);
  if (!action) {
    try {
      action = ((await import(pathToFileURL(file).href)) as { action: Action }).action;
    } catch {
      return null;
    }
    actions.set(file, action);
  }
  return action;
}

await prepareDatabase(prisma);
bootBackgroundWork();

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const action = await actionFor(url.pathname);
    if (!action) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(url, { method: req.method, headers, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    const response = await action({ request, params: {}, context: {} });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(JSON.stringify({ listening: typeof address === "object" && address ? address.port : 0, pid: process.pid }));
});
