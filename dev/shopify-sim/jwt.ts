// HS256 JWTs: Shopify session tokens (App Bridge `idToken()`), minted and verified here.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export class JwtError extends Error {
  constructor(
    readonly reason: "malformed" | "unsupported_alg" | "bad_signature" | "expired" | "not_yet_valid" | "claim_mismatch",
    message: string,
  ) {
    super(message);
    this.name = "JwtError";
  }
}

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  sig?: string;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export function signHs256(payload: object, secret: string): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${sig}`;
}

/** Verifies signature and time claims (with `leewaySeconds` clock tolerance); returns the payload. */
export function verifyHs256(
  token: string,
  secret: string,
  nowSeconds: number,
  leewaySeconds = 10,
): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new JwtError("malformed", "JWT must have three parts");
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    throw new JwtError("malformed", "JWT header or payload is not base64url JSON");
  }
  if (header.alg !== "HS256") throw new JwtError("unsupported_alg", `alg ${String(header.alg)} is not HS256`);
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new JwtError("bad_signature", "JWT signature does not match the app secret");
  }
  if (typeof payload.exp === "number" && nowSeconds > payload.exp + leewaySeconds) {
    throw new JwtError("expired", "JWT has expired");
  }
  if (typeof payload.nbf === "number" && nowSeconds + leewaySeconds < payload.nbf) {
    throw new JwtError("not_yet_valid", "JWT is not valid yet (nbf)");
  }
  return payload;
}

export interface MintSessionTokenOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  userId?: string | number;
  ttlSeconds?: number;
  /** Seconds since epoch; defaults to the wall clock. */
  nowSeconds?: number;
}

/** A session token shaped like the ones App Bridge hands an embedded app. */
export function mintSessionToken(options: MintSessionTokenOptions): string {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const shop = normalizeShopDomain(options.shop);
  const claims: SessionTokenClaims = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: options.apiKey,
    sub: String(options.userId ?? 1),
    exp: now + (options.ttlSeconds ?? 60),
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomBytes(16).toString("hex"),
  };
  return signHs256(claims, options.apiSecret);
}

export class InvalidShopDomainError extends Error {
  constructor(readonly value: unknown) {
    super(`Invalid shop domain ${JSON.stringify(value)}: expected <name>.myshopify.com`);
    this.name = "InvalidShopDomainError";
  }
}

const SHOP_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** Accepts "x.myshopify.com", "https://x.myshopify.com/..." or bare "x". */
export function normalizeShopDomain(value: unknown): string {
  if (typeof value !== "string" || value.length === 0) throw new InvalidShopDomainError(value);
  let host = value.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  if (!host.includes(".")) host = `${host}.myshopify.com`;
  if (!SHOP_RE.test(host)) throw new InvalidShopDomainError(value);
  return host;
}
