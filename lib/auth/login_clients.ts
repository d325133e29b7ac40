/**
 * Globus Auth login clients: a native app (PKCE, no secret) and a
 * confidential app (a client secret), with the token calls both make.
 * Python: `AuthLoginClient`, `NativeAppAuthClient`, `ConfidentialAppAuthClient`.
 *
 * @module
 */

import { BasicAuthorizer, NullAuthorizer } from "../authorizers/authorizers.ts";
import {
  BaseClient,
  type BaseClientOptions,
  type GlobusHTTPResponse,
  joinUrl,
} from "../core/base_client.ts";
import { AuthAPIError, GlobusSDKUsageError, RefreshTokenRejectedError } from "../core/errors.ts";
import {
  AuthorizationCodeFlowManager,
  type AuthorizeUrlOptions,
  NativeAppFlowManager,
  type OAuthFlowManager,
} from "./flow_managers.ts";
import type { OpenIdConfiguration } from "../tokens/id_token.ts";
import {
  AuthScopes,
  type AuthScopesType,
  type ScopeInput,
  scopesToString,
} from "../scopes/scopes.ts";
import {
  OAuthAuthorizationCodeResponse,
  OAuthClientCredentialsResponse,
  OAuthRefreshTokenResponse,
  OAuthTokenResponse,
  type OAuthTokenResponseOptions,
} from "../tokens/token_response.ts";

/** How long Auth's OpenID configuration and signing keys are reused, in ms. */
const OIDC_CACHE_MS = 60 * 60 * 1000;

/**
 * Token-endpoint form fields in order; undefined values are left out.
 *
 * @example
 * ```ts
 * import type { FormFields } from "./login_clients.ts";
 * const form: FormFields = [["grant_type", "refresh_token"], ["refresh_token", "RT"]];
 * ```
 */
export type FormFields = Array<readonly [string, string | undefined]>;

/** A token-response class, for {@linkcode AuthLoginClient.oauth2Token}. */
export type TokenResponseClass<T extends OAuthTokenResponse> = new (
  data: unknown,
  options: OAuthTokenResponseOptions,
) => T;

