// Route-facing helpers for the campaign pages: parse the wizard's JSON, answer
// with field-keyed issues (for inline errors), launch and cancel through the queue.
import type { PrismaClient } from "@prisma/client";
import { CampaignError } from "~/domain/campaigns";
import { createCampaign, previewCampaign, type CampaignPreview } from "./campaigns.server";
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
