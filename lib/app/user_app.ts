/**
 * `UserApp`: a person's app. It logs the person in only when the stored
 * tokens cannot serve, keeps the login in the Python SDK's own token file,
 * renews it, replaces a dead one, and keeps it the same person's. Python:
 * `globus_sdk.UserApp`.
 *
 * @module
 */

import type { Authorizer } from "../core/base_client.ts";
import { GlobusSDKUsageError } from "../core/errors.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import type { TokenStorageData } from "../token_storage/token_storage.ts";
import { AccessTokenAuthorizer } from "../authorizers/simple.ts";
import { RefreshTokenAuthorizer } from "../authorizers/refresh_token.ts";
import { ConfidentialAppAuthClient } from "../auth/confidential_app_auth_client.ts";
import { NativeAppAuthClient } from "../auth/native_app_auth_client.ts";
import type {
  AuthorizationParameters,
  LoginFlowManager,
} from "../login_flows/login_flow_manager.ts";
import {
  ExpiredTokenError,
  IdentityMismatchError,
  MissingIdentityError,
  MissingTokenError,
  type TokenValidationError,
} from "./errors.ts";
import { GlobusApp, type GlobusAppOptions } from "./globus_app.ts";

/** What a login flow factory is given to build the app's flow. */
export interface LoginFlowContext {
  /** The app's name. */
  readonly appName: string;
  /** The app's Auth client. */
  readonly loginClient: NativeAppAuthClient | ConfidentialAppAuthClient;
  /** Whether the flow must ask for refresh tokens. */
  readonly requestRefreshTokens: boolean;
}

/** Options of a {@linkcode UserApp}. */
export interface UserAppOptions extends GlobusAppOptions {
  /** A confidential client's secret, for a person's login through a confidential client. */
  readonly clientSecret?: string;
  /** The Auth client to use instead of one built from `clientId` (not with `clientId`). */
  readonly loginClient?: NativeAppAuthClient | ConfidentialAppAuthClient;
  /**
   * How the person logs in: a flow, or a function (which may be async) that
   * builds one for the app's login client (Python's
   * `LoginFlowManagerProvider`), called on the first login. Default, as in
   * Python: a `CommandLineLoginFlowManager` at the terminal.
   */
  readonly loginFlowManager?:
    | LoginFlowManager
    | ((context: LoginFlowContext) => LoginFlowManager | Promise<LoginFlowManager>);
  /**
   * Ask for refresh tokens, which keep the login for months of disuse;
   * otherwise access tokens only, and a new login when they expire (2 days).
   * Default false, as Python.
   */
  readonly requestRefreshTokens?: boolean;
}

