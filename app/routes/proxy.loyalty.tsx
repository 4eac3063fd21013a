// GET /apps/retain/loyalty (Shopify forwards it to /proxy/loyalty): program, and the signed-in customer's loyalty.
import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { getProxyLoyalty } from "~/services/loyalty/proxy.server";
import { proxyJson, verifyProxyRequest } from "~/services/loyalty/proxy-auth.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const caller = await verifyProxyRequest(request);
  return proxyJson(200, await getProxyLoyalty(prisma, caller.shop, caller.customerShopifyId));
};
