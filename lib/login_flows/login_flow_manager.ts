/**
 * The login-flow contract: one call that takes the person through a login
 * and returns the tokens, whatever the medium (a pasted code, a browser).
 * Python: `globus_sdk.login_flows.LoginFlowManager` and
 * `globus_sdk.gare.AuthorizationParameters`.
 *
 * @module
 */

import { ConfidentialAppAuthClient, NativeAppAuthClient } from "../auth/mod.ts";
import { GlobusSDKUsageError } from "../core/errors.ts";
import type { AuthorizeUrlOptions } from "../auth/flow_managers.ts";
import { type ScopeInput, scopesToString } from "../scopes/scopes.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";

/**
 * What a login asks Globus for: the scopes, and how the person must
 * authenticate. Python: `AuthorizationParameters` (its
 * `required_scopes`, `session_*`, `prompt`); the wire names are those of
 * {@linkcode AuthorizeUrlOptions}, which this extends, so the parameters of
 * an authorization-requirements error map onto it one to one.
 *
 * As in Python, empty values (`""`, `[]`, `false`) are not sent.
 *
 * @example Ask for the groups scope, forcing a fresh login
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AuthorizationParameters } from "./login_flow_manager.ts";
 * const params: AuthorizationParameters = {
 *   requiredScopes: ["openid", "urn:globus:auth:scope:groups.api.globus.org:all"],
 *   prompt: "login",
 * };
 * assert.equal(params.prompt, "login");
 * ```
 */
export interface AuthorizationParameters extends AuthorizeUrlOptions {
  /** The scopes to ask for (required: a login without scopes is refused). */
  readonly requiredScopes: ScopeInput;
}

/**
 * Where a login flow talks to the person: text out (the URL, prompts,
 * status) and, for the copy-paste flow, one line in (the code). The
 * default, {@linkcode terminalLoginIo}, uses stderr and stdin.
 *
 * @example Collect what a flow prints, and answer its prompt
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoginFlowIo } from "./login_flow_manager.ts";
 * const printed: string[] = [];
 * const io: LoginFlowIo = {
 *   write: (text) => void printed.push(text),
 *   readLine: () => Promise.resolve("THE-CODE"),
 * };
 * io.write("Enter the code: ");
 * assert.equal(await io.readLine(), "THE-CODE");
 * assert.deepEqual(printed, ["Enter the code: "]);
 * ```
 */
export interface LoginFlowIo {
  /** Shows `text` to the person as it is (it carries its own line endings). */
  write(text: string): void | Promise<void>;
  /** One line typed by the person, without its line ending; null at end of input. */
  readLine(): Promise<string | null>;
}

/**
 * Options of one {@linkcode LoginFlowManager.runLoginFlow} call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RunLoginFlowOptions } from "./login_flow_manager.ts";
 * const options: RunLoginFlowOptions = { signal: AbortSignal.timeout(60_000) };
 * assert.equal(options.signal?.aborted, false);
 * ```
 */
export interface RunLoginFlowOptions {
  /**
   * Cancels the login (e.g. on Ctrl-C): the call rejects with
   * `signal.reason` and a local server's port is released.
   */
  readonly signal?: AbortSignal;
}

/**
 * Runs one login and returns the token response of the code exchange.
 * Python: `LoginFlowManager.run_login_flow`. Implemented by
 * {@linkcode CommandLineLoginFlowManager}, {@linkcode LocalServerLoginFlowManager}
 * and {@linkcode AutoLoginFlowManager}; a test can pass any object with this method.
 *
 * @example A fake flow for tests of code that needs a login
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoginFlowManager } from "./login_flow_manager.ts";
 * import { OAuthTokenResponse } from "../tokens/token_response.ts";
 * const calls: unknown[] = [];
 * const fake: LoginFlowManager = {
 *   runLoginFlow(params) {
 *     calls.push(params.requiredScopes);
 *     return Promise.resolve(new OAuthTokenResponse({
 *       access_token: "AT", resource_server: "auth.globus.org", scope: "openid",
 *       expires_in: 3600, token_type: "Bearer", other_tokens: [],
 *     }, { receivedAt: 0 }));
 *   },
 * };
 * const tokens = await fake.runLoginFlow({ requiredScopes: "openid" });
 * assert.equal(tokens.byResourceServer["auth.globus.org"]?.access_token, "AT");
 * assert.deepEqual(calls, ["openid"]);
 * ```
 */
export interface LoginFlowManager {
  /**
   * Takes the person through a login for `authParameters` and exchanges the
   * code. Rejects with a `LoginFlowError` when the login does not complete,
   * with an `AuthAPIError` when Globus refuses the code.
   */
  runLoginFlow(
    authParameters: AuthorizationParameters,
    options?: RunLoginFlowOptions,
  ): Promise<OAuthTokenResponse>;
}

/** The login clients a flow can drive. */
export type LoginClient = NativeAppAuthClient | ConfidentialAppAuthClient;

/**
 * Options every login flow takes. Python: `LoginFlowManager.__init__`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoginFlowManagerOptions } from "./login_flow_manager.ts";
 * const options: LoginFlowManagerOptions = {
 *   requestRefreshTokens: true, nativePrefillNamedGrant: "my laptop",
 * };
 * assert.equal(options.requestRefreshTokens, true);
 * ```
 */
