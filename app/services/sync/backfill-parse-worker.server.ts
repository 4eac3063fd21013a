// Worker-thread entry of the backfill parser (backfill-parse.server.ts):
// parses, normalizes and encodes batches of JSONL lines off the thread that writes.
import { parentPort } from "node:worker_threads";
import type { BackfillKind } from "~/domain/sync/backfill-batch";
import { SyncInputError } from "~/domain/sync";
import { prepareWriterBatch, type LineFormat } from "./backfill-rows.server";

export interface ParseRequest {
  id: number;
  kind: BackfillKind;
  shop: string;
  texts: string[];
  lineNos: number[];
  format: LineFormat;
}

parentPort?.on("message", (m: ParseRequest) => {
  try {
    parentPort!.postMessage({ id: m.id, batch: prepareWriterBatch(m.kind, m.shop, m.texts, m.lineNos, m.format) });
  } catch (err) {
    const e = err as Error;
    const error = err instanceof SyncInputError
      ? { name: "SyncInputError", reason: err.reason, path: err.path, message: e.message }
      : { name: e?.name ?? "Error", message: String(e?.message ?? err) };
    parentPort!.postMessage({ id: m.id, error });
  }
});
