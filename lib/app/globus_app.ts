/**
 * What `UserApp` and `ClientApp` share: scope requirements per resource
 * server, the token storage, and the one policy that decides when to log in.
 * Python: `globus_sdk.GlobusApp`.
 *
 * The policy, per resource server a client asks for:
 *
 * 1. Read the stored record. It is usable when it exists, can live
 *    (subclass rule: a refresh token, or an access token not yet expired),
 *    and covers the required scopes: each required scope's string is in the
 *    record's `scope` (checked here), and, when a required scope has
 *    dependencies (`transfer:all[*<collection>/data_access]`), which a
 *    token's `scope` never shows, the `dependentScopeCheck` says they are
 *    met. A person's app checks by default the person's consents at Globus
 *    Auth (Python's `ScopeRequirementsValidator`); see `dependentScopeCheck`.
 * 2. Otherwise hand the {@linkcode TokenValidationError} to the
 *    `tokenValidationErrorHandler` (default: log in, as Python's
 *    `resolve_by_login_flow`), then read again; still unusable is an error.
 * 3. A login asks for every requirement at once (and `openid`), checks the
 *    answer (the same identity as the stored login; the root scopes), and
 *    only then stores it: a refused or foreign login never replaces a good one.
 * 4. While requests run, a refresh token that Globus Auth refuses (the login
 *    expired or was revoked) is a dead login: its record is removed (unless
 *    another process stored a newer one meanwhile, which is then used) and
 *    the handler logs in again.
 *
 * @module
 */

import type { Authorizer, AuthorizerSource } from "../core/base_client.ts";
import type {
  AuthorizationRequiredError,
  GlobusAuthorizationParameters,
} from "../core/authorization_requirements.ts";
import { type EnvReader, getEnvironmentName } from "../core/config.ts";
import { RefreshTokenRejectedError } from "../core/errors.ts";
import { Scope } from "../scopes/scope.ts";
import { AuthScopes, type ScopeInput } from "../scopes/scopes.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import type { Consent } from "../services/auth/consents.ts";
import { JSONTokenStorage } from "../token_storage/json_storage.ts";
import type { TokenStorage, TokenStorageData } from "../token_storage/token_storage.ts";
import type { AuthLoginClient } from "../auth/mod.ts";
import type { AuthorizationParameters } from "../login_flows/login_flow_manager.ts";
import {
  IdentityMismatchError,
  MissingTokenError,
  StoredLoginRejectedError,
  TokenValidationError,
  UnmetScopeRequirementsError,
} from "./errors.ts";
import { defaultTokenFilePath } from "./token_file_path.ts";
import type { ConsentCheck } from "./_consent_check.ts";

/** What a {@linkcode DependentScopeCheck} is asked. */
export interface DependentScopeCheckRequest {
  /** The resource server whose record is checked. */
  readonly resourceServer: string;
  /** Its required scopes; some carry dependencies. Their root scopes are already covered. */
  readonly requiredScopes: readonly Scope[];
  /** The stored record. */
  readonly tokenData: TokenStorageData;
  /** Who logged in, when known. */
  readonly identityId: string | null;
}

/**
 * Whether the person's consents cover the dependencies of the required
 * scopes (Globus Auth's consent forest; a token's `scope` shows root scopes
 * only). Python: the dependent half of `ScopeRequirementsValidator`.
 */
export type DependentScopeCheck = (request: DependentScopeCheckRequest) => Promise<boolean>;

/**
 * Resolves a {@linkcode TokenValidationError} met while getting an
 * authorizer, usually by logging in; the app then reads the storage again.
 * Python: `GlobusAppConfig.token_validation_error_handler`.
 */
export type TokenValidationErrorHandler = (
  app: GlobusApp,
  error: TokenValidationError,
) => Promise<void>;

/**
 * Progress an app reports, for a script to tell the person (the library
 * prints nothing itself).
 */
export type AppEvent =
  /** A login is about to start; `reason` says why (absent for `login({ force })`). */
  | {
    readonly type: "login-starting";
    readonly reason?: Error;
    readonly parameters: AuthorizationParameters;
  }
  /** A login succeeded and its tokens were stored. */
  | {
    readonly type: "logged-in";
    readonly identityId: string | null;
    readonly resourceServers: readonly string[];
  }
  /** Tokens were renewed but could not be stored; this process goes on with them. */
  | { readonly type: "tokens-not-saved"; readonly error: unknown };