/**
 * What a login client has in common: the authorize URL of the flow in
 * progress, the code exchange, refresh, revocation, and Auth's OpenID
 * configuration and keys (for `decodeIdToken()`). Python: `AuthLoginClient`.
 *
 * @example
 * ```ts ignore
 * const tokens = await authClient.oauth2RefreshToken(refreshToken);
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
  #oidc: { at: number; config: Promise<OpenIdConfiguration> } | undefined;
  #jwk: { at: number; keys: Promise<{ keys: JsonWebKey[] }> } | undefined;
  readonly #now: () => number;

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
  }

  /** FormFields fields that identify a client without a secret (the native client's `client_id`). */
  protected abstract clientFields(): FormFields;

  /**
   * The URL a person opens to log in, for the flow started last.
   *
   * @throws {GlobusSDKUsageError} when no flow was started.
   */
  oauth2GetAuthorizeUrl(options: AuthorizeUrlOptions = {}): Promise<string> {
    if (this.currentOAuth2FlowManager === undefined) {
      throw new GlobusSDKUsageError(
        "Cannot get authorize URL until starting an OAuth2 flow. Call the oauth2StartFlow() method on this AuthClient to resolve",
      );
    }
    return this.currentOAuth2FlowManager.getAuthorizeUrl(options);
  }

  /**
   * Exchanges the code the person got after login for tokens. The request
   * is never repeated once it may have reached Auth: a code works once.
   *
   * @throws {GlobusSDKUsageError} when no flow was started.
   * @throws {AuthAPIError} e.g. code `invalid_grant` for a wrong, used or expired code.
   */
  oauth2ExchangeCodeForTokens(code: string): Promise<OAuthAuthorizationCodeResponse> {
    if (this.currentOAuth2FlowManager === undefined) {
      throw new GlobusSDKUsageError(
        "Cannot exchange auth code until starting an OAuth2 flow. Call the oauth2StartFlow() method on this AuthClient to resolve",
      );
    }
    return this.oauth2Token(
      this.currentOAuth2FlowManager.exchangeForm(code),
      OAuthAuthorizationCodeResponse,
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
        [
          ["refresh_token", refreshToken],
          ["grant_type", "refresh_token"],
          ...this.clientFields(),
          ...Object.entries(options.bodyParams ?? {}),
        ],
        OAuthRefreshTokenResponse,
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
  oauth2RevokeToken(
    token: string,
    options: { bodyParams?: Record<string, string> } = {},
  ): Promise<GlobusHTTPResponse> {
    return this.request("POST", "/v2/oauth2/token/revoke", {
      form: [["token", token], ...this.clientFields(), ...Object.entries(options.bodyParams ?? {})],
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
    return new responseClass(response.data, {
      receivedAt: sentAt,
      idTokenKeys: this,
      request: { method: "POST", url: joinUrl(this.baseUrl, "/v2/oauth2/token") },
    });
  }

  /** Auth's OpenID configuration, cached for an hour. Fetched without credentials. */
  getOpenIdConfiguration(): Promise<OpenIdConfiguration> {
    if (this.#oidc === undefined || this.#now() - this.#oidc.at > OIDC_CACHE_MS) {
      const config = this.request("GET", "/.well-known/openid-configuration", { authorize: false })
        .then((r) => r.data as OpenIdConfiguration);
      config.catch(() => this.#oidc = undefined);
      this.#oidc = { at: this.#now(), config };
    }
    return this.#oidc.config;
  }

  /**
   * Auth's signing keys (JWK Set), cached for an hour. Fetched without
   * credentials: the URL comes from a document, and a secret is never sent
   * to a URL a document names (Python's W23).
   */
  getJwk(): Promise<{ keys: JsonWebKey[] }> {
    if (this.#jwk === undefined || this.#now() - this.#jwk.at > OIDC_CACHE_MS) {
      const keys = this.getOpenIdConfiguration()
        .then((config) => this.request("GET", config.jwks_uri, { authorize: false }))
        .then((r) => r.data as { keys: JsonWebKey[] });
      keys.catch(() => this.#jwk = undefined);
      this.#jwk = { at: this.#now(), keys };
    }
    return this.#jwk.keys;
  }
}

/** Options of {@linkcode NativeAppAuthClient.oauth2StartFlow}. */
export interface NativeAppStartFlowOptions {
  /** Scopes to ask for (required, as in the Python SDK v4). */
  readonly requestedScopes: ScopeInput;
  /** Default: Globus's page that shows the code. */
  readonly redirectUri?: string;
  /** Default `"_default"`. */
  readonly state?: string;
  /** A PKCE verifier of your own (43–128 of `[A-Za-z0-9~_.-]`); default random. */
  readonly verifier?: string;
  /** Ask for refresh tokens. */
  readonly refreshTokens?: boolean;
  /** A name for the grant, shown in the person's Globus account. */
  readonly prefillNamedGrant?: string;
}

/**
 * A native app (a script, a CLI, a desktop app): it has no secret and logs
 * in with PKCE. Python: `NativeAppAuthClient`.
 *
 * @example The tutorial's login
 * ```ts ignore
 * const authClient = new NativeAppAuthClient("61338d24-54d5-408f-a10d-66c06b59f6d2");
 * authClient.oauth2StartFlow({ requestedScopes: GroupsClient.scopes.viewMyGroupsAndMemberships });
 * console.log(await authClient.oauth2GetAuthorizeUrl());
 * const tokens = await authClient.oauth2ExchangeCodeForTokens(code);
 * ```
 */
export class NativeAppAuthClient extends AuthLoginClient {
  /** Builds the client; no network I/O. */
  constructor(clientId: string, options: Omit<BaseClientOptions, "authorizer"> = {}) {
    super(clientId, { ...options, authorizer: new NullAuthorizer() });
  }

  /** The native client names itself in the body: `client_id`. */
  protected clientFields(): FormFields {
    return [["client_id", this.clientId]];
  }

  /** Starts a login; it replaces any login started before. */
  oauth2StartFlow(options: NativeAppStartFlowOptions): NativeAppFlowManager {
    const flow = new NativeAppFlowManager({
      clientId: this.clientId,
      authBaseUrl: this.baseUrl,
      requestedScopes: scopesToString(options.requestedScopes),
      redirectUri: options.redirectUri,
      state: options.state,
      verifier: options.verifier,
      refreshTokens: options.refreshTokens,
      prefillNamedGrant: options.prefillNamedGrant,
    });
    this.currentOAuth2FlowManager = flow;
    return flow;
  }
}

/** Options of {@linkcode ConfidentialAppAuthClient.oauth2StartFlow}. */
export interface ConfidentialStartFlowOptions {
  /** The app's own endpoint that receives the code (required). */
  readonly redirectUri: string;
  /** Scopes to ask for. */
  readonly requestedScopes: ScopeInput;
  /** Default `"_default"`. */
  readonly state?: string;
  /** Ask for refresh tokens. */
  readonly refreshTokens?: boolean;
}

/**
 * An app with a client secret (a service, a portal): it authenticates with
 * HTTP Basic on every Auth call. Python: `ConfidentialAppAuthClient`.
 *
 * @example Tokens for the client's own identity
 * ```ts ignore
 * const client = new ConfidentialAppAuthClient(CLIENT_ID, CLIENT_SECRET);
 * const tokens = await client.oauth2ClientCredentialsTokens(GroupsScopes.all);
 * ```
 */
export class ConfidentialAppAuthClient extends AuthLoginClient {
  /** Builds the client; no network I/O. */
  constructor(
    clientId: string,
    clientSecret: string,
    options: Omit<BaseClientOptions, "authorizer"> = {},
  ) {
    if (!clientSecret) {
      throw new GlobusSDKUsageError("ConfidentialAppAuthClient needs a client secret");
    }
    super(clientId, { ...options, authorizer: new BasicAuthorizer(clientId, clientSecret) });
  }

  /** Nothing: the confidential client authenticates with its Basic header. */
  protected clientFields(): FormFields {
    return [];
  }

  /** Starts an authorization-code login; it replaces any login started before. */
  oauth2StartFlow(options: ConfidentialStartFlowOptions): AuthorizationCodeFlowManager {
    const flow = new AuthorizationCodeFlowManager({
      clientId: this.clientId,
      authBaseUrl: this.baseUrl,
      requestedScopes: scopesToString(options.requestedScopes),
      redirectUri: options.redirectUri,
      state: options.state,
      refreshTokens: options.refreshTokens,
    });
    this.currentOAuth2FlowManager = flow;
    return flow;
  }

  /** Tokens for the client's own identity. Python: `oauth2_client_credentials_tokens`. */
  oauth2ClientCredentialsTokens(
    requestedScopes: ScopeInput,
  ): Promise<OAuthClientCredentialsResponse> {
    return this.oauth2Token(
      [["grant_type", "client_credentials"], ["scope", scopesToString(requestedScopes)]],
      OAuthClientCredentialsResponse,
    );
  }

  /** Whether a token is active, and for whom. Python: `oauth2_token_introspect`. */
  oauth2TokenIntrospect(
    token: string,
    options: { include?: string } = {},
  ): Promise<GlobusHTTPResponse> {
    return this.request("POST", "/v2/oauth2/token/introspect", {
      form: [["token", token], ["include", options.include]],
      idempotent: true,
    });
  }
}
