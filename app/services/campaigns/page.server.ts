// Route-facing helpers for the campaign pages: parse the wizard's JSON, answer
// with field-keyed issues (for inline errors), launch and cancel through the queue.
import type { Campaign, PrismaClient } from "@prisma/client";
import { CampaignError } from "~/domain/campaigns";
import { createCampaign, previewCampaign, progressOf, type CampaignPreview } from "./campaigns.server";
import { requestCancel } from "./cancel.server";
import { CampaignServiceError } from "./errors.server";
import { enqueueCampaignCancel, enqueueCampaignLaunch } from "./jobs.server";
import { requestLaunch } from "./launch.server";

export type FieldIssues = Record<string, string>;

/** "offer.reward.percent: too big" → { "offer.reward.percent": "too big" } (first message per field). */
export function issuesByField(issues: readonly string[]): FieldIssues {
  const out: FieldIssues = {};
  for (const issue of issues) {
    const at = issue.indexOf(": ");
    const [path, message] = at > 0 ? [issue.slice(0, at), issue.slice(at + 2)] : ["form", issue];
    out[path] ??= message;
  }
  return out;
}

function parsePayload(raw: FormDataEntryValue | null): unknown {
  if (typeof raw !== "string") throw new CampaignServiceError("invalid_input", "form: the wizard sent no data");
  try {
    return JSON.parse(raw);
  } catch {
    throw new CampaignServiceError("invalid_input", "form: the wizard data is not valid JSON");
  }
}

export type WizardResult = { ok: true; preview: CampaignPreview } | { ok: true; created: string } | { ok: false; issues: FieldIssues };

export async function runWizardAction(db: PrismaClient, shop: string, actor: string, form: FormData, now: Date): Promise<WizardResult> {
  try {
    const payload = parsePayload(form.get("payload"));
    if (form.get("intent") === "create") {
      const campaign = await createCampaign(db, shop, payload, actor);
      await requestLaunch(db, shop, campaign.id, actor);
      await enqueueCampaignLaunch(db, shop, campaign.id, now);
      return { ok: true, created: campaign.id };
    }
    return { ok: true, preview: await previewCampaign(db, shop, payload, now) };
  } catch (err) {
    if (err instanceof CampaignServiceError || err instanceof CampaignError) return { ok: false, issues: issuesByField(err.issues) };
    throw err;
  }
}

export async function runCancelAction(db: PrismaClient, shop: string, actor: string, id: string, now: Date): Promise<{ ok: boolean; error?: string }> {
  try {
    await requestCancel(db, shop, id, actor, now);
    await enqueueCampaignCancel(db, shop, id, now);
    return { ok: true };
  } catch (err) {
    if (err instanceof CampaignServiceError) return { ok: false, error: err.reason };
    throw err;
  }
}

/** Who acted, for the audit log: the online user's email when known, else the session. */
export function actorOf(session: { id: string; onlineAccessInfo?: { associated_user?: { email?: string | null; id?: number | null } | null } | null }): string {
  const user = session.onlineAccessInfo?.associated_user;
  return user?.email ?? (user?.id ? `user:${user.id}` : `session:${session.id}`);
}

// ---- Launch progress ----------------------------------------------------------
// runLaunch (launch.server.ts) saves its progress on the Campaign row after every
// batch; the page reads it back (and the launch job's row for retries), so leaving
// the page and coming back shows where the launch is.

export interface LaunchProgressView {
  /** queued: no worker has frozen the audience yet; assign/deliver/done as runLaunch records. */
  phase: "queued" | "assign" | "deliver" | "done";
  deliveryMode: string | null;
  audienceSize: number | null;
  treated: number | null;
  control: number | null;
  /** What delivery counts: codes created (UNIQUE_CODES, one shared code) or customers tagged (SEGMENT). */
  unit: "codes" | "tagged" | null;
  done: number | null;
  total: number | null;
  /** 0–100 over the whole launch: audience 10 %, delivery 85 %, finishing 5 %. */
  percent: number;
  /** The launch job failed an attempt and is waiting to retry. */
  retrying: boolean;
  error: string | null;
}

const ASSIGN_SHARE = 10;
const DELIVER_SHARE = 85;

const count = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);

/** The campaign row's progress, as the campaign page shows it. */
export function launchProgressOf(
  campaign: Pick<Campaign, "status" | "deliveryMode" | "progress">,
  job: { attempts: number; lastError: string | null; status: string } | null = null,
): LaunchProgressView {
  const p = progressOf(campaign);
  const treated = count(p.treated);
  const mode = campaign.deliveryMode ?? null;
  const finished = campaign.status !== "DRAFT" && campaign.status !== "LAUNCHING";
  let phase: LaunchProgressView["phase"] = p.phase === "done" || (finished && campaign.status !== "FAILED") ? "done" : p.phase === "deliver" ? "deliver" : p.phase === "assign" ? "assign" : "queued";
  // A row with assignments but no phase yet can only be in delivery.
  if (phase === "queued" && treated !== null) phase = "deliver";
  let unit: LaunchProgressView["unit"] = null;
  let done: number | null = null;
  let total: number | null = null;
  // Counts exist once the audience is frozen (treated known) and a delivery mode chosen.
  if (treated !== null) {
    if (mode === "UNIQUE_CODES") [unit, done, total] = ["codes", count(p.codesCreated) ?? 0, treated];
    else if (mode === "SEGMENT") [unit, done, total] = ["tagged", count(p.tagged) ?? 0, treated];
    else if (mode === "AUDIENCE_CODE") [unit, done, total] = ["codes", count(p.codesCreated) ?? 0, 1];
  }
  let percent = 0;
  if (phase === "done") percent = 100;
  else if (phase === "deliver") {
    const within = done !== null && total !== null && total > 0 ? Math.min(1, done / total) : 0;
    percent = ASSIGN_SHARE + DELIVER_SHARE * within;
  }
  return {
    phase,
    deliveryMode: mode,
    audienceSize: count(p.audienceSize),
    treated,
    control: count(p.control),
    unit,
    done,
    total,
    percent: Math.round(percent * 10) / 10,
    retrying: job !== null && job.status === "QUEUED" && job.attempts > 0 && job.lastError !== null,
    error: p.error ?? null,
  };
}

/** The campaign's launch job, if one is still on the queue (for its retry state). */
export async function readLaunchJob(db: PrismaClient, shop: string, campaignId: string) {
  const jobs = await db.job.findMany({
    where: { shop, type: "campaigns.launch", status: { in: ["QUEUED", "RUNNING"] } },
    select: { attempts: true, lastError: true, status: true, payload: true },
  });
  return jobs.find((j) => (j.payload as { campaignId?: unknown } | null)?.campaignId === campaignId) ?? null;
}
