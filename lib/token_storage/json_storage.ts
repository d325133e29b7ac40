/**
 * {@linkcode JSONTokenStorage}: the Python SDK's token file, written safely.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../core/errors.ts";
import {
  LockingTokenStorage,
  type RecordUpdate,
  type StoredRecords,
  type TokenStorageBackend,
} from "./backed_storage.ts";
import { namespaceRecords } from "./_file_format.ts";
import { isRegularFile, makePrivate, readTokenFile } from "./_file.ts";
import {
  checkNamespace,
  dataToRecord,
  type JsonObject,
  own,
  recordToData,
  setOwn,
} from "./_record.ts";

/**
 * The writing half of the file code and its lock, loaded on the first write:
 * a run that only reads its tokens (the usual one) does not load them
 * (issue 15). A literal import(), which `deno bundle` and `deno compile` follow.
 */
const fileWriter = () => import("./_file_write.ts");

/**
 * What {@linkcode JSONTokenStorageOptions.onLockWait} is told.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LockWaitInfo } from "./json_storage.ts";
 *
 * const info: LockWaitInfo = { path: "/t.json", lockPath: "/t.json.lock", waitedMs: 1000 };
 * assert.equal(info.lockPath, `${info.path}.lock`);
 * ```
 */
export interface LockWaitInfo {
  /** The token file. */
  readonly path: string;
  /** Its lock file, which another process holds. */
  readonly lockPath: string;
  /** How long this call has waited so far, in ms. */
  readonly waitedMs: number;
}

/**
 * Options of {@linkcode JSONTokenStorage}.
 *
 * @example Say so when another process holds the file, give up after 10 s
 * ```ts
 * import assert from "node:assert/strict";
 * import type { JSONTokenStorageOptions } from "./json_storage.ts";
 *
 * const options: JSONTokenStorageOptions = {
 *   lockTimeoutMs: 10_000,
 *   onLockWait: (info) => console.error(`waiting for ${info.lockPath}`),
 * };
 * assert.equal(options.lockTimeoutMs, 10_000);
 * ```
 */
export interface JSONTokenStorageOptions {
  /** The namespace, `"DEFAULT"` unless given. */
  readonly namespace?: string;
  /**
   * How long a write (or renewal) waits for another process's lock before it
   * fails with a `TokenStorageError`, leaving the file as it was. Default
   * 40 000: longer than the 30 s a renewal may hold the lock.
   */
  readonly lockTimeoutMs?: number;
  /** After how long a wait `onLockWait` is called. Default 1 000. */
  readonly lockNoticeMs?: number;
  /** Called once per wait that lasts `lockNoticeMs`: say that another process holds the file. */
  readonly onLockWait?: (info: LockWaitInfo) => void;
}

/**
 * What {@linkcode JSONTokenStorage.secureFile} found and did.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ModeFix } from "./json_storage.ts";
 *
 * const fix: ModeFix = { mode: 0o644, fixed: true };
 * assert.equal(fix.mode.toString(8), "644");
 * ```
 */
export interface ModeFix {
  /** The permission bits the file had. */
  readonly mode: number;
  /** Whether the file is private now (chmod can fail, or be ignored by the file system). */
  readonly fixed: boolean;
}

/** One namespace of the file: its records read from, and written into, the parsed document. */
class JSONFileBackend implements TokenStorageBackend {
  readonly #path: string;
  readonly #namespace: string;
  readonly #wait: { timeoutMs: number; noticeMs: number; onWait?: (info: LockWaitInfo) => void };

