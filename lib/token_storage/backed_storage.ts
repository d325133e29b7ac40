/**
 * A token store is a small backend plus the rules every store shares. The
 * backend ({@linkcode TokenStorageBackend}) reads the records of one
 * namespace and updates them under an exclusive lock; the rules — how a
 * token response is merged into what is stored, what a removal checks, how
 * a renewal re-reads under the lock — are written once, in
 * {@linkcode BackedTokenStorage} and {@linkcode LockingTokenStorage}. A
 * store of your own (a database, a secret store) writes only its backend.
 *
 * @module
 */

import { GlobusSDKUsageError, GlobusTimeoutError } from "../core/errors.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import { checkedData, checkNamespace, isObject } from "./_record.ts";
import type {
  RemoveOptions,
  RenewContext,
  RenewingTokenStorage,
  RenewOptions,
  TokenStorage,
  TokenStorageData,
} from "./token_storage.ts";

/**
 * The records of one namespace, by resource server.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StoredRecords } from "./backed_storage.ts";
 *
 * const none: StoredRecords = {};
 * assert.deepEqual(Object.keys(none), []);
 * ```
 */
export type StoredRecords = Record<string, TokenStorageData>;

/**
 * What an update changes, by resource server: a new record, or null to remove one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RecordChanges } from "./backed_storage.ts";
 *
 * const changes: RecordChanges = new Map([["groups.api.globus.org", null]]);
 * assert.equal(changes.size, 1);
 * ```
 */
export type RecordChanges = Map<string, TokenStorageData | null>;

/**
 * What the function given to {@linkcode TokenStorageBackend.updateRecords}
 * returns: the changes to apply, and the result to hand back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RecordUpdate } from "./backed_storage.ts";
 *
 * const nothing: RecordUpdate<boolean> = { changes: new Map(), result: false };
 * assert.equal(nothing.result, false);
 * ```
 */
export interface RecordUpdate<T> {
  /** The records to replace or (null) remove; an empty map writes nothing. */
  readonly changes: RecordChanges;
  /** What `updateRecords` resolves to. */
  readonly result: T;
}

/**
 * The two primitives a token store provides, for one namespace. Every
 * operation of {@linkcode BackedTokenStorage} is built on them.
 *
 * @example A backend on a string slot (a secret store, say)
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   BackedTokenStorage, type RecordUpdate, type StoredRecords, type TokenStorageBackend,
 * } from "./backed_storage.ts";
 *
 * class SlotBackend implements TokenStorageBackend {
 *   slot = "{}";
 *   #queue: Promise<unknown> = Promise.resolve();
 *   readRecords(): Promise<StoredRecords> {
 *     return Promise.resolve(JSON.parse(this.slot));
 *   }
 *   updateRecords<T>(fn: (current: StoredRecords) => Promise<RecordUpdate<T>>): Promise<T> {
 *     const run = this.#queue.then(async () => {
 *       const current = await this.readRecords();
 *       const { changes, result } = await fn(structuredClone(current));
 *       for (const [rs, data] of changes) data ? (current[rs] = data) : delete current[rs];
 *       this.slot = JSON.stringify(current);
 *       return result;
 *     });
 *     this.#queue = run.catch(() => {});
 *     return run;
 *   }
 * }
 * const backend = new SlotBackend();
 * const storage = new BackedTokenStorage(backend);
 * assert.equal(await storage.removeTokenData("groups.api.globus.org"), false);
 * assert.equal(backend.slot, "{}");
 * ```
 */
export interface TokenStorageBackend {
  /** The records as stored now (copies: the caller may change them). */
  readRecords(): Promise<StoredRecords>;
  /**
   * Runs `fn` with the current records while holding an exclusive lock, and
   * applies the changes it returns before releasing the lock. If `fn`
   * throws, nothing is changed and the error propagates.
   */
  updateRecords<T>(fn: (current: StoredRecords) => Promise<RecordUpdate<T>>): Promise<T>;
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

function pick(records: StoredRecords, resourceServer: string): TokenStorageData | null {
  return Object.hasOwn(records, resourceServer) ? records[resourceServer]! : null;
}

/** The merge rules of storing a response over what is stored. */
function mergeResponse(
  response: OAuthTokenResponse,
  fresh: TokenStorageData[],
  current: StoredRecords,
): RecordChanges {
  // grantType, not instanceof: a warm run reads tokens without loading token_response.ts.
  const isRefresh = response.grantType === "refresh_token";
  const changes: RecordChanges = new Map();
  for (const entry of fresh) {
    const old = pick(current, entry.resourceServer);
    const merged = { ...entry };
    // A refresh says nothing about who logged in: keep what is known. A new
    // login without an id_token may be someone else: know nothing then.
    if (isRefresh && !response.idToken) merged.identityId = old?.identityId ?? null;
    if (isRefresh && merged.refreshToken === null) merged.refreshToken = old?.refreshToken ?? null;
    changes.set(entry.resourceServer, merged);
  }
  return changes;
}

/**
 * A {@linkcode TokenStorage} built on a {@linkcode TokenStorageBackend}:
 * every operation and merge rule, written once. `MemoryTokenStorage` and
 * `JSONTokenStorage` are its subclasses (through
 * {@linkcode LockingTokenStorage}); see {@linkcode TokenStorageBackend} for
 * a store of your own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BackedTokenStorage } from "./backed_storage.ts";
 *
 * let records = {};
 * const storage = new BackedTokenStorage({
 *   readRecords: () => Promise.resolve(structuredClone(records)),
 *   updateRecords: async (fn) => {
 *     const { changes, result } = await fn(structuredClone(records));
 *     records = { ...records, ...Object.fromEntries(changes) };
 *     return result;
 *   },
 * }, { namespace: "mine" });
 * assert.equal(storage.namespace, "mine");
 * assert.deepEqual(await storage.getTokenDataByResourceServer(), {});
 * ```
 */
export class BackedTokenStorage implements TokenStorage {
  /** The namespace, `"DEFAULT"` unless given. */
  readonly namespace: string;
  /** The backend every operation goes through. */
  protected readonly backend: TokenStorageBackend;

