/**
 * Private: reading a JSON token file, and the path checks that writing
 * (`_file_write.ts`) shares.
 *
 * The token path itself must be a regular file or absent: a symbolic link is
 * refused before anything else happens (a rename would replace the link, and
 * following it would write outside the paths a run was granted). Reads take
 * no lock: a writer replaces the file by a rename, so a reader sees the old
 * or the new file, never a torn one.
 *
 * Kept apart from the writing code so that a run which only reads its
 * tokens (the usual one) does not load the writer and its lock (issue 15).
 *
 * @module
 */

import { TokenStorageError } from "../core/errors.ts";
import { parseTokenFile } from "./_file_format.ts";
import type { JsonObject } from "./_record.ts";

/** Whether POSIX file modes apply (not on Windows). */
export const POSIX = Deno.build.os !== "windows";
const SEPARATOR = POSIX ? /\/+/g : /[\\/]+/g;

/** The directory part of `path`, `"."` for a bare file name (no node:path: see ARCHITECTURE.md). */
export function dirname(path: string): string {
  let i = -1;
  for (const m of path.matchAll(SEPARATOR)) i = m.index;
  if (i < 0) return ".";
  const dir = path.slice(0, i).replace(POSIX ? /\/+$/ : /[\\/]+$/, "");
  return dir === "" || (!POSIX && /^[A-Za-z]:$/.test(dir)) ? path.slice(0, i + 1) : dir;
}

/** lstats `path` (never following a link), or null when it does not exist. */
export async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new TokenStorageError(path, `cannot inspect the file (${errorText(err)})`, {
      cause: err,
    });
  }
}

/** The one line for something other than a regular file at the token path. */
function notAFile(path: string, info: Deno.FileInfo): TokenStorageError {
  if (info.isSymlink) {
    return new TokenStorageError(
      path,
      "is a symbolic link; the file is replaced atomically on every write, which would break " +
        "the link: use the link's target as the path, or replace the link with the file",
    );
  }
  const kind = info.isDirectory ? "a directory" : "not a regular file";
  return new TokenStorageError(
    path,
    `is ${kind}, not a regular file; remove it or use another path`,
  );
}

/** {@linkcode lstatOrNull}, synchronous (see {@linkcode readTokenFile} for why). */
function lstatOrNullSync(path: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new TokenStorageError(path, `cannot inspect the file (${errorText(err)})`, {
      cause: err,
    });
  }
}

/** Whether `path` is an existing regular file (a symbolic link is not). */
export async function isRegularFile(path: string): Promise<boolean> {
  return (await lstatOrNull(path))?.isFile ?? false;
}

/**
 * Reads the file and checks its structure; null when it does not exist.
 * Never creates or changes anything and takes no lock (writes replace the
 * file atomically).
 *
 * The lstat and the read are synchronous although the function returns a
 * promise: every run of a script starts here, and an async file call costs a
 * hop to Deno's blocking-I/O thread and back while the event loop has nothing
 * else to do (with `makePrivate`'s lstat, 0.45 ms of a 25 ms warm run on the
 * benchmark machine, 2026-12-01). A token file is a few KiB, and only a
 * regular file (checked first) is read, so the read cannot block for long.
 * The promise stays, so that callers and other storages keep one shape.
 */
// deno-lint-ignore require-await -- async so that a throw is a rejection, as before
export async function readTokenFile(path: string): Promise<JsonObject | null> {
  const info = lstatOrNullSync(path);
  if (info === null) return null;
  if (!info.isFile) throw notAFile(path, info);
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new TokenStorageError(path, `cannot read the file (${errorText(err)})`, { cause: err });
  }
  return parseTokenFile(path, bytes);
}

/**
 * Sets a token file that others can read to 0600, and checks that it took.
 * Returns null when there was nothing to do (no regular file, already
 * private, Windows). Never follows a symbolic link. Never throws for a chmod
 * that fails: a run that only reads the file can go on, and the caller says
 * what to do.
 */
export async function makePrivate(path: string): Promise<{ mode: number; fixed: boolean } | null> {
  if (!POSIX) return null;
  // Synchronous, as in readTokenFile: every run starts with this check.
  const modeOf = () => {
    const info = lstatOrNullSync(path);
    return info?.isFile ? (info.mode ?? 0) & 0o777 : 0;
  };
  const mode = modeOf();
  if ((mode & 0o077) === 0) return null;
  await Deno.chmod(path, 0o600).catch(() => {});
  return { mode, fixed: (modeOf() & 0o077) === 0 };
}

/** The text of a file-system error for a message: its name and message. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