  constructor(path: string, namespace: string, options: JSONTokenStorageOptions) {
    this.#path = path;
    this.#namespace = namespace;
    this.#wait = {
      timeoutMs: options.lockTimeoutMs ?? 40_000,
      noticeMs: options.lockNoticeMs ?? 1_000,
      ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
    };
  }

  /** The lock-wait settings, for the preflight. */
  get wait() {
    return this.#wait;
  }

  #records(doc: JsonObject | null): StoredRecords {
    if (doc === null) return {};
    const records = namespaceRecords(this.#path, doc, this.#namespace);
    return Object.fromEntries(
      Object.entries(records).map(([rs, record]) => [rs, recordToData(record as JsonObject)]),
    );
  }

  async readRecords(): Promise<StoredRecords> {
    return this.#records(await readTokenFile(this.#path));
  }

  async updateRecords<T>(fn: (current: StoredRecords) => Promise<RecordUpdate<T>>): Promise<T> {
    const { updateTokenFile } = await fileWriter();
    return await updateTokenFile(this.#path, this.#namespace, this.#wait, async (doc) => {
      const { changes, result } = await fn(this.#records(doc));
      if (changes.size === 0) return { changed: false, result };
      const data = own(doc, "data") as JsonObject;
      const ns = (own(data, this.#namespace) as JsonObject | undefined) ?? {};
      setOwn(data, this.#namespace, ns);
      for (const [rs, change] of changes) {
        if (change) setOwn(ns, rs, dataToRecord(change));
        else delete ns[rs];
      }
      // No empty namespace is left behind (a logout leaves no `"DEFAULT": {}`).
      if (Object.keys(ns).length === 0) delete data[this.#namespace];
      return { changed: true, result };
    });
  }
}

/**
 * Keeps tokens in a JSON file that the Python SDK's `JSONTokenStorage` can
 * read and write too (format_version 2.0; 1.0 files are read as namespace
 * `DEFAULT` and rewritten as 2.0 on the next write, as Python does).
 *
 * Unlike Python's, it writes safely: every write takes an exclusive lock
 * (the sidecar `<path>.lock`, which exists only while held), re-reads the
 * file under it, writes a temporary file `<path>.tmp` (mode 0600), reads it
 * back, and renames it over the target, so concurrent processes never lose
 * each other's records, a crash never leaves a torn file, and nothing is
 * written that this SDK could not read. The file ends up 0600 after every
 * write whatever the umask, and a missing parent directory is created 0700
 * (when the run may create it). Reads take no lock and never create or
 * change anything. The constructor does no I/O. The path is used as given:
 * `~` is not expanded, and a symbolic link is refused (the rename would
 * replace it). On Windows the POSIX modes are not enforced: keep the file in
 * a directory only you can read (your profile).
 *
 * A file that cannot be used (not JSON, unknown format, a directory at the
 * path…) raises {@linkcode TokenStorageError} on every read and write, and is
 * never changed. Records are checked in this storage's namespace only: a bad
 * record in another namespace is kept as it is.
 *
 * @example Store the tokens of a login, find them on the next run
 * ```ts
 * import assert from "node:assert/strict";
 * import { JSONTokenStorage } from "./json_storage.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const storage = new JSONTokenStorage(`${dir}/tokens.json`);
 * await storage.storeTokenDataByResourceServer({
 *   "groups.api.globus.org": {
 *     resourceServer: "groups.api.globus.org", identityId: null, scope: "s", accessToken: "AT",
 *     refreshToken: "RT", expiresAtSeconds: 1796183373, tokenType: "Bearer", extra: {},
 *   },
 * });
 * assert.equal((await storage.getTokenData("groups.api.globus.org"))?.refreshToken, "RT");
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["tokens.json"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class JSONTokenStorage extends LockingTokenStorage {
  /** The token file, exactly as given. */
  readonly path: string;
  readonly #file: JSONFileBackend;

  /**
   * Creates a storage for the file at `path` (absolute, or relative to the
   * working directory at each call; a bare file name works). No I/O happens here.
   */
  constructor(path: string, options: JSONTokenStorageOptions = {}) {
    if (typeof path !== "string" || path === "") {
      throw new GlobusSDKUsageError("JSONTokenStorage needs a file path");
    }
    const backend = new JSONFileBackend(path, checkNamespace(options), options);
    super(backend, options);
    this.path = path;
    this.#file = backend;
  }

  /**
   * Whether the token file exists as a regular file (a symbolic link does
   * not count). It says nothing about its contents.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { JSONTokenStorage } from "./json_storage.ts";
   *
   * assert.equal(await new JSONTokenStorage("/nonexistent/tokens.json").fileExists(), false);
   * ```
   */
  fileExists(): Promise<boolean> {
    return isRegularFile(this.path);
  }

  /**
   * Tightens a token file that others can read (mode 0644 or 0640, say: one
   * the Python SDK wrote over an existing file keeps its mode) to 0600, and
   * checks that it took. Returns the mode it had and whether it is private
   * now, or null when there was nothing to do (no regular file — a symbolic
   * link is never followed —, already private, or not POSIX). Writes
   * re-apply 0600 anyway; this is for runs that only read.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { JSONTokenStorage } from "./json_storage.ts";
   *
   * assert.equal(await new JSONTokenStorage("/nonexistent/tokens.json").secureFile(), null);
   * ```
   */
  secureFile(): Promise<ModeFix | null> {
    return makePrivate(this.path);
  }

  /**
   * Checks, before something that cannot be repeated (a login), that a write
   * would succeed now: the path is a regular file or absent, its contents
   * are valid in this namespace, the run may write it, and its `.lock` and
   * `.tmp` can be created (a leftover `.tmp` is removed). Changes nothing
   * else, and leaves no file behind. Waits for another process's lock as a
   * write does.
   *
   * @throws {TokenStorageError} naming the path and what to do.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { JSONTokenStorage } from "./json_storage.ts";
   *
   * const dir = await Deno.makeTempDir();
   * await new JSONTokenStorage(`${dir}/tokens.json`).checkWritable();
   * assert.deepEqual([...Deno.readDirSync(dir)], []);
   * await Deno.remove(dir);
   * ```
   */
  async checkWritable(): Promise<void> {
    const { checkWritable } = await fileWriter();
    await checkWritable(this.path, this.namespace, this.#file.wait);
  }

  /**
   * The namespaces present in the file, in file order; empty when there is no file.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { JSONTokenStorage } from "./json_storage.ts";
   *
   * assert.deepEqual(await new JSONTokenStorage("/nonexistent/tokens.json").listNamespaces(), []);
   * ```
   */
  async listNamespaces(): Promise<string[]> {
    const doc = await readTokenFile(this.path);
    return doc ? Object.keys(own(doc, "data") as JsonObject) : [];
  }
}