/** Options shared by {@linkcode UserApp} and {@linkcode ClientApp}. */
export interface GlobusAppOptions {
  /** The app's client id (or give a `loginClient`, not both). */
  readonly clientId?: string;
  /** Initial scope requirements, per resource server. Clients built with the app add theirs. */
  readonly scopeRequirements?: Readonly<Record<string, ScopeInput>>;
  /**
   * Where tokens live. Default: the JSON file the Python SDK's app uses,
   * {@linkcode defaultTokenFilePath}, namespace `DEFAULT`.
   */
  readonly tokenStorage?: TokenStorage;
  /** Globus environment. Default: `GLOBUS_SDK_ENVIRONMENT`, else production. */
  readonly environment?: string;
  /** Handles stored tokens that cannot be used. Default: log in. `null`: throw the error. */
  readonly tokenValidationErrorHandler?: TokenValidationErrorHandler | null;
  /**
   * Checks the dependencies of required scopes, asked only for a resource
   * server with dependent scope requirements whose root scopes are covered.
   * Default for a `UserApp`: fetch the identity's consents
   * (`GET /v2/api/identities/<id>/consents`, with the app's own
   * `auth.globus.org` token, which `openid` gives) and ask the
   * `ConsentForest` whether it covers the requirements, as Python's
   * `ScopeRequirementsValidator`. The forest is kept for the app's life and
   * fetched again only when it does not cover a requirement. When the
   * consents cannot be fetched (Auth unreachable or refusing), the error is
   * thrown, as in Python: no login is attempted on an unknown answer. With
   * no stored identity, and for a `ClientApp`, dependencies count as met.
   */
  readonly dependentScopeCheck?: DependentScopeCheck;
  /**
   * Whether a client built with the app logs in again, once, when a service
   * answers with authorization requirements, and resends the request.
   * Default false, as Python's `auto_redrive_gares`: the client throws
   * {@linkcode AuthorizationRequiredError} for the caller to hand to `login()`.
   */
  readonly redriveAuthorizationRequirements?: boolean;
  /** Told of logins and of renewed tokens that could not be saved. */
  readonly onEvent?: (event: AppEvent) => void | Promise<void>;
  /** Where environment variables are read from (environment, home directory). */
  readonly env?: EnvReader;
  /** The clock in ms; tests pass a fake one. */
  readonly now?: () => number;
}

/** Options of {@linkcode GlobusApp.login}. */
export interface LoginOptions {
  /** Log in even when the stored tokens would do. */
  readonly force?: boolean;
  /** Conditions of the login, e.g. `AuthorizationRequiredError.authorizationParameters`; implies a login. */
  readonly authParameters?: GlobusAuthorizationParameters;
  /** Why, passed on in the `login-starting` event. */
  readonly reason?: Error;
}

/** Python's default handler: any validation problem but an identity mismatch is solved by logging in. */
const resolveByLogin: TokenValidationErrorHandler = async (app, error) => {
  if (error instanceof IdentityMismatchError) throw error;
  await app.login({ force: true, reason: error });
};

function toScopes(input: ScopeInput): Scope[] {
  if (typeof input === "string") return Scope.parse(input);
  if (input instanceof Scope) return [input];
  return input.flatMap((item) => typeof item === "string" ? Scope.parse(item) : [item]);
}

/**
 * The base of {@linkcode UserApp} and {@linkcode ClientApp}. Service clients
 * take an app as `app` and ask it for their authorizer before each request.
 *
 * @example Any app can say whether a login is needed
 * ```ts
 * import assert from "node:assert/strict";
 * import { type GlobusApp, MemoryTokenStorage, UserApp } from "../mod.ts";
 *
 * const app: GlobusApp = new UserApp("my-app", {
 *   clientId: "61338d24-54d5-408f-a10d-66c06b59f6d2",
 *   tokenStorage: new MemoryTokenStorage(),
 * });
 * assert.equal(await app.loginRequired(), true);
 * ```
 */
