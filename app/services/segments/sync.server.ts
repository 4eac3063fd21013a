// Segment sync: writes each scored customer's RFM group, CLV tier, churn risk and
// loyalty tier to Shopify as `retain:*` tags and `$app:retain` metafields, so Shopify
// Email, Flow and native segments can use them. Resumable: the SegmentSyncRun cursor
// is the last customer id done, saved after every page. Rate limits are handled by
// the throttle-aware Admin client; a THROTTLED page is retried, never half-applied
// twice (tagsAdd / tagsRemove / metafieldsSet are idempotent).
import type { PrismaClient, SegmentSyncRun } from "@prisma/client";
import { RFM_GROUPS } from "~/domain/analytics/rfm";
import { SEGMENT_METAFIELDS_SET, SEGMENT_TAGGED_CUSTOMERS, type MetafieldInput } from "~/graphql/campaigns";
import { assertNoUserErrors, type UserErrorEntry } from "~/services/admin-api.server";
import { applyTags, customerGid, ensureSegment, graphqlOf, type ShopifyDeps } from "~/services/campaigns/shopify.server";

export const TAG_PREFIX = "retain:";
export const METAFIELD_NAMESPACE = "$app:retain";
const PAGE = 50;
/** metafieldsSet takes at most 25 metafields per call. */
const METAFIELDS_PER_CALL = 24;
const CLV_TIERS = ["high", "medium", "low"] as const;
const CHURN_LEVELS = ["low", "medium", "high"] as const;
const STALE_RUN_MS = 6 * 3_600_000;

export class SegmentSyncError extends Error {
  override readonly name = "SegmentSyncError";
  constructor(
    readonly reason: "not_found" | "already_running" | "stuck",
    message: string,
  ) {
    super(message);
  }
}

export function slugTag(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export interface CustomerSegmentFacts {
  customerShopifyId: string;
  rfmGroup: string | null;
  predictedClvMinor: number | null;
  churnRisk: string | null;
  loyaltyTier: string | null;
}

export interface ClvThresholds {
  /** Predicted CLV at or above this is "high" (top 20 %). */
  high: number;
  /** At or above this is "medium" (next 40 %); below is "low". */
  medium: number;
}

/** Tier cut-offs from the shop's own distribution: top 20 % high, next 40 % medium. */
export function clvThresholds(values: readonly number[]): ClvThresholds | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { high: at(0.8), medium: at(0.4) };
}

export function clvTier(value: number | null, t: ClvThresholds | null): (typeof CLV_TIERS)[number] | null {
  if (value === null || t === null) return null;
  return value >= t.high ? "high" : value >= t.medium ? "medium" : "low";
}

/** The `retain:*` tags a customer should carry. */
export function desiredTags(f: CustomerSegmentFacts, t: ClvThresholds | null): string[] {
  const tags: string[] = [];
  if (f.rfmGroup) tags.push(`${TAG_PREFIX}rfm:${slugTag(f.rfmGroup)}`);
  const tier = clvTier(f.predictedClvMinor, t);
  if (tier) tags.push(`${TAG_PREFIX}clv:${tier}`);
  if (f.churnRisk) tags.push(`${TAG_PREFIX}churn:${slugTag(f.churnRisk)}`);
  if (f.loyaltyTier && slugTag(f.loyaltyTier)) tags.push(`${TAG_PREFIX}tier:${slugTag(f.loyaltyTier)}`);
  return tags;
}

export function metafieldsFor(f: CustomerSegmentFacts, t: ClvThresholds | null): MetafieldInput[] {
  const ownerId = customerGid(f.customerShopifyId);
  const out: MetafieldInput[] = [];
  const add = (key: string, value: string | null) => {
    if (value) out.push({ ownerId, namespace: METAFIELD_NAMESPACE, key, type: "single_line_text_field", value });
  };
  add("rfm_group", f.rfmGroup ? slugTag(f.rfmGroup) : null);
  add("clv_tier", clvTier(f.predictedClvMinor, t));
  add("churn_risk", f.churnRisk ? slugTag(f.churnRisk) : null);
  return out;
}

