import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createShop, writeBulkJsonl } from "../../../dev/generator/index";
import { parseMoney } from "./support";
import { Kind, parse, type FieldNode, type OperationDefinitionNode } from "graphql";
import { BULK_CUSTOMERS_QUERY, BULK_ORDERS_QUERY } from "~/graphql/sync/bulk";

const dir = mkdtempSync(join(tmpdir(), "retain-bulk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The fields a bulk query selects on the nodes of a connection (by response
 * key, in selection order; connection fields left out: their nodes come on
 * lines of their own).
 */
function selectedKeys(query: string, path: string[]): string[] {
  let selection = (parse(query.replace(/^#graphql\s*/, "")).definitions[0] as OperationDefinitionNode).selectionSet;
  for (const name of path) {
    const field = selection.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === name);
    if (!field?.selectionSet) throw new Error(`no ${name} in the query`);
    selection = field.selectionSet;
  }
  return selection.selections
    .filter((s): s is FieldNode => s.kind === Kind.FIELD)
    .filter((f) => !f.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "edges"))
    .map((f) => f.alias?.value ?? f.name.value);
}

// Exactly what the app's bulk queries select (app/graphql/sync/bulk.ts), in order.
const ORDER_KEYS = selectedKeys(BULK_ORDERS_QUERY, ["orders", "edges", "node"]);
const LINE_KEYS = [...selectedKeys(BULK_ORDERS_QUERY, ["orders", "edges", "node", "lineItems", "edges", "node"]), "__parentId"];
const CUSTOMER_KEYS = selectedKeys(BULK_CUSTOMERS_QUERY, ["customers", "edges", "node"]);

function readLines(path: string): Array<Record<string, unknown>> {
  const text = readFileSync(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("writeBulkJsonl (40-customer shop, seed 3)", () => {
  const shop = createShop({ size: 40, seed: 3 });

  it("orders: one JSON object per line with the fields of the app's bulk query; each LineItem follows its Order with __parentId", async () => {
    const path = join(dir, "orders.jsonl");
    const result = await writeBulkJsonl(shop, { kind: "orders" }, path);
    const lines = readLines(path);
    expect(lines).toHaveLength(result.objectCount);
    const seenOrders = new Set<string>();
    let roots = 0;
    for (const line of lines) {
      if ("__parentId" in line) {
        expect(Object.keys(line)).toEqual(LINE_KEYS);
        expect(seenOrders.has(line.__parentId as string)).toBe(true);
        expect(String(line.id)).toMatch(/^gid:\/\/shopify\/LineItem\/\d+$/);
      } else {
        roots++;
        expect(Object.keys(line)).toEqual(ORDER_KEYS);
        expect(String(line.id)).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
        seenOrders.add(line.id as string);
      }
    }
    expect(roots).toBe(result.rootObjectCount);
    expect(result.bytes).toBe(readFileSync(path).length);
  });

  it("orders agree with the final REST payloads (totals, refunds, statuses)", async () => {
    const path = join(dir, "orders-2.jsonl");
    await writeBulkJsonl(shop, { kind: "orders" }, path);
    const bulk = new Map(readLines(path).filter((l) => !("__parentId" in l)).map((l) => [l.id, l]));
    const statuses = new Set<string>();
    for (const rest of shop.orders()) {
      const line = bulk.get(rest.admin_graphql_api_id) as Record<string, any>;
      expect(line).toBeDefined();
      expect(parseMoney(line.totalPriceSet.shopMoney.amount)).toBe(parseMoney(rest.total_price));
      expect(line.displayFinancialStatus).toBe(String(rest.financial_status).toUpperCase());
      const refunded = (rest.refunds as Array<{ transactions: Array<{ amount: string }> }>)
        .flatMap((r) => r.transactions)
        .reduce((s, t) => s + parseMoney(t.amount), 0);
      const bulkRefunded = (line.refunds as Array<{ totalRefundedSet: { shopMoney: { amount: string } } }>)
        .reduce((s, r) => s + parseMoney(r.totalRefundedSet.shopMoney.amount), 0);
      expect(bulkRefunded).toBe(refunded);
      expect(line.presentmentCurrencyCode).toBe(rest.presentment_currency);
      expect(parseMoney(line.totalPriceSet.presentmentMoney.amount)).toBe(parseMoney((rest.total_price_set as { presentment_money: { amount: string } }).presentment_money.amount));
      expect(line.tags).toEqual(String(rest.tags).split(", ").filter(Boolean));
      expect(line.cancelReason).toBe(rest.cancel_reason === null ? null : String(rest.cancel_reason).toUpperCase());
      expect(line.test).toBe(rest.test);
      expect(line.cancelledAt === null).toBe(rest.cancelled_at === null);
      statuses.add(line.displayFinancialStatus);
    }
    expect(statuses.has("PAID")).toBe(true);
    expect(statuses.has("VOIDED")).toBe(true);
  });

  it("customers: one line per customer with the fields of the app's bulk query", async () => {
    const path = join(dir, "customers.jsonl");
    const result = await writeBulkJsonl(shop, { kind: "customers" }, path);
    const lines = readLines(path);
    expect(lines).toHaveLength(40);
    expect(result.rootObjectCount).toBe(40);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(CUSTOMER_KEYS);
      expect(Array.isArray(line.tags)).toBe(true);
      expect(["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED"]).toContain((line.emailMarketingConsent as { marketingState: string }).marketingState);
      expect(String(line.createdAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it("is byte-identical across runs with the same seed", async () => {
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    await writeBulkJsonl(createShop({ size: 40, seed: 3 }), { kind: "orders" }, a);
    await writeBulkJsonl(createShop({ size: 40, seed: 3 }), { kind: "orders" }, b);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it("rejects with the file-system error when the path cannot be written", async () => {
    await expect(writeBulkJsonl(shop, { kind: "customers" }, join(dir, "missing", "x.jsonl"))).rejects.toThrow(/ENOENT/);
  });
});