export abstract class GlobusApp implements AuthorizerSource {
  /** The app's name; it names the default token file's directory. */
  readonly appName: string;
  /** The app's client id. */
  readonly clientId: string;
  /** The Globus environment. */
  readonly environment: string;
  /** The Auth client that logs in, refreshes and revokes. */
  readonly loginClient: AuthLoginClient;
  /** Where the tokens live. */
  readonly tokenStorage: TokenStorage;
  /** The clock in ms. */
  protected readonly now: () => number;
  readonly #requirements = new Map<string, Scope[]>();
  readonly #authorizers = new Map<string, Promise<AppAuthorizer>>();
  readonly #handler: TokenValidationErrorHandler | null;
  readonly #dependentScopeCheck: DependentScopeCheck | undefined;
  // Loaded on the first dependent-scope check: most apps never make one, and the consent
  // code (an Auth client, the forest) would otherwise cost every run its start-up (issue 15).
  #consents: Promise<ConsentCheck> | undefined;
  readonly #redrive: boolean;
  readonly #onEvent: GlobusAppOptions["onEvent"];
  #identity: { id: string | null } | undefined;
  #loginInFlight: Promise<void> | undefined;

  /** Sets the app up around its login client; no I/O. */
  protected constructor(appName: string, options: GlobusAppOptions, loginClient: AuthLoginClient) {
    this.appName = appName;
    this.clientId = loginClient.clientId;
    this.environment = getEnvironmentName({ environment: options.environment, env: options.env });
    this.loginClient = loginClient;
    this.now = options.now ?? Date.now;
    this.tokenStorage = options.tokenStorage ?? new JSONTokenStorage(
      defaultTokenFilePath(this.clientId, appName, {
        environment: this.environment,
        ...(options.env ? { env: options.env } : {}),
      }),
    );
    this.#handler = options.tokenValidationErrorHandler === undefined
      ? resolveByLogin
      : options.tokenValidationErrorHandler;
    this.#dependentScopeCheck = options.dependentScopeCheck;
    this.#redrive = options.redriveAuthorizationRequirements ?? false;
    this.#onEvent = options.onEvent;
    this.addScopeRequirements(options.scopeRequirements ?? {});
    // Always: the id_token tells who logged in (Python attaches a consent client for it).
    this.addScopeRequirements({ [AuthScopes.resourceServer]: [AuthScopes.openid] });
  }

