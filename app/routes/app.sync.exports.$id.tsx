// Download a GDPR customers/data_request export (audit-logged).
import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { downloadDataExport } from "~/services/data-sync-page.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const file = await downloadDataExport(prisma, session.shop, params.id ?? "", session.onlineAccessInfo?.associated_user?.email ?? "admin");
  if (!file) return Response.json({ error: "No such export for this shop." }, { status: 404 });
  return new Response(file.body, {
    headers: { "content-type": "application/json", "content-disposition": `attachment; filename="${file.filename}"` },
  });
};
