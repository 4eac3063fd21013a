// Recompute progress as the merchant sees it: the job's own reports turned into
// one bar that never steps back, read from the Job row by the Insights and home
// loaders (so leaving and coming back shows the current stage), rendered in
// English and Arabic, and the "Recompute now" action queueing exactly one job.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recomputeShopAnalytics } from "~/services/analytics/recompute.server";
import { DEFAULT_STAGE_WEIGHTS, RECOMPUTE_STAGES, recomputeProgressOf, stageWeights, type RecomputeProgress } from "~/services/analytics/insights.server";
import * as insightsRoute from "~/routes/app.insights";
import * as homeRoute from "~/routes/app._index";
import { adminRequest, renderAdminRoute, type AdminLocale, type AdminRouteModule as RouteModule } from "../../helpers/admin-pages";
import { createInstalledShop, resetDatabase } from "../../helpers/db";
import { GENERATED_END, insertGeneratedShop } from "./generated-shop";

const SHOP = "recompute-progress.myshopify.com";

const authed = (path: string, form?: Record<string, string>) => adminRequest(SHOP, path, form);
const render = (route: RouteModule, path: string, locale: AdminLocale = "en") => renderAdminRoute(route, SHOP, path, { locale });




const visible = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'");

async function insightsProgress(): Promise<RecomputeProgress | null> {
  const res = (await insightsRoute.loader({ request: authed("/app/insights"), params: {}, context: {} } as never)) as { insights: { recompute: RecomputeProgress | null } };
  return res.insights.recompute;
}

async function runningJob(progress: unknown, extra: Record<string, unknown> = {}) {
  return prisma.job.create({
    data: { shop: SHOP, type: "analytics.recompute", status: "RUNNING", progress: progress as object, startedAt: new Date(), attempts: 1, ...extra },
  });
}

let orders = 0;

beforeAll(async () => {
  await resetDatabase(prisma);
  await createInstalledShop(prisma, SHOP, { currencyCode: "KWD", ianaTimezone: "Asia/Kuwait" });
  await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_orders", accessToken: "shpat_x" } });
  await insertGeneratedShop(prisma, SHOP, { size: 150, seed: 8 });
  orders = await prisma.order.count({ where: { shop: SHOP } });
}, 120_000);

beforeEach(async () => {
  await prisma.job.deleteMany({ where: { shop: SHOP } });
});

