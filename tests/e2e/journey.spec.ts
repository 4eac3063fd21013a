// The merchant journey, once in English and once in Arabic (right-to-left):
// home and setup guide → Insights → a segment → a customer → loyalty settings
// (save bar, save, toast) → campaign wizard → launch (the app's worker) →
// results. Every page is screenshotted and checked with axe; the stack and the
// demo shop come from global setup (no reseeding here).
import { expect, test, type Page } from "@playwright/test";
import { clientFor } from "./support/wait";
import { capturePage, expectAxeClean, expectDocumentLocale, literal, messageFor, type AxeFinding, type JourneyLocale } from "./support/journey";

const admin = () => process.env.E2E_ADMIN_URL!;
const shop = () => process.env.E2E_SHOP!;
const appPath = (path: string, locale: JourneyLocale) => `${admin()}/store/retain-demo/apps/retain${path}${locale === "ar" ? "?locale=ar" : ""}`;

// The save bar belongs to the admin's chrome (App Bridge), not to the app's catalogs: the stand-in's own words.
const SAVE_BAR = { en: { label: "Unsaved changes", save: "Save" }, ar: { label: "تغييرات غير محفوظة", save: "حفظ" } } as const;

test.describe.configure({ mode: "serial" });

async function heading(page: Page, text: string) {
  await expect(page.getByRole("heading", { name: literal(text) }).first()).toBeVisible();
}

