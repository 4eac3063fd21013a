// The webhook event stream: the core's records, plus each record's later
// steps (payment, fulfilment, cancellation, refund, customer update) replayed
// at their own times. A small heap holds the steps not yet due, so memory is
// bounded by the orders "in flight", not by the shop.

import { resolveConfig, type GeneratorConfig, type GeneratorOptions } from "./config";
import { derivedUuid } from "./format";
import { MinHeap } from "./heap";
import { renderCustomerPayload, renderOrderPayload, renderRefundPayload, type JsonObject } from "./payloads";
import type { CustomerRecord, OrderRecord, OrderStep } from "./records";
import { simulateShop } from "./simulate";

export type WebhookTopic =
  | "customers/create"
  | "customers/update"
  | "orders/create"
  | "orders/paid"
  | "orders/updated"
  | "orders/cancelled"
  | "refunds/create";

export interface ShopEvent {
  at: Date;
  topic: WebhookTopic;
  payload: JsonObject;
  /**
   * Shared by every delivery one merchant action causes (X-Shopify-Event-Id):
   * a refund's refunds/create and orders/updated carry the same one.
   */
  eventId: string;
}

interface Pending {
  atMs: number;
  seq: number;
  topic: WebhookTopic;
  eventId: string;
  render: () => JsonObject;
}

const STEP_TOPICS: Record<OrderStep["kind"], WebhookTopic[]> = {
  paid: ["orders/paid"],
  fulfilled: ["orders/updated"],
  cancelled: ["orders/cancelled"],
  refund: ["refunds/create", "orders/updated"],
};

export function* generateEvents(options: GeneratorOptions | GeneratorConfig = {}): Generator<ShopEvent> {
  const config = isResolved(options) ? options : resolveConfig(options);
  const pending = new MinHeap<Pending>();
  let seq = 0;
  let actions = 0;
  const nextEventId = () => derivedUuid(config.seed, actions++, 0x65766e74);

  const scheduleCustomer = (customer: CustomerRecord) => {
    for (const version of customer.versions.slice(1)) {
      if (version.atMs >= config.endMs) continue;
      const at = version.atMs;
      pending.push({ atMs: at, seq: seq++, topic: "customers/update", eventId: nextEventId(), render: () => renderCustomerPayload(customer, at, config) });
    }
  };
  const scheduleOrder = (order: OrderRecord) => {
    for (const step of order.steps) {
      if (step.atMs >= config.endMs) break;
      const eventId = nextEventId();
      const at = step.atMs;
      for (const topic of STEP_TOPICS[step.kind]) {
        const render =
          topic === "refunds/create" && step.kind === "refund"
            ? () => renderRefundPayload(order, step.refund, config)
            : () => renderOrderPayload(order, at, config);
        pending.push({ atMs: at, seq: seq++, topic, eventId, render });
      }
    }
  };
  function* flushUntil(limitMs: number): Generator<ShopEvent> {
    for (let top = pending.peek(); top && top.atMs <= limitMs; top = pending.peek()) {
      pending.pop();
      yield { at: new Date(top.atMs), topic: top.topic, payload: top.render(), eventId: top.eventId };
    }
  }

  for (const item of simulateShop(config)) {
    if (item.type === "truth") continue;
    yield* flushUntil(item.atMs);
    if (item.type === "customer") {
      const c = item.customer;
      yield { at: new Date(c.createdAtMs), topic: "customers/create", payload: renderCustomerPayload(c, c.createdAtMs, config), eventId: nextEventId() };
      scheduleCustomer(c);
    } else {
      const o = item.order;
      yield { at: new Date(o.createdAtMs), topic: "orders/create", payload: renderOrderPayload(o, o.createdAtMs, config), eventId: nextEventId() };
      scheduleOrder(o);
    }
  }
  yield* flushUntil(config.endMs - 1);
}

export function isResolved(options: GeneratorOptions | GeneratorConfig): options is GeneratorConfig {
  return "startMs" in options && "endMs" in options && Object.isFrozen(options);
}
