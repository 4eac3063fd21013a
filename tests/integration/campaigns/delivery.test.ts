// Delivery through the Admin API simulator: each mode reaches the treatment group
// only, throttling and crashes never lose or duplicate codes, cancel disables them,
// bonus points go to treated customers only, and every document the app sent was
// valid against the 2026-07 schema.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { summarizeAudience } from "~/domain/campaigns";
import { loadCustomerFacts } from "~/services/campaigns/audience.server";
import { createCampaign, previewCampaign } from "~/services/campaigns/campaigns.server";
import { disableCampaignDelivery, requestCancel } from "~/services/campaigns/cancel.server";
import { createCampaignJobHandlers, tickCampaigns } from "~/services/campaigns/jobs.server";
import { campaignTag, requestLaunch, runLaunch } from "~/services/campaigns/launch.server";
import { saveProgramSettings, setProgramEnabled } from "~/services/loyalty/program.server";
import { startSimulator, type Simulator } from "../../../dev/shopify-sim";
import { resetDatabase } from "../../helpers/db";
import { GENERATED_END, loadGeneratedShop, runCampaignWindow, simGraphql, type LoadedShop } from "./helpers";

const db = prisma;
const SHOP = "campaign-delivery.myshopify.com";
const START = GENERATED_END;
const END = new Date(START.getTime() + 28 * 86_400_000);
let sim: Simulator;
let shop: LoadedShop;

const quickSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 40)));

