import { describe, expect, it } from "vitest";
import { compileSearchQuery, SearchQueryError, type SearchSpec } from "../../../dev/shopify-sim/search-query";

interface Rec {
  id: string;
  updated: number;
  email: string;
  tags: string[];
}

const spec: SearchSpec<Rec> = {
  fields: {
    id: { kind: "id", get: (r) => r.id },
    updated_at: { kind: "date", get: (r) => r.updated },
    email: { kind: "string", get: (r) => r.email },
    tag: { kind: "tags", get: (r) => r.tags },
  },
  text: (r) => [r.email],
};

const recs: Rec[] = [
  { id: "1", updated: Date.parse("2024-01-01T10:00:00Z"), email: "ann@x.com", tags: ["vip"] },
  { id: "2", updated: Date.parse("2024-01-02T00:00:00Z"), email: "bob@y.com", tags: [] },
  { id: "3", updated: Date.parse("2024-01-03T12:00:00Z"), email: "cat@x.com", tags: ["VIP", "new"] },
];
const ids = (q: string) => recs.filter((r) => compileSearchQuery(q, spec).test(r)).map((r) => r.id);

describe("Shopify search syntax", () => {
  it("compares dates with >, >=, <, <= and quoted ISO values", () => {
    expect(ids("updated_at:>'2024-01-02T00:00:00Z'")).toEqual(["3"]);
    expect(ids("updated_at:>='2024-01-02T00:00:00Z'")).toEqual(["2", "3"]);
    expect(ids('updated_at:<"2024-01-02T00:00:00Z"')).toEqual(["1"]);
  });

  it("treats a bare date as the whole day", () => {
    expect(ids("updated_at:2024-01-03")).toEqual(["3"]);
    expect(ids("updated_at:<=2024-01-02")).toEqual(["1", "2"]);
    expect(ids("updated_at:>2024-01-02")).toEqual(["3"]);
  });

  it("ANDs terms, supports OR, NOT, -term, parentheses, prefixes and case-insensitive tags", () => {
    expect(ids("tag:vip email:*")).toEqual(["1", "3"]);
    expect(ids("tag:vip -tag:new")).toEqual(["1"]);
    expect(ids("id:2 OR (tag:new AND NOT email:ann*)")).toEqual(["2", "3"]);
    expect(ids("email:cat*")).toEqual(["3"]);
    expect(ids("bob")).toEqual(["2"]);
  });

  it("ignores unknown filters with a warning and rejects malformed input with SearchQueryError", () => {
    const c = compileSearchQuery("colour:red", spec);
    expect(c.warnings).toEqual(['Unsupported search filter "colour" was ignored']);
    expect(() => compileSearchQuery("updated_at:>'yesterday-ish'", spec)).toThrow(SearchQueryError);
    expect(() => compileSearchQuery("(tag:vip", spec)).toThrow(/missing \)/);
    expect(() => compileSearchQuery("email:'open", spec)).toThrow(/unterminated quote/);
  });
});
