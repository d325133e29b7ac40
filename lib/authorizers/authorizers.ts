/**
 * Authorizers: what a client puts in the `Authorization` header, and what it
 * does when a service answers 401. Python: `globus_sdk.authorizers`.
 *
 * The renewing logic (refresh tokens, client credentials) is written once,
 * in {@linkcode RenewingAuthorizer}, and does better than Python where it is
 * weak: a renewal is single-flight (concurrent requests share one call),
 * nothing is fetched at construction, a refresh response without a refresh
 * token keeps the old one, a token is only sent to the resource server it
 * was issued for, and `onRefresh` is awaited before the request goes out.
 *
 * @module
 */

import type { Authorizer } from "../core/base_client.ts";
import { GlobusSDKUsageError, UnexpectedResponseError } from "../core/errors.ts";
import { type ScopeInput, scopesToString } from "../scopes/scopes.ts";
import type { OAuthTokenResponse, TokenData } from "../tokens/token_response.ts";
import { isRenewingTokenStorage, type TokenStorage } from "../token_storage/token_storage.ts";

export type { Authorizer } from "../core/base_client.ts";

/** Renew when less than this many seconds of the access token remain (Python: `EXPIRES_ADJUST_SECONDS`). */
export const EXPIRES_ADJUST_SECONDS = 60;

/**
 * Sends no `Authorization` header at all. Python: `NullAuthorizer`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NullAuthorizer } from "./authorizers.ts";
 * assert.deepEqual(await new NullAuthorizer().getAuthorizationHeader(), undefined);
 * ```
 */
