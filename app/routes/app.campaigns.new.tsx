// Create-campaign wizard: audience → offer → holdout → review (size, expected value,
// estimated cost), then launch. The server validates with the domain's zod schemas and
// answers with issues keyed by field, shown inline next to the field they concern.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, ChoiceList, DescriptionList, FormLayout, InlineError, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useEffect, useMemo, useState } from "react";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { RFM_GROUPS } from "~/domain/analytics/rfm";
import { actorOf, runWizardAction, type WizardResult } from "~/services/campaigns/page.server";
import { useLocale, useT } from "~/i18n";
import { currencyDigits, dayInTimeZone, formatMoney, formatNumber } from "~/lib/format";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await prisma.shop.findUnique({ where: { shop: session.shop }, select: { currencyCode: true, ianaTimezone: true } });
  // The date inputs start on the shop's today, not the server's UTC day.
  const today = dayInTimeZone(new Date(), shop?.ianaTimezone ?? "UTC");
  return { currency: shop?.currencyCode ?? "USD", today };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await runWizardAction(prisma, session.shop, actorOf(session), await request.formData(), new Date());
  if (result.ok && "created" in result) return redirect(`/app/campaigns/${result.created}`);
  return result;
};

const STEPS = ["audience", "offer", "holdout", "review"] as const;
type Step = (typeof STEPS)[number];

interface FormState {
  name: string;
  rfmGroups: string[];
  clvMin: string;
  clvMax: string;
  pAliveMin: string;
  pAliveMax: string;
  daysMin: string;
  daysMax: string;
  tiers: string;
  reward: "PERCENT" | "FIXED_AMOUNT" | "FREE_SHIPPING" | "BONUS_POINTS";
  percent: string;
  amount: string;
  points: string;
  multiplier: string;
  minimumOrder: string;
  startsAt: string;
  endsAt: string;
  controlPct: string;
  marginPct: string;
  deliveryMode: string;
}

/** A date input's value (YYYY-MM-DD), not display text: the browser shows it in the admin's locale. */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const num = (s: string) => (s.trim() === "" ? undefined : Number(s));

