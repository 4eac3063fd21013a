import { describe, expect, it } from "vitest";
import { DEFAULT_RATES, createShop, type OrderRecord } from "../../../dev/generator/index";

const shop = createShop({ size: "small", seed: 99 });
const orders: OrderRecord[] = [];
let customers = 0;
let subscribed = 0;
let updated = 0;
for (const item of shop.records()) {
  if (item.type === "order") orders.push(item.order);
  else if (item.type === "customer") {
    customers++;
    if (item.customer.versions[0].consent === "subscribed") subscribed++;
    if (item.customer.versions.length > 1) updated++;
  }
}
const purchases = orders.filter((o) => o.kind === "purchase");
const paidKinds = orders.filter((o) => o.kind === "purchase" || o.kind === "guest");

/** |observed share − rate| within 4 binomial standard errors. */
function expectShare(count: number, n: number, rate: number): void {
  const tolerance = 4 * Math.sqrt((rate * (1 - rate)) / n);
  expect(Math.abs(count / n - rate), `${count}/${n} vs ${rate}`).toBeLessThan(tolerance);
}

describe("shares of special orders and customers (small shop, seed 99)", () => {
  it("guest orders number round(guestOrdersPerCustomer × customers) and have no customer", () => {
    const guests = orders.filter((o) => o.kind === "guest");
    expect(guests).toHaveLength(Math.round(DEFAULT_RATES.guestOrdersPerCustomer * 2000));
    expect(guests.every((o) => o.customer === null)).toBe(true);
    expect(orders.filter((o) => o.kind !== "guest").every((o) => o.customer !== null)).toBe(true);
  });

  it("cancelled and test orders occur at their per-purchase rates (noise scheduled past the end drops out)", () => {
    const cancelled = orders.filter((o) => o.kind === "cancelled").length;
    const tests = orders.filter((o) => o.kind === "test").length;
    // A few noise orders land after the end of observation and are never created.
    expectShare(cancelled, purchases.length, DEFAULT_RATES.cancelPerPurchase * 0.99);
    expectShare(tests, purchases.length, DEFAULT_RATES.testPerPurchase * 0.99);
    const odd = orders.filter((o) => o.kind === "cancelled" && (o.initialFinancial !== "authorized" || o.steps.map((s) => s.kind).join() !== "cancelled"));
    expect(odd).toEqual([]);
  });

  it("refunds, full-refund share, pending payments and presentment currencies match their rates", () => {
    const refunded = paidKinds.filter((o) => o.steps.some((s) => s.kind === "refund"));
    expectShare(refunded.length, paidKinds.length, DEFAULT_RATES.refund);
    const full = refunded.filter((o) => o.steps.some((s) => s.kind === "refund" && s.refund.kind === "full")).length;
    expectShare(full, refunded.length, DEFAULT_RATES.fullRefundShare);
    expectShare(paidKinds.filter((o) => o.initialFinancial === "pending").length, paidKinds.length, DEFAULT_RATES.pendingPayment);
    expectShare(orders.filter((o) => o.presentmentCurrency !== "USD").length, orders.length, DEFAULT_RATES.presentmentCurrency);
  });

  it("marketing consent and customer updates match their rates", () => {
    expect(customers).toBe(2000);
    expectShare(subscribed, customers, DEFAULT_RATES.marketingConsent);
    expectShare(updated, customers, DEFAULT_RATES.customerUpdate);
  });

  it("discount codes: WELCOME10 only on first purchases, seasonal codes only in their windows", () => {
    const firstPurchaseIds = new Set<number>();
    const seen = new Set<number>();
    for (const o of purchases) {
      const customerId = o.customer!.id;
      if (!seen.has(customerId)) firstPurchaseIds.add(o.id);
      seen.add(customerId);
    }
    const welcome = purchases.filter((o) => o.discount?.code === "WELCOME10");
    expect(welcome.every((o) => firstPurchaseIds.has(o.id))).toBe(true);
    expectShare(welcome.length, firstPurchaseIds.size, DEFAULT_RATES.welcomeDiscount);
    for (const o of orders.filter((x) => x.discount?.code === "BFCM25")) {
      const d = new Date(o.createdAtMs);
      expect([10, 11]).toContain(d.getUTCMonth());
    }
    expect(orders.some((o) => o.discount?.code === "SPRING15")).toBe(true);
  });

  it("every order has 1..5 lines, positive quantities, and a positive total", () => {
    const bad = orders.filter(
      (o) =>
        o.lines.length < 1 ||
        o.lines.length > 5 ||
        !o.lines.every((l) => l.quantity >= 1 && Number.isInteger(l.quantity)) ||
        !(o.totals.total.shop > 0) ||
        !o.steps.every((s, i) => s.atMs > (i === 0 ? o.createdAtMs : o.steps[i - 1].atMs)),
    );
    expect(bad.map((o) => o.id)).toEqual([]);
  });
});
