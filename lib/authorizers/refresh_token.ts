/**
 * The refresh-token authorizer: renews its access token with a refresh
 * token, sharing the renewal with other processes through a locking token
 * storage when it has one, and keeping the old refresh token when a refresh
 * answer has none. Python: `RefreshTokenAuthorizer`.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../core/errors.ts";
import type { OAuthTokenResponse, TokenData } from "../tokens/token_response.ts";
import { isRenewingTokenStorage, type TokenStorage } from "../token_storage/token_storage.ts";
import { RenewingAuthorizer, type RenewingAuthorizerOptions } from "./renewing.ts";

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
