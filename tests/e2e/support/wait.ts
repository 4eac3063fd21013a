import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

export function clientFor(databaseUrl: string): PrismaClient {
  const adapter = databaseUrl.startsWith("file:") ? new PrismaBetterSQLite3({ url: databaseUrl }) : new PrismaPg({ connectionString: databaseUrl });
  return new PrismaClient({ adapter });
}

/** Waits until the app's worker has processed every accepted delivery. */
export async function waitForInboxDrained(databaseUrl: string, timeoutMs: number): Promise<void> {
  const db = clientFor(databaseUrl);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const pending = await db.webhookInbox.count({ where: { status: { in: ["PENDING", "PROCESSING"] } } });
      if (pending === 0) return;
      if (Date.now() > deadline) throw new Error(`${pending} webhook deliveries still unprocessed after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await db.$disconnect();
  }
}

/** Waits until the worker's analytics recompute has written its per-customer rows and shop snapshot. */
export async function waitForAnalytics(databaseUrl: string, shop: string, timeoutMs: number): Promise<void> {
  const db = clientFor(databaseUrl);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const snapshot = await db.shopSnapshot.findFirst({ where: { shop, kind: "ANALYTICS" } });
      if (snapshot) return;
      if (Date.now() > deadline) throw new Error(`no analytics snapshot for ${shop} after ${timeoutMs} ms (is the worker running analytics.recompute?)`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await db.$disconnect();
  }
}
