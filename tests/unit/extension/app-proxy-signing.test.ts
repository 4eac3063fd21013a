import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildAppProxyMessage,
  buildForwardedQuery,
  signAppProxyQuery,
  verifyAppProxySignature,
} from "../../../dev/storefront-sim/app-proxy";
import { StorefrontSimError } from "../../../dev/storefront-sim/errors";

// Shopify's published vector (authenticate-app-proxies page, PLATFORM.md §2).
const VECTOR_QUERY = "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555";
const VECTOR_MESSAGE = "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555";

describe("app proxy signature", () => {
  it("builds Shopify's documented message: decoded, repeated keys joined by commas, sorted, no separator", () => {
    expect(buildAppProxyMessage(new URLSearchParams(VECTOR_QUERY))).toBe(VECTOR_MESSAGE);
  });

  it("matches Shopify's official vector (secret hush → 4c68c862…5ddb)", () => {
    expect(signAppProxyQuery(new URLSearchParams(VECTOR_QUERY), "hush")).toBe(
      "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb",
    );
  });

  it("matches the official anonymous variant with an empty logged_in_customer_id (→ e072b6d7…93cb)", () => {
    const q = new URLSearchParams(VECTOR_QUERY);
    q.set("logged_in_customer_id", "");
    expect(signAppProxyQuery(q, "hush")).toBe("e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb");
  });

  it("gives the same signature for an object, a pair list and URLSearchParams, and ignores any signature parameter", () => {
    const asObject = { extra: ["1", "2"], shop: "shop-name.myshopify.com", logged_in_customer_id: "1", path_prefix: "/apps/awesome_reviews", timestamp: "1317327555", signature: "x" };
    const asPairs = [...new URLSearchParams(VECTOR_QUERY)] as Array<[string, string]>;
    const expected = "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb";
    expect(signAppProxyQuery(asObject, "hush")).toBe(expected);
    expect(signAppProxyQuery(asPairs, "hush")).toBe(expected);
  });

  it("the signature is independent of parameter order", () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/), fc.string({ maxLength: 12 })), { selector: (p) => p[0], maxLength: 8 })
          .chain((pairs) => fc.tuple(fc.constant(pairs), fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length }))),
        ([pairs, shuffled]) => signAppProxyQuery(pairs, "s3cret") === signAppProxyQuery(shuffled, "s3cret"),
      ),
      { seed: 20261122, numRuns: 200 },
    );
  });

  it("verifies a forwarded query and rejects any tampering", () => {
    const q = buildForwardedQuery(new URLSearchParams("page=2"), { shop: "retain-dev.myshopify.com", pathPrefix: "/apps/retain", loggedInCustomerId: "7001", timestampSeconds: 1_790_000_000 }, "secret");
    expect(verifyAppProxySignature(q, "secret")).toBe(true);
    expect(verifyAppProxySignature(q, "other-secret")).toBe(false);
    const tampered = new URLSearchParams(q);
    tampered.set("logged_in_customer_id", "7002");
    expect(verifyAppProxySignature(tampered, "secret")).toBe(false);
    const missing = new URLSearchParams(q);
    missing.delete("signature");
    expect(verifyAppProxySignature(missing, "secret")).toBe(false);
  });

  it("a shopper cannot inject Shopify-owned parameters through the storefront URL", () => {
    const q = buildForwardedQuery(
      new URLSearchParams("logged_in_customer_id=1&shop=evil.myshopify.com&signature=abc&keep=yes"),
      { shop: "retain-dev.myshopify.com", pathPrefix: "/apps/retain", loggedInCustomerId: null, timestampSeconds: 1 },
      "secret",
    );
    expect(q.getAll("logged_in_customer_id")).toEqual([""]);
    expect(q.getAll("shop")).toEqual(["retain-dev.myshopify.com"]);
    expect(q.get("keep")).toBe("yes");
    expect(verifyAppProxySignature(q, "secret")).toBe(true);
  });

  it("rejects an empty secret and malformed queries with a typed error", () => {
    expect(() => signAppProxyQuery({ a: "1" }, "")).toThrow(StorefrontSimError);
    try {
      signAppProxyQuery([["a", 1 as unknown as string]], "k");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StorefrontSimError);
      expect((err as StorefrontSimError).reason).toBe("INVALID_QUERY");
    }
  });
});