export interface LoginFlowManagerOptions {
  /** Ask for refresh tokens too (`access_type=offline`); default false. */
  readonly requestRefreshTokens?: boolean;
  /** A name for the grant, shown in the person's Globus account (native clients only). */
  readonly nativePrefillNamedGrant?: string;
}

/**
 * What the flows share: the login client, the refresh-token and named-grant
 * settings, and starting a flow on the client to get its authorize URL
 * (the client's `oauth2StartFlow()` and `oauth2GetAuthorizeUrl()` build it).
 * Python: the `LoginFlowManager` base class; extend it to write a flow of your own.
 *
 * @example A flow that hands the URL to a callback and gets the code back
 * ```ts
 * import assert from "node:assert/strict";
 * import { BaseLoginFlowManager, type AuthorizationParameters } from "./login_flow_manager.ts";
 * import { NativeAppAuthClient } from "../auth/mod.ts";
 * import type { OAuthTokenResponse } from "../tokens/token_response.ts";
 *
 * class UrlOnly extends BaseLoginFlowManager {
 *   url = "";
 *   async runLoginFlow(params: AuthorizationParameters): Promise<OAuthTokenResponse> {
 *     this.url = await this.startFlow(params, "https://example.org/cb");
 *     throw new Error("this example stops before the exchange");
 *   }
 * }
 * const flow = new UrlOnly(new NativeAppAuthClient("61338d24-54d5-408f-a10d-66c06b59f6d2"));
 * await assert.rejects(flow.runLoginFlow({ requiredScopes: "openid", prompt: "login" }));
 * const url = new URL(flow.url);
 * assert.equal(url.searchParams.get("redirect_uri"), "https://example.org/cb");
 * assert.equal(url.searchParams.get("prompt"), "login");
 * ```
 */
export abstract class BaseLoginFlowManager implements LoginFlowManager {
  /** The client that starts the flow and exchanges the code. */
  readonly loginClient: LoginClient;
  /** Whether refresh tokens are asked for. */
  readonly requestRefreshTokens: boolean;
  /** The named grant of a native login, if any. */
  readonly nativePrefillNamedGrant: string | undefined;

  /**
   * Stores the settings; no I/O.
   *
   * @throws {GlobusSDKUsageError} when `loginClient` is not a
   *   `NativeAppAuthClient` or `ConfidentialAppAuthClient`.
   */
  constructor(loginClient: LoginClient, options: LoginFlowManagerOptions = {}) {
    if (
      !(loginClient instanceof NativeAppAuthClient ||
        loginClient instanceof ConfidentialAppAuthClient)
    ) {
      throw new GlobusSDKUsageError(
        `${new.target.name} requires a NativeAppAuthClient or ConfidentialAppAuthClient`,
      );
    }
    this.loginClient = loginClient;
    this.requestRefreshTokens = options.requestRefreshTokens ?? false;
    this.nativePrefillNamedGrant = options.nativePrefillNamedGrant;
  }

  /** See {@linkcode LoginFlowManager.runLoginFlow}. */
  abstract runLoginFlow(
    authParameters: AuthorizationParameters,
    options?: RunLoginFlowOptions,
  ): Promise<OAuthTokenResponse>;

  /**
   * Starts a flow on the login client and returns its authorize URL.
   * `redirectUri` undefined: the native client's default (Globus's page that
   * shows the code). Python: `_get_authorize_url`.
   *
   * @throws {GlobusSDKUsageError} without scopes, or for a confidential client without `redirectUri`.
   */
  protected async startFlow(
    authParameters: AuthorizationParameters,
    redirectUri: string | undefined,
    state?: string,
  ): Promise<string> {
    const { requiredScopes, ...urlOptions } = authParameters;
    try {
      scopesToString(requiredScopes);
    } catch {
      throw new GlobusSDKUsageError(
        `${this.constructor.name} cannot start a login flow without scopes in the authorization parameters`,
      );
    }
    const client = this.loginClient;
    const common = {
      requestedScopes: requiredScopes,
      refreshTokens: this.requestRefreshTokens,
      ...(state !== undefined ? { state } : {}),
    };
    if (client instanceof NativeAppAuthClient) {
      client.oauth2StartFlow({
        ...common,
        ...(redirectUri !== undefined ? { redirectUri } : {}),
        ...(this.nativePrefillNamedGrant !== undefined
          ? { prefillNamedGrant: this.nativePrefillNamedGrant }
          : {}),
      });
    } else {
      if (redirectUri === undefined) {
        throw new GlobusSDKUsageError(
          "a confidential client's login needs an explicit redirectUri",
        );
      }
      client.oauth2StartFlow({ ...common, redirectUri });
    }
    return await client.oauth2GetAuthorizeUrl(withoutEmpty(urlOptions));
  }
}

/** Python sends only truthy parameters (`v if v else MISSING`): drop "", [] and false. */
function withoutEmpty(options: AuthorizeUrlOptions): AuthorizeUrlOptions {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const empty = value === undefined || value === false || value === "" ||
      (Array.isArray(value) && value.length === 0);
    if (!empty) kept[key] = value;
  }
  return kept as AuthorizeUrlOptions;
}
