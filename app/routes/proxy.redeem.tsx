// POST /apps/retain/redeem (forwarded to /proxy/redeem), body { rewardId, requestKey }.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { proxyError, redeemViaProxy } from "~/services/loyalty/proxy.server";
import { proxyJson, verifyProxyRequest } from "~/services/loyalty/proxy-auth.server";

const MAX_BODY = 4096;

export const action = async ({ request }: ActionFunctionArgs) => {
  const caller = await verifyProxyRequest(request);
  if (request.method !== "POST") {
    const e = proxyError(405, "INVALID_REQUEST", caller.lang);
    return proxyJson(e.status, e.body);
  }
  const text = await request.text();
  let body: unknown;
  if (text.length <= MAX_BODY) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  const reply = await redeemViaProxy(prisma, caller.shop, caller.customerShopifyId, body, caller.lang);
  return proxyJson(reply.status, reply.body);
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const caller = await verifyProxyRequest(request);
  const e = proxyError(405, "INVALID_REQUEST", caller.lang);
  return proxyJson(e.status, e.body);
};
