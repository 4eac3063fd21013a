// POST /app/loyalty/adjust: manual points adjustment from the customer loyalty card.
// Needs a reason; audit-logged with the staff member and the time.
import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { actorOf, runAdjustAction } from "~/services/loyalty/admin-page.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const result = await runAdjustAction(prisma, session.shop, actorOf(session), await request.formData());
  return data(result, { status: result.ok ? 200 : result.status });
};
