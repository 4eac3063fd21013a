// What resolvers see while executing one GraphQL request.
import type { PagingContext } from "./connection";
import type { BulkOperationRecord, ShopState, SimStore } from "./store";

export interface SimServices {
  /** Starts a bulk query; returns userErrors or the created operation. */
  startBulkQuery(shop: ShopState, query: string): { op?: BulkOperationRecord; userErrors: Array<{ field: string[] | null; message: string; code: string }> };
  cancelBulk(shop: ShopState, id: string): BulkOperationRecord | undefined;
  /** Webhooks Shopify sends because of the app's own mutations (e.g. tagsAdd → customers/update). */
  mutationWebhook(shop: ShopState, topic: string, payload: unknown): void;
}

export interface ExecContext extends PagingContext {
  store: SimStore;
  shop: ShopState;
  apiKey: string;
  /** Numeric stand-in for the app id, used by the `$app` metafield namespace. */
  appId: string;
  now: number;
  services: SimServices;
  /** "Type.field" names the document read that the simulator does not model. */
  unimplemented: Set<string>;
  /** Fault injection: mutation payloads answer with a userError instead of running. */
  injectUserError?: boolean;
}

/** `$app`, `$app:x` and an omitted namespace all resolve to the app-reserved namespace. */
export function expandNamespace(ns: string | null | undefined, ctx: Pick<ExecContext, "appId">): string {
  const base = `app--${ctx.appId}`;
  if (ns == null || ns === "" || ns === "$app") return base;
  if (ns.startsWith("$app:")) return `${base}--${ns.slice(5)}`;
  return ns;
}
