/**
 * Private: the exclusive cross-process lock of a token file, on the sidecar
 * file `<path>.lock`, which exists only while someone holds it.
 *
 * The protocol (POSIX; see ARCHITECTURE.md):
 *
 * 1. Open `<path>.lock` read-only, or create it (`createNew`, then chmod
 *    0600 if the umask took bits) when it is missing. Read-only opens work on
 *    a lock file of any mode the owner can read.
 * 2. `tryLock` it (`flock(LOCK_EX|LOCK_NB)`), polling with a short backoff:
 *    a wait can then be bounded, reported (`onWait` after `noticeMs`) and
 *    abandoned (`timeoutMs`) without leaving a blocked thread behind.
 * 3. Having the lock, check that the path still names the file locked (same
 *    device and inode). If not, the holder before removed it while this
 *    process waited: start again with whatever the path names now.
 * 4. To release: remove `<path>.lock` while still holding it, then close.
 *
 * No two processes hold the lock at once: a process holds it only on the
 * inode the path names, and only a holder removes the path. None is
 * deadlocked: a file removed under a waiter is seen in step 3. A holder
 * killed with SIGKILL leaves the file behind, unlocked; the next holder
 * removes it. On Windows, where an open file cannot be removed safely and
 * inode numbers may be missing, the lock file is kept, as before.
 *
 * The file calls are synchronous, inside async functions: each is a local
 * metadata call that returns at once (`tryLockSync` never blocks), while an
 * async one is a hop to Deno's I/O thread; taking the lock cost ~1.7 ms of
 * an expired-token run that way (issue 15). Only the wait between two polls
 * is asynchronous.
 *
 * @module
 */

import { TokenStorageError } from "../core/errors.ts";
import { errorText } from "./_file.ts";

const POSIX = Deno.build.os !== "windows";

/** How a lock is waited for. */
export interface LockWait {
  /** Give up after this many ms. */
  readonly timeoutMs: number;
  /** Call `onWait` once after this many ms of waiting. */
  readonly noticeMs: number;
  /** Told once that another process holds the lock. */
  readonly onWait?:
    | ((info: { path: string; lockPath: string; waitedMs: number }) => void)
    | undefined;
  /** Creates the token file's directory when the lock file cannot be created for lack of it. */
  readonly createDirectory: () => Promise<void>;
}

/** Paths this process holds the lock of, to say so when a wait is for itself. */
const heldHere = new Set<string>();

/** Runs `fn` while holding the lock of `path`; the lock file is gone afterwards. */
export async function withFileLock<T>(
  path: string,
  wait: LockWait,
  fn: () => Promise<T>,
): Promise<T> {
  const lockPath = `${path}.lock`;
  const file = await acquire(path, lockPath, wait);
  heldHere.add(lockPath);
  try {
    return await fn();
  } finally {
    heldHere.delete(lockPath);
    try {
      if (POSIX && namesFile(lockPath, file)) Deno.removeSync(lockPath);
    } catch {
      // left behind: the next holder removes it
    } finally {
      file.close(); // releases the lock
    }
  }
}

async function acquire(path: string, lockPath: string, wait: LockWait): Promise<Deno.FsFile> {
  const started = performance.now();
  let noticed = false;
  let delayMs = 2;
  for (;;) {
    const file = await openLockFile(path, lockPath, wait);
    let keep = false;
    try {
      for (;;) {
        const locked = file.tryLockSync(true);
        if (locked && (!POSIX || namesFile(lockPath, file))) {
          keep = true;
          return file;
        }
        const waitedMs = performance.now() - started;
        // Locked but no longer named by the path: the holder before removed it while this
        // process waited; lock what the path names now (the bound below still holds).
        if (locked && waitedMs < wait.timeoutMs) break;
        if (waitedMs >= wait.timeoutMs) {
          const self = heldHere.has(lockPath)
            ? "this process holds it (a write to the storage from inside renewTokenData()?)"
            : "another process is using the token file";
          throw new TokenStorageError(
            path,
            `gave up waiting after ${wait.timeoutMs / 1000} s for the lock ${lockPath}: ${self}; ` +
              `the file was not changed. ` +
              `Try again when it is done, or stop it`,
          );
        }
        if (!noticed && waitedMs >= wait.noticeMs) {
          noticed = true;
          wait.onWait?.({ path, lockPath, waitedMs });
        }
        await new Promise((r) => setTimeout(r, delayMs));
        delayMs = Math.min(delayMs * 2, 50);
      }
    } finally {
      if (!keep) file.close();
    }
  }
}

/** Whether `lockPath` still names the open `file` (same device and inode). */
function namesFile(lockPath: string, file: Deno.FsFile): boolean {
  const held = file.statSync();
  let named: Deno.FileInfo;
  try {
    named = Deno.lstatSync(lockPath);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  if (held.ino === null || named.ino === null) return true; // cannot tell: assume so
  return held.dev === named.dev && held.ino === named.ino;
}

/** Whether `path` is a symbolic link (false when it does not exist or cannot be looked at). */
function lstatIsSymlink(path: string): boolean {
  try {
    return Deno.lstatSync(path).isSymlink;
  } catch {
    return false;
  }
}

/** Opens the lock file read-only, creating it 0600 when missing. */
async function openLockFile(path: string, lockPath: string, wait: LockWait): Promise<Deno.FsFile> {
  const failure = (err: unknown) => {
    const hint = err instanceof Deno.errors.PermissionDenied
      ? `; if no other program is using the token file, remove ${lockPath}`
      : "";
    return new TokenStorageError(
      path,
      `cannot open the lock file ${lockPath} (${errorText(err)})${hint}`,
      { cause: err },
    );
  };
  for (let attempt = 0;; attempt++) {
    // A link would be followed by open() and never named by the path's own inode: the lock
    // could never be confirmed. It is not this SDK's to remove.
    const link = lstatIsSymlink(lockPath);
    if (link) {
      throw new TokenStorageError(
        path,
        `the lock file ${lockPath} is a symbolic link, which this SDK never creates; remove it and run again`,
      );
    }
    try {
      return Deno.openSync(lockPath, { read: true });
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw failure(err);
    }
    try {
      const file = Deno.openSync(lockPath, {
        read: true,
        write: true,
        createNew: true,
        mode: 0o600,
      });
      // Whatever the umask: another process must be able to open it read-only.
      // Created 0600, it has that mode unless the umask took bits: fstat the
      // handle (synchronous: no path lookup, no thread hop), chmod only then.
      if (POSIX && ((file.statSync().mode ?? 0o600) & 0o777) !== 0o600) {
        try {
          Deno.chmodSync(lockPath, 0o600);
        } catch {
          // another process can still open it if it may read it; the lock works either way
        }
      }
      return file;
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) continue; // created meanwhile: open that one
      if (!(err instanceof Deno.errors.NotFound) || attempt > 0) {
        throw err instanceof TokenStorageError ? err : failure(err);
      }
      await wait.createDirectory(); // the parent directory is missing
    }
  }
}
