/**
 * Authorizers: what a client puts in the `Authorization` header, and what it
 * does when a service answers 401. Python: `globus_sdk.authorizers`.
 *
 * The renewing logic (refresh tokens, client credentials) is written once,
 * in {@linkcode RenewingAuthorizer}, and does better than Python where it is
 * weak: a renewal is single-flight (concurrent requests share one call,
 * W19), nothing is fetched at construction (W20), a refresh response without
 * a refresh token keeps the old one (W12), and `onRefresh` is awaited before
 * the request goes out.
 *
 * @module
 */

import type { Authorizer } from "../core/base_client.ts";
import { GlobusSDKUsageError } from "../core/errors.ts";
import { type ScopeInput, scopesToString } from "../scopes/scopes.ts";
import type { OAuthTokenResponse, TokenData } from "../tokens/token_response.ts";
import type { TokenStorage } from "../token_storage/token_storage.ts";

export type { Authorizer } from "../core/base_client.ts";

/** Renew when less than this many seconds of the access token remain (Python: `EXPIRES_ADJUST_SECONDS`). */
export const EXPIRES_ADJUST_SECONDS = 60;

/**
 * Sends no `Authorization` header at all. Python: `NullAuthorizer`.
 *
 * @example
 * ```ts
 * import { NullAuthorizer } from "./authorizers.ts";
 * console.log(await new NullAuthorizer().getAuthorizationHeader()); // undefined
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
 * import { BasicAuthorizer } from "./authorizers.ts";
 * console.log(await new BasicAuthorizer("cid", "sec").getAuthorizationHeader()); // "Basic Y2lkOnNlYw=="
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
 * import { AccessTokenAuthorizer } from "./authorizers.ts";
 * console.log(await new AccessTokenAuthorizer("AT").getAuthorizationHeader()); // "Bearer AT"
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
  /** An access token already held; give `expiresAt` with it. */
  readonly accessToken?: string;
  /** When `accessToken` expires, POSIX seconds. */
  readonly expiresAt?: number;
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
 * @example
 * ```ts ignore
 * class FixedRenewal extends RenewingAuthorizer {
 *   protected renew() { return Promise.resolve({ accessToken: "AT", expiresAt: 2e9 }); }
 * }
 * ```
 */
export abstract class RenewingAuthorizer implements Authorizer {
  #accessToken: string | undefined;
  #expiresAt: number | undefined;
  #inFlight: Promise<void> | undefined;
  /** The clock in ms. */
  protected readonly now: () => number;
  /** See {@linkcode RenewingAuthorizerOptions.onRefresh}. */
  protected readonly onRefresh: RenewingAuthorizerOptions["onRefresh"];

  /**
   * Takes the tokens already held, if any; fetches nothing.
   *
   * @throws {GlobusSDKUsageError} when only one of `accessToken` and `expiresAt` is given.
   */
  constructor(options: RenewingAuthorizerOptions = {}) {
    if ((options.accessToken === undefined) !== (options.expiresAt === undefined)) {
      throw new GlobusSDKUsageError(
        "A RenewingAuthorizer cannot be initialized with one of accessToken and expiresAt. Either provide both or neither.",
      );
    }
    this.#accessToken = options.accessToken;
    this.#expiresAt = options.expiresAt;
    this.now = options.now ?? Date.now;
    this.onRefresh = options.onRefresh;
  }

  /** The access token held now (it may be stale until the next request renews it). */
  get accessToken(): string | undefined {
    return this.#accessToken;
  }

  /** When the held access token expires, POSIX seconds. */
  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /** Whether a token expiring at `expiresAt` may still be used. Python: `now <= expires_at - 60`. */
  protected isFresh(expiresAt: number | undefined): boolean {
    return expiresAt !== undefined && this.now() / 1000 <= expiresAt - EXPIRES_ADJUST_SECONDS;
  }

  /** Gets new tokens; returns the access token and its expiry. */
  protected abstract renew(): Promise<{ accessToken: string; expiresAt: number }>;