  /** A copy of the scope requirements, per resource server. */
  get scopeRequirements(): Record<string, Scope[]> {
    return Object.fromEntries([...this.#requirements].map(([rs, scopes]) => [rs, [...scopes]]));
  }

  /**
   * Adds scope requirements (duplicates are merged when logging in). Called
   * by every client built with the app. Python: `add_scope_requirements`.
   */
  addScopeRequirements(requirements: Readonly<Record<string, ScopeInput>>): void {
    for (const [resourceServer, scopes] of Object.entries(requirements)) {
      const list = this.#requirements.get(resourceServer) ?? [];
      list.push(...(Array.isArray(scopes) && scopes.length === 0 ? [] : toScopes(scopes)));
      this.#requirements.set(resourceServer, list);
      this.#authorizers.delete(resourceServer);
    }
  }

  /**
   * The authorizer for a resource server's requests. Reads the stored
   * tokens and, when they cannot serve, lets the token validation error
   * handler log in first. The authorizer renews tokens as they expire and
   * replaces a dead login by a new one. Python: `get_authorizer`.
   *
   * @throws {TokenValidationError} when the tokens still cannot serve (or without a handler).
   */
  getAuthorizer(resourceServer: string): Promise<Authorizer> {
    let cached = this.#authorizers.get(resourceServer);
    if (cached === undefined) {
      cached = this.#usableRecord(resourceServer).then((record) =>
        new AppAuthorizer(
          this.makeAuthorizer(resourceServer, record),
          record,
          (dead, error) => this.#replaceDeadLogin(resourceServer, dead, error),
        )
      );
      this.#authorizers.set(resourceServer, cached);
      const entry = cached;
      entry.catch(() => {
        if (this.#authorizers.get(resourceServer) === entry) {
          this.#authorizers.delete(resourceServer);
        }
      });
    }
    return cached;
  }

  /**
   * Whether a login is needed for the current requirements: some resource
   * server has no usable stored tokens. A refresh token Globus Auth has
   * revoked cannot be seen without using it, so it counts as usable.
   * Python: `login_required`.
   */
  async loginRequired(): Promise<boolean> {
    for (const resourceServer of this.#requirements.keys()) {
      try {
        await this.#validRecord(resourceServer);
      } catch (error) {
        if (error instanceof TokenValidationError) return true;
        throw error;
      }
    }
    return false;
  }

  /**
   * Logs in when `force` or `authParameters` is given or
   * {@linkcode GlobusApp.loginRequired} says so, and stores the tokens.
   * Python: `login`.
   *
   * @throws {IdentityMismatchError} when the login is of another identity than the stored one (nothing is stored).
   * @throws {UnmetScopeRequirementsError} when Auth granted less than required (nothing is stored).
   */
  async login(options: LoginOptions = {}): Promise<void> {
    if (options.authParameters || options.force || await this.loginRequired()) {
      // Logins asked for at the same time (two clients' first requests) share one.
      if (this.#loginInFlight && !options.authParameters) return await this.#loginInFlight;
      const run = this.#login(options).finally(() => {
        if (this.#loginInFlight === run) this.#loginInFlight = undefined;
      });
      this.#loginInFlight = run;
      await run;
    }
  }

  /**
   * Revokes the stored tokens of every required resource server at Globus
   * Auth and removes them. Returns the resource servers logged out of.
   * Python: `logout`.
   */
  async logout(): Promise<string[]> {
    const done: string[] = [];
    for (const resourceServer of this.#requirements.keys()) {
      const record = await this.tokenStorage.getTokenData(resourceServer);
      if (record === null) continue;
      await this.loginClient.oauth2RevokeToken(record.accessToken);
      if (record.refreshToken) await this.loginClient.oauth2RevokeToken(record.refreshToken);
      await this.tokenStorage.removeTokenData(resourceServer);
      done.push(resourceServer);
    }
    this.#authorizers.clear();
    this.#identity = undefined;
    this.#consents = undefined; // the next identity may be another
    return done;
  }

  /**
   * {@inheritDoc AuthorizerSource.handleAuthorizationRequired}
   * With `redriveAuthorizationRequirements`, logs in with the service's
   * parameters and says so; otherwise false.
   */
  async handleAuthorizationRequired(
    _resourceServer: string,
    error: AuthorizationRequiredError,
  ): Promise<boolean> {
    if (!this.#redrive) return false;
    await this.login({ authParameters: error.authorizationParameters, reason: error });
    return true;
  }

  /** Runs one login for these parameters (a person's flow, or a client-credentials grant). */
  protected abstract runLoginFlow(parameters: AuthorizationParameters): Promise<OAuthTokenResponse>;

  /** Why a record cannot live (no refresh token, expired), or null. */
  protected abstract lifetimeProblem(record: TokenStorageData): TokenValidationError | null;

  /** The authorizer for a usable record. */
  protected abstract makeAuthorizer(resourceServer: string, record: TokenStorageData): Authorizer;

  /**
   * Checks a login's tokens before they are stored and returns who logged in
   * (or null when the app does not track identities). Throwing stores nothing.
   */
  protected abstract identityOfLogin(response: OAuthTokenResponse): Promise<string | null>;

  /** Whether stored records must all be of one identity (a person's app). */
  protected abstract readonly tracksIdentity: boolean;

  /** Reports an event to `onEvent`. */
  protected async emit(event: AppEvent): Promise<void> {
    await this.#onEvent?.(event);
  }

  /**
   * The identity the stored tokens are of (null when unknown), read once.
   *
   * @throws {IdentityMismatchError} when the storage holds tokens of two identities.
   */
  protected async storedIdentity(): Promise<string | null> {
    if (this.#identity === undefined) {
      const records = Object.values(await this.tokenStorage.getTokenDataByResourceServer());
      const ids = [...new Set(records.map((r) => r.identityId).filter((id) => id !== null))];
      if (ids.length > 1) {
        throw new IdentityMismatchError(
          ids[0]!,
          ids[1]!,
          `the token storage holds logins of two identities (${
            ids.join(", ")
          }); log out, or remove the stored tokens`,
          "storage",
        );
      }
      this.#identity = { id: ids[0] ?? null };
    }
    return this.#identity.id;
  }

  /** A usable record, after the handler's login if needed. */
  async #usableRecord(resourceServer: string): Promise<TokenStorageData> {
    try {
      return await this.#validRecord(resourceServer);
    } catch (error) {
      if (!(error instanceof TokenValidationError) || this.#handler === null) throw error;
      await this.#handler(this, error);
      return await this.#validRecord(resourceServer);
    }
  }

  /**
   * The stored record if it can serve, else the reason why not. Without
   * `dependents`, the dependencies of its scopes are not checked.
   */
  async #validRecord(resourceServer: string, dependents = true): Promise<TokenStorageData> {
    const record = await this.tokenStorage.getTokenData(resourceServer);
    if (record === null) {
      throw new MissingTokenError(`No token data for ${resourceServer}`, resourceServer);
    }
    if (this.tracksIdentity && record.identityId !== null) {
      const known = await this.storedIdentity();
      if (known !== null && known !== record.identityId) {
        throw new IdentityMismatchError(known, record.identityId);
      }
    }
    const problem = this.lifetimeProblem(record) ??
      await this.#scopeProblem(resourceServer, record.scope, dependents ? record : undefined);
    if (problem) throw problem;
    return record;
  }

  /**
   * Whether a scope string covers the requirements of its resource server:
   * the root scopes always; the dependencies too when the stored `record` is
   * given (a login's answer is checked before storing for its root scopes
   * only, as Python's `before_store`).
   */
  async #scopeProblem(
    resourceServer: string,
    scope: string,
    record?: TokenStorageData,
  ): Promise<UnmetScopeRequirementsError | null> {
    const required = this.#requirements.get(resourceServer) ?? [];
    const granted = new Set(scope.split(/\s+/));
    const missing = required.filter((s) => !granted.has(s.scopeString));
    if (missing.length > 0) {
      return new UnmetScopeRequirementsError(resourceServer, missing.map(String));
    }
    const dependent = required.filter((s) => s.dependencies.length > 0);
    if (!record || dependent.length === 0) return null;
    const check = this.#dependentScopeCheck ??
      (this.tracksIdentity ? (r) => this.#consentsCover(r) : undefined);
    if (check === undefined) return null;
    const covered = await check({
      resourceServer,
      requiredScopes: required,
      tokenData: record,
      identityId: record.identityId ?? await this.storedIdentity(),
    });
    return covered ? null : new UnmetScopeRequirementsError(
      resourceServer,
      dependent.map(String),
      "Unmet dependent scope",
    );
  }

  /**
   * The default dependent-scope check: the identity's consent forest covers
   * every required scope of the resource server. Without a known identity
   * the consents cannot be fetched, and Python skips the check.
   */
  #consentsCover(request: DependentScopeCheckRequest): Promise<boolean> {
    const identityId = request.identityId;
    if (identityId === null) return Promise.resolve(true);
    this.#consents ??= import("./_consent_check.ts").then(({ ConsentCheck }) =>
      new ConsentCheck((id) => this.#fetchConsents(id))
    );
    return this.#consents.then((check) => check.covers(identityId, request.requiredScopes));
  }

