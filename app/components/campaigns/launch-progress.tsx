// Launch progress of a campaign: the phase by name, how many codes were created
// or customers tagged out of the treatment group, and one bar over the launch.
// Data: launchProgressOf (app/services/campaigns/page.server.ts), from the
// Campaign row that runLaunch updates after every batch.
import { BlockStack, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useId } from "react";
import { useT } from "~/i18n";
import { useFormat } from "~/i18n/format";
import type { LaunchProgressView } from "~/services/campaigns/page.server";

export function LaunchProgress({ progress }: { progress: LaunchProgressView }) {
  const t = useT();
  const f = useFormat();
  const labelId = useId();
  const groups =
    progress.treated !== null
      ? t("campaigns.launching", { treated: f.number(progress.treated), control: f.number(progress.control ?? 0) })
      : null;
  const counts =
    progress.phase === "deliver" && progress.unit !== null && progress.done !== null && progress.total !== null
      ? t(`campaigns.launch.counts.${progress.unit}`, { done: f.number(progress.done), total: f.number(progress.total) })
      : null;
  return (
    <div data-testid="launch-progress" data-phase={progress.phase} data-percent={progress.percent}>
      <BlockStack gap="200">
        <InlineStack align="space-between" gap="200">
          <Text as="h2" variant="headingMd" id={labelId}>
            {t(`campaigns.launch.phase.${progress.phase}`)}
          </Text>
          <Text as="p" tone="subdued">
            {f.percent(progress.percent / 100, 0)}
          </Text>
        </InlineStack>
        <ProgressBar progress={progress.percent} size="small" ariaLabelledBy={labelId} animated={false} />
        {groups ? <Text as="p">{groups}</Text> : null}
        {counts ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {counts}
            {progress.deliveryMode ? ` · ${t(`campaigns.delivery.${progress.deliveryMode}`)}` : ""}
          </Text>
        ) : null}
        {progress.retrying ? (
          <Text as="p" tone="caution" variant="bodySm">
            {t("campaigns.launch.retrying")}
          </Text>
        ) : null}
        <Text as="p" tone="subdued" variant="bodySm">
          {t("campaigns.launch.leave")}
        </Text>
      </BlockStack>
    </div>
  );
}
