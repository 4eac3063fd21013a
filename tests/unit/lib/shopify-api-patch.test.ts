// patches/@shopify+shopify-api+15.0.0.patch (ADR 017) changes how two library
// functions compute, never what they return: HMAC-SHA256 through node:crypto
// instead of WebCrypto, and memoized header-name canonicalization. Checked in
// both builds the package ships (ESM for the app, CommonJS for require()),
// against the library's original algorithms as references; the "is applied"
// tests fail on an unpatched install.
import { createRequire } from "node:module";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as esm from "@shopify/shopify-api/runtime";

const cjs = createRequire(import.meta.url)("@shopify/shopify-api/runtime") as typeof esm;
const builds = [
  ["ESM", esm],
  ["CommonJS", cjs],
] as const;

/** The library's unpatched createSHA256HMAC, step for step: WebCrypto import + sign. */
async function webCryptoHmac(secret: string | ArrayBuffer, payload: string, format: "base64" | "hex"): Promise<string> {
  const keyData = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  const key = await crypto.subtle.importKey("raw", keyData, { name: "HMAC", hash: { name: "SHA-256" } }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload));
  return format === "base64" ? esm.asBase64(signature) : esm.asHex(signature);
}

/** A promise's value, or the name of the error it rejects with (WebCrypto refuses empty keys). */
function outcome(p: Promise<string>): Promise<{ value: string } | { error: string }> {
  return p.then(
    (value) => ({ value }),
    (err: unknown) => ({ error: err instanceof Error ? err.name : String(err) }),
  );
}

/** The library's unpatched canonicalizeHeaderName. */
function regexCanonicalName(name: string): string {
  return name.replace(/(^|-)(\w+)/g, (_all, start: string, letters: string) => start + letters.slice(0, 1).toUpperCase() + letters.slice(1).toLowerCase());
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(builds)("@shopify/shopify-api patch (%s build)", (_name, lib) => {
  it("createSHA256HMAC gives WebCrypto's bytes (or its error) for any secret and payload, Unicode included, in both formats", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: "binary", maxLength: 80 }), fc.uint8Array({ maxLength: 80 }).map((a) => a.slice().buffer as ArrayBuffer)),
        fc.string({ unit: "binary", maxLength: 2_000 }),
        fc.constantFrom(esm.HashFormat.Base64, esm.HashFormat.Hex),
        async (secret, payload, format) => {
          expect(await outcome(lib.createSHA256HMAC(secret, payload, format))).toEqual(await outcome(webCryptoHmac(secret, payload, format)));
        },
      ),
      { seed: 20261123, numRuns: 300 },
    );
    // A webhook-sized body: the case the patch is for.
    const body = JSON.stringify({ id: 1, line_items: Array.from({ length: 40 }, (_, i) => ({ id: i, title: `Ünïcode ✓ ${i}`, price: "19.99" })) });
    expect(await lib.createSHA256HMAC("shpss_secret", body)).toBe(await webCryptoHmac("shpss_secret", body, "base64"));
    await expect(lib.createSHA256HMAC("", body)).rejects.toThrow(/zero-length key/i);
  });

  it("is applied: createSHA256HMAC does not go through WebCrypto", async () => {
    const importKey = vi.spyOn(crypto.subtle, "importKey");
    const sign = vi.spyOn(crypto.subtle, "sign");
    await lib.createSHA256HMAC("secret", "payload");
    expect(importKey).not.toHaveBeenCalled();
    expect(sign).not.toHaveBeenCalled();
  });

  it("canonicalizeHeaderName equals the library's regular expression for any name, past the memo's bound", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,30}$/), (name) => {
        expect(lib.canonicalizeHeaderName(name)).toBe(regexCanonicalName(name));
        expect(lib.canonicalizeHeaderName(name)).toBe(regexCanonicalName(name)); // from the memo
      }),
      { seed: 20261123, numRuns: 1_000 },
    );
    for (let i = 0; i < 2_500; i++) expect(lib.canonicalizeHeaderName(`x-made-up-${i}-NAME`)).toBe(`X-Made-Up-${i}-Name`);
    expect(lib.canonicalizeHeaderName("x-shopify-hmac-sha256")).toBe("X-Shopify-Hmac-Sha256");
  });

  it("is applied: a name is canonicalized once, later lookups come from the memo", () => {
    const name = `x-retain-memo-check-${_name}`;
    const headers = { "X-Retain-Other": ["a"], [regexCanonicalName(name)]: ["b"] };
    const replace = vi.spyOn(String.prototype, "replace");
    expect(lib.getHeader(headers, name)).toBe("b");
    expect(replace).toHaveBeenCalled(); // the first sight of a name runs the regular expression
    replace.mockClear();
    for (let i = 0; i < 10; i++) expect(lib.getHeader(headers, name)).toBe("b");
    expect(replace).not.toHaveBeenCalled();
  });
});