for (const locale of ["en", "ar"] as const) {
  const t = (key: string, params?: Record<string, string | number>) => messageFor(locale, key, params);

  test(`${locale}: setup guide, dashboard, segment, customer, loyalty setting, campaign launch and results are usable and axe-clean`, async ({ page }) => {
    test.setTimeout(150_000);
    const findings: AxeFinding[] = [];
    const shot = async (name: string, docs = false) => findings.push(...(await capturePage(page, `journey-${locale}-${name}`, docs ? { docsName: `${name}-${locale}` } : {})));
    const db = clientFor(process.env.E2E_DATABASE_URL!);
    try {
      // Home: the setup guide lists its four steps, each with a visible state, and counts the done ones.
      await page.goto(appPath("", locale));
      await expectDocumentLocale(page, locale);
      await heading(page, t("home.setup.title"));
      const steps = page.locator('[data-testid^="setup-step-"]');
      await expect(steps).toHaveCount(4);
      let done = 0;
      for (const step of await steps.all()) {
        const state = (await step.getAttribute("data-state"))!;
        expect(["done", "in_progress", "todo"]).toContain(state);
        await expect(step).toContainText(t(`home.state.${state}`));
        if (state === "done") done++;
      }
      await expect(page.getByTestId("setup-progress")).toHaveText(t("home.setup.progress", { done, total: 4 }));
      // Seeded orders mean the sync step is done, or still finishing the install's backfill — never "to do".
      await expect(page.getByTestId("setup-step-sync")).not.toHaveAttribute("data-state", "todo");
      await shot("home", true);

      // Follow the loyalty step: it opens the program page, where the program is switched on (a toast confirms).
      await page.getByTestId("setup-step-loyalty").getByRole("link", { name: t("home.step.loyalty.action") }).click();
      await page.waitForURL(/\/app\/loyalty/, { timeout: 20_000 });
      await heading(page, t("loyalty.program.heading"));
      const turnOn = page.getByRole("button", { name: t("loyalty.program.turnOn"), exact: true });
      if (await turnOn.isVisible()) {
        await turnOn.click();
        await expect(page.getByTestId("toast").filter({ hasText: t("loyalty.program.enabledToast") })).toBeVisible();
      }
      await expect(page.getByRole("button", { name: t("loyalty.program.turnOff"), exact: true })).toBeVisible();

      // The dashboard, through the nav bar (App Bridge NavMenu stand-in).
      await page.locator("#retain-sim-nav").getByRole("link", { name: t("nav.insights"), exact: true }).click();
      await heading(page, t("insights.kpis.title"));
      await expectDocumentLocale(page, locale);
      await heading(page, t("insights.cohorts.title"));
      await heading(page, t("segments.title"));
      await expect(page.getByRole("table", { name: t("insights.cohorts.caption.activeShare") })).toBeVisible();
      await shot("insights", true);

      // A segment: the first segment link in the RFM table, with its back action.
      const segmentLink = page.locator('a[href*="/app/segments/"]').first();
      const segmentName = (await segmentLink.innerText()).trim();
      await segmentLink.click();
      await page.waitForURL(/\/app\/segments\//, { timeout: 20_000 });
      await expect(page.getByRole("heading", { level: 1, name: segmentName })).toBeVisible();
      await expect(page.locator(".Polaris-Page").getByRole("link", { name: t("insights.title"), exact: true })).toBeVisible();
      await shot("segment");

      // A customer from that segment: CLV, P(alive), RFM group and the loyalty card.
      await page.locator('a[href*="/app/customers/"]:not([href*="/export"])').first().click();
      await page.waitForURL(/\/app\/customers\/\d+/, { timeout: 20_000 });
      await expect(page.locator(".Polaris-Page").getByRole("link", { name: t("customers.title"), exact: true })).toBeVisible();
      await heading(page, t("customers.detail.predictedClv"));
      await heading(page, t("customers.detail.pAlive"));
      await heading(page, t("customers.detail.rfmGroup"));
      await heading(page, t("loyalty.card.title"));
      await shot("customer", true);

      // A customer that does not exist: the error page says what happened and offers a way back.
      await page.goto(appPath("/customers/999999999999", locale));
      await heading(page, t("error.notFound.title"));
      await expect(page.getByText(t("error.notFound.body"))).toBeVisible();
      await expect(page.getByRole("link", { name: t("error.home") })).toBeVisible();
      await shot("error-not-found");

      // Loyalty settings: editing shows the contextual save bar; saving confirms with a toast and a banner.
      await page.goto(appPath("/loyalty", locale));
      await heading(page, t("loyalty.title"));
      const signup = page.getByLabel(t("loyalty.bonuses.signup"));
      const next = String(Number(await signup.inputValue()) + 5);
      await signup.fill(next);
      const saveBar = page.getByRole("region", { name: SAVE_BAR[locale].label });
      await expect(saveBar).toBeVisible();
      await shot("loyalty-unsaved");
      await saveBar.getByRole("button", { name: SAVE_BAR[locale].save }).click();
      await expect(page.getByTestId("toast").filter({ hasText: t("loyalty.settings.saved") })).toBeVisible();
      await expect(saveBar).toBeHidden();
      await expect(page.getByLabel(t("loyalty.bonuses.signup"))).toHaveValue(next);
      await expect
        .poll(async () => {
          const latest = await db.loyaltySettingsVersion.findFirst({ where: { shop: shop() }, orderBy: { version: "desc" } });
          return (latest?.settings as { bonuses?: { signupPoints?: number } } | undefined)?.bonuses?.signupPoints;
        })
        .toBe(Number(next));
      await shot("loyalty", true);

      // Campaign wizard: audience → offer → holdout → review, then launch.
      await page.goto(appPath("/campaigns/new", locale));
      await heading(page, t("campaigns.new.title"));
      const name = `Journey ${locale} winback`;
      await page.getByLabel(t("campaigns.new.name")).fill(name);
      for (let i = 0; i < 3; i++) await page.getByRole("button", { name: t("campaigns.new.next") }).click();
      const review = page.getByTestId("campaign-review");
      await expect(review).toBeVisible();
      await expect(review).toContainText(t("campaigns.new.estimatedCost"));
      await shot("campaign-review");
      await page.getByRole("button", { name: t("campaigns.new.launch") }).click();
      await page.waitForURL(/\/app\/campaigns\/(?!new\b)[a-z0-9]+/, { timeout: 30_000 });
      const id = new URL(page.url()).pathname.split("/").pop()!;
      await expect.poll(async () => (await db.campaign.findUnique({ where: { id } }))?.status, { timeout: 60_000 }).toBe("RUNNING");

      // Results: status, verdict, the four metrics and a way back to the list.
      await page.reload();
      await expectDocumentLocale(page, locale);
      await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
      await expect(page.getByText(t("campaigns.status.RUNNING"), { exact: true })).toBeVisible();
      await expect(page.getByTestId("campaign-verdict")).toBeVisible();
      for (const metric of ["metric-conversion", "metric-rpc", "metric-revenue", "metric-margin"]) await expect(page.getByTestId(metric)).toBeVisible();
      await shot("campaign-results", true);

      // Back home, the guide shows the steps just completed.
      await page.locator("#retain-sim-nav").getByRole("link", { name: t("nav.home"), exact: true }).click();
      await heading(page, t("home.setup.title"));
      await expect(page.getByTestId("setup-step-loyalty")).toHaveAttribute("data-state", "done");
      await expect(page.getByTestId("setup-step-campaign")).toHaveAttribute("data-state", "done");
      await expect(page.getByTestId("setup-step-campaign")).toContainText(t("home.state.done"));

      expectAxeClean(findings);
    } finally {
      await db.$disconnect();
    }
  });
}
