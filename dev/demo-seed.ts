// Fills a simulated shop through the app's real webhook endpoints: each
// generated event updates the simulator's store (so backfill and
// reconciliation see the same shop) and is delivered as a signed webhook.
// Shared by `npm run demo` and the end-to-end tests.
import { createShop, type GeneratorOptions, type ShopEvent } from "./generator/index";
import type { Simulator } from "./shopify-sim/index";
import { sendWebhooks, type SendSummary } from "./webhook-sender";

export interface SeedOptions {
  sim: Simulator;
  shop: string;
  appUrl: string;
  secret: string;
  generator: GeneratorOptions;
  concurrency?: number;
}

async function* mirrorIntoSimulator(sim: Simulator, shop: string, events: Iterable<ShopEvent>): AsyncGenerator<ShopEvent> {
  for (const event of events) {
    switch (event.topic) {
      case "customers/create":
      case "customers/update":
        await sim.upsertCustomers(shop, event.payload);
        break;
      case "refunds/create":
        await sim.upsertRefund(shop, event.payload);
        break;
      default:
        if (event.topic.startsWith("orders/")) await sim.upsertOrders(shop, event.payload);
    }
    yield event;
  }
}

export async function seedShopThroughWebhooks(opts: SeedOptions): Promise<SendSummary> {
  const generated = createShop(opts.generator);
  return sendWebhooks(mirrorIntoSimulator(opts.sim, opts.shop, generated.events()), {
    appUrl: opts.appUrl,
    secret: opts.secret,
    shop: opts.shop,
    concurrency: opts.concurrency ?? 8,
  });
}
