// The storefront: the real theme app extension rendered by the storefront
// stand-in, talking to the running app through a signed app proxy.
import { expect, test } from "@playwright/test";
import { startStorefrontSim, type StorefrontSim } from "../../dev/storefront-sim/index";
import { DEMO_API_SECRET } from "../../dev/stack";
import { adjustCustomerPoints } from "~/services/loyalty/customer.server";
import { setProgramEnabled } from "~/services/loyalty/program.server";
import { clientFor } from "./support/wait";

test("a guest sees how the program works; a signed-in shopper redeems a reward and sees the code and new balance; Arabic is right-to-left", async ({ page }) => {
  const db = clientFor(process.env.E2E_DATABASE_URL!);
  const shop = process.env.E2E_SHOP!;
  let sim: StorefrontSim | undefined;
  try {
    const customer = await db.customer.findFirstOrThrow({ where: { shop, deletedAt: null, email: { not: null } }, orderBy: { shopifyId: "asc" } });
    await setProgramEnabled(db, shop, true, "e2e");
    const granted = await adjustCustomerPoints(db, shop, {
      customerShopifyId: customer.shopifyId,
      points: 1200,
      reason: "storefront e2e grant",
      actor: "e2e",
      adjustmentId: "e2e-storefront-grant",
    });
    const balance = granted.balance.spendable;
    expect(balance).toBeGreaterThanOrEqual(1200);

    sim = await startStorefrontSim({
      shop,
      appProxyTarget: `${process.env.E2E_APP_URL}/proxy`,
      apiSecret: DEMO_API_SECRET,
      customers: [{ id: customer.shopifyId, firstName: customer.firstName ?? "Shopper", email: customer.email!, metafields: { balance } }],
    });

    // A guest: the program, a sign-in call to action, nothing personal.
    await page.goto(`${sim.url}/account`);
    const guestPanel = page.locator("main").getByTestId("retain-panel");
    await expect(guestPanel.getByTestId("retain-guest")).toBeVisible();
    await expect(guestPanel.getByTestId("retain-sign-in")).toBeVisible();
    await expect(guestPanel.getByTestId("retain-balance")).toHaveCount(0);

    // Signed in: the balance shows from the metafield at once, live data from the proxy.
    await page.goto(`${sim.url}/account/login?customer=${customer.shopifyId}`);
    const panel = page.locator("main").getByTestId("retain-panel");
    await expect(panel.getByTestId("retain-balance")).toHaveText(String(balance));
    const redeem = panel.getByTestId("retain-redeem").first();
    await expect(redeem).toBeEnabled();
    await redeem.click();
    const code = panel.getByTestId("retain-code");
    await expect(code).toHaveText(/^RETAIN-[A-Z0-9-]+$/);
    await expect(panel.getByTestId("retain-balance")).toHaveText(String(balance - 500));
    await page.screenshot({ path: "tests/artifacts/screenshots/storefront-redeemed-en.png", fullPage: true });

    // A signed storefront call completed the setup guide's storefront step.
    expect((await db.shop.findUniqueOrThrow({ where: { shop } })).storefrontSeenAt).not.toBeNull();

    // The code is the one Retain issued through the Admin API, for this customer.
    const redemption = await db.redemption.findFirstOrThrow({ where: { shop, code: (await code.innerText()).trim() } });
    expect(redemption.status).toBe("ISSUED");
    const account = await db.loyaltyAccount.findUniqueOrThrow({ where: { id: redemption.accountId } });
    expect(account.customerShopifyId).toBe(customer.shopifyId);

    // The same page in Arabic is mirrored right-to-left.
    await page.goto(`${sim.url}/account?locale=ar`);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.locator("main").getByTestId("retain-balance")).toHaveText(String(balance - 500));
    const direction = await page.locator("main").getByTestId("retain-panel").evaluate((el) => getComputedStyle(el).direction);
    expect(direction).toBe("rtl");
    await page.screenshot({ path: "tests/artifacts/screenshots/storefront-ar.png", fullPage: true });
  } finally {
    await sim?.close();
    await db.$disconnect();
  }
});
