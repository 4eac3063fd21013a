// Privacy compliance webhooks (customers/data_request, customers/redact,
// shop/redact). What is erased and what stays is documented in docs/sync.md.
import { Prisma, type PrismaClient } from "@prisma/client";
import { asArray, asRecord, optionalId, optionalRecord, toShopifyId } from "~/domain/sync";
import { deleteShopOrders, withLineItems } from "./order-line-items.server";
import { customerLockKey, inTransaction, lockResource } from "./tx.server";

interface CustomerRequest {
  customerShopifyId: string;
  orderIds: string[];
  requestId: string | null;
}

function readCustomerRequest(payload: unknown, ordersKey: "orders_requested" | "orders_to_redact"): CustomerRequest {
  const p = asRecord(payload, "payload");
  const customer = asRecord(p.customer, "payload.customer");
  const request = optionalRecord(p.data_request, "payload.data_request");
  return {
    customerShopifyId: toShopifyId(customer.id, "payload.customer.id"),
    orderIds: asArray(p[ordersKey], `payload.${ordersKey}`).map((id, i) => toShopifyId(id, `payload.${ordersKey}[${i}]`)),
    requestId: request ? optionalId(request.id, "payload.data_request.id") : null,
  };
}

/** Models whose rows would be exported for a customer (everything keyed by customerShopifyId). */
const CUSTOMER_KEYED = ["loyaltyAccount", "campaignAssignment", "campaignCode", "customerMetric"] as const;

/**
 * Builds a JSON export of everything held on the customer and stores it as a
 * DataExport for the merchant to download. Idempotent per data_request id.
 */
export async function exportCustomerData(db: PrismaClient, shop: string, payload: unknown, now: Date): Promise<string> {
  const req = readCustomerRequest(payload, "orders_requested");
  if (req.requestId) {
    const existing = await db.dataExport.findFirst({ where: { shop, requestId: req.requestId }, select: { id: true } });
    if (existing) return existing.id;
  }
  const customer = await db.customer.findUnique({ where: { shop_shopifyId: { shop, shopifyId: req.customerShopifyId } } });
  const orders = await withLineItems(db, await db.order.findMany({
    where: { shop, OR: [{ customerShopifyId: req.customerShopifyId }, { shopifyId: { in: req.orderIds } }] },
    orderBy: { processedAt: "asc" },
  }));
  const refunds = await db.refund.findMany({ where: { shop, orderShopifyId: { in: orders.map((o) => o.shopifyId) } } });
  const related: Record<string, unknown> = {};
  for (const model of CUSTOMER_KEYED) {
    // Dynamic access keeps the export complete as other features add customer-keyed tables.
    const delegate = (db as unknown as Record<string, { findMany(args: unknown): Promise<unknown[]> }>)[model];
    related[model] = await delegate.findMany({ where: { shop, customerShopifyId: req.customerShopifyId } });
  }
  const accounts = related.loyaltyAccount as Array<{ id: string }>;
  if (accounts.length > 0) {
    const accountIds = accounts.map((a) => a.id);
    related.ledgerEntries = await db.ledgerEntry.findMany({ where: { shop, accountId: { in: accountIds } }, orderBy: { occurredAt: "asc" } });
    related.redemptions = await db.redemption.findMany({ where: { shop, accountId: { in: accountIds } } });
  }
  const exportPayload = JSON.parse(
    JSON.stringify({ generatedAt: now, shop, customerShopifyId: req.customerShopifyId, customer, orders, refunds, ...related }, (_k, v) =>
      typeof v === "bigint" ? v.toString() : v,
    ),
  ) as Prisma.InputJsonValue;
  const created = await db.$transaction(async (tx) => {
    const row = await tx.dataExport.create({
      data: { shop, customerShopifyId: req.customerShopifyId, requestId: req.requestId, payload: exportPayload },
      select: { id: true },
    });
    await tx.auditLog.create({
      data: {
        shop, actor: "webhook", action: "gdpr.data_request", subject: `customer:${req.customerShopifyId}`,
        details: { dataExportId: row.id, requestId: req.requestId, orders: orders.length },
      },
    });
    return row;
  });
  return created.id;
}

/**
 * Erases the customer's direct identifiers (email, names, phone, birthday,
 * tags) and the email on their orders; amounts, dates and the numeric id stay
 * so anonymous aggregates (revenue, cohorts, CLV inputs) remain correct.
 * Earlier data exports of that customer are deleted (they contain PII).
 */
export async function redactCustomer(db: PrismaClient, shop: string, payload: unknown, now: Date): Promise<{ orders: number }> {
  const req = readCustomerRequest(payload, "orders_to_redact");
  return inTransaction(db, async (tx) => {
    await lockResource(tx, customerLockKey(shop, req.customerShopifyId));
    await tx.customer.upsert({
      where: { shop_shopifyId: { shop, shopifyId: req.customerShopifyId } },
      // A tombstone blocks PII from a customers/create that arrives later.
      create: { shop, shopifyId: req.customerShopifyId, redactedAt: now },
      update: { email: null, firstName: null, lastName: null, phone: null, birthday: null, tags: "", redactedAt: now },
    });
    const orders = await tx.order.updateMany({
      where: { shop, OR: [{ customerShopifyId: req.customerShopifyId }, { shopifyId: { in: req.orderIds } }] },
      data: { email: null },
    });
    await tx.dataExport.deleteMany({ where: { shop, customerShopifyId: req.customerShopifyId } });
    await tx.auditLog.create({
      data: { shop, actor: "webhook", action: "gdpr.customer_redact", subject: `customer:${req.customerShopifyId}`, details: { orders: orders.count } },
    });
    return { orders: orders.count };
  });
}

/**
 * shop/redact: deletes every row of the shop in every table that has a `shop`
 * column, found from the Prisma data model so tables added later are covered.
 * The inbox row of this very delivery is kept (its body holds only the shop
 * domain) so the worker can mark it done.
 */
export async function redactShop(db: PrismaClient, shop: string, keepWebhookId: string | null): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const models = Prisma.dmmf.datamodel.models.filter((m) => m.fields.some((f) => f.name === "shop"));
  // Children before parents so foreign keys never block a delete.
  const order = [...models].sort((a, b) => dependents(b, models) - dependents(a, models));
  await inTransaction(db, async (tx) => {
    // Line items have no index on shop (it would cost every order write): they go with their orders.
    const deleted = await deleteShopOrders(tx, shop);
    counts.Order = deleted.orders;
    counts.OrderLineItem = deleted.lines;
    for (const model of order) {
      if (model.name === "Order" || model.name === "OrderLineItem") continue;
      const key = model.name.charAt(0).toLowerCase() + model.name.slice(1);
      const delegate = (tx as unknown as Record<string, { deleteMany(args: unknown): Promise<{ count: number }> }>)[key];
      const where = model.name === "WebhookInbox" && keepWebhookId ? { shop, NOT: { webhookId: keepWebhookId } } : { shop };
      counts[model.name] = (await delegate.deleteMany({ where })).count;
    }
  });
  return counts;
}

// A model that other models reference must be deleted after them.
function dependents(model: Prisma.DMMF.Model, models: readonly Prisma.DMMF.Model[]): number {
  return models.some((m) => m.fields.some((f) => f.kind === "object" && f.type === model.name && (f.relationFromFields?.length ?? 0) > 0)) ? 0 : 1;
}
