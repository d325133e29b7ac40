/**
 * Private: reading and safely rewriting a JSON token file.
 *
 * Every write is a read-modify-write under an exclusive lock:
 *
 * 1. In this process, writes to one path queue on a promise chain.
 * 2. Across processes, the writer holds an exclusive advisory lock
 *    (`FsFile.lock(true)`, i.e. `flock` on POSIX, `LockFileEx` on Windows) on
 *    the sidecar file `<path>.lock`, created with mode 0600. The lock file is
 *    never deleted: deleting it would let a waiting process lock the old,
 *    unlinked inode while a newcomer locks a new file, so two writers would
 *    each believe they held the lock.
 * 3. Under the lock the file is read again, changed, written to the temporary
 *    file `<path>.tmp` (created 0600 with `createNew`, after removing any
 *    leftover of a killed writer), flushed with fsync, and renamed over the
 *    target, so readers, which take no lock, see either the old or the new
 *    file and never a torn one. The directory is then fsynced (best effort)
 *    so the rename survives a power loss.
 *
 * The temporary file has a fixed name because only the lock holder writes
 * it, and so that a script can be granted exactly three paths
 * (`--allow-write=<path>,<path>.lock,<path>.tmp`) instead of a whole
 * directory. For the same reason nothing here reads or lists the directory:
 * it is created only when opening the lock file finds it missing.
 *
 * @module
 */

import { TokenStorageError } from "../core/errors.ts";
import {
  emptyTokenFile,
  type JsonObject,
  parseTokenFile,
  pythonJsonDumps,
  setOwn,
} from "./_format.ts";
import { VERSION } from "../core/version.ts";

const POSIX = Deno.build.os !== "windows";
const SEPARATOR = POSIX ? /\/+/g : /[\\/]+/g;

// Tiny path helpers (no node:path: the project type-checks without @types/node).

/** The path's last separator, or -1. */
function lastSeparator(path: string): number {
  let index = -1;
  for (const m of path.matchAll(SEPARATOR)) index = m.index;
  return index;
}

/** The directory part of `path`, `"."` for a bare file name. */
function dirname(path: string): string {
  const i = lastSeparator(path);
  if (i < 0) return ".";
  const dir = path.slice(0, i).replace(POSIX ? /\/+$/ : /[\\/]+$/, "");
  return dir === "" || (!POSIX && /^[A-Za-z]:$/.test(dir)) ? path.slice(0, i + 1) : dir;
}

/** A key that is the same for every spelling of one file seen from this process. */
function queueKey(path: string): string {
  const absolute = POSIX ? path.startsWith("/") : /^([A-Za-z]:)?[\\/]/.test(path);
  if (absolute) return path;
  try {
    return `${Deno.cwd()}/${path}`;
  } catch {
    return path; // no permission to read the cwd: the file lock still protects the write
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Stats `path` (following links), or null when it does not exist. */
async function statOrNull(path: string, follow = true): Promise<Deno.FileInfo | null> {
  try {
    return follow ? await Deno.stat(path) : await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new TokenStorageError(path, `cannot inspect the file (${errorText(err)})`, {
      cause: err,
    });
  }
}

function kindOf(info: Deno.FileInfo): string {
  return info.isDirectory
    ? "a directory"
    : info.isSymlink
    ? "a symbolic link"
    : "not a regular file";
}

/** Whether `path` is an existing regular file (following symbolic links). */
export async function isRegularFile(path: string): Promise<boolean> {
  return (await statOrNull(path))?.isFile ?? false;
}

/**
 * Reads and validates the file; null when it does not exist. Never creates
 * or changes anything and takes no lock (writes replace the file atomically).
 */
export async function readTokenFile(path: string): Promise<JsonObject | null> {
  const info = await statOrNull(path);
  if (info === null) return null;
  if (!info.isFile) {
    throw new TokenStorageError(
      path,
      `is ${kindOf(info)}, not a regular file; remove it or use another path`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new TokenStorageError(path, `cannot read the file (${errorText(err)})`, { cause: err });
  }
  return parseTokenFile(path, bytes);
}

/** What {@linkcode makePrivate} found and did. */
export interface ModeFix {
  /** The permission bits the file had. */
  readonly mode: number;
  /** Whether the file is private now (chmod can fail, or be ignored by the file system). */
  readonly fixed: boolean;
}

/**
 * Sets a token file that others can read to 0600, and checks that it took.
 * Returns null when there was nothing to do (no file, already private,
 * Windows). Never throws for a chmod that fails: a run that only reads the
 * file can go on, and the caller says what to do.
 */
export async function makePrivate(path: string): Promise<ModeFix | null> {
  if (!POSIX) return null;
  const modeOf = async () => {
    const info = await statOrNull(path);
    return info?.isFile ? (info.mode ?? 0) & 0o777 : 0;
  };
  const mode = await modeOf();
  if ((mode & 0o077) === 0) return null;
  await Deno.chmod(path, 0o600).catch(() => {});
  return { mode, fixed: ((await modeOf()) & 0o077) === 0 };
}

/** In-process queue of writers, per absolute path. */
const queues = new Map<string, Promise<void>>();

async function inProcessQueue<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn);
  const tail = run.then(() => {}, () => {});
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/** Creates the parent directory (mode 0700); called when it turned out to be missing. */
async function createDirectory(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    if (POSIX) await Deno.chmod(dir, 0o700); // whatever the umask
  } catch (err) {
    throw new TokenStorageError(path, `cannot create the directory ${dir} (${errorText(err)})`, {
      cause: err,
    });
  }
}

/**
 * Runs `fn` while holding the exclusive lock of `path` (in-process queue and
 * `<path>.lock`). Creates the parent directory and the lock file if needed.
 */
function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const key = queueKey(path);
  return inProcessQueue(key, () => lockedCall(path, fn));
}

