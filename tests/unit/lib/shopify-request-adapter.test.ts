// Retain's request conversion for @shopify/shopify-api must give exactly what
// the library's Web API adapter gives (webApiConvertRequest: addHeader per
// header, method, re-serialized URL), for any set of headers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addHeader, type Headers as NormalizedHeaders } from "@shopify/shopify-api/runtime";
import { convertRequest } from "~/lib/shopify-request-adapter.server";

/** The library's conversion, step for step (webApiConvertRequest is not exported). */
function libraryConversion(request: Request) {
  const headers: NormalizedHeaders = {};
  for (const [key, value] of request.headers.entries()) addHeader(headers, key, value);
  return { headers, method: request.method ?? "GET", url: new URL(request.url).toString() };
}

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/);
const headerValue = fc.stringMatching(/^[ -~]{0,30}$/).map((v) => v.trim());

describe("request conversion adapter", () => {
  it("matches the library's Web API conversion for a signed webhook delivery", async () => {
    const request = new Request("http://127.0.0.1:3000/webhooks/orders/create?x=1", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "X-Shopify-Hmac-Sha256": "abc=",
        "x-shopify-topic": "orders/create",
        "X-SHOPIFY-SHOP-DOMAIN": "a.myshopify.com",
        "x-shopify-api-version": "2026-07",
        "x-shopify-webhook-id": "wh-1",
        "shopify-event-id": "ev-1",
      },
      body: "{}",
    });
    const converted = await convertRequest({ rawRequest: request });
    expect(converted).toEqual(libraryConversion(request));
    expect(converted.headers["X-Shopify-Hmac-Sha256"]).toEqual(["abc="]);
    expect(converted.headers["X-Shopify-Shop-Domain"]).toEqual(["a.myshopify.com"]);
  });

  it("matches the library's conversion for any headers, repeated names and methods included", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 25 }),
        fc.constantFrom("GET", "POST", "PUT", "DELETE"),
        async (pairs, method) => {
          const headers = new Headers();
          for (const [name, value] of pairs) headers.append(name, value);
          const request = new Request("https://shop.example/apps/retain/points?a=b%20c", { method, headers });
          expect(await convertRequest({ rawRequest: request })).toEqual(libraryConversion(request));
        },
      ),
      { seed: 20261123, numRuns: 300 },
    );
  });
});