/** Every tag the app may have written for this shop (for removal). */
export async function allAppTags(db: PrismaClient, shop: string): Promise<string[]> {
  const tiers = await db.loyaltyAccount.findMany({ where: { shop, tier: { not: null } }, select: { tier: true }, distinct: ["tier"] });
  return [
    ...RFM_GROUPS.map((g) => `${TAG_PREFIX}rfm:${slugTag(g)}`),
    ...CLV_TIERS.map((c) => `${TAG_PREFIX}clv:${c}`),
    ...CHURN_LEVELS.map((c) => `${TAG_PREFIX}churn:${c}`),
    ...tiers.map((t) => `${TAG_PREFIX}tier:${slugTag(t.tier!)}`),
  ];
}

interface SyncCursor {
  after: string | null;
  clv: ClvThresholds | null;
}

function readCursor(run: SegmentSyncRun): SyncCursor {
  if (!run.cursor) return { after: null, clv: null };
  return JSON.parse(run.cursor) as SyncCursor;
}

/** Starts a sync unless one is already in progress; returns the run to hand to the job. */
export async function startSegmentSync(db: PrismaClient, shop: string, kind: "APPLY" | "REMOVE", now: Date): Promise<SegmentSyncRun> {
  // A run whose job died for good must not block the button forever.
  await db.segmentSyncRun.updateMany({
    where: { shop, status: { in: ["PENDING", "RUNNING"] }, startedAt: { lt: new Date(now.getTime() - STALE_RUN_MS) } },
    data: { status: "FAILED", error: "abandoned: no progress for 6 hours", finishedAt: now },
  });
  const active = await db.segmentSyncRun.findFirst({ where: { shop, status: { in: ["PENDING", "RUNNING"] } } });
  if (active) throw new SegmentSyncError("already_running", `a ${active.kind} sync is already running for ${shop}`);
  let total = 0;
  let cursor: string | null = null;
  if (kind === "APPLY") {
    total = await db.customerMetric.count({ where: { shop } });
    const values = (await db.customerMetric.findMany({ where: { shop, predictedClvMinor: { not: null } }, select: { predictedClvMinor: true } })).map((r) => r.predictedClvMinor!);
    cursor = JSON.stringify({ after: null, clv: clvThresholds(values) } satisfies SyncCursor);
  }
  return db.segmentSyncRun.create({ data: { shop, kind, status: "PENDING", cursor, total, startedAt: now } });
}

export interface SyncPageResult {
  run: SegmentSyncRun;
  finished: boolean;
}