beforeAll(async () => {
  await prepareDatabase(db);
  await resetDatabase(db);
  sim = await startSimulator({ apiKey: "k", apiSecret: "s", mutationWebhooks: false, throttle: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  shop = await loadGeneratedShop(db, sim, SHOP, { size: 300, seed: 5 });
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

async function draft(name: string, audience: Record<string, unknown>, extra: Record<string, unknown> = {}, reward: Record<string, unknown> = { kind: "PERCENT", percent: 15 }) {
  const c = await createCampaign(db, SHOP, { name, audience, offer: { reward, minimumOrderMinor: 2000, startsAt: START.toISOString(), endsAt: END.toISOString() }, seed: `seed-${name}`, ...extra }, "test");
  await requestLaunch(db, SHOP, c.id, "test");
  return c;
}

async function groups(campaignId: string) {
  const rows = await db.campaignAssignment.findMany({ where: { campaignId } });
  return {
    treated: new Set(rows.filter((r) => r.group === "TREATMENT").map((r) => r.customerShopifyId)),
    control: new Set(rows.filter((r) => r.group === "CONTROL").map((r) => r.customerShopifyId)),
  };
}

function discountsOf(title: string) {
  return sim.listDiscounts(SHOP).filter((d) => d.title.startsWith(title));
}

function contextCustomers(d: ReturnType<typeof discountsOf>[number]): string[] {
  const ctx = d.context as { type: string; customerIds?: string[] };
  return ctx.type === "customers" ? (ctx.customerIds ?? []) : [];
}

describe("review step", () => {
  it("audience size and expected value equal the domain summary of the analytics rows; cost = redemptions × 15 % × average order", async () => {
    const input = { name: "Preview", audience: { pAlive: { min: 0.5 } }, offer: { reward: { kind: "PERCENT", percent: 15 }, startsAt: START.toISOString(), endsAt: END.toISOString() } };
    const preview = await previewCampaign(db, SHOP, input, START);
    const summary = summarizeAudience({ pAlive: { min: 0.5 } }, await loadCustomerFacts(db, SHOP), START);
    expect(preview.audience.size).toBe(summary.size);
    expect(preview.audience.size).toBeGreaterThan(20);
    expect(preview.audience.expectedValueMinor).toBe(summary.expectedValueMinor);
    expect(preview.audience.scoredCustomers).toBe(await db.customerMetric.count({ where: { shop: SHOP } }));
    expect(preview.expectedTreated + preview.expectedControl).toBe(preview.audience.size);
    expect(preview.expectedControl).toBe(Math.round(0.1 * preview.audience.size));
    expect(preview.deliveryMode).toBe("AUDIENCE_CODE");
    expect(preview.expectedRedemptions).toBeGreaterThan(0);
    expect(preview.estimatedCostMinor).toBe(Math.round(preview.expectedRedemptions * 0.15 * preview.audience.averageOrderMinor!));
  });

  it("an empty audience launches to FAILED with a reason, not a crash", async () => {
    const c = await draft("Nobody", { predictedClvMinor: { min: 10_000_000_000 } });
    const result = await runLaunch(db, c.id, { graphql: simGraphql(sim), now: START });
    expect(result.status).toBe("FAILED");
    expect(((await db.campaign.findUniqueOrThrow({ where: { id: c.id } })).progress as { error?: string }).error).toMatch(/audience_empty/);
  });
});

describe("delivery reaches the treatment group only", () => {
  it("UNIQUE_CODES: one single-use code per treated customer, limited to that customer; none for control", async () => {
    const c = await draft("Unique", { pAlive: { min: 0.6 } }, { deliveryMode: "UNIQUE_CODES", controlShare: 0.2 });
    const result = await runLaunch(db, c.id, { graphql: simGraphql(sim), now: START });
    const { treated, control } = await groups(c.id);
    expect(result.status).toBe("RUNNING");
    expect(control.size).toBeGreaterThan(0);
    const discounts = discountsOf("Unique");
    expect(discounts).toHaveLength(treated.size);
    const owners = discounts.map((d) => contextCustomers(d));
    expect(owners.every((o) => o.length === 1)).toBe(true);
    expect(new Set(owners.flat())).toEqual(treated);
    expect(owners.flat().some((id) => control.has(id))).toBe(false);
    expect(discounts.every((d) => d.usageLimit === 1 && d.appliesOncePerCustomer && d.minimumRequirement !== null)).toBe(true);
  });

  it("AUDIENCE_CODE: one shared code whose context lists exactly the treated customers (≤ 250)", async () => {
    const c = await draft("Shared", { pAlive: { min: 0.7 } }, { controlShare: 0.25 });
    const result = await runLaunch(db, c.id, { graphql: simGraphql(sim), now: START });
    const { treated, control } = await groups(c.id);
    expect(result.deliveryMode).toBe("AUDIENCE_CODE");
    const [discount, ...rest] = discountsOf("Shared");
    expect(rest).toHaveLength(0);
    expect(new Set(contextCustomers(discount))).toEqual(treated);
    expect(contextCustomers(discount).some((id) => control.has(id))).toBe(false);
  });

  it("SEGMENT: only treated customers carry the campaign tag; the code is limited to the tag's segment", async () => {
    const c = await draft("Segment", {}, { deliveryMode: "SEGMENT", controlShare: 0.1 });
    const result = await runLaunch(db, c.id, { graphql: simGraphql(sim), now: START });
    const { treated, control } = await groups(c.id);
    expect(result.status).toBe("RUNNING");
    const tag = campaignTag(c.id);
    for (const id of treated) expect(sim.customerTags(SHOP, id)).toContain(tag);
    for (const id of control) expect(sim.customerTags(SHOP, id)).not.toContain(tag);
    const segment = sim.listSegments(SHOP).find((s) => s.query.includes(tag));
    expect(segment?.query).toBe(`customer_tags CONTAINS '${tag}'`);
    const [discount] = discountsOf("Segment");
    expect(discount.context).toEqual({ type: "segments", segmentIds: [segment!.id] });
  });

  it("BONUS_POINTS: qualifying window orders of treated customers earn the bonus once; control customers never", async () => {
    await saveProgramSettings(db, SHOP, {}, "test", new Date("2026-01-01T00:00:00Z"));
    await setProgramEnabled(db, SHOP, true, "test", new Date("2026-01-01T00:00:00Z"));
    const c = await draft("Bonus", { pAlive: { min: 0.4 } }, { controlShare: 0.3 }, { kind: "BONUS_POINTS", points: 50 });
    const result = await runLaunch(db, c.id, { graphql: simGraphql(sim), now: START });
    expect(result).toMatchObject({ status: "RUNNING", deliveryMode: null, codes: 0 });
    const { treated, control } = await groups(c.id);
    const audience = [...treated, ...control].map((id) => shop.truth.get(id)!);
    const window = await runCampaignWindow(db, SHOP, { audience, treatedIds: treated, start: START, end: END, uplift: { purchaseRateMultiplier: 1.5, spendMultiplier: 1 }, seed: 31, idBlock: 3 });
    const mid = new Date(START.getTime() + 20 * 86_400_000);
    await tickCampaigns(db, SHOP, mid);
    await tickCampaigns(db, SHOP, mid); // a second run pays nothing twice
    const entries = await db.ledgerEntry.findMany({ where: { shop: SHOP, type: "CAMPAIGN_BONUS", sourceId: { startsWith: `${c.id}:` } } });
    const accounts = new Map((await db.loyaltyAccount.findMany({ where: { shop: SHOP } })).map((a) => [a.id, a.customerShopifyId]));
    const paid = entries.map((e) => accounts.get(e.accountId)!);
    const expected = window.filter((w) => w.treated && w.at < mid && Number(w.payload.subtotal_price) * 100 >= 2000);
    expect(entries).toHaveLength(expected.length);
    expect(expected.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.points === 50)).toBe(true);
    expect(paid.every((id) => treated.has(id))).toBe(true);
    expect(window.some((w) => !w.treated && w.at < mid)).toBe(true);
    expect(paid.some((id) => control.has(id))).toBe(false);
  });
});

describe("resilience", () => {
  it("THROTTLED answers are retried: every treated customer ends with exactly one code", async () => {
    const c = await draft("Throttled", { pAlive: { min: 0.5 } }, { deliveryMode: "UNIQUE_CODES", controlShare: 0.2 });
    sim.setThrottle(SHOP, { maximumAvailable: 60, currentlyAvailable: 60, restoreRate: 2_000 });
    const seqBefore = sim.requests.length;
    let calls = 0;
    const graphql = simGraphql(sim, quickSleep);
    // Drain the bucket behind the client's back every third call, so real THROTTLED answers come back.
    const draining: typeof graphql = async (shopDomain, document, variables) => {
      if (++calls % 3 === 0) sim.setThrottle(SHOP, { currentlyAvailable: 0 });
      return graphql(shopDomain, document, variables);
    };
    const result = await runLaunch(db, c.id, { graphql: draining, now: START });
    sim.setThrottle(SHOP, { maximumAvailable: 1_000_000, currentlyAvailable: 1_000_000, restoreRate: 1_000_000 });
    const throttled = sim.requests.slice(seqBefore).filter((r) => r.throttled).length;
    const { treated } = await groups(c.id);
    const discounts = discountsOf("Throttled");
    expect(throttled).toBeGreaterThan(5);
    expect(result.status).toBe("RUNNING");
    expect(discounts).toHaveLength(treated.size);
    expect(new Set(discounts.map((d) => contextCustomers(d)[0]))).toEqual(treated);
    expect(await db.campaignCode.count({ where: { campaignId: c.id, status: "CREATED" } })).toBe(treated.size);
  });

  it("a launch that dies mid-delivery resumes on the next run without duplicating a code", async () => {
    const c = await draft("Crash", { pAlive: { min: 0.5 } }, { deliveryMode: "UNIQUE_CODES", controlShare: 0.2 });
    const graphql = simGraphql(sim);
    let calls = 0;
    const crashing: typeof graphql = async (shopDomain, document, variables) => {
      if (++calls === 12) sim.failNext({ operationName: "CampaignDiscountCodeCreate", kind: "networkDrop" });
      return graphql(shopDomain, document, variables);
    };
    await expect(runLaunch(db, c.id, { graphql: crashing, now: START })).rejects.toThrow();
    expect((await db.campaign.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("LAUNCHING");
    const assignedBefore = await db.campaignAssignment.count({ where: { campaignId: c.id } });
    // The worker retries the job.
    const handlers = createCampaignJobHandlers({ graphql });
    const result = (await handlers["campaigns.launch"](db, { id: "job", type: "campaigns.launch", shop: SHOP, payload: { campaignId: c.id } } as never, {
      now: START,
      workerId: "w",
      reportProgress: async () => {},
    })) as { status: string };
    const { treated } = await groups(c.id);
    expect(result.status).toBe("RUNNING");
    expect(await db.campaignAssignment.count({ where: { campaignId: c.id } })).toBe(assignedBefore);
    const discounts = discountsOf("Crash");
    expect(discounts).toHaveLength(treated.size);
    expect(new Set(discounts.map((d) => contextCustomers(d)[0])).size).toBe(treated.size);
  });

  it("cancelling a running campaign deactivates its codes and removes its segment tag", async () => {
    const c = await draft("Cancel", {}, { deliveryMode: "SEGMENT", controlShare: 0.1 });
    await runLaunch(db, c.id, { graphql: simGraphql(sim), now: START });
    const at = new Date(START.getTime() + 3 * 86_400_000);
    await requestCancel(db, SHOP, c.id, "test", at);
    const res = await disableCampaignDelivery(db, c.id, { graphql: simGraphql(sim) });
    const { treated } = await groups(c.id);
    expect(res.disabledCodes).toBe(1);
    expect((await db.campaign.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("CANCELLED");
    expect(await db.campaignCode.count({ where: { campaignId: c.id, status: { not: "DISABLED" } } })).toBe(0);
    const [discount] = discountsOf("Cancel");
    expect(discount.endsAt).not.toBeNull();
    expect(Date.parse(discount.endsAt!)).toBeLessThan(END.getTime());
    for (const id of treated) expect(sim.customerTags(SHOP, id)).not.toContain(campaignTag(c.id));
    await expect(requestCancel(db, SHOP, c.id, "test", at)).rejects.toThrow(/not running/);
  });

  it("a cancel that lands mid-launch wins: the launch stops and every code it made is disabled", async () => {
    const c = await draft("Race", { pAlive: { min: 0.5 } }, { deliveryMode: "UNIQUE_CODES", controlShare: 0.2 });
    const graphql = simGraphql(sim);
    let calls = 0;
    const racing: typeof graphql = async (shopDomain, document, variables) => {
      if (++calls === 5) {
        // The merchant cancels and the cancel job runs while the launch is still delivering.
        await requestCancel(db, SHOP, c.id, "test", START);
        await disableCampaignDelivery(db, c.id, { graphql });
      }
      return graphql(shopDomain, document, variables);
    };
    const result = await runLaunch(db, c.id, { graphql: racing, now: START });
    expect(result.status).toBe("CANCELLED");
    const discounts = discountsOf("Race");
    expect(discounts.length).toBeGreaterThanOrEqual(5);
    expect(discounts.every((d) => d.endsAt !== null && Date.parse(d.endsAt) < END.getTime())).toBe(true);
    expect(await db.campaignCode.count({ where: { campaignId: c.id, status: { not: "DISABLED" } } })).toBe(0);
  });

  it("the tick ends running campaigns after their end date", async () => {
    const running = await db.campaign.count({ where: { shop: SHOP, status: "RUNNING" } });
    expect(running).toBeGreaterThan(0);
    expect((await tickCampaigns(db, SHOP, new Date(END.getTime() - 1000))).ended).toBe(0);
    const res = await tickCampaigns(db, SHOP, END);
    expect(res.ended).toBe(running);
    expect(await db.campaign.count({ where: { shop: SHOP, status: "RUNNING" } })).toBe(0);
  });

  it("every GraphQL document the campaigns sent validated against Admin 2026-07, with no unimplemented fields", () => {
    const ours = sim.requests.filter((r) => /^(Campaign|RetainTags)/.test(r.operationName ?? ""));
    expect(ours.length).toBeGreaterThan(50);
    expect(ours.filter((r) => !r.valid).map((r) => [r.operationName, r.errors])).toEqual([]);
    expect(ours.flatMap((r) => r.unimplementedFields)).toEqual([]);
  });
});