function loginClientOf(options: UserAppOptions): NativeAppAuthClient | ConfidentialAppAuthClient {
  if (options.loginClient && options.clientId) {
    throw new GlobusSDKUsageError("Mutually exclusive parameters: clientId and loginClient.");
  }
  if (options.loginClient) return options.loginClient;
  if (!options.clientId) {
    throw new GlobusSDKUsageError(
      "Could not set up a globus login client. One of clientId or loginClient is required.",
    );
  }
  const clientOptions = {
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  return options.clientSecret
    ? new ConfidentialAppAuthClient(options.clientId, options.clientSecret, clientOptions)
    : new NativeAppAuthClient(options.clientId, clientOptions);
}

/**
 * A person's app. Clients built with it (`new GroupsClient({ app })`) ask
 * it for their authorizer; it logs in only when the stored tokens are
 * missing, dead, or do not cover what the clients need, always asking for
 * `openid` too, so that each stored record names the identity that logged
 * in. A login as another identity is an {@linkcode IdentityMismatchError}
 * and changes nothing stored. Required scopes with dependencies
 * (`transfer:all[*<collection>/data_access]`) are checked against the
 * person's consents at Globus Auth (see `dependentScopeCheck`). Tokens go by default to
 * `~/.globus/app/<client id>/<app name>/tokens.json`, the Python SDK's
 * file. Python: `UserApp`.
 *
 * @example Python's minimal script
 * ```ts ignore
 * import { GroupsClient, UserApp } from "../mod.ts";
 *
 * const app = new UserApp("my-user-app", {
 *   clientId: "61338d24-54d5-408f-a10d-66c06b59f6d2",
 *   loginFlowManager,
 * });
 * const groupsClient = new GroupsClient({ app });
 * for (const group of await groupsClient.getMyGroups()) console.log(group.name);
 * ```
 *
 * @example Where the tokens are, and what a login would ask for
 * ```ts
 * import assert from "node:assert/strict";
 * import { GroupsClient, MemoryTokenStorage, UserApp } from "../mod.ts";
 *
 * const asked: unknown[] = [];
 * const app = new UserApp("my-user-app", {
 *   clientId: "61338d24-54d5-408f-a10d-66c06b59f6d2",
 *   tokenStorage: new MemoryTokenStorage(),
 *   loginFlowManager: {
 *     runLoginFlow: (parameters) => {
 *       asked.push(parameters.requiredScopes);
 *       return Promise.reject(new Error("no person here"));
 *     },
 *   },
 * });
 * new GroupsClient({ app });
 * assert.equal(await app.loginRequired(), true);
 * await assert.rejects(app.login(), /no person here/);
 * assert.deepEqual(asked, [[
 *   "openid",
 *   "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 * ]]);
 * ```
 */
export class UserApp extends GlobusApp {
  /** The app's Auth client. */
  declare readonly loginClient: NativeAppAuthClient | ConfidentialAppAuthClient;
  /** Whether logins ask for refresh tokens. */
  readonly requestRefreshTokens: boolean;
  /** A person's app keeps one identity. */
  protected readonly tracksIdentity = true;
  readonly #flowOption: UserAppOptions["loginFlowManager"];
  #flow: Promise<LoginFlowManager> | undefined;

  /**
   * Sets the app up; no I/O.
   *
   * @throws {GlobusSDKUsageError} without a client id (or with both a client id and a login client), or for an app name that makes no directory name.
   */
  constructor(appName: string, options: UserAppOptions) {
    super(appName, options, loginClientOf(options));
    this.requestRefreshTokens = options.requestRefreshTokens ?? false;
    this.#flowOption = options.loginFlowManager;
  }

  /**
   * The person's login flow, made on the first login: the given one, the
   * factory's, or (as Python's default) a `CommandLineLoginFlowManager` on
   * the terminal. The default's module is loaded only then, so an app whose
   * stored login serves never loads the login code (issue 15).
   */
  protected async runLoginFlow(parameters: AuthorizationParameters): Promise<OAuthTokenResponse> {
    this.#flow ??= this.#makeFlow();
    this.#flow.catch(() => this.#flow = undefined);
    return await (await this.#flow).runLoginFlow(parameters);
  }

  async #makeFlow(): Promise<LoginFlowManager> {
    const option = this.#flowOption;
    if (typeof option === "function") {
      return await option({
        appName: this.appName,
        loginClient: this.loginClient,
        requestRefreshTokens: this.requestRefreshTokens,
      });
    }
    if (option !== undefined) return option;
    if (!(this.loginClient instanceof NativeAppAuthClient)) {
      throw new GlobusSDKUsageError(
        `UserApp "${this.appName}" with a confidential client needs a loginFlowManager (with its redirect URI) to log in`,
      );
    }
    const { CommandLineLoginFlowManager } = await import("../login_flows/command_line.ts");
    return new CommandLineLoginFlowManager(this.loginClient, {
      requestRefreshTokens: this.requestRefreshTokens,
    });
  }

  /** With refresh tokens: one must be stored; without: the access token must not have expired. */
  protected lifetimeProblem(record: TokenStorageData): TokenValidationError | null {
    if (this.requestRefreshTokens) {
      return record.refreshToken ? null : new MissingTokenError(
        `No refresh_token for ${record.resourceServer}`,
        record.resourceServer,
      );
    }
    return record.expiresAtSeconds < this.now() / 1000
      ? new ExpiredTokenError(record.resourceServer, record.expiresAtSeconds)
      : null;
  }

  /** A renewing authorizer that shares renewals through the storage, or the access token alone. */
  protected makeAuthorizer(resourceServer: string, record: TokenStorageData): Authorizer {
    if (!this.requestRefreshTokens || !record.refreshToken) {
      return new AccessTokenAuthorizer(record.accessToken);
    }
    return new RefreshTokenAuthorizer(record.refreshToken, this.loginClient, {
      accessToken: record.accessToken,
      expiresAtSeconds: record.expiresAtSeconds,
      tokenStorage: this.tokenStorage,
      resourceServer,
      now: this.now,
      onStoreError: (error) => this.emit({ type: "tokens-not-saved", error }),
    });
  }

  /**
   * Who logged in, from the verified id_token; it must be the stored
   * identity. Python: `UnchangingIdentityIDValidator`.
   */
  protected async identityOfLogin(response: OAuthTokenResponse): Promise<string> {
    if (!response.idToken) {
      throw new MissingIdentityError(
        "Token grant response doesn't contain an id_token. This normally occurs if the auth flow didn't include 'openid' alongside other scopes.",
      );
    }
    const identityId = (await response.decodeIdToken()).sub;
    const stored = await this.storedIdentity();
    if (stored !== null && stored !== identityId) {
      throw new IdentityMismatchError(stored, identityId);
    }
    return identityId;
  }
}
