// Parse transaction files into `Transaction`s. Pure: text in, rows out. Three
// layouts are recognised:
//  - generic CSV with a header naming a customer, a date and an amount column
//    (e.g. customer_id,date,amount; names matched case-insensitively);
//  - Shopify's orders export (Name, Email, Created at, Total, ...): one row per
//    line item, so each order Name is counted once; customer = Email;
//  - the whitespace-separated CDNOW log (master_id customer_id YYYYMMDD cds dollars).
// Bad rows are skipped with their line number and reason; only a file with no
// usable rows at all is an error.

import { parseCalendarDay, type Transaction } from "./data-prep";
import { ClvError } from "./errors";

export type TransactionsFormat = "generic" | "shopify-orders" | "cdnow";

export interface SkippedRow {
  /** 1-based line number in the file where the record starts. */
  line: number;
  reason: string;
}

export interface ParsedTransactions {
  format: TransactionsFormat;
  transactions: Transaction[];
  skipped: SkippedRow[];
  /** Data records read (header excluded). */
  recordsRead: number;
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === "")) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
      fieldStarted = false;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      // CRLF: the \n ends the record on the next step.
    } else if (ch === "\n" || ch === "\r") {
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new ClvError("parse-error", `line ${recordLine}: unterminated quoted field`, { line: recordLine });
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}

const normalizeHeader = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, "");

const CUSTOMER_HEADERS = ["customerid", "customer", "customeremail", "email", "clientid", "userid", "buyerid", "id"];
const DATE_HEADERS = ["date", "orderdate", "purchasedate", "transactiondate", "createdat", "processedat", "day", "timestamp"];
const AMOUNT_HEADERS = ["amount", "total", "ordertotal", "totalprice", "value", "revenue", "sales", "dollarvalue", "price", "monetaryvalue"];

function findColumn(headers: string[], candidates: string[]): number {
  for (const candidate of candidates) {
    const at = headers.indexOf(candidate);
    if (at >= 0) return at;
  }
  return -1;
}

