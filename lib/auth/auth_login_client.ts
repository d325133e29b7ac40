/**
 * What every Globus Auth login client has in common: the flow in progress,
 * the code exchange, refresh, revocation, and Auth's OpenID configuration and
 * keys. Python: `AuthLoginClient`.
 *
 * @module
 */

import {
  BaseClient,
  type BaseClientOptions,
  type GlobusHTTPResponse,
  joinUrl,
} from "../core/base_client.ts";
import { AuthAPIError, GlobusSDKUsageError, RefreshTokenRejectedError } from "../core/errors.ts";
import { type Shape, shape } from "../core/shape.ts";
import { AuthScopes, type AuthScopesType } from "../scopes/scopes.ts";
import type { OpenIdConfiguration } from "../tokens/id_token.ts";
import type {
  OAuthAuthorizationCodeResponse,
  OAuthRefreshTokenResponse,
  OAuthTokenResponse,
  OAuthTokenResponseOptions,
} from "../tokens/token_response.ts";
import { ExpiringCache } from "./_cache.ts";
import { tokenResponses } from "./_token_responses.ts";
import type {
  AuthorizeUrlOptions,
  FlowClient,
  FormFields,
  OAuthFlowManager,
} from "./flow_managers.ts";

/** What this SDK reads of Auth's OpenID configuration. */
const OPENID_CONFIGURATION = shape.object<OpenIdConfiguration>({
  issuer: shape.string,
  "jwks_uri": shape.string,
});
/** A JWK Set: the keys themselves are checked when imported. */
const JWK_SET = shape.object<{ keys: JsonWebKey[] }>({
  keys: shape.array(shape.record as Shape<JsonWebKey>),
});

/**
 * `form` with `bodyParams` merged in as Python's `dict.update`: a key already
 * in the form gets the new value in its place; new keys follow, in order.
 */
function withBodyParams(
  form: FormFields,
  bodyParams: Readonly<Record<string, string>> | undefined,
): FormFields {
  const extra = new Map(Object.entries(bodyParams ?? {}));
  const merged: FormFields = form.map(([key, value]) => {
    if (!extra.has(key)) return [key, value];
    const replaced = [key, extra.get(key)] as const;
    extra.delete(key);
    return replaced;
  });
  return [...merged, ...extra];
}

/** How long Auth's OpenID configuration and signing keys are reused, in ms. */
const OIDC_CACHE_MS = 60 * 60 * 1000;

/**
 * A token-response class, for {@linkcode AuthLoginClient.oauth2Token}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TokenResponseClass } from "@globus-deno/sdk/auth";
 * import { OAuthRefreshTokenResponse } from "@globus-deno/sdk/tokens";
 *
 * const cls: TokenResponseClass<OAuthRefreshTokenResponse> = OAuthRefreshTokenResponse;
 * const response = new cls({
 *   access_token: "AT", expires_in: 60, resource_server: "rs", scope: "s", token_type: "Bearer",
 *   other_tokens: [],
 * }, { receivedAt: 0 });
 * assert.equal(response.byResourceServer.rs?.expires_at_seconds, 60);
 * ```
 */
export type TokenResponseClass<T extends OAuthTokenResponse> = new (
  data: unknown,
  options: OAuthTokenResponseOptions,
) => T;

/**
 * What a login client has in common: the authorize URL of the flow in
 * progress, the code exchange, refresh, revocation, and Auth's OpenID
 * configuration and keys (for `decodeIdToken()`). Python: `AuthLoginClient`.
 * Subclasses say how the client identifies itself to the token endpoint.
 *
 * @example Refresh tokens with any login client
 * ```ts
 * import assert from "node:assert/strict";
 * import { type AuthLoginClient, NativeAppAuthClient } from "@globus-deno/sdk/auth";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const authClient: AuthLoginClient = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, {
 *   baseUrl: fake.authUrl,
 * });
 * const { refresh_token: refreshToken } = fake.issueTokens({
 *   username: "alice", clientId: TUTORIAL_CLIENT_ID, scopes: ["openid"], offline: true,
 * });
 * const tokens = await authClient.oauth2RefreshToken(refreshToken!);
 * assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
 * ```
 */
export abstract class AuthLoginClient extends BaseClient {
  /** Auth's scopes. Python: `AuthLoginClient.scopes`. */
  static readonly scopes: AuthScopesType = AuthScopes;
  /** `auth.globus.org`. */
  static readonly resourceServer: string = AuthScopes.resourceServer;
  /** The client id. */
  readonly clientId: string;
  /** The login started last by `oauth2StartFlow()`. Python: `current_oauth2_flow_manager`. */
  currentOAuth2FlowManager: OAuthFlowManager | undefined;
  readonly #now: () => number;
  readonly #oidc: ExpiringCache<OpenIdConfiguration>;
  readonly #jwk: ExpiringCache<{ keys: JsonWebKey[] }>;

