// Walks the campaign wizard (audience → offer → holdout → review) in Chromium, launches,
// and opens the results page with its verdict, the four metrics and the chart.
import { expect, test } from "@playwright/test";
import { clientFor } from "./support/wait";

const admin = () => process.env.E2E_ADMIN_URL!;
const shop = () => process.env.E2E_SHOP!;

test("the campaign wizard validates inline, shows size and cost, launches, and the results page shows verdict, metrics and chart", async ({ page }) => {
  const db = clientFor(process.env.E2E_DATABASE_URL!);
  try {
    // The audience is evaluated on the analytics rows the app's worker computed after the seed (global setup waits for them).
    expect(await db.customerMetric.count({ where: { shop: shop() } })).toBeGreaterThan(0);

    await page.goto(`${admin()}/store/retain-demo/apps/retain/campaigns/new`);
    await expect(page.getByRole("heading", { name: "New campaign" })).toBeVisible();

    // Audience: a name, and an inverted range that the server rejects field by field.
    await page.getByLabel("Campaign name").fill("E2E winback");
    await page.getByLabel("Days since last order from").fill("30");
    await page.getByLabel("Days since last order to").fill("10");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Next" }).click();
    // Review asks the server, which sends the merchant back to the field in error.
    await expect(page.getByText(/min \(30\) must not exceed max \(10\)/)).toBeVisible();
    await page.getByLabel("Days since last order from").fill("");
    await page.getByLabel("Days since last order to").fill("");

    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByLabel("Discount")).toHaveValue("10");
    await page.getByLabel("Discount").fill("15");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Control group").fill("20");
    await page.getByRole("button", { name: "Next" }).click();

    const review = page.getByTestId("campaign-review");
    await expect(review).toBeVisible();
    await expect(review).toContainText(/of \d+ scored customers/);
    await expect(review).toContainText("Estimated cost");
    await page.screenshot({ path: "tests/artifacts/screenshots/campaign-review.png", fullPage: true });
    await page.getByRole("button", { name: "Launch campaign" }).click();

    await page.waitForURL(/\/app\/campaigns\/(?!new\b)[a-z0-9]+/);
    await expect(page.getByRole("heading", { name: "E2E winback" })).toBeVisible();
    const id = new URL(page.url()).pathname.split("/").pop()!;

    // The app's worker process runs campaigns.launch.
    await expect.poll(async () => (await db.campaign.findUnique({ where: { id } }))?.status, { timeout: 60_000 }).toBe("RUNNING");
    await page.reload();
    await expect(page.getByText("Running", { exact: true })).toBeVisible();
    await expect(page.getByTestId("campaign-verdict")).toBeVisible();
    for (const metric of ["metric-conversion", "metric-rpc", "metric-revenue", "metric-margin"]) await expect(page.getByTestId(metric)).toBeVisible();
    await expect(page.getByTestId("campaign-chart")).toBeVisible();
    await expect(page.getByText(/Code: RTC-/)).toBeVisible();
    await page.screenshot({ path: "tests/artifacts/screenshots/campaign-results.png", fullPage: true });

    // Cancel asks first, then disables the campaign.
    await page.getByRole("button", { name: "Cancel campaign" }).first().click();
    await expect(page.getByText("Cancel this campaign?")).toBeVisible();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel campaign" }).click();
    await expect.poll(async () => (await db.campaign.findUnique({ where: { id } }))?.status, { timeout: 20_000 }).toBe("CANCELLED");

    await page.goto(`${admin()}/store/retain-demo/apps/retain/campaigns`);
    await expect(page.getByRole("link", { name: "E2E winback" })).toBeVisible();
  } finally {
    await db.$disconnect();
  }
});
