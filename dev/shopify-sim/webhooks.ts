// Signed webhook deliveries to the installed app, as Shopify sends them.
import { createHmac, randomUUID } from "node:crypto";
import type { ShopState, SimStore } from "./store";

export interface WebhookDelivery {
  id: string;
  topic: string;
  shop: string;
  url: string;
  at: string;
  status: number | null;
  ok: boolean;
  error: string | null;
  body: string;
  headers: Record<string, string>;
  /** Lost on purpose by dropNext(); never sent. */
  dropped: boolean;
}

export function webhookHmac(rawBody: string | Buffer, apiSecret: string): string {
  return createHmac("sha256", apiSecret).update(rawBody).digest("base64");
}

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private inflight = new Set<Promise<unknown>>();
  /** Deliveries to lose on purpose (a missed webhook the app must reconcile). */
  private drops: Array<{ topic?: string; count: number }> = [];

  dropNext(spec: { topic?: string; count?: number }): void {
    this.drops.push({ topic: spec.topic, count: spec.count ?? 1 });
  }

  reset(): void {
    this.deliveries.length = 0;
    this.drops = [];
  }

  private takeDrop(topic: string): boolean {
    const i = this.drops.findIndex((d) => d.topic === undefined || d.topic === topic);
    if (i < 0) return false;
    if (--this.drops[i]!.count <= 0) this.drops.splice(i, 1);
    return true;
  }

  /** Sends a recorded delivery again with the same body and X-Shopify-Webhook-Id (Shopify's retries do). */
  redeliver(id: string): Promise<WebhookDelivery> | undefined {
    const original = this.deliveries.find((d) => d.id === id);
    if (!original) return undefined;
    const again: WebhookDelivery = { ...original, at: this.store.nowIso(), status: null, ok: false, error: null, dropped: false };
    this.deliveries.push(again);
    return this.post(again);
  }

  constructor(
    private store: SimStore,
    private apiSecret: string,
    private apiVersion: string,
    private pathFor: (topic: string) => string = (topic) => `/webhooks/${topic}`,
  ) {}

  /** POSTs `payload` to the app; resolves with the delivery record, or undefined when no app URL is known. */
  send(shop: ShopState, topic: string, payload: unknown, opts: { eventId?: string } = {}): Promise<WebhookDelivery | undefined> {
    const appUrl = shop.installation?.appUrl;
    if (!appUrl) return Promise.resolve(undefined);
    const body = JSON.stringify(payload);
    const url = `${appUrl.replace(/\/$/, "")}${this.pathFor(topic)}`;
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": webhookHmac(body, this.apiSecret),
      "X-Shopify-Shop-Domain": shop.shop.domain,
      "X-Shopify-API-Version": this.apiVersion,
      "X-Shopify-Webhook-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date(this.store.clock()).toISOString(),
      "X-Shopify-Event-Id": opts.eventId ?? randomUUID(),
    };
    const delivery: WebhookDelivery = {
      id: headers["X-Shopify-Webhook-Id"]!,
      topic,
      shop: shop.shop.domain,
      url,
      at: this.store.nowIso(),
      status: null,
      ok: false,
      error: null,
      body,
      headers,
      dropped: false,
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > 5000) this.deliveries.splice(0, this.deliveries.length - 5000);
    if (this.takeDrop(topic)) {
      delivery.dropped = true;
      return Promise.resolve(delivery);
    }
    return this.post(delivery);
  }

  private post(delivery: WebhookDelivery): Promise<WebhookDelivery> {
    const { url, headers, body } = delivery;
    const p = fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        delivery.status = res.status;
        delivery.ok = res.ok;
        await res.arrayBuffer().catch(() => undefined);
        return delivery;
      })
      .catch((e: Error) => {
        delivery.error = e.message;
        return delivery;
      });
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  /** Waits for deliveries in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }
}