  /** Renews now unless the held token is fresh; concurrent callers share one renewal. */
  async ensureValidToken(): Promise<void> {
    if (this.#accessToken !== undefined && this.isFresh(this.#expiresAt)) return;
    this.#inFlight ??= (async () => {
      try {
        const fresh = await this.renew();
        this.#accessToken = fresh.accessToken;
        this.#expiresAt = fresh.expiresAt;
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
      this.#expiresAt = undefined;
    }
    return Promise.resolve(true);
  }

  /** The one entry of a renewal response. */
  protected singleEntry(response: OAuthTokenResponse, hint: string): TokenData {
    const entries = Object.values(response.byResourceServer);
    if (entries.length !== 1) {
      throw new GlobusSDKUsageError(`renewal did not return exactly one token. ${hint}`);
    }
    return entries[0]!;
  }
}

/**
 * What a {@linkcode RefreshTokenAuthorizer} needs from an Auth client: one
 * method. `NativeAppAuthClient` and `ConfidentialAppAuthClient` have it.
 *
 * @example
 * ```ts ignore
 * const refresher: TokenRefresher = new NativeAppAuthClient(CLIENT_ID);
 * ```
 */
export interface TokenRefresher {
  /** Exchanges a refresh token for new tokens. */
  oauth2RefreshToken(refreshToken: string): Promise<OAuthTokenResponse>;
}

/** Options of a {@linkcode RefreshTokenAuthorizer}. */
export interface RefreshTokenAuthorizerOptions extends RenewingAuthorizerOptions {
  /**
   * A token storage shared with other processes. Each renewal then happens
   * under the storage's lock: if another process already renewed, its token
   * is used and Auth is not called; otherwise the refresh is made with the
   * newest stored refresh token and stored before the lock is released.
   * Give `resourceServer` with it.
   */
  readonly tokenStorage?: TokenStorage;
  /** The resource server of the stored record, with `tokenStorage`. */
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
 * @example The tutorial's second script
 * ```ts ignore
 * const authorizer = new RefreshTokenAuthorizer(tokenData.refreshToken, authClient, {
 *   accessToken: tokenData.accessToken,
 *   expiresAt: tokenData.expiresAtSeconds,
 *   onRefresh: (response) => storage.storeTokenResponse(response),
 * });
 * ```
 */
export class RefreshTokenAuthorizer extends RenewingAuthorizer {
  #refreshToken: string;
  readonly #authClient: TokenRefresher;
  readonly #storage: { tokenStorage: TokenStorage; resourceServer: string } | undefined;
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
    if ((options.tokenStorage === undefined) !== (options.resourceServer === undefined)) {
      throw new GlobusSDKUsageError("give tokenStorage and resourceServer together");
    }
    this.#refreshToken = refreshToken;
    this.#authClient = authClient;
    this.#onStoreError = options.onStoreError;
    this.#storage = options.tokenStorage && options.resourceServer
      ? { tokenStorage: options.tokenStorage, resourceServer: options.resourceServer }
      : undefined;
  }

  /** The refresh token in use (replaced when Auth returns a new one). */
  get refreshToken(): string {
    return this.#refreshToken;
  }

  /** One refresh grant; with a shared storage, under its lock. */
  protected async renew(): Promise<{ accessToken: string; expiresAt: number }> {
    if (this.#storage === undefined) {
      const { response, entry } = await this.#refresh(this.#refreshToken);
      await this.onRefresh?.(response);
      return { accessToken: entry.access_token, expiresAt: entry.expires_at_seconds };
    }
    const { tokenStorage, resourceServer } = this.#storage;
    const stale = this.accessToken;
    let refreshed: { response: OAuthTokenResponse; entry: TokenData } | undefined;
    let record: { accessToken: string; refreshToken: string | null; expiresAtSeconds: number };
    try {
      record = await tokenStorage.renewTokenData(
        resourceServer,
        async (current) => {
          refreshed = await this.#refresh(current?.refreshToken ?? this.#refreshToken);
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
    return { accessToken: record.accessToken, expiresAt: record.expiresAtSeconds };
  }

  /** A refresh grant; keeps the refresh token unless Auth sent a new one (RFC 6749 §6). */
  async #refresh(
    refreshToken: string,
  ): Promise<{ response: OAuthTokenResponse; entry: TokenData }> {
    const response = await this.#authClient.oauth2RefreshToken(refreshToken);
    const entry = this.singleEntry(response, "Possible service error.");
    this.#refreshToken = entry.refresh_token ?? refreshToken;
    return { response, entry };
  }
}

/**
 * What a {@linkcode ClientCredentialsAuthorizer} needs: a confidential client.
 *
 * @example
 * ```ts ignore
 * const granter: ClientCredentialsGranter = new ConfidentialAppAuthClient(ID, SECRET);
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
 * ```ts ignore
 * const authorizer = new ClientCredentialsAuthorizer(confidentialClient, GroupsScopes.all);
 * const groups = await new GroupsClient({ authorizer }).getMyGroups();
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
  protected async renew(): Promise<{ accessToken: string; expiresAt: number }> {
    const response = await this.#client.oauth2ClientCredentialsTokens(this.scopes);
    const entry = this.singleEntry(
      response,
      `Ensure scopes ${this.scopes} are for only one resource server.`,
    );
    await this.onRefresh?.(response);
    return { accessToken: entry.access_token, expiresAt: entry.expires_at_seconds };
  }
}