export class NullAuthorizer implements Authorizer {
  /** Always undefined: no header. */
  getAuthorizationHeader(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
  /** Always false: nothing to renew. */
  handleMissingAuthorization(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/**
 * HTTP Basic credentials, e.g. a confidential client's id and secret.
 * Python: `BasicAuthorizer`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BasicAuthorizer } from "./authorizers.ts";
 * assert.deepEqual(await new BasicAuthorizer("cid", "sec").getAuthorizationHeader(), "Basic Y2lkOnNlYw==");
 * ```
 */
export class BasicAuthorizer implements Authorizer {
  readonly #header: string;
  /** The user name part (a client id). */
  readonly username: string;

  /** Encodes `username:password` (UTF-8, standard base64 with padding, no URL-encoding). */
  constructor(username: string, password: string) {
    this.username = username;
    const bytes = new TextEncoder().encode(`${username}:${password}`);
    this.#header = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  }
  /** `Basic <base64>`. */
  getAuthorizationHeader(): Promise<string | undefined> {
    return Promise.resolve(this.#header);
  }
  /** Always false: a secret cannot renew itself. */
  handleMissingAuthorization(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/**
 * A fixed access token. A 401 is final: there is nothing to renew.
 * Python: `AccessTokenAuthorizer`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AccessTokenAuthorizer } from "./authorizers.ts";
 * assert.deepEqual(await new AccessTokenAuthorizer("AT").getAuthorizationHeader(), "Bearer AT");
 * ```
 */
export class AccessTokenAuthorizer implements Authorizer {
  readonly #accessToken: string;
  /** Wraps the token. */
  constructor(accessToken: string) {
    this.#accessToken = accessToken;
  }
  /** `Bearer <token>`. */
  getAuthorizationHeader(): Promise<string | undefined> {
    return Promise.resolve(`Bearer ${this.#accessToken}`);
  }
  /** Always false. */
  handleMissingAuthorization(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/** Options of the renewing authorizers. */
export interface RenewingAuthorizerOptions {
  /** An access token already held; give `expiresAtSeconds` with it. */
  readonly accessToken?: string;
  /** When `accessToken` expires, in POSIX seconds (not ms). Python: `expires_at`. */
  readonly expiresAtSeconds?: number;
  /** Called with every new token response, and awaited before the request that needed it goes out. */
  readonly onRefresh?: (response: OAuthTokenResponse) => void | Promise<void>;
  /** The clock in ms; tests pass a fake one. */
  readonly now?: () => number;
}

/**
 * Keeps a Bearer token valid: renews it when none is held or less than
 * {@linkcode EXPIRES_ADJUST_SECONDS} remain, and once after a 401.
 * Python: `RenewingAuthorizer`. Subclasses say how to get new tokens.
 *
 * @example A renewal of its own: shared by concurrent requests, redone after a 401
 * ```ts
 * import assert from "node:assert/strict";
 * import { RenewingAuthorizer } from "@globus-deno/sdk/authorizers";
 *
 * let renewals = 0;
 * class CountingRenewal extends RenewingAuthorizer {
 *   protected override renew() {
 *     renewals++;
 *     return Promise.resolve({ accessToken: `AT${renewals}`, expiresAtSeconds: 2e9 });
 *   }
 * }
 * const authorizer = new CountingRenewal();
 * const headers = await Promise.all([1, 2, 3].map(() => authorizer.getAuthorizationHeader()));
 * assert.deepEqual(headers, ["Bearer AT1", "Bearer AT1", "Bearer AT1"]);
 * assert.equal(renewals, 1);
 * assert.equal(await authorizer.handleMissingAuthorization("Bearer AT1"), true);
 * assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT2");
 * ```
 */
export abstract class RenewingAuthorizer implements Authorizer {
  #accessToken: string | undefined;
  #expiresAtSeconds: number | undefined;
  #inFlight: Promise<void> | undefined;
  /** The clock in ms. */
  protected readonly now: () => number;
  /** See {@linkcode RenewingAuthorizerOptions.onRefresh}. */
  protected readonly onRefresh: RenewingAuthorizerOptions["onRefresh"];

  /**
   * Takes the tokens already held, if any; fetches nothing.
   *
   * @throws {GlobusSDKUsageError} when only one of `accessToken` and `expiresAtSeconds` is given.
   */
  constructor(options: RenewingAuthorizerOptions = {}) {
    if ((options.accessToken === undefined) !== (options.expiresAtSeconds === undefined)) {
      throw new GlobusSDKUsageError(
        "A RenewingAuthorizer cannot be initialized with one of accessToken and expiresAtSeconds. Either provide both or neither.",
      );
    }
    this.#accessToken = options.accessToken;
    this.#expiresAtSeconds = options.expiresAtSeconds;
    this.now = options.now ?? Date.now;
    this.onRefresh = options.onRefresh;
  }

  /** The access token held now (it may be stale until the next request renews it). */
  get accessToken(): string | undefined {
    return this.#accessToken;
  }

  /** When the held access token expires, POSIX seconds. */
  get expiresAtSeconds(): number | undefined {
    return this.#expiresAtSeconds;
  }

  /** Whether a token expiring at `expiresAtSeconds` may still be used. Python: `now <= expires_at - 60`. */
  protected isFresh(expiresAtSeconds: number | undefined): boolean {
    return expiresAtSeconds !== undefined &&
      this.now() / 1000 <= expiresAtSeconds - EXPIRES_ADJUST_SECONDS;
  }

  /** Gets new tokens; returns the access token and its expiry. */
  protected abstract renew(): Promise<{ accessToken: string; expiresAtSeconds: number }>;

  /** Renews now unless the held token is fresh; concurrent callers share one renewal. */
  async ensureValidToken(): Promise<void> {
    if (this.#accessToken !== undefined && this.isFresh(this.#expiresAtSeconds)) return;
    this.#inFlight ??= (async () => {
      try {
        const fresh = await this.renew();
        this.#accessToken = fresh.accessToken;
        this.#expiresAtSeconds = fresh.expiresAtSeconds;
      } finally {
        this.#inFlight = undefined;
      }
    })();
    await this.#inFlight;
  }

  /** `Bearer <access token>`, renewed first when needed. */
  async getAuthorizationHeader(): Promise<string | undefined> {
    await this.ensureValidToken();
    return `Bearer ${this.#accessToken}`;
  }

  /**
   * Marks the token as expired so the next header renews it, and says a
   * retry may help. When `sentHeader` shows the failed request used an older
   * token than the one held (another request already renewed), nothing is
   * invalidated: ten requests failing together cause one renewal, not ten.
   */
  handleMissingAuthorization(sentHeader?: string): Promise<boolean> {
    if (sentHeader === undefined || sentHeader === `Bearer ${this.#accessToken}`) {
      this.#expiresAtSeconds = undefined;
    }
    return Promise.resolve(true);
  }

  /**
   * The entry of a renewal response to use: the one for `resourceServer`
   * when it is known (a token is only ever sent to the service it was issued
   * for), else the only one.
   *
   * @throws {UnexpectedResponseError} when there is no such entry.
   */
  protected entryFor(
    response: OAuthTokenResponse,
    resourceServer: string | undefined,
    hint: string,
  ): TokenData {
    const entries = Object.values(response.byResourceServer);
    if (resourceServer === undefined) {
      if (entries.length !== 1) {
        throw new GlobusSDKUsageError(`renewal did not return exactly one token. ${hint}`);
      }
      return entries[0]!;
    }
    const entry = entries.find((e) => e.resource_server === resourceServer);
    if (entry === undefined) {
      const got = entries.map((e) => JSON.stringify(e.resource_server)).join(", ");
      throw new UnexpectedResponseError(
        `the renewal returned no token for ${resourceServer} (only for ${got}); none was used`,
      );
    }
    return entry;
  }
}

/**
 * What a {@linkcode RefreshTokenAuthorizer} needs from an Auth client: one
 * method. `NativeAppAuthClient` and `ConfidentialAppAuthClient` have it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "@globus-deno/sdk/auth";
 * import type { TokenRefresher } from "@globus-deno/sdk/authorizers";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const refresher: TokenRefresher = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, {
 *   baseUrl: fake.authUrl,
 * });
 * const issued = fake.issueTokens({
 *   username: "alice",
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 *   offline: true,
 * });
 * const renewed = await refresher.oauth2RefreshToken(issued.refresh_token!);
 * const auth = renewed.byResourceServer["auth.globus.org"];
 * assert.equal(auth?.scope, "openid");
 * assert.notEqual(auth?.access_token, issued.access_token);
 * ```
 */
export interface TokenRefresher {
  /** Exchanges a refresh token for new tokens; `signal` abandons the request. */
  oauth2RefreshToken(
    refreshToken: string,
    options?: { signal?: AbortSignal },
  ): Promise<OAuthTokenResponse>;
}

/** Options of a {@linkcode RefreshTokenAuthorizer}. */
export interface RefreshTokenAuthorizerOptions extends RenewingAuthorizerOptions {
  /**
   * A token storage to keep renewed tokens in; give `resourceServer` with
   * it. When it is a `RenewingTokenStorage` (both of this SDK's are), each
   * renewal happens under its lock, shared with other processes: if another
   * process already renewed, its token is used and Auth is not called;
   * otherwise the refresh is made with the newest stored refresh token and
   * stored before the lock is released. Any other storage gets the refreshed
   * tokens stored after each refresh.
   */
  readonly tokenStorage?: TokenStorage;
  /**
   * The service the tokens are for, e.g. `groups.api.globus.org`: the key of
   * the stored record, and the entry of a refresh answer that is used (an
   * answer without it is refused rather than sent elsewhere). Required with
   * `tokenStorage`.
   */
  readonly resourceServer?: string;
  /**
   * With `tokenStorage`: called when a refresh succeeded but storing its
   * tokens failed (say, the disk is full). The new tokens are then used for
   * this process anyway, instead of failing the request. Without it, the
   * storage error is thrown.
   */
  readonly onStoreError?: (error: unknown) => void | Promise<void>;
}

/**
 * Renews access tokens with a refresh token. Python: `RefreshTokenAuthorizer`.
 *
 * @example The tutorial's second script: a stored login whose access token has expired
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "@globus-deno/sdk/auth";
 * import { RefreshTokenAuthorizer } from "@globus-deno/sdk/authorizers";
 * import { GroupsClient } from "@globus-deno/sdk/groups";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "@globus-deno/sdk/testing";
 * import { MemoryTokenStorage } from "@globus-deno/sdk/token-storage";
 *
 * await using fake = await startFakeGlobus();
 * const authClient = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * authClient.oauth2StartFlow({
 *   requestedScopes: GroupsClient.scopes.viewMyGroupsAndMemberships,
 *   refreshTokens: true,
 * });
 * const code = await fake.loginCode(await authClient.oauth2GetAuthorizeUrl(), "alice");
 * const storage = new MemoryTokenStorage();
 * await storage.storeTokenResponse(await authClient.oauth2ExchangeCodeForTokens(code));
 * const tokenData = (await storage.getTokenData(GroupsClient.resourceServer))!;
 * fake.expireAllAccessTokens();
 *
 * const authorizer = new RefreshTokenAuthorizer(tokenData.refreshToken!, authClient, {
 *   accessToken: tokenData.accessToken,
 *   expiresAtSeconds: tokenData.expiresAtSeconds,
 *   onRefresh: (response) => storage.storeTokenResponse(response),
 * });
 * const groups = await new GroupsClient({ authorizer, baseUrl: fake.groupsUrl }).getMyGroups();
 * assert.equal(groups[0]?.name, "Alice's Lab");
 * // Groups answered 401 to the expired token; the refresh was stored before the retry.
 * assert.deepEqual(fake.requests.filter((r) => r.status === 401).map((r) => r.path), [
 *   "/v2/groups/my_groups",
 * ]);
 * const stored = await storage.getTokenData(GroupsClient.resourceServer);
 * assert.equal(stored?.accessToken, authorizer.accessToken);
 * assert.notEqual(stored?.accessToken, tokenData.accessToken);
 * ```
 */
export class RefreshTokenAuthorizer extends RenewingAuthorizer {
  #refreshToken: string;
  readonly #authClient: TokenRefresher;
  readonly #resourceServer: string | undefined;
  readonly #tokenStorage: TokenStorage | undefined;
  readonly #onStoreError: RefreshTokenAuthorizerOptions["onStoreError"];

  /**
   * Keeps the refresh token and the client that redeems it; fetches nothing.
   *
   * @throws {GlobusSDKUsageError} for an empty refresh token or `tokenStorage` without `resourceServer`.
   */
  constructor(
    refreshToken: string,
    authClient: TokenRefresher,
    options: RefreshTokenAuthorizerOptions = {},
  ) {
    super(options);
    if (!refreshToken) {
      throw new GlobusSDKUsageError("RefreshTokenAuthorizer needs a refresh token");
    }
    if (options.tokenStorage !== undefined && options.resourceServer === undefined) {
      throw new GlobusSDKUsageError("give tokenStorage and resourceServer together");
    }
    this.#refreshToken = refreshToken;
    this.#authClient = authClient;
    this.#onStoreError = options.onStoreError;
    this.#resourceServer = options.resourceServer;
    this.#tokenStorage = options.tokenStorage;
  }

  /** The refresh token in use (replaced when Auth returns a new one). */
  get refreshToken(): string {
    return this.#refreshToken;
  }

  /** One refresh grant; with a renewing storage, under its lock. */
  protected async renew(): Promise<{ accessToken: string; expiresAtSeconds: number }> {
    const storage = this.#tokenStorage;
    if (storage === undefined || !isRenewingTokenStorage(storage)) {
      const { response, entry } = await this.#refresh(this.#refreshToken);
      if (storage) await this.#store(() => storage.storeTokenResponse(response));
      await this.onRefresh?.(response);
      return { accessToken: entry.access_token, expiresAtSeconds: entry.expires_at_seconds };
    }
    const resourceServer = this.#resourceServer!;
    const stale = this.accessToken;
    let refreshed: { response: OAuthTokenResponse; entry: TokenData } | undefined;
    let record: { accessToken: string; refreshToken: string | null; expiresAtSeconds: number };
    try {
      record = await storage.renewTokenData(
        resourceServer,
        async (current, context) => {
          // context?: a storage of someone else's may not pass one
          const refreshToken = current?.refreshToken ?? this.#refreshToken;
          refreshed = await this.#refresh(refreshToken, context?.signal);
          return refreshed.response;
        },
        { isUsable: (c) => c.accessToken !== stale && this.isFresh(c.expiresAtSeconds) },
      );
    } catch (error) {
      // Only a failure to store a refresh that worked can be lived with.
      if (refreshed === undefined || this.#onStoreError === undefined) throw error;
      await this.#onStoreError(error);
      record = {
        accessToken: refreshed.entry.access_token,
        refreshToken: refreshed.entry.refresh_token,
        expiresAtSeconds: refreshed.entry.expires_at_seconds,
      };
    }
    if (record.refreshToken) this.#refreshToken = record.refreshToken;
    // Outside the storage's lock: onRefresh may well write to that storage.
    if (refreshed) await this.onRefresh?.(refreshed.response);
    return { accessToken: record.accessToken, expiresAtSeconds: record.expiresAtSeconds };
  }

  /** Stores, handing a failure to `onStoreError` when there is one. */
  async #store(store: () => Promise<void>): Promise<void> {
    try {
      await store();
    } catch (error) {
      if (this.#onStoreError === undefined) throw error;
      await this.#onStoreError(error);
    }
  }

  /**
   * A refresh grant, checked before anything is kept: the entry used is the
   * one for the resource server. Keeps the refresh token unless Auth sent a
   * new one (RFC 6749 §6).
   */
  async #refresh(
    refreshToken: string,
    signal?: AbortSignal,
  ): Promise<{ response: OAuthTokenResponse; entry: TokenData }> {
    const response = await this.#authClient.oauth2RefreshToken(
      refreshToken,
      signal ? { signal } : {},
    );
    const entry = this.entryFor(response, this.#resourceServer, "Possible service error.");
    this.#refreshToken = entry.refresh_token ?? refreshToken;
    return { response, entry };
  }
}

/**
 * What a {@linkcode ClientCredentialsAuthorizer} needs: a confidential client.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfidentialAppAuthClient } from "@globus-deno/sdk/auth";
 * import type { ClientCredentialsGranter } from "@globus-deno/sdk/authorizers";
 * import {
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   startFakeGlobus,
 * } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const granter: ClientCredentialsGranter = new ConfidentialAppAuthClient(
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   { baseUrl: fake.authUrl },
 * );
 * const tokens = await granter.oauth2ClientCredentialsTokens("openid");
 * assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
 * ```
 */
export interface ClientCredentialsGranter {
  /** Gets tokens for the client's own identity. */
  oauth2ClientCredentialsTokens(requestedScopes: ScopeInput): Promise<OAuthTokenResponse>;
}

/**
 * Renews access tokens with a confidential client's own credentials.
 * Python: `ClientCredentialsAuthorizer`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfidentialAppAuthClient } from "@globus-deno/sdk/auth";
 * import { ClientCredentialsAuthorizer } from "@globus-deno/sdk/authorizers";
 * import { GroupsClient } from "@globus-deno/sdk/groups";
 * import {
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   startFakeGlobus,
 * } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const confidentialClient = new ConfidentialAppAuthClient(
 *   CONFIDENTIAL_CLIENT_ID,
 *   CONFIDENTIAL_CLIENT_SECRET,
 *   { baseUrl: fake.authUrl },
 * );
 * const authorizer = new ClientCredentialsAuthorizer(confidentialClient, GroupsClient.scopes.all);
 * assert.equal(authorizer.accessToken, undefined); // nothing is fetched until a request
 * const groups = await new GroupsClient({ authorizer, baseUrl: fake.groupsUrl }).getMyGroups();
 * assert.deepEqual(groups.map((g) => g.name), ["Automation service accounts"]);
 * assert.match(authorizer.accessToken ?? "", /./);
 * ```
 */
export class ClientCredentialsAuthorizer extends RenewingAuthorizer {
  /** The scopes asked for, space-separated; they must belong to one resource server. */
  readonly scopes: string;
  readonly #client: ClientCredentialsGranter;

  /**
   * Keeps the client and the scopes; fetches nothing.
   *
   * @throws {GlobusSDKUsageError} for empty scopes.
   */
  constructor(
    confidentialClient: ClientCredentialsGranter,
    scopes: ScopeInput,
    options: RenewingAuthorizerOptions = {},
  ) {
    super(options);
    this.scopes = scopesToString(scopes);
    this.#client = confidentialClient;
  }

  /** One client-credentials grant. */
  protected async renew(): Promise<{ accessToken: string; expiresAtSeconds: number }> {
    const response = await this.#client.oauth2ClientCredentialsTokens(this.scopes);
    const entry = this.entryFor(
      response,
      undefined,
      `Ensure scopes ${this.scopes} are for only one resource server.`,
    );
    await this.onRefresh?.(response);
    return { accessToken: entry.access_token, expiresAtSeconds: entry.expires_at_seconds };
  }
}
