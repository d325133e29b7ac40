/**
 * {@linkcode MemoryTokenStorage}: tokens kept in this process only.
 *
 * @module
 */

import {
  LockingTokenStorage,
  type RecordUpdate,
  type StoredRecords,
  type TokenStorageBackend,
} from "./backed_storage.ts";
import type { TokenStorageData } from "./token_storage.ts";

/** The records of one namespace in a Map; updates queue on a promise chain (the lock). */
class MemoryBackend implements TokenStorageBackend {
  readonly #records = new Map<string, TokenStorageData>();
  #queue: Promise<void> = Promise.resolve();

  readRecords(): Promise<StoredRecords> {
    return Promise.resolve(
      Object.fromEntries([...this.#records].map(([rs, data]) => [rs, structuredClone(data)])),
    );
  }

  updateRecords<T>(fn: (current: StoredRecords) => Promise<RecordUpdate<T>>): Promise<T> {
    const run = this.#queue.then(async () => {
      const { changes, result } = await fn(await this.readRecords());
      for (const [rs, data] of changes) {
        if (data) this.#records.set(rs, structuredClone(data));
        else this.#records.delete(rs);
      }
      return result;
    });
    this.#queue = run.then(() => {}, () => {});
    return run;
  }
}

/**
 * Keeps tokens in this process only. Python: `MemoryTokenStorage`.
 * Writes and `renewTokenData` are serialised within the process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryTokenStorage } from "./memory_storage.ts";
 *
 * const storage = new MemoryTokenStorage();
 * await storage.storeTokenDataByResourceServer({
 *   "groups.api.globus.org": {
 *     resourceServer: "groups.api.globus.org", identityId: null, scope: "s", accessToken: "AT",
 *     refreshToken: null, expiresAtSeconds: 1796183373, tokenType: "Bearer", extra: {},
 *   },
 * });
 * assert.equal((await storage.getTokenData("groups.api.globus.org"))?.accessToken, "AT");
 * ```
 */
export class MemoryTokenStorage extends LockingTokenStorage {
  /** Creates an empty storage. */
  constructor(options?: { namespace?: string }) {
    super(new MemoryBackend(), options);
  }
}