async function loadFacts(db: PrismaClient, shop: string, after: string | null): Promise<Array<CustomerSegmentFacts & { currentTags: string[] }>> {
  const rows = await db.customerMetric.findMany({
    where: { shop, ...(after ? { customerShopifyId: { gt: after } } : {}) },
    orderBy: { customerShopifyId: "asc" },
    take: PAGE,
    select: { customerShopifyId: true, rfmGroup: true, predictedClvMinor: true, churnRisk: true },
  });
  const ids = rows.map((r) => r.customerShopifyId);
  const tiers = new Map((await db.loyaltyAccount.findMany({ where: { shop, customerShopifyId: { in: ids } }, select: { customerShopifyId: true, tier: true } })).map((a) => [a.customerShopifyId, a.tier]));
  const customers = new Map(
    (await db.customer.findMany({ where: { shop, shopifyId: { in: ids } }, select: { shopifyId: true, tags: true, deletedAt: true, redactedAt: true } })).map((c) => [c.shopifyId, c]),
  );
  return rows
    .filter((r) => {
      const c = customers.get(r.customerShopifyId);
      return !c?.deletedAt && !c?.redactedAt;
    })
    .map((r) => ({
      customerShopifyId: r.customerShopifyId,
      rfmGroup: r.rfmGroup || null,
      predictedClvMinor: r.predictedClvMinor,
      churnRisk: r.churnRisk,
      loyaltyTier: tiers.get(r.customerShopifyId) ?? null,
      currentTags: (customers.get(r.customerShopifyId)?.tags ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    }));
}

async function setMetafields(deps: ShopifyDeps, shop: string, fields: MetafieldInput[]): Promise<void> {
  const graphql = graphqlOf(deps);
  for (let i = 0; i < fields.length; i += METAFIELDS_PER_CALL) {
    const data = await graphql<{ metafieldsSet: { userErrors: UserErrorEntry[] } }>(shop, SEGMENT_METAFIELDS_SET, { metafields: fields.slice(i, i + METAFIELDS_PER_CALL) });
    assertNoUserErrors(data.metafieldsSet, "metafieldsSet");
  }
}

/** Applies one page of customers and saves the cursor; call until `finished`. */
export async function runApplyPage(db: PrismaClient, runId: string, deps: ShopifyDeps = {}, now: Date = new Date()): Promise<SyncPageResult> {
  let run = await db.segmentSyncRun.findUnique({ where: { id: runId } });
  if (!run) throw new SegmentSyncError("not_found", `segment sync run ${runId} does not exist`);
  if (run.status === "COMPLETED" || run.status === "CANCELLED") return { run, finished: true };
  const cursor = readCursor(run);
  const facts = await loadFacts(db, run.shop, cursor.after);
  const lastId = facts.length > 0 ? facts[facts.length - 1].customerShopifyId : null;
  // Stale retain:* tags (a customer who moved group) come off before the new ones go on.
  const removals = facts
    .map((f) => {
      const want = new Set(desiredTags(f, cursor.clv));
      return { customerShopifyId: f.customerShopifyId, tags: f.currentTags.filter((t) => t.startsWith(TAG_PREFIX) && !want.has(t)) };
    })
    .filter((r) => r.tags.length > 0);
  if (removals.length > 0) await applyTags(deps, run.shop, "tagsRemove", removals);
  const additions = facts.map((f) => ({ customerShopifyId: f.customerShopifyId, tags: desiredTags(f, cursor.clv) })).filter((a) => a.tags.length > 0);
  if (additions.length > 0) await applyTags(deps, run.shop, "tagsAdd", additions);
  await setMetafields(deps, run.shop, facts.flatMap((f) => metafieldsFor(f, cursor.clv)));

  const rawCount = await db.customerMetric.count({ where: { shop: run.shop, ...(cursor.after ? { customerShopifyId: { gt: cursor.after } } : {}) } });
  const finished = rawCount <= PAGE;
  // When every row of the page was skipped (deleted customers) move past them anyway.
  const nextAfter =
    lastId ??
    (
      await db.customerMetric.findMany({
        where: { shop: run.shop, ...(cursor.after ? { customerShopifyId: { gt: cursor.after } } : {}) },
        orderBy: { customerShopifyId: "asc" },
        take: PAGE,
        select: { customerShopifyId: true },
      })
    ).pop()?.customerShopifyId ??
    cursor.after;
  run = await db.segmentSyncRun.update({
    where: { id: run.id },
    data: {
      status: finished ? "COMPLETED" : "RUNNING",
      cursor: JSON.stringify({ after: nextAfter, clv: cursor.clv } satisfies SyncCursor),
      done: Math.min(run.total, run.done + Math.min(PAGE, rawCount)),
      finishedAt: finished ? now : null,
    },
  });
  return { run, finished };
}

/** Removes every `retain:*` tag from every customer that has one; one page per call. */
export async function runRemovePage(db: PrismaClient, runId: string, deps: ShopifyDeps = {}, now: Date = new Date()): Promise<SyncPageResult> {
  let run = await db.segmentSyncRun.findUnique({ where: { id: runId } });
  if (!run) throw new SegmentSyncError("not_found", `segment sync run ${runId} does not exist`);
  if (run.status === "COMPLETED" || run.status === "CANCELLED") return { run, finished: true };
  const tags = await allAppTags(db, run.shop);
  const query = tags.map((t) => `tag:"${t}"`).join(" OR ");
  const graphql = graphqlOf(deps);
  // Removing the tags takes customers out of the result, so the query itself is the cursor.
  const data = await graphql<{ customers: { nodes: Array<{ id: string; tags: string[] }> } }>(run.shop, SEGMENT_TAGGED_CUSTOMERS, { query });
  const items = data.customers.nodes
    .map((n) => ({ customerShopifyId: n.id.split("/").pop()!, tags: n.tags.filter((t) => t.toLowerCase().startsWith(TAG_PREFIX)) }))
    .filter((n) => n.tags.length > 0);
  // The previous page's first customer showing up again means its tags did not come off.
  if (items.length > 0 && run.done > 0 && run.cursor === items[0].customerShopifyId) {
    throw new SegmentSyncError("stuck", `tags of customer ${run.cursor} could not be removed`);
  }
  if (items.length > 0) await applyTags(deps, run.shop, "tagsRemove", items);
  const finished = data.customers.nodes.length === 0;
  run = await db.segmentSyncRun.update({
    where: { id: run.id },
    data: {
      status: finished ? "COMPLETED" : "RUNNING",
      cursor: items[0]?.customerShopifyId ?? null,
      done: run.done + items.length,
      total: run.done + items.length,
      finishedAt: finished ? now : null,
    },
  });
  // Keep the local mirror in step, so the next APPLY does not try to remove them again.
  if (items.length > 0) {
    for (const item of items) {
      const c = await db.customer.findUnique({ where: { shop_shopifyId: { shop: run.shop, shopifyId: item.customerShopifyId } }, select: { tags: true } });
      if (!c) continue;
      const kept = c.tags
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t && !t.toLowerCase().startsWith(TAG_PREFIX));
      await db.customer.update({ where: { shop_shopifyId: { shop: run.shop, shopifyId: item.customerShopifyId } }, data: { tags: kept.join(", ") } });
    }
  }
  return { run, finished };
}