/** YYYY-MM-DD (optionally followed by a time), YYYY/MM/DD or YYYYMMDD → YYYY-MM-DD. */
export function normalizeDate(raw: string): string {
  const value = raw.trim();
  let date: string;
  if (/^\d{8}$/.test(value)) date = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  else if (/^\d{4}[-/]\d{2}[-/]\d{2}([T\s].*)?$/.test(value)) date = value.slice(0, 10).replace(/\//g, "-");
  else throw new ClvError("invalid-date", `unrecognised date "${raw}" (expected YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)`);
  parseCalendarDay(date, "date");
  return date;
}

/** A plain decimal amount, optionally with a leading currency symbol. */
export function parseAmount(raw: string): number {
  const value = raw.trim().replace(/^[$€£¥]/, "");
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new ClvError("invalid-amount", `unrecognised amount "${raw}"`);
  const amount = Number(value);
  if (amount < 0) throw new ClvError("invalid-amount", `negative amount ${raw} (refunds are not purchases)`);
  return amount;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function parseCdnow(text: string): ParsedTransactions {
  const transactions: Transaction[] = [];
  const skipped: SkippedRow[] = [];
  let recordsRead = 0;
  text.split(/\r\n|\n|\r/).forEach((rawLine, i) => {
    if (rawLine.trim() === "") return;
    recordsRead++;
    const fields = rawLine.trim().split(/\s+/);
    try {
      if (fields.length !== 5) throw new Error(`expected 5 whitespace-separated fields, got ${fields.length}`);
      // The sample id without leading zeros matches the published summaries (1..2357).
      const customerId = fields[1].replace(/^0+(?=\d)/, "");
      transactions.push({ customerId, date: normalizeDate(fields[2]), amount: parseAmount(fields[4]) });
    } catch (error) {
      skipped.push({ line: i + 1, reason: reasonOf(error) });
    }
  });
  return { format: "cdnow", transactions, skipped, recordsRead };
}

function parseGeneric(records: CsvRecord[], headers: string[]): ParsedTransactions {
  const customerCol = findColumn(headers, CUSTOMER_HEADERS);
  const dateCol = findColumn(headers, DATE_HEADERS);
  const amountCol = findColumn(headers, AMOUNT_HEADERS);
  const missing = [customerCol < 0 && "customer id", dateCol < 0 && "date", amountCol < 0 && "amount"].filter(Boolean);
  if (missing.length > 0) {
    throw new ClvError("parse-error", `line 1: header has no ${missing.join(", ")} column (got: ${records[0].fields.join(", ")})`, {
      line: 1,
    });
  }
  const transactions: Transaction[] = [];
  const skipped: SkippedRow[] = [];
  for (const record of records.slice(1)) {
    try {
      const customerId = (record.fields[customerCol] ?? "").trim();
      if (customerId === "") throw new Error("empty customer id");
      transactions.push({
        customerId,
        date: normalizeDate(record.fields[dateCol] ?? ""),
        amount: parseAmount(record.fields[amountCol] ?? ""),
      });
    } catch (error) {
      skipped.push({ line: record.line, reason: reasonOf(error) });
    }
  }
  return { format: "generic", transactions, skipped, recordsRead: records.length - 1 };
}

function parseShopifyOrders(records: CsvRecord[], headers: string[]): ParsedTransactions {
  const col = (name: string) => headers.indexOf(normalizeHeader(name));
  const nameCol = col("Name");
  const emailCol = col("Email");
  const createdCol = col("Created at");
  const totalCol = col("Total");
  const statusCol = col("Financial Status");
  const cancelledCol = col("Cancelled at");
  // Line-item rows repeat the order Name with the order fields left blank, so
  // merge every row of one order and keep the first non-empty value of each field.
  const orders = new Map<string, { line: number; email: string; created: string; total: string; status: string; cancelled: string }>();
  const cell = (record: CsvRecord, at: number) => (at >= 0 ? (record.fields[at] ?? "").trim() : "");
  const skipped: SkippedRow[] = [];
  for (const record of records.slice(1)) {
    const name = cell(record, nameCol);
    if (name === "") {
      skipped.push({ line: record.line, reason: "empty order Name" });
      continue;
    }
    const order = orders.get(name) ?? { line: record.line, email: "", created: "", total: "", status: "", cancelled: "" };
    order.email ||= cell(record, emailCol);
    order.created ||= cell(record, createdCol);
    order.total ||= cell(record, totalCol);
    order.status ||= cell(record, statusCol);
    order.cancelled ||= cell(record, cancelledCol);
    orders.set(name, order);
  }
  const transactions: Transaction[] = [];
  for (const [name, order] of orders) {
    try {
      if (order.cancelled !== "") throw new Error(`order ${name} was cancelled`);
      if (order.status.toLowerCase() === "voided") throw new Error(`order ${name} is voided`);
      if (order.email === "") throw new Error(`order ${name} has no customer Email`);
      transactions.push({ customerId: order.email.toLowerCase(), date: normalizeDate(order.created), amount: parseAmount(order.total) });
    } catch (error) {
      skipped.push({ line: order.line, reason: reasonOf(error) });
    }
  }
  return { format: "shopify-orders", transactions, skipped, recordsRead: records.length - 1 };
}

export function detectTransactionsFormat(text: string): TransactionsFormat {
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/).find((l) => l.trim() !== "") ?? "";
  if (!firstLine.includes(",")) {
    const fields = firstLine.trim().split(/\s+/);
    if (fields.length === 5 && /^\d{8}$/.test(fields[2])) return "cdnow";
  }
  const headers = parseCsvRecords(firstLine)[0]?.fields.map(normalizeHeader) ?? [];
  if (["name", "email", "createdat", "total"].every((h) => headers.includes(h))) return "shopify-orders";
  return "generic";
}

export function parseTransactionsCsv(text: string): ParsedTransactions {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") throw new ClvError("empty-input", "the transactions file is empty");
  const format = detectTransactionsFormat(body);
  let parsed: ParsedTransactions;
  if (format === "cdnow") parsed = parseCdnow(body);
  else {
    const records = parseCsvRecords(body);
    const headers = records[0].fields.map(normalizeHeader);
    parsed = format === "shopify-orders" ? parseShopifyOrders(records, headers) : parseGeneric(records, headers);
  }
  if (parsed.transactions.length === 0) {
    const first = parsed.skipped[0];
    throw new ClvError(
      "parse-error",
      `no usable transactions (${parsed.skipped.length} rows skipped${first ? `; line ${first.line}: ${first.reason}` : ""})`,
      { skipped: parsed.skipped.length },
    );
  }
  return parsed;
}