  /**
   * The identity's consents rooted at this app's client, fetched with the
   * app's own `auth.globus.org` token (any Auth token may read its own
   * identity's consents; `openid` is always required). A stored Auth token
   * that cannot serve is the usual {@linkcode TokenValidationError}, so the
   * login that fixes it is the one the caller would run anyway.
   */
  async #fetchConsents(identityId: string): Promise<readonly Consent[]> {
    const auth = AuthScopes.resourceServer;
    const record = await this.#validRecord(auth, false);
    const { AuthClient } = await import("../services/auth/auth_client.ts");
    const client = new AuthClient({
      baseUrl: this.loginClient.baseUrl,
      transport: this.loginClient.transport,
      authorizer: this.makeAuthorizer(auth, record),
    });
    try {
      return await client.getConsents(identityId);
    } catch (error) {
      if (!(error instanceof RefreshTokenRejectedError)) throw error;
      // A dead Auth login: drop it (unless replaced meanwhile) and say a login is needed.
      await this.tokenStorage.removeTokenData(auth, {
        onlyIf: (current) => current.refreshToken === record.refreshToken,
      });
      throw new StoredLoginRejectedError(auth, error);
    }
  }

  async #login(options: LoginOptions): Promise<void> {
    const parameters = this.#withRequiredScopes(options.authParameters);
    await this.emit({
      type: "login-starting",
      parameters,
      ...(options.reason ? { reason: options.reason } : {}),
    });
    const response = await this.runLoginFlow(parameters);
    const identityId = await this.identityOfLogin(response);
    // Python's ScopeRequirementsValidator.before_store: root scopes only.
    for (const [resourceServer, token] of Object.entries(response.byResourceServer)) {
      const problem = await this.#scopeProblem(resourceServer, token.scope);
      if (problem) throw problem;
    }
    await this.tokenStorage.storeTokenResponse(response);
    if (identityId !== null) this.#identity = { id: identityId };
    this.#authorizers.clear();
    await this.emit({
      type: "logged-in",
      identityId,
      resourceServers: Object.keys(response.byResourceServer),
    });
  }

  /** The app's requirements merged with the login's own scopes. Python: `_auth_params_with_required_scopes`. */
  #withRequiredScopes(params: GlobusAuthorizationParameters = {}): AuthorizationParameters {
    const required = [...this.#requirements.values()].flat();
    const extra = (params.requiredScopes ?? []).flatMap((s) => Scope.parse(s));
    return { ...params, requiredScopes: Scope.merge(required, extra).map(String) };
  }

  /**
   * Globus Auth refused the refresh token of `dead`: remove it, unless
   * another process stored a newer login meanwhile (then use that), and
   * otherwise let the handler log in again.
   */
  async #replaceDeadLogin(
    resourceServer: string,
    dead: TokenStorageData,
    rejection: RefreshTokenRejectedError,
  ): Promise<{ authorizer: Authorizer; record: TokenStorageData }> {
    await this.tokenStorage.removeTokenData(resourceServer, {
      onlyIf: (current) => current.refreshToken === dead.refreshToken,
    });
    let record = await this.#validRecord(resourceServer).catch((error) => {
      if (error instanceof TokenValidationError) return null;
      throw error;
    });
    if (record === null || record.refreshToken === dead.refreshToken) {
      const error = new StoredLoginRejectedError(resourceServer, rejection);
      if (this.#handler === null) throw error;
      await this.#handler(this, error);
      record = await this.#validRecord(resourceServer);
    }
    return { authorizer: this.makeAuthorizer(resourceServer, record), record };
  }
}

