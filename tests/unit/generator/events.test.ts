import { describe, expect, it } from "vitest";
import { CUSTOMER_EXTRA_KEYS, createShop, type ShopEvent } from "../../../dev/generator/index";
import { keyDifferences, loadSample, parseMoney, setAmounts } from "./support";

const shop = createShop({ size: 60, seed: 7 });
const events: ShopEvent[] = [...shop.events()];
const byTopic = (topic: string) => events.filter((e) => e.topic === topic);

describe("event stream (60-customer shop, seed 7)", () => {
  it("is byte-identical for the same seed and differs for another seed", { timeout: 20_000 }, () => {
    const again = JSON.stringify([...createShop({ size: 60, seed: 7 }).events()]);
    expect(again).toBe(JSON.stringify(events));
    const other = JSON.stringify([...createShop({ size: 60, seed: 8 }).events()]);
    expect(other).not.toBe(again);
  });

  it("emits every topic the app subscribes to, in non-decreasing time within the window", () => {
    const topics = new Set(events.map((e) => e.topic));
    for (const topic of ["customers/create", "customers/update", "orders/create", "orders/paid", "orders/updated", "orders/cancelled", "refunds/create"]) {
      expect(topics.has(topic as ShopEvent["topic"]), topic).toBe(true);
    }
    expect(events.every((e, i) => i === 0 || e.at.getTime() >= events[i - 1].at.getTime())).toBe(true);
    expect(events[0].at.getTime()).toBeGreaterThanOrEqual(shop.config.startMs);
    expect(events.at(-1)!.at.getTime()).toBeLessThan(shop.config.endMs);
    expect(byTopic("customers/create")).toHaveLength(60);
  });

  it("order payloads have exactly the keys of the 2026-07 orders/* sample, recursively", () => {
    for (const topic of ["orders/create", "orders/paid", "orders/updated", "orders/cancelled"]) {
      const sample = loadSample(topic);
      for (const e of byTopic(topic)) expect(keyDifferences(sample, e.payload), `${topic} ${e.payload.id}`).toEqual([]);
    }
  });

  it("refund payloads (webhook and inside orders) have the keys of the refunds/create sample", () => {
    const sample = loadSample("refunds/create");
    const refunds = byTopic("refunds/create");
    expect(refunds.length).toBeGreaterThan(0);
    for (const e of refunds) expect(keyDifferences(sample, e.payload)).toEqual([]);
    const nested = byTopic("orders/updated").flatMap((e) => e.payload.refunds as unknown[]);
    expect(nested.length).toBeGreaterThan(0);
    for (const r of nested) expect(keyDifferences(sample, r)).toEqual([]);
  });

  it("customer payloads have the customers/create sample keys plus only the documented extras", () => {
    const sample = loadSample("customers/create");
    for (const e of [...byTopic("customers/create"), ...byTopic("customers/update")]) {
      expect(keyDifferences(sample, e.payload, "$", CUSTOMER_EXTRA_KEYS)).toEqual([]);
      for (const key of CUSTOMER_EXTRA_KEYS) expect(e.payload).toHaveProperty(key);
    }
  });

  it("money strings parse and shop totals add up: items − discounts = subtotal; subtotal + tax + shipping = total", () => {
    for (const e of byTopic("orders/create")) {
      const o = e.payload;
      const items = parseMoney(o.total_line_items_price);
      const discounts = parseMoney(o.total_discounts);
      const subtotal = parseMoney(o.subtotal_price);
      const tax = parseMoney(o.total_tax);
      const shipping = setAmounts(o.total_shipping_price_set).shop;
      expect(items - discounts).toBe(subtotal);
      expect(subtotal + tax + shipping).toBe(parseMoney(o.total_price));
      // The same identities hold in the presentment currency, component by component.
      const p = (k: string) => setAmounts(o[k]).presentment;
      expect(p("total_line_items_price_set") - p("total_discounts_set")).toBe(p("subtotal_price_set"));
      expect(p("subtotal_price_set") + p("total_tax_set") + p("total_shipping_price_set")).toBe(p("total_price_set"));
      const lines = o.line_items as Array<Record<string, unknown>>;
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(5);
      const lineSum = lines.reduce((s, l) => s + parseMoney(l.price) * (l.quantity as number), 0);
      expect(lineSum).toBe(items);
      const codes = o.discount_codes as Array<{ amount: string }>;
      expect(codes.reduce((s, c) => s + parseMoney(c.amount), 0)).toBe(discounts);
    }
  });

  it("refunds never exceed the order total and the financial status follows the refunded amount", () => {
    const finals = [...shop.orders()];
    let refundedOrders = 0;
    for (const o of finals) {
      const refunded = (o.refunds as Array<{ transactions: Array<{ amount: string }> }>)
        .flatMap((r) => r.transactions)
        .reduce((s, t) => s + parseMoney(t.amount), 0);
      const total = parseMoney(o.total_price);
      expect(refunded).toBeLessThanOrEqual(total);
      if (refunded > 0) {
        refundedOrders++;
        expect(o.financial_status).toBe(refunded === total ? "refunded" : "partially_refunded");
      }
      expect(parseMoney(o.current_total_price)).toBeLessThanOrEqual(total);
    }
    expect(refundedOrders).toBeGreaterThan(0);
  });

  it("ids are unique per shop and below 2^53, and gids carry the same digits", () => {
    const seen = new Map<number, string>();
    const problems: string[] = [];
    const visit = (value: unknown, path: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
      else if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (typeof obj.id === "number" && typeof obj.admin_graphql_api_id === "string") {
          const type = obj.admin_graphql_api_id.split("/")[3];
          const previous = seen.get(obj.id);
          if (!(obj.id < 2 ** 53)) problems.push(`${path}: id ${obj.id} ≥ 2^53`);
          if (!obj.admin_graphql_api_id.endsWith(`/${obj.id}`)) problems.push(`${path}: gid digits differ`);
          if (previous !== undefined && previous !== type) problems.push(`${path}: id ${obj.id} used by ${previous} and ${type}`);
          seen.set(obj.id, type);
        }
        for (const [k, v] of Object.entries(obj)) visit(v, `${path}.${k}`);
      }
    };
    for (const e of events) visit(e.payload, e.topic);
    expect(problems).toEqual([]);
    expect(seen.size).toBeGreaterThan(500);
    const orderIds = byTopic("orders/create").map((e) => e.payload.id);
    expect(new Set(orderIds).size).toBe(orderIds.length);
    const names = byTopic("orders/create").map((e) => e.payload.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("updated_at strictly increases across the deliveries of each order and customer", () => {
    const last = new Map<string, number>();
    for (const e of events) {
      if (e.topic === "refunds/create") continue;
      const key = String(e.payload.admin_graphql_api_id);
      const at = Date.parse(String(e.payload.updated_at));
      const previous = last.get(key);
      // refunds/create and its orders/updated share a time; every other step moves the clock.
      if (previous !== undefined) expect(at).toBeGreaterThan(previous);
      last.set(key, at);
    }
  });

  it("final snapshots equal the last delivered state of each order (the embedded customer may be newer)", () => {
    const withoutCustomer = (o: Record<string, unknown>) => JSON.stringify({ ...o, customer: null });
    const lastDelivered = new Map<unknown, string>();
    for (const e of events) if (e.topic.startsWith("orders/")) lastDelivered.set(e.payload.id, withoutCustomer(e.payload));
    const finals = [...shop.orders()];
    expect(finals).toHaveLength(lastDelivered.size);
    const mismatched = finals.filter((o) => withoutCustomer(o) !== lastDelivered.get(o.id)).map((o) => o.id);
    expect(mismatched).toEqual([]);
  });

  it("timestamps use the shop's offset and whole seconds, like the samples", () => {
    for (const e of events.slice(0, 50)) expect(String(e.payload.created_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-05:00$/);
  });
});