  /** Wraps a backend; no I/O happens here. */
  constructor(backend: TokenStorageBackend, options?: { namespace?: string }) {
    this.namespace = checkNamespace(options);
    this.backend = backend;
  }

  /** {@inheritDoc TokenStorage.storeTokenResponse} */
  async storeTokenResponse(response: OAuthTokenResponse): Promise<void> {
    const fresh = await responseRecords(response); // may do network I/O: outside the lock
    await this.backend.updateRecords((current) =>
      Promise.resolve({ changes: mergeResponse(response, fresh, current), result: undefined })
    );
  }

  /** {@inheritDoc TokenStorage.storeTokenDataByResourceServer} */
  async storeTokenDataByResourceServer(data: Record<string, TokenStorageData>): Promise<void> {
    if (!isObject(data)) throw new GlobusSDKUsageError("expected an object of TokenStorageData");
    const changes: RecordChanges = new Map(
      Object.entries(data).map(([k, d]) => [k, checkedData(k, d)]),
    );
    if (changes.size === 0) return;
    await this.backend.updateRecords(() => Promise.resolve({ changes, result: undefined }));
  }

  /** {@inheritDoc TokenStorage.getTokenDataByResourceServer} */
  getTokenDataByResourceServer(): Promise<Record<string, TokenStorageData>> {
    return this.backend.readRecords();
  }

  /** {@inheritDoc TokenStorage.getTokenData} */
  async getTokenData(resourceServer: string): Promise<TokenStorageData | null> {
    return pick(await this.backend.readRecords(), resourceServer);
  }

  /** {@inheritDoc TokenStorage.removeTokenData} */
  async removeTokenData(resourceServer: string, options: RemoveOptions = {}): Promise<boolean> {
    const wanted = (record: TokenStorageData | null) =>
      record !== null && (options.onlyIf?.(record) ?? true);
    // Look first without the lock: removing nothing must not create or touch anything.
    if (!wanted(pick(await this.backend.readRecords(), resourceServer))) return false;
    return await this.backend.updateRecords((current) => {
      const found = wanted(pick(current, resourceServer));
      const changes: RecordChanges = new Map(found ? [[resourceServer, null]] : []);
      return Promise.resolve({ changes, result: found });
    });
  }
}

/** The default of {@linkcode RenewOptions.timeoutMs}. */
const RENEW_TIMEOUT_MS = 30_000;

/** The longest delay a timer honours; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs `fn` with a signal that aborts after `ms`; rejects then, whatever `fn` does. */
async function withDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // AbortSignal.timeout, not setTimeout: a process's first setTimeout costs
  // about 4 ms, which every expired-token run would pay (bench/RESULTS.md).
  // Its timer keeps the process alive only while a listener is attached, so
  // the listener is removed as soon as the work is done.
  const timeout = AbortSignal.timeout(Math.min(ms, MAX_TIMER_MS));
  let onTimeout = () => {};
  const deadline = new Promise<never>((_, reject) => {
    onTimeout = () => {
      const error = new GlobusTimeoutError(
        `the token renewal did not finish within ${ms / 1000} s; nothing was stored`,
      );
      controller.abort(error);
      reject(error);
    };
    timeout.addEventListener("abort", onTimeout, { once: true });
  });
  const work = fn(controller.signal);
  work.catch(() => {}); // if the deadline wins, a later failure is nobody's business
  try {
    return await Promise.race([work, deadline]);
  } finally {
    timeout.removeEventListener("abort", onTimeout);
  }
}

/**
 * A {@linkcode BackedTokenStorage} whose backend's lock may be held across
 * a network call, so it also implements the cross-process renewal
 * ({@linkcode RenewingTokenStorage}). The work under the lock is bounded by
 * {@linkcode RenewOptions.timeoutMs}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LockingTokenStorage } from "./backed_storage.ts";
 * import { MemoryTokenStorage } from "./memory_storage.ts";
 *
 * assert.ok(new MemoryTokenStorage() instanceof LockingTokenStorage);
 * ```
 */
export class LockingTokenStorage extends BackedTokenStorage implements RenewingTokenStorage {
  /** {@inheritDoc RenewingTokenStorage.renewTokenData} */
  async renewTokenData(
    resourceServer: string,
    renew: (current: TokenStorageData | null, context: RenewContext) => Promise<OAuthTokenResponse>,
    options: RenewOptions,
  ): Promise<TokenStorageData> {
    if (typeof renew !== "function" || typeof options?.isUsable !== "function") {
      throw new GlobusSDKUsageError("renewTokenData() needs a renew function and options.isUsable");
    }
    const timeoutMs = options.timeoutMs ?? RENEW_TIMEOUT_MS;
    return await this.backend.updateRecords(async (current) => {
      const record = pick(current, resourceServer);
      if (record && options.isUsable(record)) return { changes: new Map(), result: record };
      const { response, fresh } = await withDeadline(timeoutMs, async (signal) => {
        const response = await renew(record, { signal });
        return { response, fresh: await responseRecords(response) };
      });
      const changes = mergeResponse(response, fresh, current);
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