async function openLockFile(path: string): Promise<Deno.FsFile> {
  const lockPath = `${path}.lock`;
  const open = () => Deno.open(lockPath, { read: true, write: true, create: true, mode: 0o600 });
  try {
    try {
      return await open();
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      await createDirectory(path); // the parent directory is missing
      return await open();
    }
  } catch (err) {
    if (err instanceof TokenStorageError) throw err;
    const problem = `cannot open the lock file ${lockPath} (${errorText(err)})`;
    throw new TokenStorageError(path, problem, { cause: err });
  }
}

async function lockedCall<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lockFile = await openLockFile(path);
  try {
    await lockFile.lock(true);
    return await fn();
  } finally {
    lockFile.close(); // closing releases the lock
  }
}

/**
 * Under the lock: reads the file (or starts from an empty one), lets `change`
 * edit it in place, and when it reports a change writes it back atomically
 * with `globus-sdk.version` set to this SDK's version.
 */
export function updateTokenFile<T>(
  path: string,
  change: (doc: JsonObject) => Promise<{ changed: boolean; result: T }>,
): Promise<T> {
  return withFileLock(path, async () => {
    const link = await statOrNull(path, false);
    if (link && !link.isFile) {
      throw new TokenStorageError(
        path,
        `is ${kindOf(link)}, not a regular file; remove it or use another path`,
      );
    }
    const doc = (await readTokenFile(path)) ?? emptyTokenFile();
    const { changed, result } = await change(doc);
    if (changed) {
      setOwn(doc, "globus-sdk.version", VERSION);
      await writeAtomically(path, pythonJsonDumps(doc));
    }
    return result;
  });
}

/** Writes `text` to `path` by temp file, fsync and rename. Call only under the lock. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const bytes = new TextEncoder().encode(text);
  let file: Deno.FsFile | undefined;
  try {
    // A leftover of a writer killed mid-write; never written through (it could be a link).
    await Deno.remove(tmp).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
    await file.sync();
    file.close();
    file = undefined;
    // chmod before the rename: the target never exists with a looser mode,
    // and an existing 0644 file is replaced by a 0600 one (W4).
    if (POSIX) await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
  } catch (err) {
    file?.close();
    await Deno.remove(tmp).catch(() => {});
    throw new TokenStorageError(
      path,
      `cannot write the file (${errorText(err)}); it was left as it was`,
      {
        cause: err,
      },
    );
  }
  await syncDirectory(dirname(path));
}

/**
 * Makes the rename durable. Best effort: not every platform can open a
 * directory, and a script granted only the token file's three paths may not
 * read its directory — asking would raise a permission prompt, so it does not.
 */
async function syncDirectory(dir: string): Promise<void> {
  if (!POSIX) return;
  if (Deno.permissions.querySync({ name: "read", path: dir }).state !== "granted") return;
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch {
    // durability of the rename is a bonus; the write itself succeeded
  }
}