  /**
   * Builds the client; no network I/O.
   *
   * @throws {GlobusSDKUsageError} for an empty client id or unknown environment.
   */
  constructor(clientId: string, options: BaseClientOptions = {}) {
    super("auth", AuthAPIError, options);
    if (!clientId) throw new GlobusSDKUsageError(`Invalid value for client_id. Got "${clientId}"`);
    this.clientId = clientId;
    this.#now = options.now ?? Date.now;
    // Both are fetched without credentials; the keys' URL comes from a
    // document, and a secret is never sent to a URL a document names.
    const get = async <T>(url: string, s: Shape<T>) =>
      (await this.request("GET", url, { authorize: false })).parse(s);
    this.#oidc = new ExpiringCache(
      async () => await get("/.well-known/openid-configuration", OPENID_CONFIGURATION),
      OIDC_CACHE_MS,
      this.#now,
    );
    this.#jwk = new ExpiringCache(
      async () => await get((await this.#oidc.get()).jwks_uri, JWK_SET),
      OIDC_CACHE_MS,
      this.#now,
    );
  }

  /** Form fields that identify a client without a secret (the native client's `client_id`). */
  protected abstract clientFields(): FormFields;

  /**
   * What every `oauth2StartFlow()` does: builds the flow for this client and
   * makes it the login in progress, replacing any login started before.
   */
  protected startFlow<F extends OAuthFlowManager>(makeFlow: (client: FlowClient) => F): F {
    const flow = makeFlow({ clientId: this.clientId, authBaseUrl: this.baseUrl });
    this.currentOAuth2FlowManager = flow;
    return flow;
  }

  /**
   * The URL a person opens to log in, for the flow started last.
   *
   * @throws {GlobusSDKUsageError} (as a rejection) when no flow was started.
   */
  async oauth2GetAuthorizeUrl(options: AuthorizeUrlOptions = {}): Promise<string> {
    if (this.currentOAuth2FlowManager === undefined) {
      throw new GlobusSDKUsageError(
        "Cannot get authorize URL until starting an OAuth2 flow. Call the oauth2StartFlow() method on this AuthClient to resolve",
      );
    }
    return await this.currentOAuth2FlowManager.getAuthorizeUrl(options);
  }

  /**
   * Exchanges the code the person got after login for tokens. The request
   * is never repeated once it may have reached Auth: a code works once.
   *
   * @throws {GlobusSDKUsageError} (as a rejection) when no flow was started.
   * @throws {AuthAPIError} e.g. code `invalid_grant` for a wrong, used or expired code.
   */
  async oauth2ExchangeCodeForTokens(code: string): Promise<OAuthAuthorizationCodeResponse> {
    if (this.currentOAuth2FlowManager === undefined) {
      throw new GlobusSDKUsageError(
        "Cannot exchange auth code until starting an OAuth2 flow. Call the oauth2StartFlow() method on this AuthClient to resolve",
      );
    }
    return await this.oauth2Token(
      this.currentOAuth2FlowManager.exchangeForm(code),
      (await tokenResponses()).OAuthAuthorizationCodeResponse,
      { idempotent: false },
    );
  }

  /**
   * New tokens for a refresh token.
   *
   * @throws {RefreshTokenRejectedError} when Auth answers `invalid_grant`:
   *   the refresh token expired or was revoked, and only a new login helps.
   */
  async oauth2RefreshToken(
    refreshToken: string,
    options: { bodyParams?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<OAuthRefreshTokenResponse> {
    try {
      return await this.oauth2Token(
        withBodyParams(
          [
            ["refresh_token", refreshToken],
            ["grant_type", "refresh_token"],
            ...this.clientFields(),
          ],
          options.bodyParams,
        ),
        (await tokenResponses()).OAuthRefreshTokenResponse,
        options.signal ? { signal: options.signal } : {},
      );
    } catch (error) {
      if (error instanceof AuthAPIError && error.code === "invalid_grant") {
        throw new RefreshTokenRejectedError(error);
      }
      throw error;
    }
  }

  /** Revokes an access or refresh token. Python: `oauth2_revoke_token`. */
  async oauth2RevokeToken(
    token: string,
    options: { bodyParams?: Record<string, string> } = {},
  ): Promise<GlobusHTTPResponse> {
    return await this.request("POST", "/v2/oauth2/token/revoke", {
      form: withBodyParams([["token", token], ...this.clientFields()], options.bodyParams),
      idempotent: true,
    });
  }

  /**
   * Any token grant: POSTs `form` to `/v2/oauth2/token` and wraps the answer.
   * Expiry times count from the moment the request was sent. Grants are
   * retried after transient failures unless `idempotent` is false.
   * Python: `oauth2_token`.
   */
  async oauth2Token<T extends OAuthTokenResponse>(
    form: FormFields,
    responseClass: TokenResponseClass<T>,
    options: { idempotent?: boolean; signal?: AbortSignal } = {},
  ): Promise<T> {
    const sentAt = this.#now();
    const response = await this.request("POST", "/v2/oauth2/token", {
      form,
      idempotent: options.idempotent ?? true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new responseClass(response.parse(shape.record), {
      receivedAt: sentAt,
      idTokenKeys: this,
      request: { method: "POST", url: response.url ?? joinUrl(this.baseUrl, "/v2/oauth2/token") },
    });
  }

  /** Auth's OpenID configuration, cached for an hour. Fetched without credentials. */
  async getOpenIdConfiguration(): Promise<OpenIdConfiguration> {
    return await this.#oidc.get();
  }

  /**
   * Auth's signing keys (JWK Set), cached for an hour. Fetched without
   * credentials: the URL comes from a document, and a secret is never sent
   * to a URL a document names.
   */
  async getJwk(): Promise<{ keys: JsonWebKey[] }> {
    return await this.#jwk.get();
  }
}
