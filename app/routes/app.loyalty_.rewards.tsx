// Rewards catalogue: create, edit, enable/disable. Rewards are part of the
// versioned program settings, so a redemption always names the rules it used.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useState, type FormEvent } from "react";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { currencyExponent, type Reward } from "~/domain/loyalty";
import { formatMoney, formatNumber, formatPercent } from "~/lib/format";
import { actorOf, runRewardAction } from "~/services/loyalty/admin-page.server";
import { getActiveProgram } from "~/services/loyalty/program.server";
import { useLocale, useT } from "~/i18n";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const program = await getActiveProgram(prisma, session.shop);
  return { rewards: program.settings.rewards, currency: program.settings.currency };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await runRewardAction(prisma, session.shop, actorOf(session), await request.formData());
  return data(result, { status: result.ok ? 200 : result.status });
};

interface RewardDraft {
  id: string;
  type: Reward["type"];
  name: string;
  costPoints: string;
  amount: string;
  percent: string;
  minimumOrder: string;
  codeValidityDays: string;
  enabled: boolean;
}

const EMPTY: RewardDraft = { id: "", type: "FIXED_AMOUNT", name: "", costPoints: "500", amount: "5", percent: "10", minimumOrder: "0", codeValidityDays: "90", enabled: true };

function toDraft(r: Reward, scale: number): RewardDraft {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    costPoints: String(r.costPoints),
    amount: r.type === "FIXED_AMOUNT" ? String(r.amountMinor / scale) : "",
    percent: r.type === "PERCENT" ? String(r.percent) : "",
    minimumOrder: String(r.minimumOrderMinor / scale),
    codeValidityDays: String(r.codeValidityDays),
    enabled: r.enabled,
  };
}

function fromDraft(d: RewardDraft, scale: number): Record<string, unknown> {
  const n = (v: string) => (v.trim() === "" ? NaN : Number(v));
  return {
    ...(d.id ? { id: d.id } : {}),
    type: d.type,
    name: d.name.trim(),
    costPoints: n(d.costPoints),
    minimumOrderMinor: Math.round(n(d.minimumOrder || "0") * scale),
    codeValidityDays: n(d.codeValidityDays),
    enabled: d.enabled,
    ...(d.type === "FIXED_AMOUNT" ? { amountMinor: Math.round(n(d.amount) * scale) } : {}),
    ...(d.type === "PERCENT" ? { percent: n(d.percent) } : {}),
  };
}

export default function LoyaltyRewardsPage() {
  const { rewards, currency } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const scale = 10 ** currencyExponent(currency);
  const [draft, setDraft] = useState<RewardDraft | null>(null);
  const errors: Record<string, string> = result && !result.ok ? result.errors : {};
  const set = <K extends keyof RewardDraft>(key: K) => (value: RewardDraft[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (draft) submit({ intent: "upsert", reward: JSON.stringify(fromDraft(draft, scale)) }, { method: "post" });
  };
  const describe = (r: Reward) =>
    r.type === "FIXED_AMOUNT" ? t("loyalty.rewards.fixed", { amount: formatMoney(r.amountMinor, currency, locale) }) : r.type === "PERCENT" ? t("loyalty.rewards.percent", { percent: formatPercent(r.percent / 100, locale, 0) }) : t("loyalty.rewards.freeShipping");

  return (
    <Page title={t("loyalty.rewards.title")} backAction={{ content: t("loyalty.title"), url: "/app/loyalty" }} primaryAction={{ content: t("loyalty.rewards.add"), onAction: () => setDraft({ ...EMPTY }) }}>
      <TitleBar title={t("loyalty.rewards.title")} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success">{t(result.message)}</Banner> : null}
            {result && !result.ok && errors.form ? <Banner tone="critical">{errors.form}</Banner> : null}
            {draft ? (
              <Card>
                <Form method="post" data-save-bar onSubmit={save}>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">{draft.id ? t("loyalty.rewards.edit") : t("loyalty.rewards.new")}</Text>
                    <FormLayout>
                      <FormLayout.Group>
                        <TextField label={t("loyalty.rewards.name")} value={draft.name} onChange={set("name")} error={errors["reward.name"]} autoComplete="off" />
                        <Select label={t("loyalty.rewards.type")} options={["FIXED_AMOUNT", "PERCENT", "FREE_SHIPPING"].map((v) => ({ value: v, label: t(`loyalty.rewards.type.${v}`) }))} value={draft.type} onChange={(v) => set("type")(v as Reward["type"])} />
                      </FormLayout.Group>
                      <FormLayout.Group>
                        <TextField label={t("loyalty.rewards.cost")} type="number" value={draft.costPoints} onChange={set("costPoints")} error={errors["reward.costPoints"]} autoComplete="off" />
                        {draft.type === "FIXED_AMOUNT" ? <TextField label={t("loyalty.rewards.amount", { currency })} type="number" value={draft.amount} onChange={set("amount")} error={errors["reward.amountMinor"]} autoComplete="off" /> : null}
                        {draft.type === "PERCENT" ? <TextField label={t("loyalty.rewards.percentOff")} type="number" value={draft.percent} onChange={set("percent")} error={errors["reward.percent"]} autoComplete="off" /> : null}
                      </FormLayout.Group>
                      <FormLayout.Group>
                        <TextField label={t("loyalty.rewards.minimumOrder", { currency })} type="number" value={draft.minimumOrder} onChange={set("minimumOrder")} error={errors["reward.minimumOrderMinor"]} autoComplete="off" />
                        <TextField label={t("loyalty.rewards.validity")} type="number" value={draft.codeValidityDays} onChange={set("codeValidityDays")} error={errors["reward.codeValidityDays"]} autoComplete="off" />
                      </FormLayout.Group>
                      <Checkbox label={t("loyalty.rewards.enabled")} checked={draft.enabled} onChange={set("enabled")} />
                    </FormLayout>
                    <InlineStack gap="200" align="end">
                      <Button onClick={() => setDraft(null)}>{t("loyalty.rewards.cancel")}</Button>
                      <Button submit variant="primary" loading={busy}>{t("loyalty.rewards.save")}</Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              </Card>
            ) : null}
            {rewards.length === 0 ? <Card><Text as="p">{t("loyalty.rewards.empty")}</Text></Card> : null}
            {rewards.map((r) => (
              <Card key={r.id}>
                <InlineStack align="space-between" blockAlign="center">
                  <BlockStack gap="100">
                    <InlineStack gap="200">
                      <Text as="h3" variant="headingSm">{r.name}</Text>
                      <Badge tone={r.enabled ? "success" : undefined}>{r.enabled ? t("loyalty.rewards.active") : t("loyalty.rewards.disabled")}</Badge>
                    </InlineStack>
                    <Text as="p" tone="subdued">{t("loyalty.rewards.summary", { what: describe(r as Reward), cost: formatNumber(r.costPoints, locale), days: formatNumber(r.codeValidityDays, locale) })}</Text>
                  </BlockStack>
                  <InlineStack gap="200">
                    <Button onClick={() => setDraft(toDraft(r as Reward, scale))}>{t("loyalty.rewards.editButton")}</Button>
                    <Form method="post">
                      <input type="hidden" name="intent" value="toggle" />
                      <input type="hidden" name="id" value={r.id} />
                      <input type="hidden" name="enabled" value={r.enabled ? "false" : "true"} />
                      <Button submit>{r.enabled ? t("loyalty.rewards.disable") : t("loyalty.rewards.enable")}</Button>
                    </Form>
                  </InlineStack>
                </InlineStack>
              </Card>
            ))}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
