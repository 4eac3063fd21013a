import fc from "fast-check";
import type { GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { paginate, type Connection, type SortTuple } from "../../../dev/shopify-sim/connection";
import { compileSearchQuery, SearchQueryError } from "../../../dev/shopify-sim/search-query";

// paginate only reads fieldName and whether the field is at the root.
const info = { fieldName: "orders", path: { prev: undefined, key: "orders", typename: undefined } } as unknown as GraphQLResolveInfo;

interface Item {
  id: string;
  key: number;
}

const itemsArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 60 })
  .chain((ids) => fc.tuple(fc.constant(ids), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: ids.length, maxLength: ids.length })))
  .map(([ids, keys]) => {
    const items = ids.map((id, i) => ({ id: String(id), key: keys[i]! }));
    // ascending by (key, numeric id), as ShopState.sorted() provides
    return items.sort((a, b) => a.key - b.key || Number(a.id) - Number(b.id));
  });

const tupleOf = (x: Item): SortTuple => [x.key, x.id];

function walk(items: Item[], pageSize: number, reverse: boolean): string[] {
  const out: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const c: Connection = paginate(items, { first: pageSize, after, reverse }, {}, info, tupleOf, (x) => x.id);
    out.push(...(c.nodes as string[]));
    if (!c.pageInfo.hasNextPage) return out;
    after = c.pageInfo.endCursor;
  }
  throw new Error("pagination did not terminate");
}

describe("cursor pagination invariants (fast-check, seeded)", () => {
  it("forward pages concatenate to the whole list, each item exactly once, for any page size and direction", () => {
    fc.assert(
      fc.property(itemsArb, fc.integer({ min: 1, max: 25 }), fc.boolean(), (items, size, reverse) => {
        const expected = (reverse ? [...items].reverse() : items).map((x) => x.id);
        expect(walk(items, size, reverse)).toEqual(expected);
      }),
      { seed: 20261122, numRuns: 200 },
    );
  });

  it("last/before walks backwards to the same list", () => {
    fc.assert(
      fc.property(itemsArb, fc.integer({ min: 1, max: 25 }), (items, size) => {
        const out: string[] = [];
        let before: string | null = null;
        for (;;) {
          const c: Connection = paginate(items, { last: size, before }, {}, info, tupleOf, (x) => x.id);
          out.unshift(...(c.nodes as string[]));
          if (!c.pageInfo.hasPreviousPage) break;
          before = c.pageInfo.startCursor;
        }
        expect(out).toEqual(items.map((x) => x.id));
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it("a cursor stays valid when items are inserted before it (no skips, no repeats of seen items)", () => {
    fc.assert(
      fc.property(itemsArb.filter((xs) => xs.length >= 4), (items) => {
        const first = paginate(items, { first: 2 }, {}, info, tupleOf, (x) => x.id);
        const inserted = [{ id: "0", key: -1 }, ...items]; // sorts first
        const rest = paginate(inserted, { first: 250, after: first.pageInfo.endCursor }, {}, info, tupleOf, (x) => x.id);
        expect([...(first.nodes as string[]), ...(rest.nodes as string[])]).toEqual(items.map((x) => x.id));
      }),
      { seed: 99, numRuns: 100 },
    );
  });
});

describe("search syntax robustness (fast-check, seeded)", () => {
  it("any input either compiles or throws SearchQueryError — never another error", () => {
    const spec = { fields: { updated_at: { kind: "date" as const, get: () => 0 }, id: { kind: "id" as const, get: () => "1" } }, text: () => ["a"] };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("u", "p", "d", "a", "t", "e", "_", "i", ":", ">", "=", "<", "'", '"', "(", ")", " ", "-", "1", "2", "O", "R", "N", "*") , maxLength: 30 }), (q) => {
        try {
          const c = compileSearchQuery(q, spec);
          expect(typeof c.test({})).toBe("boolean");
        } catch (e) {
          expect(e).toBeInstanceOf(SearchQueryError);
        }
      }),
      { seed: 4242, numRuns: 500 },
    );
  });
});