/** Runs a sync to the end (the job calls this; tests too). */
export async function runSegmentSync(db: PrismaClient, runId: string, deps: ShopifyDeps = {}, now: Date = new Date(), maxPages = 100_000): Promise<SegmentSyncRun> {
  const page = (await db.segmentSyncRun.findUnique({ where: { id: runId } }))?.kind === "REMOVE" ? runRemovePage : runApplyPage;
  for (let i = 0; i < maxPages; i++) {
    const { run, finished } = await page(db, runId, deps, now);
    if (finished) return run;
  }
  throw new SegmentSyncError("stuck", `segment sync ${runId} did not finish in ${maxPages} pages`);
}

/** Native Shopify segments on the app's tags, for Shopify Email and Flow. Idempotent by name. */
export async function createNativeSegments(db: PrismaClient, shop: string, deps: ShopifyDeps = {}): Promise<string[]> {
  const ids: string[] = [];
  for (const tag of await allAppTags(db, shop)) {
    const label = tag.slice(TAG_PREFIX.length).replace(/:/g, " ").replace(/-/g, " ");
    ids.push(await ensureSegment(deps, shop, `Retain: ${label}`, `customer_tags CONTAINS '${tag}'`));
  }
  return ids;
}

export async function latestSegmentSyncRun(db: PrismaClient, shop: string): Promise<SegmentSyncRun | null> {
  return db.segmentSyncRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } });
}

// ------------------------------------------------------------------ page helpers

export interface SegmentSyncPage {
  latest: { id: string; kind: string; status: string; done: number; total: number; error: string | null; startedAt: string; finishedAt: string | null } | null;
  scoredCustomers: number;
  nativeSegments: boolean;
}

export async function getSegmentSyncPage(db: PrismaClient, shop: string): Promise<SegmentSyncPage> {
  const run = await latestSegmentSyncRun(db, shop);
  const created = await db.auditLog.findFirst({ where: { shop, action: "segments.native-created" }, select: { id: true } });
  return {
    latest: run
      ? { id: run.id, kind: run.kind, status: run.status, done: run.done, total: run.total, error: run.error, startedAt: run.startedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null }
      : null,
    scoredCustomers: await db.customerMetric.count({ where: { shop } }),
    nativeSegments: created !== null,
  };
}

/** Starts APPLY or REMOVE and queues its job; `createSegments` also queues native segment creation. */
export async function requestSegmentSync(
  db: PrismaClient,
  shop: string,
  actor: string,
  kind: "APPLY" | "REMOVE",
  now: Date,
  enqueue: (type: string, payload: Record<string, unknown>) => Promise<unknown>,
  createSegments = false,
): Promise<{ ok: true } | { ok: false; error: SegmentSyncError["reason"] }> {
  try {
    const run = await startSegmentSync(db, shop, kind, now);
    await enqueue(kind === "APPLY" ? "segments.sync" : "segments.remove-tags", { runId: run.id, createSegments });
    await db.auditLog.create({ data: { shop, actor, action: kind === "APPLY" ? "segments.sync" : "segments.remove-tags", subject: run.id } });
    return { ok: true };
  } catch (err) {
    if (err instanceof SegmentSyncError) return { ok: false, error: err.reason };
    throw err;
  }
}
