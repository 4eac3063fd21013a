// Every GraphQL document the sync engine sends is validated against the
// vendored Admin API 2026-07 schema, so a typo or a removed field fails here
// and not in a merchant's backfill.
import { describe, expect, it } from "vitest";
import { parse, validate } from "graphql";
import { loadAdminSchema } from "../../../../dev/shopify-sim/schema";
import * as documents from "~/graphql/sync";

describe("app/graphql/sync documents", () => {
  const schema = loadAdminSchema();
  const entries = Object.entries(documents).filter(([, v]) => typeof v === "string") as Array<[string, string]>;

  it("exports the documents the sync engine uses", () => {
    expect(entries.map(([k]) => k).sort()).toEqual([
      "BULK_CUSTOMERS_QUERY", "BULK_OPERATION_RUN_QUERY", "BULK_OPERATION_STATUS", "BULK_ORDERS_QUERY",
      "CUSTOMERS_UPDATED_SINCE", "ORDERS_UPDATED_SINCE", "ORDER_LINE_ITEMS_PAGE", "SHOP_DETAILS",
    ]);
  });

  for (const [name, text] of entries) {
    it(`${name} is tagged #graphql and valid against the Admin 2026-07 schema`, () => {
      expect(text.startsWith("#graphql")).toBe(true);
      const errors = validate(schema, parse(text));
      expect(errors.map((e) => e.message)).toEqual([]);
    });
  }

  it("named operations are named after their export (PascalCase)", () => {
    for (const [name, text] of entries) {
      const m = /\b(query|mutation)\s+([A-Za-z]+)/.exec(text);
      if (!m) continue; // bulk inner queries are anonymous by design
      expect(m[2].replace(/[a-z]/g, "").length).toBeGreaterThan(0);
      expect(m[2].toUpperCase()).toBe(name.replace(/_/g, ""));
    }
  });

  it("the bulk orders query stays within bulk limits (<= 5 connections, nesting <= 2)", () => {
    const text = documents.BULK_ORDERS_QUERY;
    expect((text.match(/edges/g) ?? []).length).toBeLessThanOrEqual(5);
    expect((text.match(/edges/g) ?? []).length).toBe(2);
  });
});
