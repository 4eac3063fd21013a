// Form handling for the loyalty admin pages: zod-parse the submitted fields,
// call the service, and answer { errors } keyed by field path for inline display.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { LoyaltyError, SettingsValidationError, findReward, type ProgramSettings } from "~/domain/loyalty";
import { adjustCustomerPoints } from "./customer.server";
import { getActiveProgram, saveProgramSettings, setProgramEnabled } from "./program.server";
import { forgetProxyProgram } from "./proxy.server";
import { scheduleMetafieldSync } from "./metafields.server";
import { writeTx } from "./ledger-store.server";

export type FieldErrors = Record<string, string>;
export type PageResult = { ok: true; message: string; data?: unknown } | { ok: false; status: number; errors: FieldErrors };

function invalid(errors: FieldErrors, status = 422): PageResult {
  return { ok: false, status, errors };
}

function fromSettingsError(err: SettingsValidationError, prefix = ""): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of err.issues) out[prefix + (issue.path || "form")] = issue.message;
  return out;
}

function zodErrors(err: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of err.issues) out[i.path.map(String).join(".") || "form"] = i.message;
  return out;
}

function readJson(form: FormData, field: string): unknown {
  const raw = form.get(field);
  if (typeof raw !== "string") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

const programIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("toggle"), enabled: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("save") }),
]);

/** app.loyalty: switch the program on/off, or save a new settings version from the form's JSON. */
export async function runProgramAction(db: PrismaClient, shop: string, actor: string, form: FormData, now = new Date()): Promise<PageResult> {
  const parsed = programIntent.safeParse(Object.fromEntries(form));
  if (!parsed.success) return invalid({ form: "Unknown action" }, 400);
  if (parsed.data.intent === "toggle") {
    await setProgramEnabled(db, shop, parsed.data.enabled === "true", actor, now);
    forgetProxyProgram(shop);
    return { ok: true, message: parsed.data.enabled === "true" ? "loyalty.program.enabledToast" : "loyalty.program.disabledToast" };
  }
  const input = readJson(form, "settings");
  if (!input || typeof input !== "object") return invalid({ form: "Settings are missing" }, 400);
  const current = (await getActiveProgram(db, shop)).settings;
  try {
    // Rewards are edited on their own page; keep them unless this form sends them.
    const patch = input as Record<string, unknown>;
    const saved = await saveProgramSettings(db, shop, { ...patch, rewards: patch.rewards ?? current.rewards, currency: current.currency }, actor, now);
    forgetProxyProgram(shop);
    if (JSON.stringify(saved.tiers) !== JSON.stringify(current.tiers)) {
      // Tier names and thresholds are in every member's metafields: push them all again.
      await writeTx(db, (tx) => tx.loyaltyAccount.updateMany({ where: { shop }, data: { metafieldsDirty: true } }));
      await scheduleMetafieldSync(db, shop, now);
    }
    return { ok: true, message: "loyalty.settings.saved" };
  } catch (err) {
    if (err instanceof SettingsValidationError) return invalid(fromSettingsError(err));
    throw err;
  }
}

const rewardIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("upsert") }),
  z.object({ intent: z.literal("toggle"), id: z.string().min(1), enabled: z.enum(["true", "false"]) }),
]);

function slug(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40);
  return `${base || "reward"}-${randomUUID().slice(0, 6)}`;
}

/** app.loyalty.rewards: create or edit one reward, or enable/disable it. Rewards live in the versioned settings. */
export async function runRewardAction(db: PrismaClient, shop: string, actor: string, form: FormData, now = new Date()): Promise<PageResult> {
  const parsed = rewardIntent.safeParse(Object.fromEntries(form));
  if (!parsed.success) return invalid({ form: "Unknown action" }, 400);
  const current: ProgramSettings = (await getActiveProgram(db, shop)).settings;
  let rewards: unknown[];
  let index: number;
  if (parsed.data.intent === "toggle") {
    const { id, enabled } = parsed.data;
    if (!findReward(current, id)) return invalid({ form: "Unknown reward" }, 404);
    rewards = current.rewards.map((r) => (r.id === id ? { ...r, enabled: enabled === "true" } : r));
    index = current.rewards.findIndex((r) => r.id === id);
  } else {
    const reward = readJson(form, "reward");
    if (!reward || typeof reward !== "object") return invalid({ form: "Reward is missing" }, 400);
    const r = reward as Record<string, unknown>;
    const id = typeof r.id === "string" && r.id ? r.id : slug(String(r.name ?? ""));
    index = current.rewards.findIndex((x) => x.id === id);
    const next = { ...r, id };
    rewards = index >= 0 ? current.rewards.map((x, i) => (i === index ? next : x)) : [...current.rewards, next];
    if (index < 0) index = rewards.length - 1;
  }
  try {
    await saveProgramSettings(db, shop, { ...current, rewards }, actor, now);
    forgetProxyProgram(shop);
    return { ok: true, message: "loyalty.rewards.saved" };
  } catch (err) {
    if (!(err instanceof SettingsValidationError)) throw err;
    // Report the edited reward's fields as `reward.<field>`.
    const errors: FieldErrors = {};
    for (const issue of err.issues) {
      const m = /^rewards\.(\d+)\.?(.*)$/.exec(issue.path);
      if (m && Number(m[1]) === index) errors[`reward.${m[2] || "form"}`] = issue.message;
      else errors[issue.path || "form"] = issue.message;
    }
    return invalid(errors);
  }
}

export const adjustmentSchema = z.object({
  customerShopifyId: z.string().regex(/^\d{1,20}$/, "must be a Shopify customer id"),
  points: z.coerce.number().int("must be a whole number").refine((n) => n !== 0, "must not be 0").refine((n) => Math.abs(n) <= 1_000_000, "must be at most 1,000,000"),
  reason: z.string().trim().min(3, "a reason of at least 3 characters is required").max(500),
  adjustmentId: z.string().uuid().optional(),
});

/** Manual adjustment from the customer card; audit-logged with the staff member. */
export async function runAdjustAction(db: PrismaClient, shop: string, actor: string, form: FormData, now = new Date()): Promise<PageResult> {
  const parsed = adjustmentSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return invalid(zodErrors(parsed.error));
  try {
    const res = await adjustCustomerPoints(db, shop, { ...parsed.data, actor }, now);
    await scheduleMetafieldSync(db, shop, now);
    return { ok: true, message: "loyalty.adjust.done", data: res.balance };
  } catch (err) {
    if (err instanceof LoyaltyError) {
      const field = err.reason === "insufficient_points" ? "points" : ((err as { field?: string }).field ?? "form");
      return invalid({ [field]: err.message });
    }
    throw err;
  }
}

/** Who did it, for the audit log: the staff member's email, else their user id, else "admin". */
export function actorOf(session: object): string {
  const s = session as { email?: string | null; userId?: bigint | number | null; onlineAccessInfo?: { associated_user?: { email?: string; id?: number } } };
  const user = s.onlineAccessInfo?.associated_user;
  const email = s.email ?? user?.email;
  const id = s.userId ?? user?.id;
  return email ? email : id ? `user:${id}` : "admin";
}
