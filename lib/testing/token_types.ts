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
 * import assert from "node:assert/strict";
 * import type { Principal } from "./token_types.ts";
 * import { findUser, principalOfUser } from "./context.ts";
 * import { DEFAULT_IDS, defaultDataset } from "./default_dataset.ts";
 *
 * const bob: Principal = principalOfUser(findUser(defaultDataset(), "bob")!);
 * assert.deepEqual(bob, {
 *   identityId: DEFAULT_IDS.bob,
 *   username: "bob@globusid.org",
 *   name: "Bob Builder",
 *   email: "bob@example.org",
 *   identitySet: [DEFAULT_IDS.bob], // bob has no linked identity
 * });
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
 * import assert from "node:assert/strict";
 * import type { TokenBody } from "./token_types.ts";
 * import { TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { startFakeGlobus } from "./fake_globus.ts";
 *
 * await using fake = await startFakeGlobus();
 * const issue = fake.issueTokens({
 *   username: "alice",
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid", "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships"],
 * });
 * const groups: TokenBody = issue.other_tokens[0]!;
 * assert.equal(groups.resource_server, "groups.api.globus.org");
 * assert.equal(groups.scope, "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships");
 * assert.equal(groups.token_type, "Bearer");
 * assert.equal(groups.expires_in, 172800);
 * assert.equal(groups.refresh_token, undefined); // not an offline grant
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
 * import assert from "node:assert/strict";
 * import { startFakeGlobus } from "./fake_globus.ts";
 * import { TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import type { TokenIssue } from "./token_types.ts";
 *
 * await using fake = await startFakeGlobus();
 * const issue: TokenIssue = fake.issueTokens({
 *   username: "alice",
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 * });
 * assert.equal(issue.resource_server, "auth.globus.org");
 * assert.deepEqual(issue.other_tokens, []);
 * assert.equal(issue.id_token?.split(".").length, 3); // `openid` asked for one
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
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AccessTokenRecord } from "./token_types.ts";
 * import { findUser, principalOfUser } from "./context.ts";
 * import { defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 *
 * const store = new TokenStore({
 *   now: Date.now,
 *   issuer: "http://127.0.0.1:8765",
 *   key: await generateSigningKey(),
 *   accessTokenLifetimeSeconds: 60,
 *   rotateRefreshTokens: false,
 * });
 * const principal = principalOfUser(findUser(defaultDataset(), "alice")!);
 * const { access_token: token } = store.issue({
 *   principal,
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 *   offline: false,
 * });
 * const rec: AccessTokenRecord | undefined = store.activeAccess(token);
 * assert.ok(rec);
 * assert.equal(rec.resourceServer, "auth.globus.org");
 * assert.equal(rec.clientId, TUTORIAL_CLIENT_ID);
 * assert.equal(rec.expiresAt - rec.issuedAt, 60_000);
 * store.revoke(token, TUTORIAL_CLIENT_ID);
 * assert.equal(store.activeAccess(token), undefined);
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
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RefreshTokenRecord } from "./token_types.ts";
 * import { findUser, principalOfUser } from "./context.ts";
 * import { defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 *
 * const store = new TokenStore({
 *   now: Date.now,
 *   issuer: "http://127.0.0.1:8765",
 *   key: await generateSigningKey(),
 *   accessTokenLifetimeSeconds: 60,
 *   rotateRefreshTokens: false,
 * });
 * const principal = principalOfUser(findUser(defaultDataset(), "alice")!);
 * const issued = store.issue({
 *   principal,
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 *   offline: true,
 * });
 * const rec: RefreshTokenRecord | undefined = store.activeRefresh(issued.refresh_token!);
 * assert.ok(rec);
 * const renewed = store.refreshGrant(rec);
 * assert.notEqual(renewed.access_token, issued.access_token);
 * assert.equal(renewed.refresh_token, issued.refresh_token); // no rotation
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
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AuthCodeRecord } from "./token_types.ts";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { handleAuthorize } from "./fake_auth.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const authorize = new URL(`${url}/v2/oauth2/authorize`);
 * authorize.search = new URLSearchParams({
 *   "client_id": TUTORIAL_CLIENT_ID,
 *   "redirect_uri": `${url}/v2/web/auth-code`,
 *   "response_type": "code",
 *   scope: "openid",
 *   "code_challenge": "x".repeat(43),
 *   "code_challenge_method": "S256",
 *   state: "s1",
 *   "fake_login": "alice",
 * }).toString();
 * const location = new URL(handleAuthorize(ctx, authorize, {}).headers.get("location")!);
 * const rec: AuthCodeRecord | undefined = store.codes.get(location.searchParams.get("code")!);
 * assert.equal(rec?.redirectUri, `${url}/v2/web/auth-code`);
 * assert.equal(rec?.state, "s1");
 * assert.equal(rec?.used, false);
 * assert.equal(rec?.offline, false);
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
