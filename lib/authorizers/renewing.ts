/**
 * The renewing logic of the refresh-token and client-credentials
 * authorizers, written once, and better than Python's where it is weak: a
 * renewal is single-flight (concurrent requests share one call), nothing is
 * fetched at construction, a token is only sent to the resource server it
 * was issued for, and `onRefresh` is awaited before the request goes out.
 * Python: `RenewingAuthorizer`.
 *
 * @module
 */

import type { Authorizer } from "../core/base_client.ts";
import { GlobusSDKUsageError, UnexpectedResponseError } from "../core/errors.ts";
import type { OAuthTokenResponse, TokenData } from "../tokens/token_response.ts";

/** Renew when less than this many seconds of the access token remain (Python: `EXPIRES_ADJUST_SECONDS`). */
export const EXPIRES_ADJUST_SECONDS = 60;

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