describe("analytics recompute progress", () => {
  it("the overall percentage never decreases across every report of a real recompute, and visits the six stages in order", async () => {
    const reports: unknown[] = [];
    await recomputeShopAnalytics(prisma, SHOP, { now: GENERATED_END, reportProgress: async (p) => void reports.push(p) });
    expect(reports.length).toBeGreaterThanOrEqual(RECOMPUTE_STAGES.length);
    const views = reports.map((progress) =>
      recomputeProgressOf({ id: "j", status: "RUNNING", progress, attempts: 1, lastError: null, runAt: GENERATED_END, startedAt: GENERATED_END }, orders),
    );
    const stages = views.map((v) => v.stage).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).toEqual([...RECOMPUTE_STAGES]);
    for (let i = 1; i < views.length; i++) expect(views[i].percent).toBeGreaterThanOrEqual(views[i - 1].percent);
    expect(views[0].percent).toBe(0);
    // Last report is the write stage with all rows written: done, but still under 100 until the job row says DONE.
    const last = views[views.length - 1];
    expect(last.stage).toBe("write");
    expect(last.done).toBe(last.total);
    expect(last.percent).toBe(99);
    // Load has no total of its own: the shop's order count stands in, so the bar moves while reading.
    const loadDone = views.filter((v) => v.stage === "load" && (v.done ?? 0) > 0);
    expect(loadDone.length).toBeGreaterThan(0);
    expect(loadDone[loadDone.length - 1].total).toBe(orders);
  });

  it("stage weights sum to 1, follow the shop's last run when it covers every stage, and fall back to the benchmark shares", () => {
    const sum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);
    const defaults = stageWeights(null);
    expect(sum(defaults)).toBeCloseTo(1, 12);
    expect(defaults.clv / defaults.load).toBeCloseTo(DEFAULT_STAGE_WEIGHTS.clv / DEFAULT_STAGE_WEIGHTS.load, 12);
    const own = stageWeights({ load: 100, metrics: 100, cohorts: 100, rfm: 100, clv: 500, write: 100 });
    expect(sum(own)).toBeCloseTo(1, 12);
    expect(own.clv).toBeCloseTo(0.5, 12);
    // A run missing a stage (an older job result) is not trusted.
    expect(stageWeights({ load: 1, clv: 9 })).toEqual(defaults);
  });

  it("the Insights loader reads the running job's stage from its row; weights come from the shop's previous run", async () => {
    await prisma.job.create({
      data: { shop: SHOP, type: "analytics.recompute", status: "DONE", finishedAt: new Date(Date.now() - 60_000), result: { stagesMs: { load: 100, metrics: 100, cohorts: 100, rfm: 100, clv: 500, write: 100 } } },
    });
    await runningJob({ stage: "clv" });
    const p = (await insightsProgress())!;
    expect(p).toMatchObject({ status: "running", stage: "clv", done: null, total: null, retrying: false });
    // load + metrics + cohorts + rfm = 4 × 10 % of the previous run.
    expect(p.percent).toBeCloseTo(40, 6);
    await prisma.job.updateMany({ where: { shop: SHOP, status: "RUNNING" }, data: { progress: { stage: "write", done: 30, total: 120 } } });
    expect((await insightsProgress())!.percent).toBeCloseTo(90 + 10 * 0.25, 6);
  });

  it("a queued retry starts from zero and says it is retrying; a finished job leaves no progress", async () => {
    const job = await prisma.job.create({
      data: { shop: SHOP, type: "analytics.recompute", status: "QUEUED", attempts: 1, lastError: "Error: boom", progress: { stage: "rfm" } },
    });
    expect(await insightsProgress()).toMatchObject({ status: "queued", stage: null, percent: 0, retrying: true });
    await prisma.job.update({ where: { id: job.id }, data: { status: "DONE", finishedAt: new Date() } });
    expect(await insightsProgress()).toBeNull();
  });

  it("Insights and home render the stage, counts and a labelled progress bar in English and Arabic", async () => {
    await runningJob({ stage: "write", done: 1234, total: 5000 });
    const en = await render(insightsRoute as unknown as RouteModule, "/app/insights");
    expect(en).toContain('data-testid="recompute-progress"');
    expect(en).toMatch(/<progress[^>]*aria-labelledby="[^"]+"/);
    const text = visible(en);
    expect(text).toContain("Step 6 of 6: Saving the results");
    expect(text).toContain("1,234 of 5,000 customers saved");
    expect(text).toContain("Recompute now");
    // The shop's currency is KWD: every amount on the page carries its three minor digits, none shows "$".
    expect(text).toMatch(/KWD\s[\d,]+\.\d{3}\b/);
    expect(text).not.toMatch(/KWD\s[\d,]+\.\d{2}\b(?!\d)/);
    expect(text).not.toContain("$");
    const ar = visible(await render(insightsRoute as unknown as RouteModule, "/app/insights", "ar"));
    expect(ar).toContain("حفظ النتائج");
    expect(ar).toContain("أعد الحساب الآن");
    expect(ar).not.toMatch(/insights\.recompute\.[a-z]+/);
    const home = await render(homeRoute as unknown as RouteModule, "/app");
    expect(home).toContain('data-testid="recompute-progress"');
    expect(visible(home)).toContain("Updating analytics");
  });

  it("with nothing on the queue the pages show no progress", async () => {
    const html = await render(insightsRoute as unknown as RouteModule, "/app/insights");
    expect(html).not.toContain('data-testid="recompute-progress"');
  });

  it("Recompute now queues one job to run now; pressing it again moves that job instead of adding another", async () => {
    const before = Date.now();
    const first = await insightsRoute.action({ request: authed("/app/insights", { intent: "recompute" }), params: {}, context: {} } as never);
    expect(first).toEqual({ ok: true });
    await insightsRoute.action({ request: authed("/app/insights", { intent: "recompute" }), params: {}, context: {} } as never);
    const jobs = await prisma.job.findMany({ where: { shop: SHOP, type: "analytics.recompute" } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: "QUEUED", dedupeKey: `analytics:${SHOP}` });
    expect(jobs[0].runAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(jobs[0].runAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await insightsProgress()).toMatchObject({ status: "queued", stage: null, percent: 0 });
    const bad = (await insightsRoute.action({ request: authed("/app/insights", { intent: "nope" }), params: {}, context: {} } as never)) as Response;
    expect(bad.status).toBe(400);
  });
});
