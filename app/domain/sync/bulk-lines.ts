// Bulk operation JSONL (ungrouped): one object per line; connection children
// carry `__parentId` and come after their parent, not necessarily right after.
import { SyncInputError } from "./errors";
import { asRecord, type JsonRecord } from "./read";

export interface BulkObject {
  /** gid type: Order, LineItem, Customer, ... */
  type: string;
  id: string;
  parentGid: string | null;
  node: JsonRecord;
}

const GID_TYPE = /^gid:\/\/shopify\/([A-Za-z]+)\/\d+/;

export function parseBulkLine(text: string, lineNumber: number): BulkObject {
  const path = `line ${lineNumber}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SyncInputError("invalid_json", path, "is not valid JSON");
  }
  const node = asRecord(value, path);
  const id = node.id;
  const m = typeof id === "string" ? GID_TYPE.exec(id) : null;
  if (!m) throw new SyncInputError("invalid_id", `${path}.id`, "bulk objects need a gid id");
  const parent = node.__parentId;
  if (parent !== undefined && (typeof parent !== "string" || !GID_TYPE.test(parent))) {
    throw new SyncInputError("invalid_id", `${path}.__parentId`, "must be a gid");
  }
  return { type: m[1], id: id as string, parentGid: (parent as string | undefined) ?? null, node };
}
