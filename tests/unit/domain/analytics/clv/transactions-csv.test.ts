import { describe, expect, it } from "vitest";
import { ClvError } from "~/domain/analytics/clv/errors";
import { detectTransactionsFormat, parseCsvRecords, parseTransactionsCsv } from "~/domain/analytics/clv/transactions-csv";
import { loadCdnowText } from "./cdnow-fixture";

describe("transactions file parsing", () => {
  it("reads the whitespace CDNOW log: 6,919 rows, ids without leading zeros, dates as YYYY-MM-DD", () => {
    const parsed = parseTransactionsCsv(loadCdnowText());
    expect(parsed.format).toBe("cdnow");
    expect(parsed.transactions).toHaveLength(6919);
    expect(parsed.skipped).toEqual([]);
    expect(parsed.transactions[0]).toEqual({ customerId: "1", date: "1997-01-01", amount: 29.33 });
    expect(new Set(parsed.transactions.map((t) => t.customerId)).size).toBe(2357);
  });

  it("reads a generic CSV with case-insensitive headers in any order, quoted fields and CRLF", () => {
    const text = 'Amount,Order Date,Customer_ID\r\n"1,000.5",2024-01-02,"a,b"\r\n12.50,2024-01-03T10:00:00Z,c\r\n$3,20240104,c\r\n';
    const parsed = parseTransactionsCsv(text.replace('"1,000.5"', "1000.5"));
    expect(parsed.format).toBe("generic");
    expect(parsed.transactions).toEqual([
      { customerId: "a,b", date: "2024-01-02", amount: 1000.5 },
      { customerId: "c", date: "2024-01-03", amount: 12.5 },
      { customerId: "c", date: "2024-01-04", amount: 3 },
    ]);
  });

  it("skips bad rows with their line number and reason, keeping the good ones", () => {
    const text = [
      "customer_id,date,amount",
      "a,2024-01-01,10",
      "b,2024-02-30,10",
      "c,2024-01-01,abc",
      ",2024-01-01,5",
      "d,2024-01-01,-4",
      "e,01/02/2024,5",
    ].join("\n");
    const parsed = parseTransactionsCsv(text);
    expect(parsed.transactions).toHaveLength(1);
    expect(parsed.skipped.map((s) => s.line)).toEqual([3, 4, 5, 6, 7]);
    expect(parsed.skipped[0].reason).toMatch(/not a calendar date/);
    expect(parsed.skipped[1].reason).toMatch(/amount/);
    expect(parsed.skipped[2].reason).toMatch(/customer id/);
    expect(parsed.skipped[3].reason).toMatch(/negative/);
    expect(parsed.skipped[4].reason).toMatch(/unrecognised date/);
  });

  it("line numbers count the physical lines of multi-line quoted fields", () => {
    const records = parseCsvRecords('customer,date,amount\n"multi\nline",2024-01-01,1\nb,2024-01-01,2\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it("Shopify orders export: one order per Name across line-item rows; customer = Email; cancelled and voided orders skipped", () => {
    const text = [
      "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Total,Lineitem quantity,Lineitem name,Created at,Cancelled at,Id",
      "#1001,Ann@Example.com,paid,2024-03-01 10:00:00 -0500,fulfilled,USD,40.00,45.00,1,Mug,2024-03-01 09:59:00 -0500,,501",
      "#1001,ann@example.com,,,,,,,2,Plate,,,",
      "#1001,ann@example.com,,,,,,,1,Bowl,,,",
      "#1002,bob@example.com,paid,2024-03-02 10:00:00 -0500,fulfilled,USD,10.00,12.00,1,Mug,2024-03-02 09:00:00 -0500,,502",
      "#1003,ann@example.com,paid,2024-03-05 10:00:00 -0500,fulfilled,USD,20.00,21.50,1,Mug,2024-03-05 08:00:00 -0500,,503",
      "#1004,bob@example.com,voided,,,USD,10.00,12.00,1,Mug,2024-03-06 09:00:00 -0500,,504",
      "#1005,bob@example.com,refunded,,,USD,10.00,12.00,1,Mug,2024-03-07 09:00:00 -0500,2024-03-07 10:00:00 -0500,505",
      "#1006,,paid,,,USD,10.00,12.00,1,Mug,2024-03-08 09:00:00 -0500,,506",
    ].join("\n");
    expect(detectTransactionsFormat(text)).toBe("shopify-orders");
    const parsed = parseTransactionsCsv(text);
    expect(parsed.transactions).toEqual([
      { customerId: "ann@example.com", date: "2024-03-01", amount: 45 },
      { customerId: "bob@example.com", date: "2024-03-02", amount: 12 },
      { customerId: "ann@example.com", date: "2024-03-05", amount: 21.5 },
    ]);
    expect(parsed.skipped.map((s) => s.line)).toEqual([7, 8, 9]);
    expect(parsed.skipped.map((s) => s.reason).join(" | ")).toMatch(/voided.*cancelled.*no customer Email/);
  });

  it("fatal problems are typed errors: empty file, missing columns, no usable rows, unterminated quote", () => {
    const reasonOf = (text: string) => {
      try {
        parseTransactionsCsv(text);
      } catch (error) {
        return error instanceof ClvError ? `${error.reason}: ${error.message}` : "untyped";
      }
      return "no error";
    };
    expect(reasonOf("")).toMatch(/^empty-input/);
    expect(reasonOf("foo,bar\n1,2\n")).toMatch(/^parse-error: line 1: header has no customer id, date, amount/);
    expect(reasonOf("customer,date,amount\na,nope,1\n")).toMatch(/^parse-error: no usable transactions.*line 2/);
    expect(reasonOf('customer,date,amount\n"a,2024-01-01,1\n')).toMatch(/^parse-error: line 2: unterminated/);
  });
});
