// Job handlers for campaigns and segment sync, registered by app/jobs/registry.server.ts.
//   campaigns.launch        { campaignId }  assign once, deliver, mark RUNNING (resumable)
//   campaigns.cancel        { campaignId }  deactivate codes, remove the segment tag
//   campaigns.tick          (shop)          bonus points for running BONUS_POINTS offers,
//                                           end campaigns past endsAt; re-schedules itself
//   campaigns.results       { campaignId }  report snapshot (AuditLog) for the record
//   segments.sync           { runId }       tags + metafields, page by page
//   segments.remove-tags    { runId }       remove every retain:* tag
import type { Job, PrismaClient } from "@prisma/client";
import { enqueueJob } from "~/jobs/queue.server";
import { createNativeSegments, runSegmentSync } from "~/services/segments/sync.server";
import { awardCampaignBonuses } from "./bonus.server";
import { disableCampaignDelivery } from "./cancel.server";
import { CampaignServiceError } from "./errors.server";
import { runLaunch } from "./launch.server";
import { buildCampaignReport } from "./results.server";
import type { ShopifyDeps } from "./shopify.server";

// Mirrors registry.server.ts's JobHandler without importing the registry.
interface JobContext {
  now: Date;
  workerId: string;
  reportProgress(progress: unknown): Promise<void>;
}
type JobHandler = (db: PrismaClient, job: Job, ctx: JobContext) => Promise<unknown>;

const TICK_EVERY_MS = 15 * 60_000;

function payloadString(job: Job, key: string): string {
  const p = job.payload as Record<string, unknown> | null;
  const value = p && typeof p === "object" ? p[key] : undefined;
  if (typeof value !== "string" || value.length === 0) throw new CampaignServiceError("invalid_input", `${job.type} job ${job.id}: payload.${key} is required`);
  return value;
}

export async function enqueueCampaignLaunch(db: PrismaClient, shop: string, campaignId: string, now: Date): Promise<void> {
  await enqueueJob(db, { type: "campaigns.launch", shop, payload: { campaignId }, dedupeKey: `campaigns.launch:${campaignId}`, maxAttempts: 10 }, now);
}

export async function enqueueCampaignCancel(db: PrismaClient, shop: string, campaignId: string, now: Date): Promise<void> {
  await enqueueJob(db, { type: "campaigns.cancel", shop, payload: { campaignId }, dedupeKey: `campaigns.cancel:${campaignId}`, maxAttempts: 10 }, now);
}

export async function scheduleCampaignTick(db: PrismaClient, shop: string, now: Date, delayMs = 0): Promise<void> {
  await enqueueJob(db, { type: "campaigns.tick", shop, dedupeKey: `campaigns.tick:${shop}`, runAt: new Date(now.getTime() + delayMs) }, now);
}

/** Bonuses, then campaigns whose window has closed become ENDED (codes expire on their own). */
export async function tickCampaigns(db: PrismaClient, shop: string, now: Date): Promise<{ bonuses: number; ended: number; running: number }> {
  let bonuses = 0;
  const running = await db.campaign.findMany({ where: { shop, status: "RUNNING" } });
  for (const c of running) {
    if ((c.offer as { reward?: { kind?: string } }).reward?.kind === "BONUS_POINTS") bonuses += (await awardCampaignBonuses(db, c.id, now)).awarded;
  }
  const ended = await db.campaign.updateMany({ where: { shop, status: "RUNNING", endsAt: { lte: now } }, data: { status: "ENDED" } });
  return { bonuses, ended: ended.count, running: running.length - ended.count };
}

export function createCampaignJobHandlers(deps: ShopifyDeps = {}): Record<string, JobHandler> {
  return {
    "campaigns.launch": async (db, job, ctx) => {
      const result = await runLaunch(db, payloadString(job, "campaignId"), { ...deps, now: ctx.now });
      if (result.status === "RUNNING" && job.shop) await scheduleCampaignTick(db, job.shop, ctx.now);
      return result;
    },
    "campaigns.cancel": async (db, job) => disableCampaignDelivery(db, payloadString(job, "campaignId"), deps),
    "campaigns.tick": async (db, job, ctx) => {
      if (!job.shop) throw new CampaignServiceError("invalid_input", `campaigns.tick job ${job.id} has no shop`);
      const result = await tickCampaigns(db, job.shop, ctx.now);
      if (result.running > 0) await scheduleCampaignTick(db, job.shop, ctx.now, TICK_EVERY_MS);
      return result;
    },
    "campaigns.results": async (db, job, ctx) => {
      const campaign = await db.campaign.findUnique({ where: { id: payloadString(job, "campaignId") } });
      if (!campaign) throw new CampaignServiceError("not_found", `campaign ${payloadString(job, "campaignId")} does not exist`);
      const report = await buildCampaignReport(db, campaign, ctx.now);
      await db.auditLog.create({
        data: { shop: campaign.shop, actor: "system", action: "campaign.results", subject: campaign.id, details: { verdict: report.verdict.kind, text: report.verdictText, at: ctx.now.toISOString() } },
      });
      return { verdict: report.verdict.kind };
    },
    "segments.sync": async (db, job, ctx) => {
      const run = await runSegmentSync(db, payloadString(job, "runId"), deps, ctx.now);
      if (run.status === "COMPLETED" && (job.payload as { createSegments?: boolean } | null)?.createSegments) {
        const ids = await createNativeSegments(db, run.shop, deps);
        await db.auditLog.create({ data: { shop: run.shop, actor: "system", action: "segments.native-created", subject: run.id, details: { segments: ids.length } } });
      }
      return { status: run.status, done: run.done };
    },
    "segments.remove-tags": async (db, job, ctx) => {
      const run = await runSegmentSync(db, payloadString(job, "runId"), deps, ctx.now);
      return { status: run.status, done: run.done };
    },
  };
}

export const campaignJobHandlers: Record<string, JobHandler> = createCampaignJobHandlers();
