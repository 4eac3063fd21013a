// PostgreSQL adapter for the Prisma CLI (migrate deploy/status). The JS schema
// engine reads pg catalogs whose column types (`name`, `"char"`, `name[]`)
// adapter-pg 6.19 cannot map (prisma/orm#27403); presenting them as text and
// text[] is exact for what the engine reads. The app itself uses plain PrismaPg.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const REMAP: Record<number, number> = { 19: 25, 18: 25, 1003: 1009 };

function remapFields<T>(result: T): T {
  const fields = (result as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
  if (fields) for (const f of fields) f.dataTypeID = REMAP[f.dataTypeID] ?? f.dataTypeID;
  return result;
}

function patchQuery<C extends { query: (...a: any[]) => any }>(client: C): C {
  const original = client.query.bind(client);
  (client as any).query = (...args: any[]) => {
    const out = original(...args);
    return out && typeof out.then === "function" ? out.then(remapFields) : out;
  };
  return client;
}

class CatalogSafePool extends pg.Pool {
  override query(...args: any[]): any {
    return (super.query as any)(...args).then(remapFields);
  }
  override connect(...args: any[]): any {
    if (args.length > 0) return (super.connect as any)(...args);
    return super.connect().then((client) => patchQuery(client));
  }
}

export function createPgAdapterFactory(connectionString: string) {
  return new PrismaPg(new CatalogSafePool({ connectionString }) as unknown as pg.Pool);
}
