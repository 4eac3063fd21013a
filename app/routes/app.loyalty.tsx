// Loyalty program settings: on/off, earn rule with a live preview, bonuses,
// expiry, tiers. Saving writes a new settings version; validation issues come
// back keyed by field path and show inline.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, ChoiceList, FormLayout, InlineError, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { FINANCIAL_STATUSES, currencyExponent, parseProgramSettings, previewEarn, type ProgramSettings } from "~/domain/loyalty";
import { actorOf, runProgramAction } from "~/services/loyalty/admin-page.server";
import { getActiveProgram } from "~/services/loyalty/program.server";
import { useLocale, useT } from "~/i18n";
import { usePoints } from "~/i18n/format";
import { formatDate, formatMoney } from "~/lib/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [program, shop] = await Promise.all([
    getActiveProgram(prisma, session.shop),
    prisma.shop.findUnique({ where: { shop: session.shop }, select: { ianaTimezone: true } }),
  ]);
  return { enabled: program.enabled, settings: program.settings, today: new Date().toISOString(), timeZone: shop?.ianaTimezone ?? "UTC" };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await runProgramAction(prisma, session.shop, actorOf(session), await request.formData());
  return data(result, { status: result.ok ? 200 : result.status });
};

interface TierDraft {
  id: string;
  name: string;
  threshold: string;
  multiplier: string;
  perks: string;
}

interface Draft {
  pointsPerUnit: string;
  rounding: string;
  pendingDays: string;
  shipping: boolean;
  tax: boolean;
  giftCards: boolean;
  statuses: string[];
  signupPoints: string;
  birthdayPoints: string;
  expiryMode: string;
  expiryMonths: string;
  warningDays: string;
  pointValue: string;
  tierBasis: string;
  tiers: TierDraft[];
}

function toDraft(s: ProgramSettings): Draft {
  const scale = 10 ** currencyExponent(s.currency);
  const threshold = (t: number) => String(s.tiers.basis === "spend" ? t / scale : t);
  return {
    pointsPerUnit: String(s.earn.pointsPerUnit),
    rounding: s.earn.rounding,
    pendingDays: String(s.earn.pendingDays),
    shipping: s.earn.include.shipping,
    tax: s.earn.include.tax,
    giftCards: s.earn.include.giftCards,
    statuses: [...s.earn.eligibleFinancialStatuses],
    signupPoints: String(s.bonuses.signupPoints),
    birthdayPoints: String(s.bonuses.birthdayPoints),
    expiryMode: s.expiry.mode,
    expiryMonths: s.expiry.mode === "none" ? "12" : String(s.expiry.months),
    warningDays: s.expiry.mode === "none" ? "30" : String(s.expiry.warningDays),
    pointValue: s.pointValueMinor === null ? "" : String(s.pointValueMinor),
    tierBasis: s.tiers.basis,
    tiers: s.tiers.levels.map((t) => ({ id: t.id, name: t.name, threshold: threshold(t.threshold), multiplier: String(t.multiplier), perks: t.perks })),
  };
}

const num = (v: string) => (v.trim() === "" ? NaN : Number(v));

/** Form draft → settings input (spend thresholds back to minor units). */
function fromDraft(d: Draft, currency: string): Record<string, unknown> {
  const scale = 10 ** currencyExponent(currency);
  return {
    earn: {
      pointsPerUnit: num(d.pointsPerUnit),
      rounding: d.rounding,
      pendingDays: num(d.pendingDays),
      include: { shipping: d.shipping, tax: d.tax, giftCards: d.giftCards },
      eligibleFinancialStatuses: d.statuses,
    },
    bonuses: { signupPoints: num(d.signupPoints), birthdayPoints: num(d.birthdayPoints) },
    expiry: d.expiryMode === "none" ? { mode: "none" } : { mode: d.expiryMode, months: num(d.expiryMonths), warningDays: num(d.warningDays) },
    pointValueMinor: d.pointValue.trim() === "" ? null : num(d.pointValue),
    tiers: {
      basis: d.tierBasis,
      levels: d.tiers.map((t, i) => ({
        id: t.id || `${t.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "tier"}-${i + 1}`,
        name: t.name,
        threshold: d.tierBasis === "spend" ? Math.round(num(t.threshold) * scale) : num(t.threshold),
        multiplier: num(t.multiplier),
        perks: t.perks,
      })),
    },
  };
}