/** Wizard fields → the service's input (money to minor units, percentages to ratios). */
function toPayload(f: FormState, currency: string) {
  const scale = 10 ** currencyDigits(currency);
  const minor = (s: string) => (num(s) === undefined ? undefined : Math.round(num(s)! * scale));
  const range = (min?: number, max?: number) => (min === undefined && max === undefined ? undefined : { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
  const ratio = (s: string) => (num(s) === undefined ? undefined : num(s)! / 100);
  const tiers = f.tiers
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const audience = {
    ...(f.rfmGroups.length ? { rfmGroups: f.rfmGroups } : {}),
    ...(range(minor(f.clvMin), minor(f.clvMax)) ? { predictedClvMinor: range(minor(f.clvMin), minor(f.clvMax)) } : {}),
    ...(range(ratio(f.pAliveMin), ratio(f.pAliveMax)) ? { pAlive: range(ratio(f.pAliveMin), ratio(f.pAliveMax)) } : {}),
    ...(range(num(f.daysMin), num(f.daysMax)) ? { daysSinceLastOrder: range(num(f.daysMin), num(f.daysMax)) } : {}),
    ...(tiers.length ? { loyaltyTiers: tiers } : {}),
  };
  const reward =
    f.reward === "PERCENT"
      ? { kind: "PERCENT", percent: num(f.percent) }
      : f.reward === "FIXED_AMOUNT"
        ? { kind: "FIXED_AMOUNT", amountMinor: minor(f.amount), currency }
        : f.reward === "FREE_SHIPPING"
          ? { kind: "FREE_SHIPPING" }
          : f.multiplier.trim()
            ? { kind: "BONUS_POINTS", multiplier: num(f.multiplier) }
            : { kind: "BONUS_POINTS", points: num(f.points) };
  return {
    name: f.name,
    audience,
    offer: {
      reward,
      minimumOrderMinor: minor(f.minimumOrder) ?? 0,
      startsAt: `${f.startsAt}T00:00:00Z`,
      endsAt: `${f.endsAt}T00:00:00Z`,
    },
    controlShare: ratio(f.controlPct),
    grossMarginRate: ratio(f.marginPct),
    deliveryMode: f.deliveryMode,
  };
}

/** Which step owns an issue's field, so the wizard can jump to it. */
function stepOf(path: string): Step {
  if (path.startsWith("audience") || path === "name") return "audience";
  if (path.startsWith("offer")) return "offer";
  if (path === "controlShare" || path === "grossMarginRate" || path === "deliveryMode") return "holdout";
  return "review";
}

export default function NewCampaign() {
  const { currency, today } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<WizardResult>();
  const [step, setStep] = useState<Step>("audience");
  const [f, setF] = useState<FormState>({
    name: "",
    rfmGroups: [],
    clvMin: "",
    clvMax: "",
    pAliveMin: "",
    pAliveMax: "",
    daysMin: "",
    daysMax: "",
    tiers: "",
    reward: "PERCENT",
    percent: "10",
    amount: "",
    points: "",
    multiplier: "",
    minimumOrder: "",
    startsAt: today,
    endsAt: addDays(today, 28),
    controlPct: "10",
    marginPct: "50",
    deliveryMode: "AUTO",
  });
  const set = (key: keyof FormState) => (value: string | string[]) => setF((prev) => ({ ...prev, [key]: value }));
  const payload = useMemo(() => JSON.stringify(toPayload(f, currency)), [f, currency]);
  const issues = fetcher.data && !fetcher.data.ok ? fetcher.data.issues : {};
  const preview = fetcher.data && fetcher.data.ok && "preview" in fetcher.data ? fetcher.data.preview : null;
  const err = (...paths: string[]) => {
    for (const p of paths) {
      const hit = Object.entries(issues).find(([k]) => k === p || k.startsWith(`${p}.`));
      if (hit) return hit[1];
    }
    return undefined;
  };
  const busy = fetcher.state !== "idle";

  // Any issue sends the merchant back to the first step that has one.
  useEffect(() => {
    const paths = Object.keys(issues);
    if (paths.length === 0) return;
    const first = STEPS.find((s) => paths.some((p) => stepOf(p) === s));
    if (first) setStep(first);
  }, [issues]);

  const submit = (intent: "preview" | "create") => fetcher.submit({ intent, payload }, { method: "post" });
  const goto = (next: Step) => {
    setStep(next);
    if (next === "review") submit("preview");
  };
  const index = STEPS.indexOf(step);
  const money = (minor: number | null | undefined) => formatMoney(minor, currency, locale);

  return (
    <Page title={t("campaigns.new.title")} backAction={{ content: t("campaigns.title"), url: "/app/campaigns" }}>
      <TitleBar title={t("campaigns.new.title")} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <InlineStack gap="200">
              {STEPS.map((s, i) => (
                <Text key={s} as="span" variant="bodySm" tone={s === step ? undefined : "subdued"} fontWeight={s === step ? "bold" : "regular"}>
                  {`${i + 1}. ${t(`campaigns.new.step.${s}`)}`}
                </Text>
              ))}
            </InlineStack>
            {issues.form ? <Banner tone="critical">{issues.form}</Banner> : null}

            {step === "audience" ? (
              <Card>
                <FormLayout>
                  <TextField label={t("campaigns.new.name")} value={f.name} onChange={set("name")} autoComplete="off" error={err("name")} />
                  <ChoiceList
                    allowMultiple
                    title={t("campaigns.new.rfmGroups")}
                    choices={RFM_GROUPS.map((g) => ({ label: t(`segments.group.${g}`), value: g }))}
                    selected={f.rfmGroups}
                    onChange={set("rfmGroups")}
                    error={err("audience.rfmGroups")}
                  />
                  <FormLayout.Group>
                    <TextField label={t("campaigns.new.clvMin", { currency })} type="number" value={f.clvMin} onChange={set("clvMin")} autoComplete="off" error={err("audience.predictedClvMinor.min", "audience.predictedClvMinor")} />
                    <TextField label={t("campaigns.new.clvMax", { currency })} type="number" value={f.clvMax} onChange={set("clvMax")} autoComplete="off" error={err("audience.predictedClvMinor.max")} />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField label={t("campaigns.new.pAliveMin")} type="number" suffix="%" value={f.pAliveMin} onChange={set("pAliveMin")} autoComplete="off" error={err("audience.pAlive.min", "audience.pAlive")} />
                    <TextField label={t("campaigns.new.pAliveMax")} type="number" suffix="%" value={f.pAliveMax} onChange={set("pAliveMax")} autoComplete="off" error={err("audience.pAlive.max")} />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField label={t("campaigns.new.daysMin")} type="number" value={f.daysMin} onChange={set("daysMin")} autoComplete="off" error={err("audience.daysSinceLastOrder.min", "audience.daysSinceLastOrder")} />
                    <TextField label={t("campaigns.new.daysMax")} type="number" value={f.daysMax} onChange={set("daysMax")} autoComplete="off" error={err("audience.daysSinceLastOrder.max")} />
                  </FormLayout.Group>
                  <TextField label={t("campaigns.new.tiers")} helpText={t("campaigns.new.tiersHelp")} value={f.tiers} onChange={set("tiers")} autoComplete="off" error={err("audience.loyaltyTiers")} />
                </FormLayout>
              </Card>
            ) : null}

            {step === "offer" ? (
              <Card>
                <FormLayout>
                  <Select
                    label={t("campaigns.new.reward")}
                    options={(["PERCENT", "FIXED_AMOUNT", "FREE_SHIPPING", "BONUS_POINTS"] as const).map((k) => ({ label: t(`campaigns.reward.${k}`), value: k }))}
                    value={f.reward}
                    onChange={set("reward")}
                  />
                  {f.reward === "PERCENT" ? (
                    <TextField label={t("campaigns.new.percent")} type="number" suffix="%" value={f.percent} onChange={set("percent")} autoComplete="off" error={err("offer.reward.percent", "offer.reward")} />
                  ) : null}
                  {f.reward === "FIXED_AMOUNT" ? (
                    <TextField label={t("campaigns.new.amount", { currency })} type="number" value={f.amount} onChange={set("amount")} autoComplete="off" error={err("offer.reward.amountMinor", "offer.reward")} />
                  ) : null}
                  {f.reward === "BONUS_POINTS" ? (
                    <FormLayout.Group>
                      <TextField label={t("campaigns.new.points")} type="number" value={f.points} onChange={set("points")} autoComplete="off" error={err("offer.reward.points", "offer.reward")} />
                      <TextField label={t("campaigns.new.multiplier")} type="number" value={f.multiplier} onChange={set("multiplier")} autoComplete="off" error={err("offer.reward.multiplier")} />
                    </FormLayout.Group>
                  ) : null}
                  <TextField label={t("campaigns.new.minimumOrder", { currency })} type="number" value={f.minimumOrder} onChange={set("minimumOrder")} autoComplete="off" error={err("offer.minimumOrderMinor")} />
                  <FormLayout.Group>
                    <TextField label={t("campaigns.new.startsAt")} type="date" value={f.startsAt} onChange={set("startsAt")} autoComplete="off" error={err("offer.startsAt")} />
                    <TextField label={t("campaigns.new.endsAt")} type="date" value={f.endsAt} onChange={set("endsAt")} autoComplete="off" error={err("offer.endsAt")} />
                  </FormLayout.Group>
                </FormLayout>
              </Card>
            ) : null}

            {step === "holdout" ? (
              <Card>
                <FormLayout>
                  <TextField label={t("campaigns.new.controlShare")} helpText={t("campaigns.new.controlShareHelp")} type="number" suffix="%" value={f.controlPct} onChange={set("controlPct")} autoComplete="off" error={err("controlShare")} />
                  <TextField label={t("campaigns.new.margin")} helpText={t("campaigns.new.marginHelp")} type="number" suffix="%" value={f.marginPct} onChange={set("marginPct")} autoComplete="off" error={err("grossMarginRate")} />
                  <Select
                    label={t("campaigns.new.delivery")}
                    options={["AUTO", "UNIQUE_CODES", "AUDIENCE_CODE", "SEGMENT"].map((m) => ({ label: t(`campaigns.delivery.${m}`), value: m }))}
                    value={f.deliveryMode}
                    onChange={set("deliveryMode")}
                    error={err("deliveryMode")}
                  />
                </FormLayout>
              </Card>
            ) : null}

            {step === "review" ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("campaigns.new.review")}
                  </Text>
                  {busy && !preview ? <Text as="p">{t("campaigns.new.estimating")}</Text> : null}
                  {preview ? (
                    <div data-testid="campaign-review">
                      <DescriptionList
                        items={[
                          { term: t("campaigns.new.audienceSize"), description: t("campaigns.new.audienceSizeValue", { size: formatNumber(preview.audience.size, locale), scored: formatNumber(preview.audience.scoredCustomers, locale) }) },
                          { term: t("campaigns.new.expectedValue"), description: money(preview.audience.expectedValueMinor) },
                          { term: t("campaigns.new.groups"), description: t("campaigns.new.groupsValue", { treated: formatNumber(preview.expectedTreated, locale), control: formatNumber(preview.expectedControl, locale) }) },
                          { term: t("campaigns.new.estimatedCost"), description: preview.estimatedCostMinor !== null ? money(preview.estimatedCostMinor) : t("campaigns.new.costUnknown", { detail: preview.costIssue ?? "" }) },
                          { term: t("campaigns.new.delivery"), description: preview.deliveryMode ? t(`campaigns.delivery.${preview.deliveryMode}`) : preview.deliveryIssue ?? t("campaigns.delivery.NONE") },
                        ]}
                      />
                      {preview.audience.size === 0 ? <InlineError message={t("campaigns.new.emptyAudience")} fieldID="audience" /> : null}
                    </div>
                  ) : null}
                </BlockStack>
              </Card>
            ) : null}

            <InlineStack align="space-between">
              <Button disabled={index === 0} onClick={() => goto(STEPS[index - 1])}>
                {t("campaigns.new.back")}
              </Button>
              {step === "review" ? (
                <Button variant="primary" loading={busy} disabled={!preview || preview.audience.size === 0 || preview.deliveryIssue !== null} onClick={() => submit("create")}>
                  {t("campaigns.new.launch")}
                </Button>
              ) : (
                <Button variant="primary" onClick={() => goto(STEPS[index + 1])}>
                  {t("campaigns.new.next")}
                </Button>
              )}
            </InlineStack>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
