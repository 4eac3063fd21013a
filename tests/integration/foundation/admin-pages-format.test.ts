// The remaining admin pages rendered on the server from their real loaders, in a
// shop whose currency (JPY, no minor digits) and time zone (Asia/Tokyo) differ
// from the defaults: dates come out in the shop's zone, money with the
// currency's own digits, and Arabic renders with no raw translation key.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import * as syncRoute from "~/routes/app.sync";
import * as segmentSyncRoute from "~/routes/app.segment-sync";
import * as campaignsRoute from "~/routes/app.campaigns._index";
import * as newCampaignRoute from "~/routes/app.campaigns.new";
import * as liabilityRoute from "~/routes/app.loyalty_.liability";
import { createCampaign } from "~/services/campaigns/campaigns.server";
import { renderAdminRoute, type AdminLocale } from "../../helpers/admin-pages";
import { createInstalledShop, resetDatabase } from "../../helpers/db";

const SHOP = "format-pages.myshopify.com";

/** The page's visible text (scripts and tags stripped). */
async function render(route: unknown, path: string, locale: AdminLocale = "en"): Promise<string> {
  const html = await renderAdminRoute(route, SHOP, path, { locale });
  return html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ");
}




const RAW_KEY = /\b(sync|segmentSync|campaigns|loyalty|insights|home)\.[a-zA-Z]+\.[a-zA-Z_.]+/;

beforeAll(async () => {
  await resetDatabase(prisma);
  await createInstalledShop(prisma, SHOP, { currencyCode: "JPY", ianaTimezone: "Asia/Tokyo" });
  await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_orders", accessToken: "shpat_x" } });
  // 16:30 UTC on Mar 1 is 01:30 on Mar 2 in Tokyo.
  await prisma.syncRun.create({ data: { shop: SHOP, kind: "BACKFILL_ORDERS", status: "COMPLETED", objectsDone: 1234, objectsTotal: 1234, startedAt: new Date("2026-03-01T16:30:00Z"), finishedAt: new Date("2026-03-01T16:40:00Z") } });
  await createCampaign(
    prisma,
    SHOP,
    { name: "Spring", audience: { pAlive: { min: 0.2 } }, offer: { reward: { kind: "FIXED_AMOUNT", amountMinor: 500, currency: "JPY" }, minimumOrderMinor: 0, startsAt: "2026-03-10T00:00:00Z", endsAt: "2026-04-07T00:00:00Z" }, seed: "s" },
    "test",
  );
});

describe("admin pages format for the shop", () => {
  it("Data sync shows run times in the shop's time zone and counts grouped", async () => {
    const en = await render(syncRoute, "/app/sync");
    expect(en).toContain("Mar 2, 2026");
    expect(en).not.toContain("Mar 1, 2026");
    expect(en).toContain("1,234");
    const ar = await render(syncRoute, "/app/sync", "ar");
    // Arabic's medium date is day/month/year: 2 March in Tokyo (digits normalised, bidi marks dropped).
    const plain = ar.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u200E\u200F\u061C]/g, "");
    expect(plain).toContain("02/03/2026");
    expect(ar).not.toMatch(RAW_KEY);
  });

  it("the campaign list shows the offer window as the days the merchant picked", async () => {
    const en = await render(campaignsRoute, "/app/campaigns");
    expect(en).toContain("Mar 10, 2026");
    expect(en).toContain("Apr 7, 2026");
    expect(await render(campaignsRoute, "/app/campaigns", "ar")).not.toMatch(RAW_KEY);
  });

  it("the wizard and segment sync render in both languages; the wizard labels amounts in the shop's currency", async () => {
    const en = await render(newCampaignRoute, "/app/campaigns/new");
    expect(en).toContain("JPY");
    expect(await render(newCampaignRoute, "/app/campaigns/new", "ar")).not.toMatch(RAW_KEY);
    expect(await render(segmentSyncRoute, "/app/segment-sync", "ar")).not.toMatch(RAW_KEY);
  });

  it("the liability page prices points in yen with no decimals and names trend months", async () => {
    const en = await render(liabilityRoute, "/app/loyalty/liability");
    expect(en).toMatch(/¥0(?![.\d])/);
    expect(en).not.toMatch(/¥[\d,]+\.\d/);
    // Trend rows are named by month ("Nov 2026"), not raw ISO timestamps.
    expect(en).toMatch(/\b[A-Z][a-z]{2} 20\d\d\b/);
    expect(en).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(en).not.toMatch(RAW_KEY);
  });
});