export default function LoyaltySettingsPage() {
  const { enabled, settings, today, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const points = usePoints();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings as ProgramSettings));
  const errors: Record<string, string> = result && !result.ok ? result.errors : {};
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setTier = (i: number, key: keyof TierDraft) => (value: string) =>
    setDraft((d) => ({ ...d, tiers: d.tiers.map((tier, j) => (j === i ? { ...tier, [key]: value } : tier)) }));

  // Live preview with the same domain code the server uses; nothing when the draft is invalid.
  const preview = useMemo(() => {
    try {
      const s = parseProgramSettings({ ...(settings as ProgramSettings), ...fromDraft(draft, settings.currency) });
      const sample = 80 * 10 ** currencyExponent(s.currency);
      // The domain computes the points and the date; the words and formats are the admin's.
      const earned = previewEarn(s, sample, s.currency, new Date(today));
      const params = { amount: formatMoney(sample, s.currency, locale), points: points(earned.points), date: formatDate(earned.spendableAt, timeZone, locale) };
      return t(s.earn.pendingDays === 0 ? "loyalty.earn.preview.now" : "loyalty.earn.preview.on", params);
    } catch {
      return null;
    }
  }, [draft, settings, today, timeZone, locale, points, t]);

  const save = (event: FormEvent) => {
    event.preventDefault();
    submit({ intent: "save", settings: JSON.stringify(fromDraft(draft, settings.currency)) }, { method: "post" });
  };
  const err = (path: string) => errors[path];
  // Saved actions confirm with an App Bridge toast, as the admin does; the banner stays for screen readers.
  // Once per result: revalidation hands `t` a new identity and must not repeat the toast.
  const toasted = useRef<unknown>(null);
  useEffect(() => {
    if (!result?.ok || toasted.current === result) return;
    toasted.current = result;
    window.shopify?.toast.show(t(result.message));
  }, [result, t]);

  return (
    <Page title={t("loyalty.title")} secondaryActions={[{ content: t("loyalty.nav.rewards"), url: "/app/loyalty/rewards" }, { content: t("loyalty.nav.liability"), url: "/app/loyalty/liability" }]}>
      <TitleBar title={t("loyalty.title")} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success">{t(result.message)}</Banner> : null}
            {result && !result.ok ? (
              <Banner tone="critical" title={t("loyalty.settings.invalid")}>
                <ul>{Object.entries(errors).map(([k, v]) => <li key={k}>{`${k}: ${v}`}</li>)}</ul>
              </Banner>
            ) : null}
            <Card>
              <InlineStack align="space-between" blockAlign="center">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">{t("loyalty.program.heading")}</Text>
                  <Badge tone={enabled ? "success" : undefined}>{enabled ? t("loyalty.program.on") : t("loyalty.program.off")}</Badge>
                </BlockStack>
                <Form method="post">
                  <input type="hidden" name="intent" value="toggle" />
                  <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
                  <Button submit loading={busy} variant={enabled ? "secondary" : "primary"}>{enabled ? t("loyalty.program.turnOff") : t("loyalty.program.turnOn")}</Button>
                </Form>
              </InlineStack>
            </Card>
            <Form method="post" data-save-bar data-discard-confirmation onSubmit={save} onReset={() => setDraft(toDraft(settings as ProgramSettings))}>
              <BlockStack gap="400">
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">{t("loyalty.earn.heading")}</Text>
                    <FormLayout>
                      <FormLayout.Group>
                        <TextField label={t("loyalty.earn.pointsPerUnit", { currency: settings.currency })} type="number" value={draft.pointsPerUnit} onChange={set("pointsPerUnit")} error={err("earn.pointsPerUnit")} autoComplete="off" />
                        <Select label={t("loyalty.earn.rounding")} options={["floor", "round", "ceil"].map((v) => ({ value: v, label: t(`loyalty.earn.rounding.${v}`) }))} value={draft.rounding} onChange={set("rounding")} />
                        <TextField label={t("loyalty.earn.pendingDays")} helpText={t("loyalty.earn.pendingDaysHelp")} type="number" value={draft.pendingDays} onChange={set("pendingDays")} error={err("earn.pendingDays")} autoComplete="off" />
                      </FormLayout.Group>
                      <InlineStack gap="400">
                        <Checkbox label={t("loyalty.earn.includeShipping")} checked={draft.shipping} onChange={set("shipping")} />
                        <Checkbox label={t("loyalty.earn.includeTax")} checked={draft.tax} onChange={set("tax")} />
                        <Checkbox label={t("loyalty.earn.includeGiftCards")} checked={draft.giftCards} onChange={set("giftCards")} />
                      </InlineStack>
                      <ChoiceList allowMultiple title={t("loyalty.earn.statuses")} choices={FINANCIAL_STATUSES.map((s) => ({ value: s, label: t(`loyalty.status.${s}`) }))} selected={draft.statuses} onChange={set("statuses")} error={err("earn.eligibleFinancialStatuses")} />
                    </FormLayout>
                    <Text as="p" tone={preview ? "base" : "subdued"} data-testid="loyalty-preview">{preview ?? t("loyalty.earn.previewInvalid")}</Text>
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">{t("loyalty.bonuses.heading")}</Text>
                    <FormLayout>
                      <FormLayout.Group>
                        <TextField label={t("loyalty.bonuses.signup")} type="number" value={draft.signupPoints} onChange={set("signupPoints")} error={err("bonuses.signupPoints")} autoComplete="off" />
                        <TextField label={t("loyalty.bonuses.birthday")} type="number" value={draft.birthdayPoints} onChange={set("birthdayPoints")} error={err("bonuses.birthdayPoints")} autoComplete="off" />
                      </FormLayout.Group>
                    </FormLayout>
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">{t("loyalty.expiry.heading")}</Text>
                    <FormLayout>
                      <Select label={t("loyalty.expiry.mode")} options={["none", "afterEarn", "afterInactivity"].map((v) => ({ value: v, label: t(`loyalty.expiry.${v}`) }))} value={draft.expiryMode} onChange={set("expiryMode")} />
                      {draft.expiryMode !== "none" ? (
                        <FormLayout.Group>
                          <TextField label={t("loyalty.expiry.months")} type="number" value={draft.expiryMonths} onChange={set("expiryMonths")} error={err("expiry.months")} autoComplete="off" />
                          <TextField label={t("loyalty.expiry.warningDays")} type="number" value={draft.warningDays} onChange={set("warningDays")} error={err("expiry.warningDays")} autoComplete="off" />
                        </FormLayout.Group>
                      ) : null}
                      <TextField label={t("loyalty.pointValue")} helpText={t("loyalty.pointValueHelp")} type="number" value={draft.pointValue} onChange={set("pointValue")} error={err("pointValueMinor")} autoComplete="off" />
                    </FormLayout>
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">{t("loyalty.tiers.heading")}</Text>
                    <Select label={t("loyalty.tiers.basis")} options={[{ value: "spend", label: t("loyalty.tiers.basis.spend") }, { value: "points", label: t("loyalty.tiers.basis.points") }]} value={draft.tierBasis} onChange={set("tierBasis")} />
                    {draft.tiers.map((tier, i) => (
                      <FormLayout.Group key={i}>
                        <TextField label={t("loyalty.tiers.name")} value={tier.name} onChange={setTier(i, "name")} error={err(`tiers.levels.${i}.name`)} autoComplete="off" />
                        <TextField label={draft.tierBasis === "spend" ? t("loyalty.tiers.thresholdSpend", { currency: settings.currency }) : t("loyalty.tiers.thresholdPoints")} type="number" value={tier.threshold} onChange={setTier(i, "threshold")} error={err(`tiers.levels.${i}.threshold`)} autoComplete="off" />
                        <TextField label={t("loyalty.tiers.multiplier")} type="number" value={tier.multiplier} onChange={setTier(i, "multiplier")} error={err(`tiers.levels.${i}.multiplier`)} autoComplete="off" />
                        <TextField label={t("loyalty.tiers.perks")} value={tier.perks} onChange={setTier(i, "perks")} autoComplete="off" />
                        <Button tone="critical" onClick={() => setDraft((d) => ({ ...d, tiers: d.tiers.filter((_, j) => j !== i) }))}>{t("loyalty.tiers.remove")}</Button>
                      </FormLayout.Group>
                    ))}
                    {err("tiers.levels") ? <InlineError message={err("tiers.levels")} fieldID="tiers" /> : null}
                    <InlineStack>
                      <Button onClick={() => setDraft((d) => ({ ...d, tiers: [...d.tiers, { id: "", name: "", threshold: "", multiplier: "1", perks: "" }] }))}>{t("loyalty.tiers.add")}</Button>
                    </InlineStack>
                  </BlockStack>
                </Card>
                <InlineStack align="end" gap="200">
                  <Button submit variant="primary" loading={busy}>{t("loyalty.settings.save")}</Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
