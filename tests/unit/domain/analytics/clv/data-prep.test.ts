import { describe, expect, it } from "vitest";
import { splitCalibrationHoldout, summarizeTransactions, parseCalendarDay } from "~/domain/analytics/clv/data-prep";
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
