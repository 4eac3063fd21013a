// CSV export of the (filtered) customer list, streamed.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { exportCustomersCsv } from "~/services/analytics/customers.server";
import { RFM_GROUPS } from "~/domain/analytics";

const exportSchema = z.object({ segment: z.enum(RFM_GROUPS).optional(), q: z.string().max(200).optional() });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = exportSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return new Response("invalid export filter", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const name = `customers${parsed.data.segment ? `-${parsed.data.segment.toLowerCase()}` : ""}.csv`;
  return new Response(exportCustomersCsv(prisma, session.shop, { segment: parsed.data.segment, search: parsed.data.q }), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
    },
  });
};