/** Replaces a dead login: a new authorizer and the record it serves. */
type ReplaceDeadLogin = (
  dead: TokenStorageData,
  error: RefreshTokenRejectedError,
) => Promise<{ authorizer: Authorizer; record: TokenStorageData }>;

/**
 * The authorizer an app hands a client: the renewing authorizer of the
 * stored record, and the one place a dead login is noticed and replaced.
 */
class AppAuthorizer implements Authorizer {
  #inner: Authorizer;
  #record: TokenStorageData;
  #replacing: Promise<void> | undefined;
  readonly #replace: ReplaceDeadLogin;

  constructor(inner: Authorizer, record: TokenStorageData, replace: ReplaceDeadLogin) {
    this.#inner = inner;
    this.#record = record;
    this.#replace = replace;
  }

  async getAuthorizationHeader(): Promise<string | undefined> {
    const inner = this.#inner;
    try {
      return await inner.getAuthorizationHeader();
    } catch (error) {
      if (!(error instanceof RefreshTokenRejectedError)) throw error;
      // Requests failing together replace the login once.
      if (this.#inner === inner) {
        this.#replacing ??= this.#replace(this.#record, error).then(({ authorizer, record }) => {
          this.#inner = authorizer;
          this.#record = record;
        }).finally(() => this.#replacing = undefined);
      }
      await this.#replacing;
      return await this.#inner.getAuthorizationHeader();
    }
  }

  handleMissingAuthorization(sentHeader?: string): Promise<boolean> {
    return this.#inner.handleMissingAuthorization(sentHeader);
  }
}
