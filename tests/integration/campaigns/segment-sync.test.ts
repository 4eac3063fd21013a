// Segment sync against the simulator: tags and metafields reach Shopify, a sync
// interrupted after one page resumes from its cursor, native segments are created
// once, and "remove the app's tags" strips every retain:* tag and nothing else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import {
  createNativeSegments,
  runApplyPage,
  runSegmentSync,
  SegmentSyncError,
  startSegmentSync,
  TAG_PREFIX,
} from "~/services/segments/sync.server";
import { startSimulator, type Simulator } from "../../../dev/shopify-sim";
import { resetDatabase } from "../../helpers/db";
import { GENERATED_END, loadGeneratedShop, simGraphql } from "./helpers";

const db = prisma;
const SHOP = "segment-sync.myshopify.com";
const NOW = new Date(GENERATED_END.getTime() + 86_400_000);
let sim: Simulator;

beforeAll(async () => {
  await prepareDatabase(db);
  await resetDatabase(db);
  sim = await startSimulator({ apiKey: "k", apiSecret: "s", mutationWebhooks: false, throttle: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  await loadGeneratedShop(db, sim, SHOP, { size: 150, seed: 9 });
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

function retainTags(id: string): string[] {
  return sim.customerTags(SHOP, id).filter((t) => t.startsWith(TAG_PREFIX));
}

describe("segment sync", () => {
  it("writes RFM, CLV-tier and churn tags plus $app:retain metafields to every scored customer, resuming after an interruption", async () => {
    const metrics = await db.customerMetric.findMany({ where: { shop: SHOP }, orderBy: { customerShopifyId: "asc" } });
    const run = await startSegmentSync(db, SHOP, "APPLY", NOW);
    await expect(startSegmentSync(db, SHOP, "APPLY", NOW)).rejects.toBeInstanceOf(SegmentSyncError);
    const graphql = simGraphql(sim);
    const first = await runApplyPage(db, run.id, { graphql }, NOW);
    expect(first.finished).toBe(false);
    expect(first.run.done).toBe(50);
    // Only the first page is tagged so far: the cursor is the resume point.
    expect(retainTags(metrics[49].customerShopifyId).length).toBeGreaterThan(0);
    expect(retainTags(metrics[50].customerShopifyId)).toEqual([]);
    const done = await runSegmentSync(db, run.id, { graphql }, NOW);
    expect(done.status).toBe("COMPLETED");
    expect(done.done).toBe(metrics.length);
    for (const m of metrics) {
      const tags = retainTags(m.customerShopifyId);
      expect(tags).toContain(`retain:rfm:${m.rfmGroup.toLowerCase().replace(/_/g, "-")}`);
      if (m.churnRisk) expect(tags).toContain(`retain:churn:${m.churnRisk.toLowerCase()}`);
      expect(tags.filter((t) => t.startsWith("retain:rfm:"))).toHaveLength(1);
    }
    const withClv = metrics.filter((m) => m.predictedClvMinor !== null);
    const high = withClv.filter((m) => retainTags(m.customerShopifyId).includes("retain:clv:high")).length;
    // Top 20 % by predicted CLV (ties may add a few).
    expect(high).toBeGreaterThanOrEqual(Math.floor(0.19 * withClv.length));
    expect(high).toBeLessThanOrEqual(Math.ceil(0.3 * withClv.length));
    const fields = sim.listMetafields(SHOP, `gid://shopify/Customer/${metrics[0].customerShopifyId}`);
    expect(fields.map((f) => f.key).sort()).toEqual(expect.arrayContaining(["churn_risk", "rfm_group"].filter((k) => k !== "churn_risk" || metrics[0].churnRisk)));
    expect(fields.every((f) => f.namespace.startsWith("app--") && f.namespace.endsWith("--retain"))).toBe(true);
  });

  it("a customer who moved RFM group loses the stale tag on the next sync", async () => {
    const m = await db.customerMetric.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { customerShopifyId: "asc" } });
    const oldTag = `retain:rfm:${m.rfmGroup.toLowerCase().replace(/_/g, "-")}`;
    const next = m.rfmGroup === "CHAMPIONS" ? "DORMANT" : "CHAMPIONS";
    await db.customerMetric.update({ where: { id: m.id }, data: { rfmGroup: next } });
    // The local mirror is what the sync engine keeps from customers/update webhooks.
    await db.customer.update({ where: { shop_shopifyId: { shop: SHOP, shopifyId: m.customerShopifyId } }, data: { tags: sim.customerTags(SHOP, m.customerShopifyId).join(", ") } });
    const run = await startSegmentSync(db, SHOP, "APPLY", NOW);
    await runSegmentSync(db, run.id, { graphql: simGraphql(sim) }, NOW);
    const tags = retainTags(m.customerShopifyId);
    expect(tags).not.toContain(oldTag);
    expect(tags).toContain(`retain:rfm:${next.toLowerCase()}`);
  });

  it("creates native Shopify segments on the tags once (a second call reuses them)", async () => {
    const graphql = simGraphql(sim);
    const ids = await createNativeSegments(db, SHOP, { graphql });
    const again = await createNativeSegments(db, SHOP, { graphql });
    expect(again).toEqual(ids);
    const champions = sim.listSegments(SHOP).find((s) => s.query === "customer_tags CONTAINS 'retain:rfm:champions'");
    expect(champions?.name).toBe("Retain: rfm champions");
  });

  it("THROTTLED pages are retried: a sync under a drained bucket completes with the same tags and no duplicate metafields", async () => {
    const before = new Map((await db.customerMetric.findMany({ where: { shop: SHOP } })).map((m) => [m.customerShopifyId, retainTags(m.customerShopifyId).sort()]));
    const metafieldsBefore = sim.listMetafields(SHOP).length;
    const graphql = simGraphql(sim, (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 40))));
    sim.setThrottle(SHOP, { maximumAvailable: 400, currentlyAvailable: 400, restoreRate: 5_000 });
    const seq = sim.requests.length;
    let calls = 0;
    const draining: typeof graphql = async (shopDomain, document, variables) => {
      if (++calls % 2 === 0) sim.setThrottle(SHOP, { currentlyAvailable: 0 });
      return graphql(shopDomain, document, variables);
    };
    const run = await startSegmentSync(db, SHOP, "APPLY", NOW);
    const done = await runSegmentSync(db, run.id, { graphql: draining }, NOW);
    sim.setThrottle(SHOP, { maximumAvailable: 1_000_000, currentlyAvailable: 1_000_000, restoreRate: 1_000_000 });
    expect(done.status).toBe("COMPLETED");
    expect(sim.requests.slice(seq).filter((r) => r.throttled).length).toBeGreaterThan(3);
    for (const [id, tags] of before) expect(retainTags(id).sort()).toEqual(tags);
    expect(sim.listMetafields(SHOP).length).toBe(metafieldsBefore);
  });

  it("'remove the app's tags' strips every retain:* tag and keeps the merchant's own tags", async () => {
    const someone = (await db.customerMetric.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { customerShopifyId: "desc" } })).customerShopifyId;
    await sim.upsertCustomers(SHOP, { id: Number(someone), tags: [...sim.customerTags(SHOP, someone), "VIP"].join(", ") } as never);
    const run = await startSegmentSync(db, SHOP, "REMOVE", NOW);
    const done = await runSegmentSync(db, run.id, { graphql: simGraphql(sim) }, NOW);
    expect(done.status).toBe("COMPLETED");
    expect(done.done).toBeGreaterThan(100);
    const metrics = await db.customerMetric.findMany({ where: { shop: SHOP } });
    for (const m of metrics) expect(retainTags(m.customerShopifyId)).toEqual([]);
    expect(sim.customerTags(SHOP, someone)).toContain("VIP");
    const ours = sim.requests.filter((r) => /^(Segment|RetainTags|CampaignSegment)/.test(r.operationName ?? ""));
    expect(ours.filter((r) => !r.valid).map((r) => [r.operationName, r.errors])).toEqual([]);
  });
});
