/**
 * The records the fake Auth keeps (tokens, codes, the identity a token speaks
 * for) and the token response bodies it answers.
 *
 * @module
 */

/**
 * Who a token speaks for: a user (with linked identities) or a client identity.
 *
 * @example
 * ```ts
 * import type { Principal } from "./token_types.ts";
 * const p: Principal = { identityId: "id", username: "u@example.org", name: "U", email: null, identitySet: ["id"] };
 * console.log(p.identitySet);
 * ```
 */
export interface Principal {
  /** Primary identity id (`sub`). */
  identityId: string;
  /** Username (`preferred_username`). */
  username: string;
  /** Display name, null for clients without one. */
  name: string | null;
  /** Email, null for clients. */
  email: string | null;
  /** The primary identity followed by every linked identity. */
  identitySet: string[];
}

/**
 * One token as it appears in a token response (top level or in `other_tokens`).
 *
 * @example
 * ```ts
 * import type { TokenBody } from "./token_types.ts";
 * const body: TokenBody = {
 *   "access_token": "abc",
 *   "expires_in": 172800,
 *   "resource_server": "groups.api.globus.org",
 *   scope: "urn:globus:auth:scope:groups.api.globus.org:all",
 *   "token_type": "Bearer",
 * };
 * console.log(body.resource_server);
 * ```
 */
export interface TokenBody {
  /** Opaque access token. */
  "access_token": string;
  /** Lifetime in seconds. */
  "expires_in": number;
  /** The resource server the token is for. */
  "resource_server": string;
  /** Space-separated scopes. */
  scope: string;
  /** Always `Bearer`. */
  "token_type": "Bearer";
  /** The `state` of the authorization request (code grants and direct issues only). */
  state?: string;
  /** Present for offline grants and on refresh answers. */
  "refresh_token"?: string;
}

/**
 * A complete token response body, exactly as `POST /v2/oauth2/token` answers it.
 *
 * @example
 * ```ts
 * import { startFakeGlobus } from "./fake_globus.ts";
 * import { TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import type { TokenIssue } from "./token_types.ts";
 * await using fake = await startFakeGlobus();
 * const issue: TokenIssue = fake.issueTokens({ username: "alice", clientId: TUTORIAL_CLIENT_ID, scopes: ["openid"] });
 * console.log(issue.other_tokens.length); // 0
 * ```
 */
export interface TokenIssue extends TokenBody {
  /** RS256 id_token, present when `openid` was requested. */
  "id_token"?: string;
  /** Tokens for the other resource servers (always present, possibly empty). */
  "other_tokens": TokenBody[];
}

/**
 * An issued access token.
 *
 * @example
 * ```ts ignore
 * const rec: AccessTokenRecord | undefined = store.activeAccess(token);
 * console.log(rec?.resourceServer);
 * ```
 */
export interface AccessTokenRecord {
  /** The token string. */
  token: string;
  /** Resource server. */
  resourceServer: string;
  /** Granted scopes. */
  scopes: string[];
  /** Client it was issued to. */
  clientId: string;
  /** Who it speaks for. */
  principal: Principal;
  /** Issue time, ms. */
  issuedAt: number;
  /** Expiry time, ms. */
  expiresAt: number;
  /** Set by revocation. */
  revoked: boolean;
}

/**
 * An issued refresh token.
 *
 * @example
 * ```ts ignore
 * const rec: RefreshTokenRecord | undefined = store.activeRefresh(refreshToken);
 * if (rec) console.log(store.refreshGrant(rec).access_token);
 * ```
 */
export interface RefreshTokenRecord {
  /** The token string. */
  token: string;
  /** Resource server. */
  resourceServer: string;
  /** Granted scopes. */
  scopes: string[];
  /** Client it was issued to. */
  clientId: string;
  /** Who it speaks for. */
  principal: Principal;
  /** Set by revocation or rotation. */
  revoked: boolean;
}

/**
 * A pending authorization code.
 *
 * @example
 * ```ts ignore
 * const rec: AuthCodeRecord | undefined = store.codes.get(code);
 * console.log(rec?.redirectUri);
 * ```
 */
export interface AuthCodeRecord {
  /** Client that asked for it. */
  clientId: string;
  /** redirect_uri used at authorize (the exchange must repeat it). */
  redirectUri: string;
  /** Requested scopes. */
  scopes: string[];
  /** PKCE S256 challenge, if one was sent. */
  codeChallenge?: string;
  /** `state` from authorize. */
  state: string;
  /** `access_type=offline` was asked for. */
  offline: boolean;
  /** Who signed in. */
  principal: Principal;
  /** Expiry, ms. */
  expiresAt: number;
  /** Codes are single-use. */
  used: boolean;
}
