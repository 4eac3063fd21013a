// One batch of the orders backfill, written through direct SQL (ADR 008)
// inside the caller's transaction. Orders absent from the table (all of them
// on a first backfill) are inserted set-wise with their line items and
// refunds; an order already stored (a webhook got there first, or a re-run)
// goes through the webhook path's applyOrder, so newer-updated_at-wins holds
// for backfill exactly as for webhooks. Prisma's per-query cost (~1 ms) was
// what limited the backfill to ~1.4k orders/s.
import { normalizeGraphqlLineItem, toShopifyId, type NormalizedRefund } from "~/domain/sync";
import type { LateChild } from "~/domain/sync/backfill-batch";
import { planBackfillRefunds, type StoredRefundView } from "~/domain/sync/backfill-refunds";
import { inList, listParam, rowsByKeysSql, sqliteDateText, type DirectQueries, type SqlParam } from "~/lib/direct-sql.server";
import { applyOrder } from "./apply.server";
import { decodeOrder, encodeLine, LINE_TABLE, lineValues, ORDER_COL, ORDER_TABLE, type EncodedOrder, type WriterBatch } from "./backfill-rows.server";
import { castFor, insertMany, type Column } from "./backfill-sql.server";
import { newRowId } from "./row-id.server";
import { lockResource, lockResources, orderLockKey } from "./tx.server";

/** Whether a parent order's bulk version was applied, for its children that come in a later batch. */
export interface ParentMemory {
  get(gid: string): boolean | undefined;
  set(gid: string, applied: boolean): void;
}

const REFUND_TABLE: Column[] = [
  { name: "id", type: "text" }, { name: "shop", type: "text" }, { name: "shopifyId", type: "text" }, { name: "orderShopifyId", type: "text" },
  { name: "amountMinor", type: "int" }, { name: "storeCreditMinor", type: "int" }, { name: "lines", type: "json" }, { name: "note", type: "text" },
  { name: "processedAt", type: "timestamp" }, { name: "appliedAt", type: "timestamp" }, { name: "createdAt", type: "timestamp" },
];
// A late line item replaces the stored one with the same (orderId, shopifyId).
const LINE_UPSERT = `ON CONFLICT ("orderId", "shopifyId") DO UPDATE SET ${LINE_TABLE.filter((c) => !["orderId", "shopifyId"].includes(c.name))
  .map((c) => `"${c.name}" = excluded."${c.name}"`).join(", ")}`;

function refundRow(shop: string, r: NormalizedRefund, now: string): SqlParam[] {
  return [newRowId(), shop, r.shopifyId, r.orderShopifyId, r.amountMinor, r.storeCreditMinor, r.lines === null ? null : JSON.stringify(r.lines), r.note, r.processedAt, now, now];
}

/** Writes one prepared batch of orders (and late line items); returns its root order count. */
export async function writeOrderBatch(q: DirectQueries, shop: string, batch: Extract<WriterBatch, { kind: "orders" }>, parents: ParentMemory, now: Date): Promise<number> {
  const encoded = batch.orders;
  const ids = encoded.map((e) => e.row[ORDER_COL.shopifyId] as string);
  if (q.provider === "postgresql") await lockResources(q, ids.map((id) => orderLockKey(shop, id))); // SQLite: the write lock serializes

  // Per-key probes (rowsByKeysSql), not a transaction-wide planner setting: that also re-planned
  // the line items' foreign-key check for every row (ADR 013).
  const stored = ids.length === 0 ? [] : await q.query<{ key: string }>(
    rowsByKeysSql(q, "Order", "shopifyId", `r."shopifyId" AS "key"`, { firstOnly: true }), [shop, listParam(q, ids)],
  );
  const seen = new Set(stored.map((r) => r.key));
  const fresh: EncodedOrder[] = [];
  const known: EncodedOrder[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const e = encoded[i];
    if (seen.has(ids[i])) known.push(e);
    else {
      seen.add(ids[i]);
      fresh.push(e);
      parents.set(e.gid, true);
    }
  }
  await insertFreshOrders(q, shop, fresh, now);
  // Stored before (or repeated in this batch): the per-order merge rules decide.
  for (const e of known) {
    const res = await applyOrder(q, shop, decodeOrder(e), now);
    parents.set(e.gid, res.decision === "insert" || res.decision === "update");
  }
  await attachLateChildren(q, shop, batch.late, parents, now);
  return batch.roots;
}

