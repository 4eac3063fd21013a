// POST /admin/oauth/access_token — token exchange for embedded apps
// (RFC 8693 grant as Shopify implements it): a session token (ID token) in,
// an offline or online access token out.
import { verifyHs256, JwtError, normalizeShopDomain } from "./jwt";
import type { SimStore } from "./store";

export const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const SUBJECT_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

export interface TokenExchangeResult {
  status: number;
  body: Record<string, unknown>;
}

const err = (status: number, error: string, description: string): TokenExchangeResult => ({
  status,
  body: { error, error_description: description },
});

export interface TokenExchangeDeps {
  store: SimStore;
  apiKey: string;
  apiSecret: string;
  /** Shops unknown to the store are created on first exchange (a merchant opening the app). */
  autoCreateShops: boolean;
  defaultAppUrl?: string;
  onlineTokenTtlSeconds: number;
  /** Lifetime of expiring offline tokens (request param `expiring=1`). */
  expiringOfflineTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export function exchangeToken(deps: TokenExchangeDeps, params: Record<string, unknown>, headerShop: string | undefined): TokenExchangeResult {
  const p = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : typeof params[k] === "boolean" ? String(params[k]) : undefined);
  const grant = p("grant_type");
  if (grant !== GRANT_TOKEN_EXCHANGE && grant !== "refresh_token") {
    return err(400, "unsupported_grant_type", `grant_type must be ${GRANT_TOKEN_EXCHANGE} or refresh_token`);
  }
  if (p("client_id") !== deps.apiKey || p("client_secret") !== deps.apiSecret) {
    return err(401, "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret");
  }
  if (grant === "refresh_token") return refresh(deps, p("refresh_token"), headerShop);
  if (p("subject_token_type") !== SUBJECT_ID_TOKEN) {
    return err(400, "invalid_request", `subject_token_type must be ${SUBJECT_ID_TOKEN}`);
  }
  const requested = p("requested_token_type") ?? OFFLINE_TOKEN_TYPE;
  if (requested !== OFFLINE_TOKEN_TYPE && requested !== ONLINE_TOKEN_TYPE) {
    return err(400, "invalid_request", `requested_token_type must be ${OFFLINE_TOKEN_TYPE} or ${ONLINE_TOKEN_TYPE}`);
  }
  const subject = p("subject_token");
  if (!subject) return err(400, "invalid_request", "subject_token is required");

  let claims: Record<string, unknown>;
  try {
    claims = verifyHs256(subject, deps.apiSecret, Math.floor(deps.store.clock() / 1000));
  } catch (e) {
    const reason = e instanceof JwtError ? e.reason : "malformed";
    return err(400, "invalid_subject_token", `Token exchange cannot be performed due to an invalid subject token (${reason})`);
  }
  if (claims.aud !== deps.apiKey) return err(400, "invalid_subject_token", "Session token audience does not match client_id");
  let shop: string;
  try {
    shop = normalizeShopDomain(String(claims.dest ?? ""));
  } catch {
    return err(400, "invalid_subject_token", "Session token dest is not a shop URL");
  }
  if (claims.dest !== `https://${shop}`) return err(400, "invalid_subject_token", "Session token dest must be https://<shop>.myshopify.com");
  if (headerShop && normalizeShopDomain(headerShop) !== shop) {
    return err(400, "invalid_subject_token", `Session token is for ${shop}, not ${headerShop}`);
  }

  if (!deps.store.findShop(shop)) {
    if (!deps.autoCreateShops) return err(400, "invalid_subject_token", `Shop ${shop} does not exist`);
    deps.store.createShop({ domain: shop });
  }
  const state = deps.store.shop(shop);
  // Token exchange installs the app (Shopify managed installation).
  if (!state.installation || !deps.store.resolveToken(state.installation.offlineToken)) {
    deps.store.installApp(shop, { appUrl: state.installation?.appUrl ?? deps.defaultAppUrl });
  }
  const inst = state.installation!;
  const scope = inst.scopes.join(",");
  if (requested === OFFLINE_TOKEN_TYPE) {
    const expiring = p("expiring");
    if (expiring === "1" || expiring === "true") return expiringBody(deps, shop, scope);
    return { status: 200, body: { access_token: inst.offlineToken, scope } };
  }
  const userId = String(claims.sub ?? "1");
  const rec = deps.store.issueOnlineToken(shop, userId, deps.onlineTokenTtlSeconds);
  return {
    status: 200,
    body: {
      access_token: rec.token,
      scope,
      expires_in: deps.onlineTokenTtlSeconds,
      associated_user_scope: scope,
      associated_user: {
        id: Number(userId) || 1,
        first_name: "Sim",
        last_name: "Merchant",
        email: `merchant+${userId}@${shop.replace(/\.myshopify\.com$/, "")}.example`,
        email_verified: true,
        account_owner: true,
        locale: "en",
        collaborator: false,
      },
    },
  };
}

function expiringBody(deps: TokenExchangeDeps, shop: string, scope: string): TokenExchangeResult {
  const { token, refreshToken } = deps.store.issueExpiringOfflineToken(shop, deps.expiringOfflineTtlSeconds, deps.refreshTokenTtlSeconds);
  return {
    status: 200,
    body: {
      access_token: token.token,
      scope,
      expires_in: deps.expiringOfflineTtlSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: deps.refreshTokenTtlSeconds,
    },
  };
}

function refresh(deps: TokenExchangeDeps, refreshToken: string | undefined, headerShop: string | undefined): TokenExchangeResult {
  if (!refreshToken) return err(400, "invalid_request", "refresh_token is required");
  const rec = deps.store.refreshTokens.get(refreshToken);
  if (!rec || rec.expiresAtMs <= deps.store.clock()) return err(400, "invalid_grant", "Refresh token is invalid or expired");
  if (headerShop && normalizeShopDomain(headerShop) !== rec.shop) return err(400, "invalid_grant", `Refresh token is not for ${headerShop}`);
  deps.store.refreshTokens.delete(refreshToken);
  const state = deps.store.shop(rec.shop);
  if (!state.installation) return err(400, "invalid_grant", "App is not installed");
  return expiringBody(deps, rec.shop, state.installation.scopes.join(","));
}
