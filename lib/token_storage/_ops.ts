/**
 * Private: the operations of a token storage, built on two primitives each
 * storage provides (read the records; update them under an exclusive lock),
 * and the merge rules of storing a token response.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../core/errors.ts";
import { OAuthRefreshTokenResponse, type OAuthTokenResponse } from "../tokens/token_response.ts";
import { checkedData, isObject, type TokenStorageData } from "./_format.ts";

/** Options of `TokenStorage.renewTokenData()`. */
export interface RenewOptions {
  /** Whether the stored record can still be used (e.g. it expires more than a minute from now). */
  isUsable: (current: TokenStorageData) => boolean;
}

/** Options of `TokenStorage.removeTokenData()`. */
export interface RemoveOptions {
  /**
   * Remove the record only if this returns true for it, as read under the
   * lock: e.g. only if it still holds the refresh token Globus just refused,
   * so a newer login another process stored meanwhile survives.
   */
  readonly onlyIf?: (current: TokenStorageData) => boolean;
}

/** Records of one namespace, by resource server. */
export type Records = Record<string, TokenStorageData>;
/** What a write changes: a new record, or null to remove one. */
export type Changes = Map<string, TokenStorageData | null>;

/** The two primitives each storage provides; every operation is built on them. */
export interface Backend {
  read(): Promise<Records>;
  /** Runs `fn` under an exclusive lock with the current records and applies its changes. */
  update<T>(fn: (current: Records) => Promise<{ changes: Changes; result: T }>): Promise<T>;
}

/** A response's records, before merging with what is stored. */
async function responseRecords(response: OAuthTokenResponse): Promise<TokenStorageData[]> {
  let identityId: string | null = null;
  if (response.idToken) {
    const claims: unknown = await response.decodeIdToken();
    const sub = isObject(claims) ? claims.sub : undefined;
    identityId = typeof sub === "string" ? sub : null;
  }
  return Object.values(response.byResourceServer).map((t) => ({
    resourceServer: t.resource_server,
    identityId,
    scope: t.scope,
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expiresAtSeconds: t.expires_at_seconds,
    tokenType: t.token_type,
    extra: {},
  }));
}

function mergeResponse(
  response: OAuthTokenResponse,
  fresh: TokenStorageData[],
  current: Records,
): Changes {
  const isRefresh = response instanceof OAuthRefreshTokenResponse;
  const changes: Changes = new Map();
  for (const entry of fresh) {
    const old = Object.hasOwn(current, entry.resourceServer)
      ? current[entry.resourceServer]
      : undefined;
    const merged = { ...entry };
    // A refresh says nothing about who logged in: keep what is known (W11). A
    // new login without an id_token may be someone else: know nothing then.
    if (isRefresh && !response.idToken) merged.identityId = old?.identityId ?? null;
    if (isRefresh && merged.refreshToken === null) merged.refreshToken = old?.refreshToken ?? null;
    changes.set(entry.resourceServer, merged);
  }
  return changes;
}

function pick(records: Records, resourceServer: string): TokenStorageData | null {
  return Object.hasOwn(records, resourceServer) ? records[resourceServer]! : null;
}

/** The operations of {@linkcode TokenStorage}, built on a backend's two primitives. */
export class Operations {
  readonly #backend: Backend;
  constructor(backend: Backend) {
    this.#backend = backend;
  }

  async storeTokenResponse(response: OAuthTokenResponse): Promise<void> {
    const fresh = await responseRecords(response); // may do network I/O: outside the lock
    await this.#backend.update((current) =>
      Promise.resolve({ changes: mergeResponse(response, fresh, current), result: undefined })
    );
  }

  async storeTokenDataByResourceServer(data: Records): Promise<void> {
    if (!isObject(data)) throw new GlobusSDKUsageError("expected an object of TokenStorageData");
    const changes: Changes = new Map(Object.entries(data).map(([k, d]) => [k, checkedData(k, d)]));
    if (changes.size === 0) return;
    await this.#backend.update(() => Promise.resolve({ changes, result: undefined }));
  }

  getTokenDataByResourceServer(): Promise<Records> {
    return this.#backend.read();
  }

  async getTokenData(resourceServer: string): Promise<TokenStorageData | null> {
    return pick(await this.#backend.read(), resourceServer);
  }

  async removeTokenData(
    resourceServer: string,
    options: RemoveOptions = {},
  ): Promise<boolean> {
    const wanted = (record: TokenStorageData | null) =>
      record !== null && (options.onlyIf?.(record) ?? true);
    // Look first without the lock: removing nothing must not create or touch any file (W7).
    if (!wanted(pick(await this.#backend.read(), resourceServer))) return false;
    return await this.#backend.update((current) => {
      const found = wanted(pick(current, resourceServer));
      const changes: Changes = new Map(found ? [[resourceServer, null]] : []);
      return Promise.resolve({ changes, result: found });
    });
  }

  async renewTokenData(
    resourceServer: string,
    renew: (current: TokenStorageData | null) => Promise<OAuthTokenResponse>,
    options: RenewOptions,
  ): Promise<TokenStorageData> {
    if (typeof renew !== "function" || typeof options?.isUsable !== "function") {
      throw new GlobusSDKUsageError("renewTokenData() needs a renew function and options.isUsable");
    }
    return await this.#backend.update(async (current) => {
      const record = pick(current, resourceServer);
      if (record && options.isUsable(record)) return { changes: new Map(), result: record };
      const response = await renew(record);
      const changes = mergeResponse(response, await responseRecords(response), current);
      const renewed = changes.get(resourceServer);
      if (!renewed) {
        throw new GlobusSDKUsageError(
          `renew() returned no tokens for ${resourceServer}; nothing was stored`,
        );
      }
      return { changes, result: structuredClone(renewed) };
    });
  }
}

/** The namespace option, checked; `"DEFAULT"` when absent. */
export function checkNamespace(options: { namespace?: string } | undefined): string {
  const namespace = options?.namespace ?? "DEFAULT";
  if (typeof namespace !== "string") throw new GlobusSDKUsageError("namespace must be a string");
  return namespace;
}
