/**
 * The scripts' failures: the two error classes of the command line, the one
 * wording of "login expired", and the mapping of any error to one line on
 * stderr with its exit status.
 *
 * @module
 */

import {
  AuthAPIError,
  GlobusAPIError,
  GlobusSDKUsageError,
  NetworkError,
  RefreshTokenRejectedError,
  TokenStorageError,
  UnexpectedResponseError,
} from "../lib/core/errors.ts";
import { VERSION } from "../lib/core/version.ts";
import { BrowserUnavailableError, LoginFlowError } from "../lib/login_flows/errors.ts";
import { IdTokenError } from "../lib/tokens/errors.ts";
import type { Io } from "./_io.ts";
import { terminalSafe } from "./_format.ts";

/** A usage error of the command line: exit status 2. */
export class UsageError extends Error {}

/** A failure already explained in one line: exit status 1. */
export class CliError extends Error {}

/** `--version` was asked for: print the version, exit 0, do nothing else. */
export class VersionRequest extends Error {}

/** Exit status when stdout was closed by the reader (`| head -1`): 128 + SIGPIPE, as Unix tools. */
export const BROKEN_PIPE_STATUS = 141;

/** The one wording of a login Globus no longer accepts. */
export const LOGIN_EXPIRED = "the stored Globus login has expired or been revoked";

/** The Deno permission flag an error names (`Requires read access to …`), if any. */
function permissionFlag(error: Error): string | undefined {
  const kind = error.message.match(/Requires (\w+) access/)?.[1];
  return kind ? `--allow-${kind}` : undefined;
}

/** The missing-permission line: names the flag and what it must include. */
function describePermission(error: Error, file: string | undefined): string {
  const flag = permissionFlag(error);
  if (file !== undefined && (flag === "--allow-read" || flag === "--allow-write")) {
    const comma = file.includes(",")
      ? `; this path holds a comma, which Deno's permission lists cannot express: use a --token-file without one`
      : "";
    return `missing permission: --allow-read and --allow-write must include ${file}, ${file}.lock and ${file}.tmp${comma}; see the permissions in --help`;
  }
  const target = error.message.match(/access to "([^"]*)"/)?.[1];
  return `missing permission: ${flag ?? "a permission flag"}${
    target ? ` must include ${target}` : ""
  }; see the permissions in --help`;
}

/** A missing Deno permission, itself or as the cause of a token-file error. */
function missingPermission(error: unknown): Error | undefined {
  const isPermission = (e: unknown): e is Error =>
    e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
  if (isPermission(error)) return error;
  if (error instanceof TokenStorageError && isPermission(error.cause)) return error.cause;
  return undefined;
}

/** One line that says what happened and what to do, for any failure. Never includes a token. */
export function describeError(error: unknown, context: { tokenFile?: string } = {}): string {
  const file = context.tokenFile;
  const permission = missingPermission(error);
  if (permission !== undefined) return describePermission(permission, file);
  if (error instanceof CliError || error instanceof UsageError) return error.message;
  if (error instanceof BrowserUnavailableError) {
    return `${error.message}; log in by copying a code instead (--no-local-server)`;
  }
  // A login that did not complete: declined, timed out, no or absurd code. Its text is for people.
  if (error instanceof LoginFlowError) return error.message;
  if (error instanceof RefreshTokenRejectedError) {
    return `${LOGIN_EXPIRED}; log in again${file ? ` (remove ${file} or run with --logout)` : ""}`;
  }
  if (error instanceof TokenStorageError) return error.message;
  if (error instanceof AuthAPIError && error.code === "invalid_client") {
    return `Globus Auth does not accept the client id (invalid_client: ${error.message}); check --client-id: it must be a native app's client id (a "thick client or script" app at https://app.globus.org/settings/developers)`;
  }
  if (error instanceof GlobusAPIError) {
    if (error.httpStatus === 401) {
      return `Globus rejected the login (${error.message}); log in again${
        file ? " (run with --force-login)" : ""
      }`;
    }
    // A final 429/503 whose Retry-After is a date or over the transport's 10 s cap: say what
    // Globus asked for (a short one was waited for, and retried, already).
    const retryAfter = error.headers.get("retry-after")?.trim();
    const seconds = Number(retryAfter);
    if (
      (error.httpStatus === 429 || error.httpStatus === 503) && retryAfter &&
      !(Number.isFinite(seconds) && seconds <= 10)
    ) {
      return `Globus is busy (${error.message}) and asked to be called again after "${retryAfter}" (Retry-After), longer than this script waits; try again then`;
    }
    if (error.httpStatus >= 500) {
      return `Globus is not answering properly (${error.message}); try again later`;
    }
    return `Globus refused the request: ${error.message}`;
  }
  if (error instanceof IdTokenError) return `the login could not be verified: ${error.message}`;
  if (error instanceof UnexpectedResponseError) {
    return `${error.message}; if this persists, report it to support@globus.org`;
  }
  if (error instanceof NetworkError) {
    return `could not reach Globus: ${error.message}; check the network connection (and GLOBUS_SDK_SERVICE_URL_* if set)`;
  }
  if (error instanceof GlobusSDKUsageError) return `invalid setting: ${error.message}`;
  return `unexpected failure: ${error instanceof Error ? error.message.split("\n")[0] : error}`;
}

/** The exit status of a failure: 2 for the command line (usage, permissions), else 1. */
function exitStatus(error: unknown): number {
  return error instanceof UsageError || missingPermission(error) !== undefined ? 2 : 1;
}

/**
 * Runs a script's `main` and maps the outcome to an exit status: 0, 1 for a
 * failure (one line on stderr, no stack trace), 2 for bad usage or a missing
 * permission, 141 (quietly) when the reader of stdout went away.
 */
export async function runCli(
  main: () => Promise<void>,
  io: Io,
  context: { tokenFile?: string } = {},
): Promise<number> {
  try {
    await main();
    return 0;
  } catch (error) {
    if (error instanceof VersionRequest) {
      try {
        await io.out(`globus-deno ${VERSION}\n`);
      } catch (writeError) {
        // `--version | true`: the reader went away, as for any other output.
        if (writeError instanceof Deno.errors.BrokenPipe) return BROKEN_PIPE_STATUS;
        throw writeError;
      }
      return 0;
    }
    // `… | head -1` closed stdout: stop, as Unix tools do, without a word.
    if (error instanceof Deno.errors.BrokenPipe) return BROKEN_PIPE_STATUS;
    // One line, whatever Globus or a path put in the message, and nothing a terminal obeys.
    const line = terminalSafe(describeError(error, context).replace(/\s*[\r\n]+\s*/g, " "));
    try {
      await io.err(`error: ${line}\n`);
    } catch { /* stderr is gone too: the exit status still tells */ }
    return exitStatus(error);
  }
}
