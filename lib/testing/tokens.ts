/**
 * The fake Auth's memory: issued access and refresh tokens, authorization
 * codes, and the building of token responses grouped by resource server.
 *
 * @module
 */

import { AuthScopes } from "../scopes/scopes.ts";
import { randomToken } from "./http_util.ts";
import { type SigningKey, signJwt } from "./jwt.ts";
import { groupByResourceServer, rootScopeOf } from "./scope_rules.ts";
import type {
  AccessTokenRecord,
  AuthCodeRecord,
  Principal,
  RefreshTokenRecord,
  TokenBody,
  TokenIssue,
} from "./token_types.ts";

/**
 * Settings a {@linkcode TokenStore} needs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore, type TokenStoreOptions } from "./tokens.ts";
 *
 * const options: TokenStoreOptions = {
 *   now: Date.now,
 *   issuer: "http://127.0.0.1:8765",
 *   key: await generateSigningKey(),
 *   accessTokenLifetimeSeconds: 172800,
 *   rotateRefreshTokens: false,
 * };
 * const store = new TokenStore(options);
 * const principal = { identityId: "id", username: "u", name: null, email: null, identitySet: ["id"] };
 * const issue = store.issue({ principal, clientId: "c", scopes: ["openid"], offline: false });
 * const claims = JSON.parse(atob(issue.id_token!.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/")));
 * assert.equal(claims.iss, options.issuer);
 * assert.equal(issue.expires_in, options.accessTokenLifetimeSeconds);
 * ```
 */
export interface TokenStoreOptions {
  /** Millisecond clock. */
  now: () => number;
  /** `iss` claim of id_tokens. */
  issuer: string;
  /** Key that signs id_tokens. */
  key: SigningKey;
  /** Access token lifetime in seconds. */
  accessTokenLifetimeSeconds: number;
  /** Whether refresh grants rotate refresh tokens. */
  rotateRefreshTokens: boolean;
}

/**
 * Everything Auth has issued. Mutable settings (`accessTokenLifetimeSeconds`,
 * `rotateRefreshTokens`) apply to tokens issued afterwards.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenStore } from "./tokens.ts";
 * import { generateSigningKey } from "./jwt.ts";
 *
 * const store = new TokenStore({
 *   now: Date.now,
 *   issuer: "http://127.0.0.1:1",
 *   key: await generateSigningKey(),
 *   accessTokenLifetimeSeconds: 60,
 *   rotateRefreshTokens: false,
 * });
 * const principal = { identityId: "id", username: "u", name: null, email: null, identitySet: ["id"] };
 * const body = store.issue({ principal, clientId: "c", scopes: ["openid"], offline: false });
 * assert.equal(body.resource_server, "auth.globus.org");
 * assert.ok(store.activeAccess(body.access_token));
 * store.expireAllAccessTokens();
 * assert.equal(store.activeAccess(body.access_token), undefined);
 * store.accessTokenLifetimeSeconds = 5; // applies to tokens issued from now on
 * assert.equal(store.issue({ principal, clientId: "c", scopes: ["openid"], offline: false }).expires_in, 5);
 * ```
 */
export class TokenStore {
  /** Lifetime of access tokens issued from now on. */
  accessTokenLifetimeSeconds: number;
  /** Whether refresh grants rotate refresh tokens from now on. */
  rotateRefreshTokens: boolean;
  /** Access tokens by token string. */
  readonly access: Map<string, AccessTokenRecord> = new Map();
  /** Refresh tokens by token string. */
  readonly refresh: Map<string, RefreshTokenRecord> = new Map();
  /** Authorization codes by code string. */
  readonly codes: Map<string, AuthCodeRecord> = new Map();
  readonly #opts: TokenStoreOptions;

  /** Creates an empty store. */
  constructor(opts: TokenStoreOptions) {
    this.#opts = opts;
    this.accessTokenLifetimeSeconds = opts.accessTokenLifetimeSeconds;
    this.rotateRefreshTokens = opts.rotateRefreshTokens;
  }

