// GET /apps/retain/loyalty (Shopify forwards it to /proxy/loyalty): program, and the signed-in customer's loyalty.
import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { getProxyLoyalty } from "~/services/loyalty/proxy.server";
import { proxyJson, verifyProxyRequest } from "~/services/loyalty/proxy-auth.server";
import { markStorefrontSeen } from "~/services/setup-guide.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const caller = await verifyProxyRequest(request);
  // The setup guide's "storefront" step completes when a real signed storefront call arrives.
  await markStorefrontSeen(prisma, caller.shop);
  return proxyJson(200, await getProxyLoyalty(prisma, caller.shop, caller.customerShopifyId));
};
