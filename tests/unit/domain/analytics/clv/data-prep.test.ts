import { describe, expect, it } from "vitest";
import {
  formatCalendarDay,
  parseCalendarDay,
  selectTransactions,
  splitCalibrationHoldout,
  summarizeTransactionColumns,
  summarizeTransactions,
  type CustomerSummary,
  type Transaction,
  type TransactionColumns,
} from "~/domain/analytics/clv/data-prep";
import { createMulberry32 } from "~/domain/shared/random";
import { ClvError } from "~/domain/analytics/clv/errors";
import { findMismatches, loadCdnowSplit, loadReference } from "./cdnow-fixture";

describe("data preparation (REFERENCE §1)", () => {
  it("CDNOW: 2,357 customers, 946 repeaters, calibration Σx = 2,457, holdout Σx* = 1,882 over 39 weeks", () => {
    const split = loadCdnowSplit();
    expect(split.customers).toHaveLength(2357);
    expect(split.customers.filter((c) => c.frequency > 0)).toHaveLength(946);
    expect(split.customers.reduce((s, c) => s + c.frequency, 0)).toBe(2457);
    expect(split.customers.reduce((s, c) => s + c.frequencyHoldout, 0)).toBe(1882);
    expect(split.durationHoldout).toBe(39);
    expect(split.customersFirstSeenInHoldout).toBe(0);
  });

  it("x, t_x, T, zbar and holdout x* match lifetimes' unrounded summary for every customer (1e-9)", () => {
    const byId = new Map(loadCdnowSplit().customers.map((c) => [c.customerId, c]));
    const reference = loadReference();
    const fields = [
      [(id: string) => byId.get(id)!.frequency, (r: (typeof reference)[number]) => r.frequencyCal],
      [(id: string) => byId.get(id)!.recency, (r: (typeof reference)[number]) => r.recencyCal],
      [(id: string) => byId.get(id)!.T, (r: (typeof reference)[number]) => r.TCal],
      [(id: string) => byId.get(id)!.monetaryValue, (r: (typeof reference)[number]) => r.monetaryValueCal],
      [(id: string) => byId.get(id)!.frequencyHoldout, (r: (typeof reference)[number]) => r.frequencyHoldout],
    ] as const;
    for (const [ours, theirs] of fields) {
      expect(findMismatches(reference, (row) => ours(row.customerId), theirs, 1e-9, 1e-9)).toEqual([]);
    }
  });

  it("merges same-day purchases into one transaction and sums their amounts", () => {
    const { customers } = summarizeTransactions(
      [
        { customerId: "a", date: "2024-01-01", amount: 10 },
        { customerId: "a", date: "2024-01-08", amount: 5 },
        { customerId: "a", date: "2024-01-08", amount: 7 },
        { customerId: "a", date: "2024-01-15", amount: 20 },
      ],
      { observationEnd: "2024-01-29" },
    );
    expect(customers[0]).toMatchObject({ frequency: 2, recency: 2, T: 4, monetaryValue: 16, firstPurchaseDate: "2024-01-01" });
  });

  it("excludes customers first seen after the calibration end and ignores purchases after the observation end", () => {
    const split = splitCalibrationHoldout(
      [
        { customerId: "a", date: "2024-01-01", amount: 10 },
        { customerId: "a", date: "2024-02-01", amount: 10 },
        { customerId: "a", date: "2024-05-01", amount: 10 },
        { customerId: "b", date: "2024-02-10", amount: 10 },
      ],
      { calibrationEnd: "2024-01-31", observationEnd: "2024-03-01" },
    );
    expect(split.customers.map((c) => c.customerId)).toEqual(["a"]);
    expect(split.customers[0]).toMatchObject({ frequency: 0, frequencyHoldout: 1, monetaryValueHoldout: 10 });
    expect(split.customersFirstSeenInHoldout).toBe(1);
    expect(split.transactionsAfterObservationEnd).toBe(1);
  });

  it("bad input gets typed errors with a reason", () => {
    const reasonOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof ClvError ? error.reason : "untyped";
      }
      return "no error";
    };
    expect(reasonOf(() => summarizeTransactions([]))).toBe("empty-input");
    expect(reasonOf(() => summarizeTransactions([{ customerId: "a", date: "2024-02-30", amount: 1 }]))).toBe("invalid-date");
    expect(reasonOf(() => summarizeTransactions([{ customerId: "a", date: "01/02/2024", amount: 1 }]))).toBe("invalid-date");
    expect(reasonOf(() => summarizeTransactions([{ customerId: "a", date: "2024-01-02", amount: Number.NaN }]))).toBe("invalid-amount");
    expect(reasonOf(() => summarizeTransactions([{ customerId: "a", date: "2024-01-02", amount: -5 }]))).toBe("invalid-amount");
    expect(reasonOf(() => summarizeTransactions([{ customerId: "", date: "2024-01-02", amount: 5 }]))).toBe("invalid-transaction");
    expect(
      reasonOf(() => splitCalibrationHoldout([{ customerId: "a", date: "2024-01-02", amount: 5 }], { calibrationEnd: "2023-12-31" })),
    ).toBe("calibration-out-of-range");
    expect(parseCalendarDay("1970-01-02")).toBe(1);
  });
});

