/**
 * Private: safely rewriting a JSON token file (reading is `_file.ts`).
 *
 * Every write is a read-modify-write under the file's exclusive lock
 * (`_lock.ts`, on `<path>.lock`, removed again when released). Under the
 * lock the file is read again, changed, written to the temporary file
 * `<path>.tmp` (created 0600 with `createNew`, after removing any leftover of
 * a killed writer that the create finds in the way), flushed with fsync,
 * checked by reading it back with the same reader every read uses, and
 * renamed over the target: readers, which take no lock, see either the old
 * or the new file, never a torn one, and this SDK never writes a file it
 * would refuse to read. The token path itself must be a regular file or
 * absent (`_file.ts` says why).
 *
 * The temporary and lock files have fixed names so that a script can be
 * granted exactly three paths (`--allow-write=<path>,<path>.lock,<path>.tmp`)
 * instead of a whole directory. For the same reason nothing here reads or
 * lists the directory: it is created only when the lock file finds it missing.
 *
 * @module
 */

import { TokenStorageError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { emptyTokenFile, namespaceRecords, parseTokenFile } from "./_file_format.ts";
import { dirname, errorText, lstatOrNull, POSIX, readTokenFile } from "./_file.ts";
import { type LockWait, withFileLock } from "./_lock.ts";
import { pythonJsonDumps } from "./_python_json.ts";
import { type JsonObject, setOwn } from "./_record.ts";

/** Creates the parent directory (mode 0700); called when it turned out to be missing. */
async function createDirectory(path: string): Promise<void> {
  const dir = dirname(path);
  // Never raise a permission prompt for a directory a narrow grant leaves out.
  if (Deno.permissions.querySync({ name: "write", path: dir }).state !== "granted") {
    throw new TokenStorageError(
      path,
      `the directory ${dir} does not exist; create it (mkdir -m 700 ${dir}) or use another path`,
    );
  }
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    if (POSIX) await Deno.chmod(dir, 0o700); // whatever the umask
  } catch (err) {
    throw new TokenStorageError(path, `cannot create the directory ${dir} (${errorText(err)})`, {
      cause: err,
    });
  }
}

function lockWait(path: string, wait: Omit<LockWait, "createDirectory">): LockWait {
  return { ...wait, createDirectory: () => createDirectory(path) };
}

/**
 * Under the lock: reads the file (or starts from an empty one), lets `change`
 * edit it in place, and when it reports a change writes it back atomically
 * with `globus-sdk.version` set to this SDK's version. `namespace` is the one
 * whose records must be valid in what is written.
 */
export function updateTokenFile<T>(
  path: string,
  namespace: string,
  wait: Omit<LockWait, "createDirectory">,
  change: (doc: JsonObject) => Promise<{ changed: boolean; result: T }>,
): Promise<T> {
  return withFileLock(path, lockWait(path, wait), async () => {
    const doc = (await readTokenFile(path)) ?? emptyTokenFile();
    const { changed, result } = await change(doc);
    if (changed) {
      setOwn(doc, "globus-sdk.version", VERSION);
      const text = pythonJsonDumps(doc);
      // Never write what the next read would refuse.
      namespaceRecords(path, parseTokenFile(path, new TextEncoder().encode(text)), namespace);
      await writeAtomically(path, text);
    }
    return result;
  });
}

/**
 * Checks, without changing the token file, that a write could succeed now:
 * the path is a regular file or absent, the file is readable and valid in
 * `namespace`, the run may write the path, and the lock and temporary files
 * can be created (a leftover temporary file is removed).
 */
export function checkWritable(
  path: string,
  namespace: string,
  wait: Omit<LockWait, "createDirectory">,
): Promise<void> {
  return withFileLock(path, lockWait(path, wait), async () => {
    const doc = await readTokenFile(path);
    if (doc) namespaceRecords(path, doc, namespace);
    const desc = { name: "write", path } as const;
    let state = (await Deno.permissions.query(desc)).state;
    if (state === "prompt") state = (await Deno.permissions.request(desc)).state;
    if (state !== "granted") {
      throw new TokenStorageError(
        path,
        `this run may not write it; grant write access to it, its .lock and its .tmp`,
      );
    }
    const tmp = await createTemp(path);
    tmp.close();
    await Deno.remove(`${path}.tmp`).catch(() => {});
  });
}

/**
 * Creates `<path>.tmp` afresh (0600), removing a leftover file, link or empty
 * directory first. `createNew` (O_EXCL) never opens or follows what is there,
 * so the leftover is looked at only when the create finds one: a run whose
 * last writer finished pays one open, not a stat and a remove as well.
 */
async function createTemp(path: string): Promise<Deno.FsFile> {
  const tmp = `${path}.tmp`;
  const create = () => Deno.openSync(tmp, { write: true, createNew: true, mode: 0o600 });
  const cannotCreate = (err: unknown) =>
    new TokenStorageError(path, `cannot create the temporary file ${tmp} (${errorText(err)})`, {
      cause: err,
    });
  try {
    return create();
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw cannotCreate(err);
  }
  // A leftover of a writer killed mid-write; never written through (it could be a link).
  const left = await lstatOrNull(tmp);
  if (left !== null) {
    try {
      Deno.removeSync(tmp); // a file, a link, or an empty directory
    } catch (err) {
      const what = left.isDirectory ? "a directory that is not empty" : "a file";
      throw new TokenStorageError(
        path,
        `cannot write the file: ${tmp} is in the way (${what} that cannot be removed: ${
          errorText(err)
        }); remove it`,
        { cause: err },
      );
    }
  }
  try {
    return create();
  } catch (err) {
    throw cannotCreate(err);
  }
}

/**
 * Writes `text` to `path` by temp file, fsync and rename. Call only under the lock.
 *
 * The quick calls (create, write of a few KiB to the page cache, chmod,
 * rename) are synchronous: an async one is a hop to Deno's I/O thread each
 * (issue 15). The fsync, which waits for the disk, stays async so that a
 * program using this storage keeps serving while it waits.
 */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const bytes = new TextEncoder().encode(text);
  let file: Deno.FsFile | undefined = await createTemp(path);
  try {
    for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
    await file.sync();
    // Exactly 0600 before the rename, whatever the umask (one that takes the
    // owner's bits would leave the file unreadable to the next run). Created
    // 0600, it has that mode unless the umask took bits: fstat the open file
    // (a synchronous call on a handle: no path lookup, no thread hop) and
    // chmod only then.
    const mode = POSIX ? (file.statSync().mode ?? 0o600) & 0o777 : 0o600;
    file.close();
    file = undefined;
    if (mode !== 0o600) Deno.chmodSync(tmp, 0o600);
    Deno.renameSync(tmp, path);
  } catch (err) {
    file?.close();
    await Deno.remove(tmp).catch(() => {});
    throw new TokenStorageError(
      path,
      `cannot write the file (${errorText(err)}); it was left as it was`,
      { cause: err },
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
