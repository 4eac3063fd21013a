// The throttle-aware Admin GraphQL caller (app/services/admin-api.server.ts)
// against a scripted transport with a fake clock: it waits for the leaky
// bucket instead of being throttled, retries THROTTLED without duplicating
// work, and raises typed errors.
import { describe, expect, it } from "vitest";
import {
  AdminApiError, AdminUserError, assertNoUserErrors, createAdminGraphql, type GraphqlResponse,
} from "~/services/admin-api.server";

const Q = `#graphql
query ShopName { shop { name } }`;
const M = `#graphql
mutation TagsAdd($id: ID!) { tagsAdd(id: $id, tags: ["x"]) { userErrors { field message } } }`;

function harness(responses: Array<GraphqlResponse | Error>) {
  let nowMs = 0;
  const sleeps: number[] = [];
  const calls: string[] = [];
  const client = createAdminGraphql({
    transport: async (_shop, doc) => {
      calls.push(doc);
      const next = responses.shift();
      if (!next) throw new Error("no more scripted responses");
      if (next instanceof Error) throw next;
      return next;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    clock: () => nowMs,
  });
  return { client, sleeps, calls, advance: (ms: number) => (nowMs += ms) };
}

const cost = (requested: number, available: number, restoreRate = 50, maximumAvailable = 1000) => ({
  cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: { maximumAvailable, currentlyAvailable: available, restoreRate } },
});

describe("adminGraphql throttle handling", () => {
  it("waits (needed - available) / restoreRate before a call that would exceed the bucket", async () => {
    const h = harness([{ data: { shop: { name: "A" } }, extensions: cost(300, 100) }, { data: { shop: { name: "B" } }, extensions: cost(300, 0) }]);
    expect(await h.client.adminGraphql("s", Q)).toEqual({ shop: { name: "A" } });
    expect(h.sleeps).toEqual([]);
    await h.client.adminGraphql("s", Q);
    expect(h.sleeps).toEqual([4000]); // (300 - 100) / 50 points per second
  });

  it("does not wait when the bucket has refilled in the meantime", async () => {
    const h = harness([{ data: {}, extensions: cost(300, 100) }, { data: {}, extensions: cost(300, 700) }]);
    await h.client.adminGraphql("s", Q);
    h.advance(5000); // 100 + 5 s * 50 = 350 >= 300
    await h.client.adminGraphql("s", Q);
    expect(h.sleeps).toEqual([]);
  });

  it("retries a THROTTLED response after the bucket refills and returns the data once", async () => {
    const throttled: GraphqlResponse = { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: cost(500, 100) };
    const h = harness([throttled, { data: { shop: { name: "ok" } }, extensions: cost(500, 0) }]);
    expect(await h.client.adminGraphql("s", Q)).toEqual({ shop: { name: "ok" } });
    expect(h.calls.length).toBe(2);
    expect(h.sleeps[0]).toBe(8000); // (500 - 100) / 50
  });

  it("gives up with AdminApiError(throttled) after maxRetries", async () => {
    const throttled: GraphqlResponse = { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] };
    const h = harness([throttled, throttled, throttled]);
    await expect(h.client.adminGraphql("s", Q, {}, { maxRetries: 2 })).rejects.toMatchObject({ reason: "throttled" });
    expect(h.calls.length).toBe(3);
  });

  it("the library's { graphQLErrors } shape is understood too", async () => {
    const h = harness([{ errors: { graphQLErrors: [{ message: "Field 'x' doesn't exist" }] } as never }]);
    const err = await h.client.adminGraphql("s", Q).catch((e) => e);
    expect(err).toBeInstanceOf(AdminApiError);
    expect(err.reason).toBe("graphql");
    expect(err.message).toContain("ShopName on s: Field 'x' doesn't exist");
  });

  it("retries network failures of queries but never of mutations (a mutation may have run)", async () => {
    const q = harness([new Error("socket hang up"), { data: { shop: { name: "A" } } }]);
    expect(await q.client.adminGraphql("s", Q)).toEqual({ shop: { name: "A" } });
    const m = harness([new Error("socket hang up"), { data: {} }]);
    await expect(m.client.adminGraphql("s", M, { id: "gid://shopify/Customer/1" })).rejects.toMatchObject({ reason: "network" });
    expect(m.calls.length).toBe(1);
  });

  it("an aborted signal stops before calling", async () => {
    const h = harness([{ data: {} }]);
    const ac = new AbortController();
    ac.abort();
    await expect(h.client.adminGraphql("s", Q, {}, { signal: ac.signal })).rejects.toMatchObject({ reason: "aborted" });
    expect(h.calls.length).toBe(0);
  });

  it("assertNoUserErrors raises AdminUserError listing field paths", () => {
    expect(() => assertNoUserErrors({ userErrors: [] }, "tagsAdd")).not.toThrow();
    const e = (() => {
      try {
        assertNoUserErrors({ userErrors: [{ field: ["input", "code"], message: "Code must be unique" }] }, "discountCodeBasicCreate");
      } catch (err) {
        return err as AdminUserError;
      }
    })();
    expect(e).toBeInstanceOf(AdminUserError);
    expect(e?.message).toBe("discountCodeBasicCreate: input.code: Code must be unique");
  });
});
