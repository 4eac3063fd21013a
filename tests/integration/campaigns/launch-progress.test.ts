// Launch progress on the campaign page: a launch that dies mid-delivery (through
// the real queue: claim, handler, failJob) leaves a half-launched campaign whose
// page loader reports the phase, codes created out of the treatment group and a
// percentage, with the retry pending; the page renders it in English and Arabic.
// The retried job finishes the launch and the page switches to results.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { prepareDatabase } from "~/db.server";
import { claimJobs, completeJob, failJob } from "~/jobs/queue.server";
import { createCampaign } from "~/services/campaigns/campaigns.server";
import { createCampaignJobHandlers, enqueueCampaignLaunch } from "~/services/campaigns/jobs.server";
import { requestLaunch } from "~/services/campaigns/launch.server";
import { launchProgressOf, type LaunchProgressView } from "~/services/campaigns/page.server";
import * as campaignRoute from "~/routes/app.campaigns.$id";
import { startSimulator, type Simulator } from "../../../dev/shopify-sim";
import { adminRequest, renderAdminRoute, type AdminLocale } from "../../helpers/admin-pages";
import { resetDatabase } from "../../helpers/db";
import { GENERATED_END, loadGeneratedShop, simGraphql } from "./helpers";

const SHOP = "campaign-progress.myshopify.com";
const START = GENERATED_END;
const END = new Date(START.getTime() + 28 * 86_400_000);
let sim: Simulator;

type Loaded = { header: { status: string; launch: LaunchProgressView; currency: string }; report: unknown };

const authed = (path: string) => adminRequest(SHOP, path);
const render = (id: string, locale: AdminLocale) => renderAdminRoute(campaignRoute, SHOP, `/app/campaigns/${id}`, { pattern: "/app/campaigns/:id", locale });

async function load(id: string): Promise<Loaded> {
  return (await campaignRoute.loader({ request: authed(`/app/campaigns/${id}`), params: { id }, context: {} } as never)) as Loaded;
}


const visible = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ");
const ctx = (now: Date) => ({ now, workerId: "w", reportProgress: async () => {} });

beforeAll(async () => {
  await prepareDatabase(prisma);
  await resetDatabase(prisma);
  sim = await startSimulator({ apiKey: "k", apiSecret: "s", mutationWebhooks: false, throttle: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
  await loadGeneratedShop(prisma, sim, SHOP, { size: 200, seed: 11 });
  await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_orders", accessToken: "shpat_x" } });
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

describe("campaign launch progress", () => {
  it("a half-launched campaign's page reports phase, codes created of treated, percent and the pending retry; the retry finishes it", async () => {
    const c = await createCampaign(
      prisma,
      SHOP,
      { name: "Progress", audience: { pAlive: { min: 0 } }, offer: { reward: { kind: "PERCENT", percent: 10 }, minimumOrderMinor: 0, startsAt: START.toISOString(), endsAt: END.toISOString() }, seed: "progress", deliveryMode: "UNIQUE_CODES", controlShare: 0.2 },
      "test",
    );
    await requestLaunch(prisma, SHOP, c.id, "test");
    await enqueueCampaignLaunch(prisma, SHOP, c.id, START);

    // Before any worker has it: queued, 0 %.
    const queued = await load(c.id);
    expect(queued.header.launch).toMatchObject({ phase: "queued", percent: 0, done: null, retrying: false });
    expect(queued.report).toBeNull();

    // The worker claims the job; Shopify stops answering after 60 calls; the queue records the failure.
    const graphql = simGraphql(sim);
    let calls = 0;
    const dying: typeof graphql = async (shop, document, variables) => {
      if (++calls > 60) throw new Error("network down");
      return graphql(shop, document, variables);
    };
    const [job] = await claimJobs(prisma, "w", 1, START, ["campaigns.launch"]);
    expect(job).toBeDefined();
    const err = await createCampaignJobHandlers({ graphql: dying })["campaigns.launch"](prisma, job, ctx(START)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    await failJob(prisma, job, err, START);

    const half = await load(c.id);
    const p = half.header.launch;
    expect(half.header.status).toBe("LAUNCHING");
    expect(half.report).toBeNull();
    const stored = await prisma.campaignCode.count({ where: { campaignId: c.id, status: "CREATED" } });
    const treated = await prisma.campaignAssignment.count({ where: { campaignId: c.id, group: "TREATMENT" } });
    expect(p).toMatchObject({ phase: "deliver", deliveryMode: "UNIQUE_CODES", unit: "codes", treated, total: treated, retrying: true });
    // Progress is saved per batch of codes, so it may trail the codes Shopify already has, never lead them.
    expect(p.done).toBeGreaterThan(0);
    expect(p.done!).toBeLessThanOrEqual(stored);
    expect(p.done!).toBeLessThan(treated);
    expect(p.percent).toBe(Math.round((10 + (85 * p.done!) / treated) * 10) / 10);
    expect(p.percent).toBeGreaterThan(10);
    expect(p.percent).toBeLessThan(95);
    // Recomputed from the row alone, as after leaving the page and coming back.
    expect(launchProgressOf(await prisma.campaign.findUniqueOrThrow({ where: { id: c.id } }))).toMatchObject({ phase: "deliver", done: p.done, total: treated });

    const en = await render(c.id, "en");
    expect(en).toContain('data-testid="launch-progress"');
    expect(en).toMatch(/<progress[^>]*aria-labelledby="[^"]+"/);
    const text = visible(en);
    expect(text).toContain("Delivering the offer");
    expect(text).toContain(`${p.done} of ${treated} discount codes created`);
    expect(text).toContain("resumes automatically");
    const ar = visible(await render(c.id, "ar"));
    expect(ar).toContain("تسليم العرض");
    expect(ar).not.toMatch(/campaigns\.launch\.[a-z]+/);

    // The retry (after its backoff) resumes and finishes; the page switches to results.
    const later = new Date(START.getTime() + 3_600_000);
    const [retry] = await claimJobs(prisma, "w", 1, later, ["campaigns.launch"]);
    expect(retry?.id).toBe(job.id);
    const result = (await createCampaignJobHandlers({ graphql })["campaigns.launch"](prisma, retry, ctx(later))) as { status: string; codes: number };
    await completeJob(prisma, retry.id, result, later);
    expect(result).toMatchObject({ status: "RUNNING", codes: treated });
    const done = await load(c.id);
    expect(done.header.launch).toMatchObject({ phase: "done", percent: 100, retrying: false });
    expect(done.report).not.toBeNull();
    expect(await render(c.id, "en")).not.toContain('data-testid="launch-progress"');
  });

  it("segment delivery counts tagged customers; a failed launch is not shown as progress", () => {
    const seg = launchProgressOf({ status: "LAUNCHING", deliveryMode: "SEGMENT", progress: { grossMarginRate: 0.5, phase: "deliver", treated: 400, control: 100, tagged: 100 } });
    expect(seg).toMatchObject({ unit: "tagged", done: 100, total: 400 });
    expect(seg.percent).toBe(Math.round((10 + 85 * 0.25) * 10) / 10);
    const shared = launchProgressOf({ status: "LAUNCHING", deliveryMode: "AUDIENCE_CODE", progress: { grossMarginRate: 0.5, phase: "deliver", treated: 40, control: 10 } });
    expect(shared).toMatchObject({ unit: "codes", done: 0, total: 1, percent: 10 });
    const failed = launchProgressOf({ status: "FAILED", deliveryMode: null, progress: { grossMarginRate: 0.5, error: "no customer matches the audience" } });
    expect(failed).toMatchObject({ phase: "queued", percent: 0, error: "no customer matches the audience" });
  });
});
