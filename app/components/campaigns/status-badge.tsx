// Campaign status as a Polaris badge; tone says whether the merchant needs to act.
import { Badge } from "@shopify/polaris";
import { useT } from "~/i18n";

const TONES: Record<string, "success" | "info" | "attention" | "critical" | undefined> = {
  RUNNING: "success",
  LAUNCHING: "info",
  DRAFT: undefined,
  ENDED: undefined,
  CANCELLED: "attention",
  FAILED: "critical",
};

export function CampaignStatusBadge({ status }: { status: string }) {
  const t = useT();
  return <Badge tone={TONES[status]}>{t(`campaigns.status.${status}`)}</Badge>;
}
