import { describe, expect, it } from "vitest";
import {
  createShop,
  expectedCampaignEffect,
  GeneratorInputError,
  Rng,
  simulateCampaignWindow,
  type CustomerRecord,
} from "../../../dev/generator/index";
import type { CampaignCustomer } from "../../../dev/generator/campaign";
import { keyDifferences, loadSample } from "./support";

const shop = createShop({ size: "tiny", seed: 21 });
const templates: CustomerRecord[] = [...shop.records()].flatMap((i) => (i.type === "customer" ? [i.customer] : []));

/** n customers with chosen latent traits, dressed with the tiny shop's profiles under fresh ids. */
function population(n: number, traits: (rng: Rng) => { lambda: number; p: number; nu: number }, seed: number): CampaignCustomer[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const record = { ...templates[i % templates.length], id: 7_990_000_000_000 + i };
    return { customerId: String(record.id), gid: `gid://shopify/Customer/${record.id}`, alive: true, record, ...traits(rng) };
  });
}

const start = new Date("2026-11-01T00:00:00Z");
const end = new Date("2026-12-27T00:00:00Z"); // 8 weeks

describe("simulateCampaignWindow", () => {
  it("treated purchase rate ≈ multiplier × control rate when dropout is negligible", { timeout: 20_000 }, () => {
    const customers = population(3000, () => ({ lambda: 0.2, p: 1e-9, nu: 0.07 }), 1);
    const treatedIds = new Set(customers.filter((_, i) => i % 2 === 0).map((c) => c.customerId));
    const counts = { treated: 0, control: 0 };
    for (const order of simulateCampaignWindow({ customers, start, end, treatedIds, uplift: { purchaseRateMultiplier: 1.5, spendMultiplier: 1 }, seed: 4 })) {
      counts[order.treated ? "treated" : "control"]++;
    }
    // 1,500 customers × 0.2/week × 8 weeks = 2,400 expected control orders; the ratio's SE is ≈ 0.04.
    expect(Math.abs(counts.control - 2400)).toBeLessThan(4 * Math.sqrt(2400));
    expect(Math.abs(counts.treated / counts.control - 1.5)).toBeLessThan(0.16);
  });

  it("orders and revenue match expectedCampaignEffect for heterogeneous λ, p, ν", { timeout: 20_000 }, () => {
    const customers = population(4000, (rng) => ({ lambda: rng.gamma(2, 8), p: rng.beta(1.2, 4), nu: rng.gamma(4, 45) }), 2);
    const treatedIds = new Set(customers.filter((_, i) => i % 3 !== 0).map((c) => c.gid));
    const uplift = { purchaseRateMultiplier: 1.3, spendMultiplier: 1.1 };
    const effect = expectedCampaignEffect({ customers, start, end, treatedIds, uplift });
    let treatedOrders = 0;
    let controlOrders = 0;
    let treatedRevenue = 0;
    for (const order of simulateCampaignWindow({ customers, start, end, treatedIds, uplift, seed: 5 })) {
      if (order.treated) {
        treatedOrders++;
        treatedRevenue += order.drawnValue;
      } else controlOrders++;
    }
    expect(effect.treatedCustomers).toBe(2666);
    expect(effect.incrementalOrders).toBeGreaterThan(0);
    expect(Math.abs(treatedOrders - effect.expectedTreatedOrders)).toBeLessThan(4 * Math.sqrt(effect.expectedTreatedOrders));
    expect(Math.abs(controlOrders - effect.expectedControlOrders)).toBeLessThan(4 * Math.sqrt(effect.expectedControlOrders));
    expect(Math.abs(treatedRevenue / effect.expectedTreatedRevenue - 1)).toBeLessThan(0.08);
  });

  it("yields time-ordered orders with the orders/create sample's keys, fresh ids and the treated discount", () => {
    const customers = population(80, () => ({ lambda: 0.5, p: 0.1, nu: 0.07 }), 3);
    const treatedIds = new Set(customers.slice(0, 40).map((c) => c.customerId));
    const orders = [
      ...simulateCampaignWindow({
        customers,
        start,
        end,
        treatedIds,
        uplift: { purchaseRateMultiplier: 2, spendMultiplier: 1 },
        seed: 6,
        treatedDiscount: { code: "WINBACK20", percent: 20 },
      }),
    ];
    const sample = loadSample("orders/create");
    const shopOrderIds = new Set([...shop.records()].flatMap((i) => (i.type === "order" ? [i.order.id] : [])));
    const problems: string[] = [];
    orders.forEach((o, i) => {
      const at = o.at.getTime();
      if (i > 0 && at < orders[i - 1].at.getTime()) problems.push(`${i}: out of order`);
      if (at < start.getTime() || at >= end.getTime()) problems.push(`${i}: outside the window`);
      problems.push(...keyDifferences(sample, o.payload).map((d) => `${i}: ${d}`));
      if (shopOrderIds.has(o.payload.id as number)) problems.push(`${i}: id collides with the shop`);
      const codes = (o.payload.discount_codes as Array<{ code: string }>).map((c) => c.code).join();
      if (codes !== (o.treated ? "WINBACK20" : "")) problems.push(`${i}: codes ${codes}`);
    });
    expect(problems).toEqual([]);
    expect(orders.length).toBeGreaterThan(100);
    expect(new Set(orders.map((o) => o.payload.id)).size).toBe(orders.length);
  });

  it("accepts the shop's CustomerTruth list directly; only customers alive at the end buy", () => {
    const truths = [...shop.truth()];
    const alive = new Set(truths.filter((t) => t.alive).map((t) => t.customerId));
    const treatedIds = new Set(truths.filter((_, i) => i % 2 === 0).map((t) => t.customerId));
    const orders = [...simulateCampaignWindow({ customers: truths, start, end, treatedIds, uplift: { purchaseRateMultiplier: 1.2, spendMultiplier: 1 }, seed: 8, shop: shop.config })];
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.filter((o) => !alive.has(o.customerId))).toEqual([]);
    expect(orders.every((o) => o.treated === treatedIds.has(o.customerId))).toBe(true);
  });

  it("dead customers never buy, and bad windows or multipliers are typed errors", () => {
    const customers = population(50, () => ({ lambda: 1, p: 0.1, nu: 0.07 }), 4).map((c) => ({ ...c, alive: false }));
    const none = [...simulateCampaignWindow({ customers, start, end, treatedIds: new Set(), uplift: { purchaseRateMultiplier: 2, spendMultiplier: 1 }, seed: 1 })];
    expect(none).toEqual([]);
    const run = (opts: object) => [...simulateCampaignWindow({ customers, start, end, treatedIds: new Set(), uplift: { purchaseRateMultiplier: 1, spendMultiplier: 1 }, seed: 1, ...opts })];
    expect(() => run({ start: end, end: start })).toThrow(GeneratorInputError);
    expect(() => run({ uplift: { purchaseRateMultiplier: 0, spendMultiplier: 1 } })).toThrow(GeneratorInputError);
  });
});
