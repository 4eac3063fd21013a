// GET /apps/retain/loyalty (Shopify forwards it to /proxy/loyalty): program, and the signed-in customer's loyalty.
import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { getProxyLoyaltyJson } from "~/services/loyalty/proxy.server";
import { proxyJsonText, verifyProxyRequest } from "~/services/loyalty/proxy-auth.server";
import { markStorefrontSeen } from "~/services/setup-guide.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const caller = await verifyProxyRequest(request);
  // The setup guide's "storefront" step completes when a real signed storefront call arrives.
  await markStorefrontSeen(prisma, caller.shop);
  return proxyJsonText(200, await getProxyLoyaltyJson(prisma, caller.shop, caller.customerShopifyId));
};
