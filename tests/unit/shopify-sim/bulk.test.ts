import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../dev/shopify-sim/index";
import { API_SECRET, fixture, makeCustomers, makeOrders, SHOP, startTestSim } from "./helpers";

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

let sim: Simulator;
let app: Server;
const received: Received[] = [];
// > 250 roots so the run spans several execution windows.
const ORDERS = makeOrders(400, 40);

beforeAll(async () => {
  // A stand-in for the app's webhook endpoint.
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", () => r()));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  sim = await startTestSim({ appUrl });
  sim.createShop({ domain: SHOP });
  sim.installApp(SHOP);
  await sim.upsertCustomers(SHOP, makeCustomers(40));
  await sim.upsertOrders(SHOP, ORDERS);
});
afterAll(async () => {
  await sim.close();
  await new Promise<void>((r) => app.close(() => r()));
});

const RUN = `mutation Run($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id status } userErrors { field message code } } }`;
const ORDERS_BULK = `{ orders(query: "created_at:>='2024-03-02T00:00:00Z'") { edges { node { id name createdAt totalPriceSet { shopMoney { amount } } customer { id }
  lineItems { edges { node { id sku quantity originalUnitPriceSet { shopMoney { amount } } } } } } } } }`;

async function runBulk(query: string) {
  const res = await sim.graphql(SHOP, RUN, { q: query });
  return res.body.data.bulkOperationRunQuery;
}

