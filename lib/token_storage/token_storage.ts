/**
 * Token storage: where tokens live between runs. {@linkcode JSONTokenStorage}
 * reads and writes the same file as the Python SDK's `JSONTokenStorage`
 * (format_version 2.0), but writes it safely: under a lock, atomically, with
 * mode 0600. {@linkcode MemoryTokenStorage} keeps tokens in the process.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../core/errors.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import {
  dataToRecord,
  type JsonObject,
  namespaceRecords,
  own,
  recordToData,
  setOwn,
  type TokenStorageData,
} from "./_format.ts";
import {
  type Changes,
  checkNamespace,
  Operations,
  type Records,
  type RemoveOptions,
  type RenewOptions,
} from "./_ops.ts";
import {
  isRegularFile,
  makePrivate,
  type ModeFix,
  readTokenFile,
  updateTokenFile,
} from "./_file.ts";

export type { TokenStorageData } from "./_format.ts";
export type { RemoveOptions, RenewOptions } from "./_ops.ts";
export type { ModeFix } from "./_file.ts";

/**
 * Where tokens are kept, per namespace and resource server.
 * Python: `globus_sdk.token_storage.TokenStorage`.
 *
 * @example Works with any storage
 * ```ts
 * import { MemoryTokenStorage, type TokenStorage } from "./token_storage.ts";
 * async function isLoggedIn(storage: TokenStorage): Promise<boolean> {
 *   return (await storage.getTokenData("groups.api.globus.org")) !== null;
 * }
 * console.log(await isLoggedIn(new MemoryTokenStorage())); // false
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
  /** Removes a record (if `options.onlyIf` allows it); true when one was removed. */
  removeTokenData(resourceServer: string, options?: RemoveOptions): Promise<boolean>;
  /**
   * Cross-process safe renewal: under an exclusive lock, re-reads the record;
   * if `isUsable(current)` returns it unchanged (without calling `renew`);
   * otherwise calls `renew(current)`, stores the response as
   * {@linkcode TokenStorage.storeTokenResponse} does and returns the new
   * record. If `renew` throws, nothing is written and the error propagates.
   * `renew` runs under the lock, so it must not write to this storage (or
   * another storage object for the same file): that write would wait for the
   * lock `renew` holds, forever. Store, if at all, after this returns.
   */
  renewTokenData(
    resourceServer: string,
    renew: (current: TokenStorageData | null) => Promise<OAuthTokenResponse>,
    options: RenewOptions,
  ): Promise<TokenStorageData>;
}

// ---- MemoryTokenStorage ---------------------------------------------------------

/**
 * Keeps tokens in this process only. Python: `MemoryTokenStorage`.
 * Writes and `renewTokenData` are serialised within the process.
 *
 * @example
 * ```ts
 * import { MemoryTokenStorage } from "./token_storage.ts";
 * const storage = new MemoryTokenStorage();
 * await storage.storeTokenDataByResourceServer({
 *   "groups.api.globus.org": {
 *     resourceServer: "groups.api.globus.org", identityId: null, scope: "s", accessToken: "AT",
 *     refreshToken: null, expiresAtSeconds: 1796183373, tokenType: "Bearer", extra: {},
 *   },
 * });
 * console.log((await storage.getTokenData("groups.api.globus.org"))?.accessToken); // "AT"
 * ```
 */
export class MemoryTokenStorage implements TokenStorage {
  /** The namespace, `"DEFAULT"` unless given. */
  readonly namespace: string;
  readonly #records = new Map<string, TokenStorageData>();
  #queue: Promise<void> = Promise.resolve();
  readonly #ops: Operations;

