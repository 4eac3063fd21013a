import { expect, test } from "@playwright/test";

test("the demo app opens in Chromium through the admin shell and shows its Polaris home page", async ({ page }) => {
  const admin = process.env.E2E_ADMIN_URL!;
  await page.goto(`${admin}/store/retain-demo/apps/retain`);
  await expect(page.getByRole("heading", { name: /Welcome to Retain/ })).toBeVisible();
  // Polaris rendered (its stylesheet and components), and data synced through webhooks is shown.
  await expect(page.locator(".Polaris-Page")).toBeVisible();
  await expect(page.getByTestId("sync-summary")).toContainText(/\d+ customers and \d+ orders synced/);
  const summary = await page.getByTestId("sync-summary").innerText();
  expect(Number(summary.match(/(\d+) customers/)![1])).toBeGreaterThan(0);
  // Analytics ran after the seed (global setup waits for it): the home shows the KPIs.
  await expect(page.getByTestId("home-kpis")).toBeVisible();
  await expect(page.getByTestId("home-kpis")).toContainText("Net revenue");
  await page.screenshot({ path: "tests/artifacts/screenshots/home-en.png", fullPage: true });

  // The Data sync page shows what the webhooks stored and the sections below it.
  await page.getByRole("navigation", { name: "Retain" }).getByRole("link", { name: "Data sync" }).click();
  await expect(page.getByTestId("sync-counts")).toContainText(/\d+ customers · \d+ orders/);
  await expect(page.getByRole("heading", { name: "Reconciliation", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Failed deliveries/ })).toBeVisible();
});
