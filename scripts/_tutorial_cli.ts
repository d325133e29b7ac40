/**
 * The command line of the two tutorial scripts, and the storage script's
 * token file: the options they share (`--format`, `--client-id`,
 * `--local-server`), the storage script's own (`--token-file`,
 * `--lock-timeout`, `--logout`, …) checked in one place, and the token
 * storage it opens (a namespace per client, a message while it waits for
 * another process, a file others can read made private). What a run needs
 * when it does not log in; the login itself is in `_stored_login.ts`.
 *
 * @module
 */

import { homeDirectory } from "../lib/core/config.ts";
import { JSONTokenStorage } from "../lib/token_storage/json_storage.ts";
import { type LoginChoice, loginChoice, type OptionSpec, parseOptions } from "./_args.ts";
import { UsageError } from "./_errors.ts";
import { type OutputFormat, outputFormat } from "./_format.ts";
import type { Io } from "./_io.ts";
import { TUTORIAL_CLIENT_ID } from "./_client_id.ts";
import { invocation, withBrowserLogin } from "./_permissions.ts";
import { warnIfReadableByOthers } from "./_token_file.ts";

/** The tutorial's token file name, in the home directory. */
export const TOKEN_FILE_NAME = ".list-my-globus-groups-tokens.json";

/** How long to wait for another process using the token file, by default, in seconds. */
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 40;

/** The options both tutorial scripts take. */
const COMMON = {
  format: { type: "string" },
  "client-id": { type: "string" },
  "local-server": { type: "boolean" },
  "no-local-server": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Record<string, OptionSpec>;

/** The command line of `list_groups_noapp.ts`, with defaults applied and checked. */
export interface TutorialOptions {
  /** `--format`. */
  readonly format: OutputFormat;
  /** `--client-id`, else the tutorial's. */
  readonly clientId: string;
  /** `--local-server` / `--no-local-server`; the tutorial's copy-paste login by default. */
  readonly login: LoginChoice;
  /** `--help`. */
  readonly help: boolean;
}

/** Parses the options both tutorial scripts take. */
export function tutorialOptions(args: readonly string[]): TutorialOptions {
  return common(parseOptions(args, COMMON));
}

function common(
  options:
    & { format?: string; "client-id"?: string; help?: boolean }
    & Parameters<
      typeof loginChoice
    >[0],
): TutorialOptions {
  return {
    format: outputFormat(options.format),
    clientId: options["client-id"] ?? TUTORIAL_CLIENT_ID,
    login: loginChoice(options, "copy-paste"),
    help: options.help ?? false,
  };
}

/** The command line of `list_groups_with_storage.ts`. */
export interface StorageOptions extends TutorialOptions {
  /** `--token-file`, else `~/.list-my-globus-groups-tokens.json` ("" with `--help` and no home). */
  readonly tokenFile: string;
  /** `--force-login`. */
  readonly forceLogin: boolean;
  /** `--logout`. */
  readonly logout: boolean;
  /** `--local-only` (only with `--logout`). */
  readonly localOnly: boolean;
  /** `--lock-timeout`, in seconds, above 0. */
  readonly lockTimeoutSeconds: number;
}

/**
 * Parses the storage script's options.
 *
 * @throws {UsageError} without a home directory and `--token-file`, for
 *   `--local-only` without `--logout`, and for a `--lock-timeout` that is not
 *   a number of seconds above 0.
 */
export function storageOptions(args: readonly string[]): StorageOptions {
  const options = parseOptions(args, {
    ...COMMON,
    "token-file": { type: "string" },
    "force-login": { type: "boolean" },
    logout: { type: "boolean" },
    "local-only": { type: "boolean" },
    "lock-timeout": { type: "string" },
  });
  const shared = common(options);
  const home = homeDirectory();
  const tokenFile = options["token-file"] ?? (home ? `${home}/${TOKEN_FILE_NAME}` : undefined);
  if (tokenFile === undefined && !shared.help) {
    throw new UsageError(
      "HOME is not set (or not readable; on Windows, USERPROFILE); give --token-file PATH",
    );
  }
  if (options["local-only"] && !options.logout) {
    throw new UsageError("--local-only goes with --logout");
  }
  const lockTimeoutSeconds = lockTimeoutOption(options["lock-timeout"]);
  return {
    ...shared,
    tokenFile: tokenFile ?? "",
    forceLogin: options["force-login"] ?? false,
    logout: options.logout ?? false,
    localOnly: options["local-only"] ?? false,
    lockTimeoutSeconds,
  };
}

/**
 * The storage script's token storage: logins of the tutorial's client id in
 * the `DEFAULT` namespace the Python tutorial shares, another client's in
 * `client:<id>` (so that one client's refused refresh never removes another
 * client's login); a line on stderr while another process holds the lock;
 * a file others can read made private, and said so.
 */
export async function openTokenStorage(options: StorageOptions, io: Io): Promise<JSONTokenStorage> {
  const { clientId } = options;
  const namespace = clientId === TUTORIAL_CLIENT_ID ? "DEFAULT" : `client:${clientId}`;
  return await openJsonStorage(options.tokenFile, namespace, options.lockTimeoutSeconds, io);
}

/**
 * A JSON token storage that says on stderr when it waits for another
 * process's lock, and warns (and tightens) a file others can read. Every
 * script that keeps a login opens its file this way.
 */
export async function openJsonStorage(
  tokenFile: string,
  namespace: string,
  lockTimeoutSeconds: number,
  io: Io,
): Promise<JSONTokenStorage> {
  const storage = new JSONTokenStorage(tokenFile, {
    namespace,
    lockTimeoutMs: lockTimeoutSeconds * 1000,
    onLockWait: ({ path }) =>
      void io.err(
        `Waiting for another process that is using ${path} (up to ${lockTimeoutSeconds} s)...\n`,
      ),
  });
  await warnIfReadableByOthers(storage, io);
  return storage;
}

/** `--lock-timeout SECONDS`: a number above 0, the default when not given. */
export function lockTimeoutOption(given: string | undefined): number {
  const seconds = given === undefined
    ? DEFAULT_LOCK_TIMEOUT_SECONDS
    : /^\d+(\.\d+)?$/.test(given)
    ? Number(given)
    : NaN;
  if (!(seconds > 0)) {
    throw new UsageError(`--lock-timeout must be a number of seconds above 0, not "${given}"`);
  }
  return seconds;
}

/**
 * The permissions part of a tutorial script's `--help`: how to run it, and
 * how to run it for `--local-server`, which needs the browser login's flags.
 */
export function permissionsHelp(flags: readonly string[]): string {
  return `  ${invocation(flags)}
With --local-server (the browser login: listen on 127.0.0.1, read the variables
that tell whether a browser can work here, run the opener):
  ${invocation(withBrowserLogin(flags))}
`;
}
