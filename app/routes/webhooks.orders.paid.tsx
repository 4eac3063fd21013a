// Webhook orders/paid: verified, stored in the inbox, answered 200; processed by the worker.
import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { acceptWebhook } from "~/services/webhook-inbox.server";

export const action = ({ request }: ActionFunctionArgs) => acceptWebhook(prisma, request, "orders/paid");
