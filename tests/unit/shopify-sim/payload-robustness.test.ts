import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimInputError, type Simulator } from "../../../dev/shopify-sim/index";
import { SHOP, startTestSim } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSim({ throttle: { maximumAvailable: 1e9, restoreRate: 1e9 } });
  sim.createShop({ domain: SHOP });
  sim.installApp(SHOP);
});
afterAll(() => sim.close());

// Webhook-ish order payloads with arbitrary junk in the fields the views read.
const junk = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }));
const orderArb = fc.record(
  {
    id: fc.oneof(fc.integer({ min: 1, max: 1e9 }), fc.string({ maxLength: 4 })),
    name: junk,
    created_at: fc.oneof(junk, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
    total_price: junk,
    financial_status: junk,
    tags: junk,
    currency: fc.constantFrom("USD", "EUR"),
    customer: fc.oneof(fc.constant(null), fc.record({ id: fc.integer({ min: 1, max: 50 }), email: junk })),
    line_items: fc.array(fc.record({ id: fc.integer({ min: 1, max: 1e9 }), title: junk, quantity: junk, price: junk, sku: junk }), { maxLength: 3 }),
    discount_codes: fc.oneof(junk, fc.array(fc.record({ code: junk }), { maxLength: 2 })),
  },
  { requiredKeys: ["id"] },
);

describe("seeding arbitrary payloads (fast-check, seeded)", () => {
  it("either stores the payload or throws SimInputError; queries over the result answer 200 with data", async () => {
    await fc.assert(
      fc.asyncProperty(orderArb, async (payload) => {
        try {
          await sim.upsertOrders(SHOP, payload);
        } catch (e) {
          expect(e).toBeInstanceOf(SimInputError);
          return;
        }
        const res = await sim.graphql(
          SHOP,
          `{ orders(first: 5, reverse: true, sortKey: UPDATED_AT) { nodes { id name createdAt tags discountCodes displayFinancialStatus totalPriceSet { shopMoney { amount } } customer { id email }
             lineItems(first: 5) { nodes { id title quantity sku originalUnitPriceSet { shopMoney { amount } } } } } } }`,
        );
        expect(res.status).toBe(200);
        const internal = (res.body.errors ?? []).filter((e: { extensions?: { code?: string } }) => e.extensions?.code === "INTERNAL_SERVER_ERROR");
        expect(internal).toEqual([]);
      }),
      { seed: 1122, numRuns: 60 },
    );
  }, 60_000);
});
