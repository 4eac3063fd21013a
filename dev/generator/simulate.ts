// The generative core: customers arrive, buy by BG/NBD, spend by Gamma-Gamma,
// and occasionally place noise (cancelled/test) orders; guests buy without an
// account. Yields records in creation-time order. Memory is O(customers with a
// purchase still pending before `end`) plus O(days), never O(orders).

import { ArrivalSchedule } from "./arrivals";
import { buildCustomer, buildOrder, IdAllocator, type BuildContext } from "./build";
import type { GeneratorConfig } from "./config";
import { MinHeap } from "./heap";
import { Rng } from "./random";
import type { CustomerRecord, OrderRecord } from "./records";

const SECOND = 1000;
const WEEK = 7 * 86_400_000;

/** What the analytics should recover, per customer. Times in epoch ms, rates per week. */
export interface CustomerTruthRecord {
  customer: CustomerRecord;
  firstPurchaseAtMs: number;
  lastPurchaseAtMs: number;
  /** Repeat purchases (BG/NBD x): purchase orders after the first, up to `end`. */
  repeatPurchases: number;
  /** false once the customer dropped out (right after a repeat purchase). */
  alive: boolean;
  diedAtMs: number | null;
  /** Σ of the Gamma-Gamma draws (major units) over all purchases, first included. */
  drawnValueSum: number;
  /** Σ of the realised merchandise values (shop minor units) over all purchases. */
  merchandiseMinorSum: number;
  purchases: number;
}

export type SimItem =
  | { type: "customer"; atMs: number; customer: CustomerRecord }
  | { type: "order"; atMs: number; order: OrderRecord }
  | { type: "truth"; atMs: number; truth: CustomerTruthRecord };

interface PurchaseItem {
  atMs: number;
  seq: number;
  kind: "purchase";
  truth: CustomerTruthRecord;
}

interface NoiseItem {
  atMs: number;
  seq: number;
  kind: "cancelled" | "test";
  customer: CustomerRecord;
}

type Scheduled = PurchaseItem | NoiseItem;

export function createBuildContext(config: GeneratorConfig, rng: Rng, ids: IdAllocator, firstOrderNumber = 1001): BuildContext {
  let orderNumber = firstOrderNumber - 1;
  return { config, rng, ids, nextOrderNumber: () => ++orderNumber };
}

export function* simulateShop(config: GeneratorConfig): Generator<SimItem> {
  const rng = new Rng(config.seed);
  const ctx = createBuildContext(config, rng, new IdAllocator());
  const schedule = new ArrivalSchedule(config.startMs, config.endMs, config.seasonality);
  const arrivals = schedule.times(rng, config.customers);
  const guestCount = Math.round(config.customers * config.rates.guestOrdersPerCustomer);
  const guests = schedule.times(rng, guestCount);
  const heap = new MinHeap<Scheduled>();
  let seq = 0;
  let customerIndex = 0;
  let nextArrival = arrivals.next();
  let nextGuest = guests.next();
  const { p: spendShape } = config.gammaGamma;

  for (;;) {
    const arrivalAt = nextArrival.done ? Infinity : nextArrival.value;
    const guestAt = nextGuest.done ? Infinity : nextGuest.value;
    const heapAt = heap.peek()?.atMs ?? Infinity;
    const at = Math.min(arrivalAt, guestAt, heapAt);
    if (at === Infinity || at >= config.endMs) break;

    if (at === arrivalAt) {
      const customer = buildCustomer(ctx, customerIndex++, at);
      yield { type: "customer", atMs: at, customer };
      // The account is made at checkout: the first order follows within minutes.
      const firstAt = at + rng.intBetween(60, 900) * SECOND;
      const truth: CustomerTruthRecord = {
        customer,
        firstPurchaseAtMs: firstAt,
        lastPurchaseAtMs: firstAt,
        repeatPurchases: 0,
        alive: true,
        diedAtMs: null,
        drawnValueSum: 0,
        merchandiseMinorSum: 0,
        purchases: 0,
      };
      if (firstAt >= config.endMs) {
        // Signed up in the last minutes: no order before the end of observation.
        yield { type: "truth", atMs: at, truth };
      } else heap.push({ atMs: firstAt, seq: seq++, kind: "purchase", truth });
      nextArrival = arrivals.next();
      continue;
    }

    if (at === guestAt) {
      const nu = rng.gamma(config.gammaGamma.q, config.gammaGamma.gamma);
      const value = rng.gamma(spendShape, nu);
      const order = buildOrder(ctx, { kind: "guest", customer: null, atMs: at, valueMajor: value, isFirstPurchase: true });
      yield { type: "order", atMs: at, order };
      nextGuest = guests.next();
      continue;
    }

    const item = heap.pop() as Scheduled;
    if (item.kind !== "purchase") {
      const order = buildOrder(ctx, { kind: item.kind, customer: item.customer, atMs: at, valueMajor: rng.gamma(spendShape, item.customer.latent.nu), isFirstPurchase: false });
      yield { type: "order", atMs: at, order };
      continue;
    }

    const truth = item.truth;
    const { customer } = truth;
    const isFirst = truth.purchases === 0;
    const value = rng.gamma(spendShape, customer.latent.nu);
    const order = buildOrder(ctx, { kind: "purchase", customer, atMs: at, valueMajor: value, isFirstPurchase: isFirst });
    truth.purchases++;
    if (!isFirst) truth.repeatPurchases++;
    truth.lastPurchaseAtMs = at;
    truth.drawnValueSum += value;
    truth.merchandiseMinorSum += order.totals.lineItems.shop;
    yield { type: "order", atMs: at, order };

    if (rng.bernoulli(config.rates.cancelPerPurchase)) {
      heap.push({ atMs: at + Math.round(rng.between(3600, 72 * 3600)) * SECOND, seq: seq++, kind: "cancelled", customer });
    }
    if (rng.bernoulli(config.rates.testPerPurchase)) {
      heap.push({ atMs: at + Math.round(rng.between(1800, 48 * 3600)) * SECOND, seq: seq++, kind: "test", customer });
    }
    // BG/NBD: a customer may drop out only right after a repeat purchase.
    if (!isFirst && rng.bernoulli(customer.latent.p)) {
      truth.alive = false;
      truth.diedAtMs = at;
      yield { type: "truth", atMs: at, truth };
      continue;
    }
    const gapMs = Math.max(SECOND, Math.round((rng.exponential(customer.latent.lambda) * WEEK) / SECOND) * SECOND);
    if (at + gapMs >= config.endMs) {
      yield { type: "truth", atMs: at, truth };
      continue;
    }
    heap.push({ atMs: at + gapMs, seq: seq++, kind: "purchase", truth });
  }

  // Anything still scheduled lies at or after `end`: those customers are alive and done.
  for (let item = heap.pop(); item; item = heap.pop()) {
    if (item.kind === "purchase") yield { type: "truth", atMs: config.endMs, truth: item.truth };
  }
}
