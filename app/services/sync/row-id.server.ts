// Time-ordered ids in the UUID v7 layout: 48-bit milliseconds, a 12-bit
// per-process sequence, then 62 bits drawn once per process. Rows written
// together get adjacent keys, so bulk inserts append at the right edge of the
// primary-key index and of indexes keyed by a row id (OrderLineItem.orderId)
// instead of dirtying pages all over them (random UUIDs made each backfill
// commit write several times more WAL pages). Unique: within a process
// (time, sequence) never repeats; across processes (and worker threads, which
// load their own copy of this module) the random tail differs. No imports
// beyond node:crypto, so the backfill's parser thread can use it.
import { randomUUID } from "node:crypto";

let lastMs = 0;
let sequence = 0;
let prefix = "";
const processTail = (() => {
  const r = randomUUID(); // "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx": keep the variant nibble and the random tail
  return r.slice(18);
})();

export function newRowId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
    const time = now.toString(16).padStart(12, "0");
    prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one, stay monotonic.
    lastMs++;
    sequence = 0;
    const time = lastMs.toString(16).padStart(12, "0");
    prefix = `${time.slice(0, 8)}-${time.slice(8)}-7`;
  }
  return `${prefix}${sequence.toString(16).padStart(3, "0")}${processTail}`;
}