  /** Creates an empty storage. */
  constructor(options?: { namespace?: string }) {
    this.namespace = checkNamespace(options);
    const read = (): Promise<Records> =>
      Promise.resolve(
        Object.fromEntries([...this.#records].map(([rs, data]) => [rs, structuredClone(data)])),
      );
    this.#ops = new Operations({
      read,
      update: <T>(fn: (current: Records) => Promise<{ changes: Changes; result: T }>) =>
        this.#serialize(async () => {
          const { changes, result } = await fn(await read());
          for (const [rs, data] of changes) {
            if (data) this.#records.set(rs, structuredClone(data));
            else this.#records.delete(rs);
          }
          return result;
        }),
    });
  }

  /** Runs `fn` after every update queued before it. */
  #serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.then(() => {}, () => {});
    return run;
  }

  /** {@inheritDoc TokenStorage.storeTokenResponse} */
  storeTokenResponse(response: OAuthTokenResponse): Promise<void> {
    return this.#ops.storeTokenResponse(response);
  }
  /** {@inheritDoc TokenStorage.storeTokenDataByResourceServer} */
  storeTokenDataByResourceServer(data: Record<string, TokenStorageData>): Promise<void> {
    return this.#ops.storeTokenDataByResourceServer(data);
  }
  /** {@inheritDoc TokenStorage.getTokenDataByResourceServer} */
  getTokenDataByResourceServer(): Promise<Record<string, TokenStorageData>> {
    return this.#ops.getTokenDataByResourceServer();
  }
  /** {@inheritDoc TokenStorage.getTokenData} */
  getTokenData(resourceServer: string): Promise<TokenStorageData | null> {
    return this.#ops.getTokenData(resourceServer);
  }
  /** {@inheritDoc TokenStorage.removeTokenData} */
  removeTokenData(resourceServer: string, options?: RemoveOptions): Promise<boolean> {
    return this.#ops.removeTokenData(resourceServer, options);
  }
  /** {@inheritDoc TokenStorage.renewTokenData} */
  renewTokenData(
    resourceServer: string,
    renew: (current: TokenStorageData | null) => Promise<OAuthTokenResponse>,
    options: RenewOptions,
  ): Promise<TokenStorageData> {
    return this.#ops.renewTokenData(resourceServer, renew, options);
  }
}

// ---- JSONTokenStorage -------------------------------------------------------------