async function insertFreshOrders(q: DirectQueries, shop: string, fresh: EncodedOrder[], now: Date): Promise<void> {
  if (fresh.length === 0) return;
  const customerIds = [...new Set(fresh.map((e) => e.row[ORDER_COL.customerShopifyId] as string | null).filter((id): id is string => id !== null))];
  const redacted = new Set(
    customerIds.length === 0 ? [] : (await q.query<{ key: string }>(
      rowsByKeysSql(q, "Customer", "shopifyId", `r."shopifyId" AS "key"`, { where: `r."redactedAt" IS NOT NULL`, firstOnly: true }), [shop, listParam(q, customerIds)],
    )).map((c) => c.key),
  );
  const embedded = fresh.flatMap((e) => e.refunds);
  // Refunds already stored: held ones of these orders, or embedded ones seen before.
  const refundColumns = `r."id", r."shopifyId", r."orderShopifyId", r."amountMinor", r."storeCreditMinor",
    CASE WHEN r."lines" IS NULL THEN 0 ELSE 1 END AS "hasLines", CASE WHEN r."appliedAt" IS NULL THEN 1 ELSE 0 END AS "held"`;
  type RefundRow = { id: string; shopifyId: string; orderShopifyId: string; amountMinor: number; storeCreditMinor: number; hasLines: number; held: number };
  const byOrder = await q.query<RefundRow>(rowsByKeysSql(q, "Refund", "orderShopifyId", refundColumns), [shop, listParam(q, fresh.map((e) => e.row[ORDER_COL.shopifyId] as string))]);
  const byId = embedded.length === 0 ? [] : await q.query<RefundRow>(rowsByKeysSql(q, "Refund", "shopifyId", refundColumns), [shop, listParam(q, embedded.map((r) => r.shopifyId))]);
  const storedRefunds: StoredRefundView[] = [...byOrder, ...byId].map((r) => ({
    id: r.id, shopifyId: r.shopifyId, orderShopifyId: r.orderShopifyId, amountMinor: Number(r.amountMinor), storeCreditMinor: Number(r.storeCreditMinor),
    hasLines: Number(r.hasLines) === 1, held: Number(r.held) === 1,
  }));
  const plan = planBackfillRefunds(embedded, storedRefunds);

  // The rows came encoded from the parser; what only the writer knows is filled in here.
  const orderRows: SqlParam[][] = [];
  const lineRows: SqlParam[][] = [];
  let linesCopy = "";
  // Formatted once per batch rather than per row (Prisma's text form; PostgreSQL's timestamp(3) ignores the +00:00).
  const nowText = sqliteDateText(now);
  for (const e of fresh) {
    const row = e.row;
    const customer = row[ORDER_COL.customerShopifyId] as string | null;
    if (customer !== null && redacted.has(customer)) row[ORDER_COL.email] = null;
    row[ORDER_COL.refundedMinor] = plan.refundedByOrder.get(row[ORDER_COL.shopifyId] as string) ?? 0;
    row[ORDER_COL.createdAt] = nowText;
    row[ORDER_COL.updatedAt] = nowText;
    orderRows.push(row);
    if (e.linesCopy === undefined) for (const l of e.lines) lineRows.push(l);
    else if (q.copyIn) linesCopy += e.linesCopy;
    else for (const l of lineValues(e)) lineRows.push(l);
  }
  await insertMany(q, "Order", ORDER_TABLE, orderRows);
  await insertMany(q, "OrderLineItem", LINE_TABLE, lineRows);
  if (linesCopy !== "") await q.copyIn!("OrderLineItem", LINE_TABLE.map((c) => c.name), linesCopy);
  await insertMany(q, "Refund", REFUND_TABLE, plan.create.map((r) => refundRow(shop, r, nowText)));
  for (const e of plan.enrich) {
    const r = e.refund;
    await q.execute(
      `UPDATE "Refund" SET "orderShopifyId" = $1, "amountMinor" = $2, "storeCreditMinor" = $3, "lines" = $4${castFor(q, "json")}, "note" = $5, "processedAt" = $6${castFor(q, "timestamp")} WHERE "id" = $7`,
      [r.orderShopifyId, r.amountMinor, r.storeCreditMinor, r.lines === null ? null : JSON.stringify(r.lines), r.note, r.processedAt, e.id],
    );
  }
  if (plan.release.length > 0) {
    await q.execute(`UPDATE "Refund" SET "appliedAt" = $1${castFor(q, "timestamp")} WHERE ${inList(q, "id", 2)}`, [now, listParam(q, plan.release)]);
  }
}

/** Line items whose parent order came in an earlier batch (rare: a batch boundary fell inside an order). */
async function attachLateChildren(q: DirectQueries, shop: string, children: ReadonlyArray<[string, LateChild[]]>, parents: ParentMemory, now: Date): Promise<void> {
  for (const [parentGid, lines] of children) {
    if (parents.get(parentGid) === false) continue; // that bulk version was older than what we hold
    const orderShopifyId = toShopifyId(parentGid, "__parentId", "Order");
    await lockResource(q, orderLockKey(shop, orderShopifyId));
    // PostgreSQL: the order's row stays locked while its lines are written, as every writer of lines does (ADR 015).
    const [order] = await q.query<{ id: string; currency: string }>(
      `SELECT "id", "currency" FROM "Order" WHERE "shop" = $1 AND "shopifyId" = $2${q.provider === "postgresql" ? " FOR UPDATE" : ""}`, [shop, orderShopifyId],
    );
    if (!order) continue;
    // One row per line id, the last version winning (PostgreSQL refuses to upsert a row twice in one statement).
    const byId = new Map<string, SqlParam[]>();
    for (const l of lines) {
      const item = normalizeGraphqlLineItem(l.node, order.currency, `line item ${l.id}`);
      byId.delete(item.shopifyId);
      byId.set(item.shopifyId, encodeLine(shop, order.id, item));
    }
    const rows = [...byId.values()];
    await insertMany(q, "OrderLineItem", LINE_TABLE, rows, LINE_UPSERT);
    if (rows.length > 0) {
      await q.execute(
        `UPDATE "Order" SET "giftCardMinor" = (SELECT COALESCE(SUM("priceMinor" * "quantity" - "discountMinor"), 0) FROM "OrderLineItem" WHERE "orderId" = $1 AND "giftCard" = $2), "updatedAt" = $3${castFor(q, "timestamp")} WHERE "id" = $4`,
        [order.id, true, now, order.id],
      );
    }
  }
}