describe("transactions as columns", () => {
  /** Seeded transactions: same-day repeats, out-of-order days, -0 amounts; the same as objects and as columns. */
  function generateColumns(seed: number, count: number) {
    const rng = createMulberry32(seed);
    const customerIds = Array.from({ length: 60 }, (_, i) => `c${i}`);
    const columns: TransactionColumns = {
      length: count,
      customer: new Int32Array(count),
      customerIds,
      day: new Float64Array(count),
      amount: new Float64Array(count),
    };
    const transactions: Transaction[] = [];
    const firstDay = parseCalendarDay("2024-01-01");
    for (let i = 0; i < count; i++) {
      const c = Math.floor(rng() * customerIds.length);
      const day = firstDay + Math.floor(rng() * 400);
      const amount = rng() < 0.05 ? -0 : Math.round(rng() * 10_000) / 100 + 0.1;
      columns.customer[i] = c;
      columns.day[i] = day;
      columns.amount[i] = amount;
      transactions.push({ customerId: customerIds[c], date: formatCalendarDay(day), amount });
    }
    return { columns, transactions };
  }

  it("summarizeTransactionColumns equals summarizeTransactions to the bit (same-day sums in row order, first-appearance order)", () => {
    const { columns, transactions } = generateColumns(5, 4000);
    for (const observationEnd of ["2024-06-30", "2025-02-03"]) {
      const got = summarizeTransactionColumns(columns, { observationEnd });
      const want = summarizeTransactions(transactions, { observationEnd }).customers;
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        for (const key of Object.keys(want[i]) as (keyof CustomerSummary)[]) expect(Object.is(g[key], want[i][key]), `${g.customerId} ${key}`).toBe(true);
      });
    }
  });

  it("selectTransactions returns the kept customers' transactions in row order with formatted dates", () => {
    const { columns, transactions } = generateColumns(6, 500);
    expect(selectTransactions(columns, (c) => c % 3 === 0)).toEqual(transactions.filter((t) => Number(t.customerId.slice(1)) % 3 === 0));
  });

  it("rejects a negative amount, an empty customer id and an observation end before every purchase with typed errors", () => {
    const { columns } = generateColumns(7, 50);
    columns.amount[3] = -1;
    expect(() => summarizeTransactionColumns(columns, { observationEnd: "2025-01-01" })).toThrow(expect.objectContaining({ reason: "invalid-amount" }));
    columns.amount[3] = 1;
    expect(() => summarizeTransactionColumns(columns, { observationEnd: "2023-01-01" })).toThrow(expect.objectContaining({ reason: "calibration-out-of-range" }));
    expect(() => summarizeTransactionColumns({ ...columns, customerIds: columns.customerIds.map(() => " ") }, { observationEnd: "2025-01-01" })).toThrow(
      expect.objectContaining({ reason: "invalid-transaction" }),
    );
  });
});
