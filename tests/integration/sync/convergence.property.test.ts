// Property: a random history of order creates/updates/paid/cancel/refunds and
// customer create/update/delete, delivered shuffled and with duplicates, ends
// in exactly the state that in-order delivery gives.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import prisma, { prepareDatabase } from "~/db.server";
import { createMulberry32 } from "~/domain/shared/random";
import { countOrphanLineItems, createInstalledShop, resetDatabase } from "../../helpers/db";
import { deliver, orderVariant, refundVariant, sample, snapshot } from "./helpers";

const db = prisma;
type Op = "update" | "paid" | "cancel" | "refund";
type CustomerOp = "update" | "delete";
interface Event { topic: string; payload: Record<string, unknown> }

const iso = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();

/** Shopify-like deliveries for one order: every order topic carries the full snapshot at its time. */
function orderHistory(orderId: number, ops: Op[], customerId: number | null): Event[] {
  const events: Event[] = [];
  const refunds: Record<string, unknown>[] = [];
  let minute = orderId * 100;
  let financial = "pending";
  let cancelled: string | null = null;
  let version = 0;
  let quantity = 1;
  const snapshotAt = () => {
    const o = orderVariant(orderId, {
      updated_at: iso(minute), created_at: iso(orderId * 100), processed_at: iso(orderId * 100), financial_status: financial,
      cancelled_at: cancelled, cancel_reason: cancelled ? "customer" : null, tags: `v${version}`,
      refunds: refunds.map((r) => ({ ...r })),
      customer: customerId === null ? null : { id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
    });
    o.line_items = (o.line_items as Record<string, unknown>[]).slice(0, 2).map((l, i) => ({ ...l, id: orderId * 10 + i, admin_graphql_api_id: `gid://shopify/LineItem/${orderId * 10 + i}`, quantity: i === 0 ? quantity : 1 }));
    return o;
  };
  events.push({ topic: "orders/create", payload: snapshotAt() });
  for (const op of ops) {
    minute += 1;
    if (op === "update") {
      version++;
      quantity++;
      events.push({ topic: "orders/updated", payload: snapshotAt() });
    } else if (op === "paid") {
      financial = "paid";
      events.push({ topic: "orders/paid", payload: snapshotAt() });
    } else if (op === "cancel") {
      financial = "voided";
      cancelled = iso(minute);
      events.push({ topic: "orders/cancelled", payload: snapshotAt() });
    } else {
      const refund = refundVariant(orderId * 1000 + refunds.length, orderId, [`${refunds.length + 1}.25`], { created_at: iso(minute), processed_at: iso(minute) });
      refunds.push(refund);
      financial = "partially_refunded";
      events.push({ topic: "refunds/create", payload: refund });
      events.push({ topic: "orders/updated", payload: snapshotAt() });
    }
  }
  return events;
}

function customerHistory(customerId: number, ops: CustomerOp[]): Event[] {
  const base = sample("customers/create");
  const at = (minute: number, tags: string) => ({ ...base, id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}`, updated_at: iso(minute), tags });
  const events: Event[] = [{ topic: "customers/create", payload: at(customerId, "") }];
  ops.forEach((op, i) => {
    if (op === "update") events.push({ topic: "customers/update", payload: at(customerId + i + 1, `t${i}`) });
    else events.push({ topic: "customers/delete", payload: { id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` } });
  });
  return events;
}

/** Each resource's deliveries in the order Shopify produced them (resources are independent). */
function inOrder(histories: Event[][]): Event[] {
  return histories.flat();
}

function shuffledWithDuplicates(events: Event[], seed: number): Event[] {
  const rng = createMulberry32(seed);
  const out = [...events, ...events.filter(() => rng() < 0.3)];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function replay(shop: string, events: Event[]) {
  for (const e of events) await deliver(db, e.topic, e.payload, { shop });
  return snapshot(db, shop);
}

/** Four concurrent "workers" drain the queue; a failed delivery is retried as the inbox worker would. */
async function replayConcurrently(shop: string, events: Event[], workers = 4) {
  const queue = [...events];
  let retries = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        for (let attempt = 0; ; attempt++) {
          try {
            await deliver(db, e.topic, e.payload, { shop });
            break;
          } catch (err) {
            if (attempt >= 5) throw err;
            retries++;
          }
        }
      }
    }),
  );
  return { state: await snapshot(db, shop), retries };
}

describe("sync convergence (fast-check)", () => {
  beforeAll(async () => {
    await prepareDatabase(db);
    await resetDatabase(db);
  });

  it("shuffled, duplicated delivery ends in the in-order state", async () => {
    let run = 0;
    const opArb = fc.array(fc.constantFrom<Op>("update", "paid", "cancel", "refund"), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom<CustomerOp>("update", "delete"), { maxLength: 3 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        async (orderOps, customerOps, seed) => {
          run++;
          const histories = orderOps.map((ops, i) => orderHistory(i + 1, ops, i % 2 === 0 ? 900 : null));
          histories.push(customerHistory(900, customerOps));
          const ordered = inOrder(histories);
          const a = `in-order-${run}.myshopify.com`;
          const b = `shuffled-${run}.myshopify.com`;
          await createInstalledShop(db, a);
          await createInstalledShop(db, b);
          const expected = await replay(a, ordered);
          const actual = await replay(b, shuffledWithDuplicates(ordered, seed));
          const strip = (s: Awaited<ReturnType<typeof snapshot>>) => JSON.parse(JSON.stringify(s).replaceAll(a, "SHOP").replaceAll(b, "SHOP"));
          expect(strip(actual)).toEqual(strip(expected));
          // Line items are replaced with their order, never left behind (no foreign key does it for us: ADR 015).
          expect(await countOrphanLineItems(db)).toBe(0);
          // The converged state is the last snapshot of every order.
          for (const [i, h] of histories.slice(0, -1).entries()) {
            const last = [...h].reverse().find((e) => e.topic.startsWith("orders/"))!;
            const row = expected.orders.find((o) => o.shopifyId === String(i + 1))!;
            expect(row.shopifyUpdatedAt.toISOString()).toBe(last.payload.updated_at);
            const refunds = h.filter((e) => e.topic === "refunds/create").length;
            expect(row.refundedMinor).toBe(Array.from({ length: refunds }, (_, k) => (k + 1) * 100 + 25).reduce((s, x) => s + x, 0));
          }
        },
      ),
      { seed: 20261122, numRuns: 12 },
    );
  });

  it("concurrent delivery by four workers (shuffled, duplicated) ends in the in-order state", async () => {
    let run = 0;
    const opArb = fc.array(fc.constantFrom<Op>("update", "paid", "cancel", "refund"), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (orderOps, seed) => {
        run++;
        const histories = orderOps.map((ops, i) => orderHistory(i + 1, ops, null));
        const ordered = inOrder(histories);
        const a = `serial-${run}.myshopify.com`;
        const b = `concurrent-${run}.myshopify.com`;
        await createInstalledShop(db, a);
        await createInstalledShop(db, b);
        const expected = await replay(a, ordered);
        const { state } = await replayConcurrently(b, shuffledWithDuplicates(ordered, seed));
        const strip = (x: unknown) => JSON.parse(JSON.stringify(x).replaceAll(a, "SHOP").replaceAll(b, "SHOP"));
        expect(strip(state)).toEqual(strip(expected));
      }),
      { seed: 99, numRuns: 6 },
    );
  });
});
