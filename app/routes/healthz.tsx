import prisma from "~/db.server";

export const loader = async () => {
  await prisma.shop.count();
  return Response.json({ ok: true });
};