/**
 * Keeps tokens in a JSON file that the Python SDK's `JSONTokenStorage` can
 * read and write too (format_version 2.0; 1.0 files are read as namespace
 * `DEFAULT` and rewritten as 2.0 on the next write, as Python does).
 *
 * Unlike Python's, it writes safely: every write takes an exclusive lock on
 * `<path>.lock`, re-reads the file under it, writes a temporary file (mode
 * 0600) and renames it over the target, so concurrent processes never lose
 * each other's records and a crash never leaves a torn file. The file ends up
 * 0600 after every write, and a missing parent directory is created 0700.
 * Reads take no lock and never create or change anything. The constructor
 * does no I/O. The path is used as given: `~` is not expanded.
 *
 * A file that cannot be used (not JSON, unknown format, a record of the wrong
 * shape, a directory at the path…) raises {@linkcode TokenStorageError} on
 * every read and write, and is never changed.
 *
 * @example Store the tokens of a login, find them on the next run
 * ```ts
 * import { JSONTokenStorage } from "./token_storage.ts";
 * const dir = await Deno.makeTempDir();
 * const storage = new JSONTokenStorage(`${dir}/tokens.json`);
 * await storage.storeTokenDataByResourceServer({
 *   "groups.api.globus.org": {
 *     resourceServer: "groups.api.globus.org", identityId: null, scope: "s", accessToken: "AT",
 *     refreshToken: "RT", expiresAtSeconds: 1796183373, tokenType: "Bearer", extra: {},
 *   },
 * });
 * console.log((await storage.getTokenData("groups.api.globus.org"))?.refreshToken); // "RT"
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class JSONTokenStorage implements TokenStorage {
  /** The token file, exactly as given. */
  readonly path: string;
  /** The namespace, `"DEFAULT"` unless given. */
  readonly namespace: string;
  readonly #ops: Operations;

  /**
   * Creates a storage for the file at `path` (absolute, or relative to the
   * working directory at each call; a bare file name works). No I/O happens here.
   */
  constructor(path: string, options?: { namespace?: string }) {
    if (typeof path !== "string" || path === "") {
      throw new GlobusSDKUsageError("JSONTokenStorage needs a file path");
    }
    this.path = path;
    this.namespace = checkNamespace(options);
    const records = (doc: JsonObject | null): Records => {
      const ns = doc ? namespaceRecords(doc, this.namespace) : undefined;
      return Object.fromEntries(
        Object.entries(ns ?? {}).map(([rs, record]) => [rs, recordToData(record as JsonObject)]),
      );
    };
    this.#ops = new Operations({
      read: async () => records(await readTokenFile(this.path)),
      update: (fn) =>
        updateTokenFile(this.path, async (doc) => {
          const { changes, result } = await fn(records(doc));
          if (changes.size > 0) {
            const data = own(doc, "data") as JsonObject;
            let ns = own(data, this.namespace) as JsonObject | undefined;
            if (ns === undefined) setOwn(data, this.namespace, ns = {});
            for (const [rs, change] of changes) {
              if (change) setOwn(ns, rs, dataToRecord(change));
              else delete ns[rs];
            }
          }
          return { changed: changes.size > 0, result };
        }),
    });
  }

  /**
   * Whether the token file exists as a regular file (symbolic links are
   * followed). It says nothing about its contents.
   *
   * @example
   * ```ts
   * import { JSONTokenStorage } from "./token_storage.ts";
   * console.log(await new JSONTokenStorage("/nonexistent/tokens.json").fileExists()); // false
   * ```
   */
  fileExists(): Promise<boolean> {
    return isRegularFile(this.path);
  }

  /**
   * Tightens a token file that others can read (mode 0644, say: one the
   * Python SDK wrote over an existing file keeps its mode) to 0600, and
   * checks that it took. Returns the mode it had and whether it is private
   * now, or null when there was nothing to do (no file, already private, or
   * not POSIX). Writes re-apply 0600 anyway; this is for runs that only read.
   *
   * @example
   * ```ts
   * import { JSONTokenStorage } from "./token_storage.ts";
   * console.log(await new JSONTokenStorage("/nonexistent/tokens.json").secureFile()); // null
   * ```
   */
  secureFile(): Promise<ModeFix | null> {
    return makePrivate(this.path);
  }

  /**
   * The namespaces present in the file, in file order; empty when there is no file.
   *
   * @example
   * ```ts
   * import { JSONTokenStorage } from "./token_storage.ts";
   * console.log(await new JSONTokenStorage("/nonexistent/tokens.json").listNamespaces()); // []
   * ```
   */
  async listNamespaces(): Promise<string[]> {
    const doc = await readTokenFile(this.path);
    return doc ? Object.keys(own(doc, "data") as JsonObject) : [];
  }

  /** {@inheritDoc TokenStorage.storeTokenResponse} */
  storeTokenResponse(response: OAuthTokenResponse): Promise<void> {
    return this.#ops.storeTokenResponse(response);
  }
  /** {@inheritDoc TokenStorage.storeTokenDataByResourceServer} */
  storeTokenDataByResourceServer(data: Record<string, TokenStorageData>): Promise<void> {
    return this.#ops.storeTokenDataByResourceServer(data);
  }
  /** {@inheritDoc TokenStorage.getTokenDataByResourceServer} */
  getTokenDataByResourceServer(): Promise<Record<string, TokenStorageData>> {
    return this.#ops.getTokenDataByResourceServer();
  }
  /** {@inheritDoc TokenStorage.getTokenData} */
  getTokenData(resourceServer: string): Promise<TokenStorageData | null> {
    return this.#ops.getTokenData(resourceServer);
  }
  /** {@inheritDoc TokenStorage.removeTokenData} */
  removeTokenData(resourceServer: string, options?: RemoveOptions): Promise<boolean> {
    return this.#ops.removeTokenData(resourceServer, options);
  }
  /** {@inheritDoc TokenStorage.renewTokenData} */
  renewTokenData(
    resourceServer: string,
    renew: (current: TokenStorageData | null) => Promise<OAuthTokenResponse>,
    options: RenewOptions,
  ): Promise<TokenStorageData> {
    return this.#ops.renewTokenData(resourceServer, renew, options);
  }
}
