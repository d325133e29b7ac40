/**
 * What a token storage is: the record it keeps per resource server
 * ({@linkcode TokenStorageData}), the interface every store implements
 * ({@linkcode TokenStorage}), and the cross-process renewal that only stores
 * with a lock add ({@linkcode RenewingTokenStorage}).
 * Python: `globus_sdk.token_storage`.
 *
 * @module
 */

import type { OAuthTokenResponse } from "../tokens/token_response.ts";

/**
 * The tokens stored for one resource server. Python: `TokenStorageData`. On
 * disk the fields have Python's snake_case names; null fields are omitted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TokenStorageData } from "./token_storage.ts";
 *
 * const data: TokenStorageData = {
 *   resourceServer: "groups.api.globus.org", identityId: null,
 *   scope: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 *   accessToken: "AT", refreshToken: "RT", expiresAtSeconds: 1796183373, tokenType: "Bearer",
 *   extra: {},
 * };
 * assert.equal(new Date(data.expiresAtSeconds * 1000).getUTCFullYear(), 2026);
 * ```
 */
export interface TokenStorageData {
  /** The service the tokens are for, e.g. `groups.api.globus.org`. */
  resourceServer: string;
  /** The Globus identity (id_token `sub`) that logged in, when known. */
  identityId: string | null;
  /** Space-separated scopes of the access token. */
  scope: string;
  /** The access token. */
  accessToken: string;
  /** The refresh token, if there is one. */
  refreshToken: string | null;
  /** When the access token expires, in integer POSIX seconds. */
  expiresAtSeconds: number;
  /** Normally `"Bearer"`. */
  tokenType: string | null;
  /** Fields this SDK does not know, kept and written back unchanged. */
  extra: Record<string, unknown>;
}

/**
 * Options of {@linkcode TokenStorage.removeTokenData}.
 *
 * @example Remove a login only if it still holds the refresh token Globus refused
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RemoveOptions } from "./token_storage.ts";
 *
 * const refused = "RT-1";
 * const options: RemoveOptions = { onlyIf: (current) => current.refreshToken === refused };
 * assert.equal(typeof options.onlyIf, "function");
 * ```
 */
export interface RemoveOptions {
  /**
   * Remove the record only if this returns true for it, as read under the
   * lock: e.g. only if it still holds the refresh token Globus just refused,
   * so a newer login another process stored meanwhile survives.
   */
  readonly onlyIf?: (current: TokenStorageData) => boolean;
}

/**
 * Where tokens are kept, per namespace and resource server.
 * Python: `globus_sdk.token_storage.TokenStorage`.
 *
 * @example Works with any storage
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TokenStorage } from "./token_storage.ts";
 * import { MemoryTokenStorage } from "./memory_storage.ts";
 *
 * async function isLoggedIn(storage: TokenStorage): Promise<boolean> {
 *   return (await storage.getTokenData("groups.api.globus.org")) !== null;
 * }
 * assert.equal(await isLoggedIn(new MemoryTokenStorage()), false);
 * ```
 */
export interface TokenStorage {
  /** Which set of records this object sees; storages with other namespaces never see them. */
  readonly namespace: string;
  /**
   * Stores one record per resource server of `response`. The identity id is
   * the `sub` of its id_token; without an id_token the stored identity id is
   * kept. A refresh response without a refresh token keeps the stored one.
   * Otherwise a record is replaced as a whole.
   */
  storeTokenResponse(response: OAuthTokenResponse): Promise<void>;
  /** Replaces the records of the given resource servers; others are kept. */
  storeTokenDataByResourceServer(data: Record<string, TokenStorageData>): Promise<void>;
  /** All records of this namespace; empty when there is nothing stored. */
  getTokenDataByResourceServer(): Promise<Record<string, TokenStorageData>>;
  /** The record of one resource server, or null. */
  getTokenData(resourceServer: string): Promise<TokenStorageData | null>;
  /**
   * Removes a record (if `options.onlyIf` allows it); true when one was
   * removed. A namespace left empty is removed too.
   */
  removeTokenData(resourceServer: string, options?: RemoveOptions): Promise<boolean>;
}

/**
 * What a renew function of {@linkcode RenewingTokenStorage.renewTokenData}
 * is given besides the current record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RenewContext } from "./token_storage.ts";
 *
 * const context: RenewContext = { signal: new AbortController().signal };
 * assert.equal(context.signal.aborted, false);
 * ```
 */
export interface RenewContext {
  /** Aborted when the renewal runs out of time; pass it to the request. */
  readonly signal: AbortSignal;
}

/**
 * Options of {@linkcode RenewingTokenStorage.renewTokenData}.
 *
 * @example Usable while more than a minute is left
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RenewOptions } from "./token_storage.ts";
 *
 * const options: RenewOptions = {
 *   isUsable: (current) => current.expiresAtSeconds > Date.now() / 1000 + 60,
 *   timeoutMs: 20_000,
 * };
 * assert.equal(options.timeoutMs, 20_000);
 * ```
 */
export interface RenewOptions {
  /** Whether the stored record can still be used (e.g. it expires more than a minute from now). */
  readonly isUsable: (current: TokenStorageData) => boolean;
  /**
   * The most time `renew` may take while it holds the lock; then its signal
   * is aborted, nothing is stored, the lock is released and the call
   * rejects with a `GlobusTimeoutError`. Default 30 000.
   */
  readonly timeoutMs?: number;
}

/**
 * A storage that can renew a record safely across processes: only stores
 * with a lock implement it (both of this SDK's do). `RefreshTokenAuthorizer`
 * uses it when its storage has it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRenewingTokenStorage } from "./token_storage.ts";
 * import { MemoryTokenStorage } from "./memory_storage.ts";
 *
 * assert.ok(isRenewingTokenStorage(new MemoryTokenStorage()));
 * ```
 */
export interface RenewingTokenStorage extends TokenStorage {
  /**
   * Under the storage's exclusive lock, re-reads the record; if
   * `isUsable(current)` returns it unchanged (without calling `renew`);
   * otherwise calls `renew(current, { signal })`, stores the response as
   * {@linkcode TokenStorage.storeTokenResponse} does, and returns the new
   * record. If `renew` throws, nothing is written and the error propagates.
   * `renew` runs under the lock, so it must not write to this storage: such
   * a write waits for the lock until `options.timeoutMs` ends the renewal.
   * Store, if at all, after this returns.
   */
  renewTokenData(
    resourceServer: string,
    renew: (current: TokenStorageData | null, context: RenewContext) => Promise<OAuthTokenResponse>,
    options: RenewOptions,
  ): Promise<TokenStorageData>;
}

/**
 * Whether `storage` implements {@linkcode RenewingTokenStorage}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRenewingTokenStorage, type TokenStorage } from "./token_storage.ts";
 *
 * const plain = { namespace: "DEFAULT" } as TokenStorage;
 * assert.equal(isRenewingTokenStorage(plain), false);
 * ```
 */
export function isRenewingTokenStorage(storage: TokenStorage): storage is RenewingTokenStorage {
  return typeof (storage as Partial<RenewingTokenStorage>).renewTokenData === "function";
}