  /** Issues tokens for `scopes` (throws `RangeError` on an unknown scope). */
  issue(
    o: {
      principal: Principal;
      clientId: string;
      scopes: string[];
      offline: boolean;
      state?: string;
    },
  ): TokenIssue {
    const byRs = groupByResourceServer(o.scopes);
    const bodies = [...byRs].map(([rs, scopes]) => {
      const body = this.#accessBody(o.principal, o.clientId, rs, scopes);
      if (o.state !== undefined) body.state = o.state;
      if (o.offline) body.refresh_token = this.#newRefresh(o.principal, o.clientId, rs, scopes);
      return body;
    });
    const [first, ...others] = bodies;
    if (!first) throw new RangeError("No scopes requested");
    return this.#withIdToken({ ...first, other_tokens: others }, o.principal, o.clientId, o.scopes);
  }

  /** Answers a refresh grant for a live refresh token record. */
  refreshGrant(record: RefreshTokenRecord): TokenIssue {
    const body = this.#accessBody(record.principal, record.clientId, record.resourceServer, [
      ...record.scopes,
    ]);
    if (this.rotateRefreshTokens) {
      record.revoked = true;
      body.refresh_token = this.#newRefresh(
        record.principal,
        record.clientId,
        record.resourceServer,
        record.scopes,
      );
    } else {
      body.refresh_token = record.token;
    }
    const issue = { ...body, "other_tokens": [] };
    return this.#withIdToken(issue, record.principal, record.clientId, record.scopes);
  }

  /** The access token record if the token is known, unexpired and unrevoked. */
  activeAccess(token: string): AccessTokenRecord | undefined {
    const rec = this.access.get(token);
    return rec && !rec.revoked && rec.expiresAt > this.#opts.now() ? rec : undefined;
  }

  /** The refresh token record if known and unrevoked. */
  activeRefresh(token: string): RefreshTokenRecord | undefined {
    const rec = this.refresh.get(token);
    return rec && !rec.revoked ? rec : undefined;
  }

  /** Revokes an access or refresh token of `clientId`; unknown tokens are ignored. */
  revoke(token: string, clientId: string): void {
    const rec = this.access.get(token) ?? this.refresh.get(token);
    if (rec && rec.clientId === clientId) rec.revoked = true;
  }

  /** Makes every issued access token expired. */
  expireAllAccessTokens(): void {
    const past = this.#opts.now() - 1;
    for (const rec of this.access.values()) rec.expiresAt = Math.min(rec.expiresAt, past);
  }

  /** Revokes every issued refresh token. */
  revokeAllRefreshTokens(): void {
    for (const rec of this.refresh.values()) rec.revoked = true;
  }

  #accessBody(principal: Principal, clientId: string, rs: string, scopes: string[]): TokenBody {
    const token = randomToken(32);
    const now = this.#opts.now();
    const lifetime = this.accessTokenLifetimeSeconds;
    this.access.set(token, {
      token,
      resourceServer: rs,
      scopes,
      clientId,
      principal,
      issuedAt: now,
      expiresAt: now + lifetime * 1000,
      revoked: false,
    });
    return {
      access_token: token,
      expires_in: lifetime,
      resource_server: rs,
      // Root scopes only, as Globus: the dependencies are consents.
      scope: scopes.map(rootScopeOf).join(" "),
      token_type: "Bearer",
    };
  }

  #newRefresh(principal: Principal, clientId: string, rs: string, scopes: string[]): string {
    const token = randomToken(48);
    this.refresh.set(token, {
      token,
      resourceServer: rs,
      scopes,
      clientId,
      principal,
      revoked: false,
    });
    return token;
  }

  #withIdToken(issue: TokenIssue, p: Principal, clientId: string, scopes: string[]): TokenIssue {
    if (!scopes.includes(AuthScopes.openid)) return issue;
    const iat = Math.floor(this.#opts.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.#opts.issuer,
      sub: p.identityId,
      aud: clientId,
      iat,
      exp: iat + this.accessTokenLifetimeSeconds,
      "preferred_username": p.username,
      "identity_set": p.identitySet.map((sub) => ({ sub })),
    };
    if (p.name !== null) claims.name = p.name;
    if (p.email !== null) claims.email = p.email;
    return { ...issue, id_token: signJwt(this.#opts.key, claims) };
  }
}