describe("bulk operations", () => {
  it("writes ungrouped JSONL with __parentId children after their parent and reports counts", async () => {
    const started = await runBulk(ORDERS_BULK);
    expect(started.userErrors).toEqual([]);
    expect(started.bulkOperation.status).toBe("CREATED");
    await sim.settle();
    const poll = await sim.graphql(SHOP, `query($id: ID!) { bulkOperation(id: $id) { status objectCount rootObjectCount fileSize url completedAt errorCode } }`, { id: started.bulkOperation.id });
    const op = poll.body.data.bulkOperation;
    expect(op.status).toBe("COMPLETED");
    expect(op.errorCode).toBeNull();

    const expectedRoots = ORDERS.filter((o) => o.created_at >= "2024-03-02T00:00:00");
    const expectedLines = expectedRoots.reduce((a, o) => a + o.line_items.length, 0);
    expect(op.rootObjectCount).toBe(String(expectedRoots.length));
    expect(op.objectCount).toBe(String(expectedRoots.length + expectedLines));

    const res = await fetch(op.url);
    const text = await res.text();
    expect(String(Buffer.byteLength(text))).toBe(op.fileSize);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(Number(op.objectCount));
    const seenParents = new Set<string>();
    for (const line of lines) {
      if (line.__parentId) {
        expect(seenParents.has(line.__parentId)).toBe(true); // child after its parent
        expect(line.id).toMatch(/^gid:\/\/shopify\/LineItem\//);
      } else {
        expect(line.id).toMatch(/^gid:\/\/shopify\/Order\//);
        expect(line.lineItems).toBeUndefined(); // connections are not inlined
        seenParents.add(line.id);
      }
    }
    const first = expectedRoots[0]!;
    expect(lines[0]).toEqual({
      id: `gid://shopify/Order/${first.id}`,
      name: first.name,
      createdAt: first.created_at.replace(".000Z", "Z"),
      totalPriceSet: { shopMoney: { amount: first.total_price } },
      customer: { id: `gid://shopify/Customer/${first.customer.id}` },
    });
    expect(lines[1]).toEqual({
      id: `gid://shopify/LineItem/${first.line_items[0]!.id}`,
      sku: first.line_items[0]!.sku,
      quantity: first.line_items[0]!.quantity,
      originalUnitPriceSet: { shopMoney: { amount: first.line_items[0]!.price } },
      __parentId: `gid://shopify/Order/${first.id}`,
    });
  }, 30_000);

  it("posts a bulk_operations/finish webhook whose HMAC verifies with the app secret", async () => {
    const hook = received.find((r) => r.path === "/webhooks/bulk_operations/finish");
    expect(hook).toBeDefined();
    const expected = createHmac("sha256", API_SECRET).update(hook!.raw).digest();
    const given = Buffer.from(String(hook!.headers["x-shopify-hmac-sha256"]), "base64");
    expect(given.length).toBe(expected.length);
    expect(timingSafeEqual(given, expected)).toBe(true);
    expect(hook!.headers["x-shopify-topic"]).toBe("bulk_operations/finish");
    expect(hook!.headers["x-shopify-shop-domain"]).toBe(SHOP);
    expect(hook!.headers["x-shopify-api-version"]).toBe("2026-07");
    expect(hook!.headers["x-shopify-webhook-id"]).toEqual(expect.any(String));
    expect(hook!.headers["x-shopify-triggered-at"]).toEqual(expect.any(String));
    expect(hook!.headers["x-shopify-event-id"]).toEqual(expect.any(String));
    const body = JSON.parse(hook!.raw.toString("utf8"));
    // Same keys as Shopify's docs sample, with this operation's ids.
    expect(Object.keys(body).sort()).toEqual(Object.keys(fixture("bulk-operations-finish")).sort());
    expect(body).toMatchObject({ status: "completed", type: "query", error_code: null, admin_graphql_api_id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/) });
  });

  it("rejects queries without a connection, with > 5 connections, nesting > 2 or a nested parent without id", async () => {
    expect((await runBulk(`{ shop { name } }`)).userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
    const deep = `{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }`;
    expect((await runBulk(deep)).userErrors[0].message).toMatch(/nesting depth greater than 2/);
    const noId = `{ orders { edges { node { name lineItems { edges { node { id } } } } } } }`;
    expect((await runBulk(noId)).userErrors[0].message).toMatch(/must select the 'id' field/);
    const many = `{ customers { edges { node { id
      a: orders { edges { node { id } } } b: orders { edges { node { id } } } c: orders { edges { node { id } } }
      d: orders { edges { node { id } } } e: orders { edges { node { id } } } } } } }`;
    expect((await runBulk(many)).userErrors[0].message).toMatch(/more than 5 connections/);
    expect((await runBulk(`{ customers { nodes { id bogus } } }`)).userErrors[0].message).toMatch(/Cannot query field "bogus"/);
  });

  it("links a customer's nested orders (nodes syntax) to the customer with __parentId", async () => {
    const op = await runBulk(`{ customers(query: "id:3") { nodes { id email orders { nodes { id name } } } } }`);
    await sim.settle();
    const done = sim.listBulkOperations(SHOP).find((b) => `gid://shopify/BulkOperation/${b.id}` === op.bulkOperation.id)!;
    const lines = (await (await fetch(done.url!)).text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    const mine = ORDERS.filter((o) => o.customer.id === 3);
    expect(lines[0]).toEqual({ id: "gid://shopify/Customer/3", email: "c3@example.com" });
    expect(lines.slice(1).map((l) => l.__parentId)).toEqual(mine.map(() => "gid://shopify/Customer/3"));
    expect(lines.slice(1).map((l) => l.name).sort()).toEqual(mine.map((o) => o.name).sort());
    expect(done).toMatchObject({ rootObjectCount: 1, objectCount: 1 + mine.length });
  });

  it("lists operations by status, answers currentBulkOperation, and returns url null when nothing matched", async () => {
    const empty = await runBulk(`{ customers(query: "email:nobody@nowhere") { edges { node { id } } } }`);
    await sim.settle();
    const res = await sim.graphql(
      SHOP,
      `query($id: ID!) { bulkOperation(id: $id) { status objectCount url } bulkOperations(first: 10, query: "status:COMPLETED") { nodes { id } } currentBulkOperation { id } }`,
      { id: empty.bulkOperation.id },
    );
    expect(res.body.data.bulkOperation).toEqual({ status: "COMPLETED", objectCount: "0", url: null });
    expect(res.body.data.bulkOperations.nodes).toHaveLength(3);
    expect(res.body.data.currentBulkOperation.id).toBe(empty.bulkOperation.id);
  });

  it("simulates a failed operation with partial data, and a slow one that can be cancelled", async () => {
    sim.failNextBulk({ errorCode: "INTERNAL_SERVER_ERROR", afterObjects: 5 });
    const failed = await runBulk(ORDERS_BULK);
    await sim.settle();
    const f = (await sim.graphql(SHOP, `query($id: ID!) { bulkOperation(id: $id) { status errorCode partialDataUrl url } }`, { id: failed.bulkOperation.id })).body.data.bulkOperation;
    expect(f).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null });
    const partial = (await (await fetch(f.partialDataUrl)).text()).trimEnd().split("\n");
    expect(partial.length).toBeGreaterThanOrEqual(5);
    const failHook = received.filter((r) => r.path === "/webhooks/bulk_operations/finish").map((r) => JSON.parse(r.raw.toString())).at(-1);
    expect(failHook).toMatchObject({ status: "failed", error_code: "internal_server_error" });

    sim.setBulkDelay(200);
    const slow = await runBulk(ORDERS_BULK);
    const cancel = await sim.graphql(SHOP, `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`, { id: slow.bulkOperation.id });
    expect(cancel.body.data.bulkOperationCancel.bulkOperation.status).toBe("CANCELING");
    await sim.settle();
    sim.setBulkDelay(0);
    const c = (await sim.graphql(SHOP, `query($id: ID!) { bulkOperation(id: $id) { status url } }`, { id: slow.bulkOperation.id })).body.data.bulkOperation;
    expect(c).toEqual({ status: "CANCELED", url: null });
  });
});
