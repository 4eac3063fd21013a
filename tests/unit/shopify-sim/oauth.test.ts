import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signHs256, verifyHs256 } from "../../../dev/shopify-sim/jwt";
import { mintSessionToken, type Simulator } from "../../../dev/shopify-sim/index";
import { API_KEY, API_SECRET, SHOP, startTestSim } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSim({ appUrl: "http://127.0.0.1:9/app" });
});
afterAll(() => sim.close());

const exchange = (params: Record<string, string>, form = false) =>
  fetch(`${sim.url}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": form ? "application/x-www-form-urlencoded" : "application/json", Accept: "application/json", "x-sim-shop-domain": SHOP },
    body: form ? new URLSearchParams(params).toString() : JSON.stringify(params),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));

const base = (subject: string, requested = "urn:shopify:params:oauth:token-type:offline-access-token") => ({
  client_id: API_KEY,
  client_secret: API_SECRET,
  grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
  subject_token: subject,
  subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
  requested_token_type: requested,
});

describe("session tokens", () => {
  it("carry Shopify's claims and verify with the app secret (HS256)", () => {
    const token = mintSessionToken({ shop: SHOP, apiKey: API_KEY, apiSecret: API_SECRET, userId: 42, nowSeconds: 1_800_000_000 });
    const claims = verifyHs256(token, API_SECRET, 1_800_000_010);
    expect(claims).toMatchObject({
      iss: `https://${SHOP}/admin`,
      dest: `https://${SHOP}`,
      aud: API_KEY,
      sub: "42",
      iat: 1_800_000_000,
      nbf: 1_800_000_000,
      exp: 1_800_000_060,
    });
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims.sid).toEqual(expect.any(String));
    // Independent check of the signature with node:crypto.
    const [h, p, s] = token.split(".");
    expect(createHmac("sha256", API_SECRET).update(`${h}.${p}`).digest("base64url")).toBe(s);
    expect(() => verifyHs256(token, "wrong-secret", 1_800_000_010)).toThrow(/signature/);
    expect(() => verifyHs256(token, API_SECRET, 1_800_000_200)).toThrow(/expired/);
  });

  it("GET /_sim/session-token returns a token with CORS headers", async () => {
    const res = await fetch(`${sim.url}/_sim/session-token?shop=${SHOP}&userId=7`);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const { token } = (await res.json()) as { token: string };
    expect(verifyHs256(token, API_SECRET, Math.floor(Date.now() / 1000))).toMatchObject({ sub: "7", aud: API_KEY });
  });
});

describe("token exchange (POST /admin/oauth/access_token)", () => {
  it("exchanges a valid session token for an offline token that works on the GraphQL endpoint", async () => {
    const res = await exchange(base(sim.mintSessionToken({ shop: SHOP })));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^shpat_/), scope: expect.stringContaining("read_customers") });
    const gql = await sim.graphql(SHOP, `{ shop { myshopifyDomain } }`, undefined, { token: res.body.access_token });
    expect(gql.body.data.shop.myshopifyDomain).toBe(SHOP);
    // Same offline token for the same installation, form-encoded bodies accepted.
    const again = await exchange(base(sim.mintSessionToken({ shop: SHOP })), true);
    expect(again.body.access_token).toBe(res.body.access_token);
  });

  it("returns an online token with associated_user and expires_in", async () => {
    const res = await exchange(base(sim.mintSessionToken({ shop: SHOP, userId: 99 }), "urn:shopify:params:oauth:token-type:online-access-token"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      access_token: expect.stringMatching(/^shpua_/),
      expires_in: 86399,
      associated_user_scope: res.body.scope,
      associated_user: { id: 99, email_verified: true, account_owner: true },
    });
  });

  it("issues expiring offline tokens with a rotating refresh token when expiring=1", async () => {
    const res = await exchange({ ...base(sim.mintSessionToken({ shop: SHOP })), expiring: "1" });
    expect(res.body).toMatchObject({ expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/), refresh_token_expires_in: 7776000 });
    const refreshed = await exchange({ client_id: API_KEY, client_secret: API_SECRET, grant_type: "refresh_token", refresh_token: res.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(res.body.access_token);
    const reused = await exchange({ client_id: API_KEY, client_secret: API_SECRET, grant_type: "refresh_token", refresh_token: res.body.refresh_token });
    expect(reused).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("rejects a forged session token (signed with another secret) with 400 invalid_subject_token", async () => {
    const forged = mintSessionToken({ shop: SHOP, apiKey: API_KEY, apiSecret: "attacker-secret" });
    const res = await exchange(base(forged));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_subject_token");
  });

  it("rejects a token for another app (aud), an expired token and a tampered payload", async () => {
    const now = Math.floor(Date.now() / 1000);
    const otherAud = mintSessionToken({ shop: SHOP, apiKey: "other-app", apiSecret: API_SECRET });
    expect((await exchange(base(otherAud))).status).toBe(400);
    const expired = mintSessionToken({ shop: SHOP, apiKey: API_KEY, apiSecret: API_SECRET, nowSeconds: now - 600 });
    expect((await exchange(base(expired))).body.error_description).toMatch(/expired/);
    const [h, , s] = sim.mintSessionToken({ shop: SHOP }).split(".");
    const evil = Buffer.from(JSON.stringify({ dest: "https://victim.myshopify.com", aud: API_KEY, exp: now + 60 })).toString("base64url");
    expect((await exchange(base(`${h}.${evil}.${s}`))).status).toBe(400);
    const wrongDest = signHs256({ iss: "x", dest: "https://evil.example.com", aud: API_KEY, exp: now + 60, nbf: now }, API_SECRET);
    expect((await exchange(base(wrongDest))).status).toBe(400);
  });

  it("answers 401 invalid_client for a wrong client secret", async () => {
    const res = await exchange({ ...base(sim.mintSessionToken({ shop: SHOP })), client_secret: "nope" });
    expect(res).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("expired access tokens get Shopify's 401 on the GraphQL endpoint", async () => {
    const res = await exchange(base(sim.mintSessionToken({ shop: SHOP })));
    expect(sim.expireTokens(SHOP)).toBeGreaterThan(0);
    const gql = await sim.graphql(SHOP, `{ shop { id } }`, undefined, { token: res.body.access_token });
    expect(gql.status).toBe(401);
    // A fresh exchange issues a new, working offline token.
    const renewed = await exchange(base(sim.mintSessionToken({ shop: SHOP })));
    expect(renewed.body.access_token).not.toBe(res.body.access_token);
    expect((await sim.graphql(SHOP, `{ shop { id } }`, undefined, { token: renewed.body.access_token })).status).toBe(200);
  });
});
