// Progress of the analytics recompute job, read from its Job row by the loader
// (insights.server.ts recomputeProgressOf): the stage by name, its counts when
// the job reports them, and one overall bar that only moves forward.
import { BlockStack, Box, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useId } from "react";
import { useT } from "~/i18n";
import { useFormat } from "~/i18n/format";
import { useMonotonic } from "~/components/shared/use-poll";
import type { RecomputeProgress } from "~/services/analytics/insights.server";

export const RECOMPUTE_STAGE_ORDER = ["load", "metrics", "cohorts", "rfm", "clv", "write"] as const;

export function RecomputeProgressView({ progress, heading = true }: { progress: RecomputeProgress; heading?: boolean }) {
  const t = useT();
  const f = useFormat();
  const labelId = useId();
  const percent = useMonotonic(progress.jobId, progress.percent);
  const step = progress.stage ? RECOMPUTE_STAGE_ORDER.indexOf(progress.stage) + 1 : 0;
  const counts =
    progress.stage && progress.done !== null
      ? t(progress.stage === "load" ? "insights.recompute.counts.load" : progress.stage === "write" ? "insights.recompute.counts.write" : "insights.recompute.counts.other", {
          done: f.number(progress.done),
          total: progress.total === null ? "…" : f.number(progress.total),
        })
      : null;
  return (
    <div data-testid="recompute-progress" data-stage={progress.stage ?? "queued"} data-percent={percent}>
      <BlockStack gap="200">
        {heading ? (
          <Text as="h2" variant="headingMd">
            {t("insights.recompute.title")}
          </Text>
        ) : null}
        <InlineStack align="space-between" gap="200">
          <Text as="p" id={labelId}>
            {progress.stage
              ? t("insights.recompute.step", { step: f.number(step), steps: f.number(RECOMPUTE_STAGE_ORDER.length), stage: t(`insights.recompute.stage.${progress.stage}`) })
              : t("insights.recompute.queued")}
          </Text>
          <Text as="p" tone="subdued">
            {t("insights.recompute.percent", { percent: f.percent(percent / 100, 0) })}
          </Text>
        </InlineStack>
        <Box>
          <ProgressBar progress={percent} size="small" ariaLabelledBy={labelId} animated={false} />
        </Box>
        {counts ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {counts}
          </Text>
        ) : null}
        {progress.retrying ? (
          <Text as="p" tone="caution" variant="bodySm">
            {t("insights.recompute.retrying")}
          </Text>
        ) : null}
      </BlockStack>
    </div>
  );
}
