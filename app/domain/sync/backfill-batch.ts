// The CPU half of a backfill batch: JSONL lines parsed and normalized, with
// each order's LineItem children (bulk `__parentId` lines) folded into it.
// Needs no database, so it can run on a worker thread while the previous batch
// is being written. Children whose parent is not in the batch (the batch
// boundary fell inside an order) are passed on raw: their currency comes from
// the stored order.
import { parseBulkLine } from "./bulk-lines";
import { normalizeGraphqlCustomer } from "./normalize-customer";
import { normalizeGraphqlOrder } from "./normalize-order";
import type { JsonRecord } from "./read";
import type { NormalizedCustomer, NormalizedOrder } from "./types";

export type BackfillKind = "customers" | "orders";

export interface LateChild {
  id: string;
  node: JsonRecord;
}

export type PreparedBatch =
  | {
      kind: "orders";
      /** Root objects (orders) in the batch: the run's objectsDone grows by this. */
      roots: number;
      orders: Array<{ gid: string; order: NormalizedOrder }>;
      /** parent gid -> its children in this batch, for parents from earlier batches. */
      late: Array<[string, LateChild[]]>;
    }
  | { kind: "customers"; roots: number; customers: NormalizedCustomer[] };

/** `texts[i]` is JSONL line number `lineNos[i]` (for error paths); blank lines are already dropped. */
export function prepareBulkBatch(kind: BackfillKind, texts: readonly string[], lineNos: readonly number[]): PreparedBatch {
  if (texts.length !== lineNos.length) throw new RangeError("prepareBulkBatch: texts and lineNos differ in length");
  if (kind === "customers") {
    const customers: NormalizedCustomer[] = [];
    for (let i = 0; i < texts.length; i++) {
      const o = parseBulkLine(texts[i], lineNos[i]);
      if (o.type === "Customer") customers.push(normalizeGraphqlCustomer(o.node, `customer ${o.id}`));
    }
    return { kind, roots: customers.length, customers };
  }
  const roots: Array<{ gid: string; node: JsonRecord }> = [];
  const children = new Map<string, LateChild[]>();
  for (let i = 0; i < texts.length; i++) {
    const o = parseBulkLine(texts[i], lineNos[i]);
    if (o.type === "Order") roots.push({ gid: o.id, node: o.node });
    else if (o.type === "LineItem" && o.parentGid) {
      const list = children.get(o.parentGid);
      if (list) list.push({ id: o.id, node: o.node });
      else children.set(o.parentGid, [{ id: o.id, node: o.node }]);
    }
  }
  const orders = roots.map((r) => {
    const lines = children.get(r.gid);
    children.delete(r.gid);
    return { gid: r.gid, order: normalizeGraphqlOrder(r.node, lines ? lines.map((l) => l.node) : [], `order ${r.gid}`) };
  });
  return { kind, roots: roots.length, orders, late: [...children] };
}
