/**
 * Where a `UserApp` or `ClientApp` keeps its tokens by default: the very file
 * the Python SDK's `GlobusApp` uses, so that a Python app and this one with
 * the same app name and client id share one login. Python:
 * `globus_sdk.token_storage.v2.base._default_globus_app_filepath` and
 * `_slugify_app_name`.
 *
 * @module
 */

import { type EnvReader, getEnvironmentName, readEnv } from "../core/config.ts";
import { GlobusSDKUsageError } from "../core/errors.ts";

/** Options of {@linkcode defaultTokenFilePath}. */
export interface TokenFilePathOptions {
  /** Globus environment; default `GLOBUS_SDK_ENVIRONMENT`, else production. Others get a `<env>-` prefix. */
  readonly environment?: string;
  /** Where variables are read from; default the process environment. */
  readonly env?: EnvReader;
  /** `"windows"` or anything else (POSIX); default the running system. */
  readonly os?: string;
}

// Python: re.compile(r'[<>:"/\\|?*]') and re.compile(r"con|prn|aux|nul|com\d|lpt\d").fullmatch
const RESERVED_CHARACTERS = /[<>:"/\\|?*]/g;
const RESERVED_NAMES = /^(?:con|prn|aux|nul|com\p{Nd}|lpt\p{Nd})$/u;
// Python's str.isprintable() is false for the "Other" and "Separator" categories (but ' ').
const NOT_PRINTABLE = /[\p{C}\p{Z}]/gu;

/**
 * The app name as a directory name, exactly as Python makes it: the
 * characters `<>:"/\|?*` become `+`, `.` and space become `-`, characters
 * that are not printable are dropped, and the rest is lowercased.
 *
 * @throws {GlobusSDKUsageError} when the result is empty or a name Windows reserves (`con`, `lpt1`, …).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slugifyAppName } from "./token_file_path.ts";
 *
 * assert.equal(slugifyAppName("My App v1.2?"), "my-app-v1-2+");
 * assert.throws(() => slugifyAppName("NUL"), /reserved filename/);
 * ```
 */
export function slugifyAppName(appName: string): string {
  const slug = appName.replace(RESERVED_CHARACTERS, "+").replaceAll(".", "-").replaceAll(" ", "-")
    .replace(NOT_PRINTABLE, "").toLowerCase();
  if (RESERVED_NAMES.test(slug)) {
    throw new GlobusSDKUsageError(
      `App name results in a reserved filename ("${slug}"). Please choose a different name.`,
    );
  }
  if (slug === "") {
    throw new GlobusSDKUsageError(
      "App name results in the empty string. Please choose a different name.",
    );
  }
  return slug;
}

/**
 * The default token file of an app:
 * `$HOME/.globus/app/<client id>/<slug of app name>/tokens.json` (POSIX), or
 * `%LOCALAPPDATA%\globus\app\…\tokens.json` on Windows (then `%APPDATA%`,
 * then `<home>\AppData\Local`, where home is `HOME`, else `USERPROFILE`).
 * Outside production the file is `<environment>-tokens.json`.
 *
 * @throws {GlobusSDKUsageError} when no home directory is known (the variable is unset or may not be read).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultTokenFilePath } from "./token_file_path.ts";
 *
 * const env = (name: string) => ({ HOME: "/home/me" } as Record<string, string>)[name];
 * assert.equal(
 *   defaultTokenFilePath("61338d24-54d5-408f-a10d-66c06b59f6d2", "my-user-app", { env, os: "linux" }),
 *   "/home/me/.globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/my-user-app/tokens.json",
 * );
 * assert.match(
 *   defaultTokenFilePath("cid", "My App", { env, os: "linux", environment: "sandbox" }),
 *   /\/my-app\/sandbox-tokens\.json$/,
 * );
 * ```
 */
export function defaultTokenFilePath(
  clientId: string,
  appName: string,
  options: TokenFilePathOptions = {},
): string {
  const env = options.env ?? readEnv;
  const environment = getEnvironmentName({ environment: options.environment, env });
  const file = `${environment === "production" ? "" : `${environment}-`}tokens.json`;
  const slug = slugifyAppName(appName);
  const windows = (options.os ?? Deno.build.os) === "windows";
  const home = env("HOME") || (windows ? env("USERPROFILE") : undefined);
  if (windows) {
    const dataDir = env("LOCALAPPDATA") || env("APPDATA") ||
      (home ? `${home}\\AppData\\Local` : undefined);
    if (!dataDir) throw noHome("LOCALAPPDATA, APPDATA, HOME and USERPROFILE are");
    return [dataDir, "globus", "app", clientId, slug, file].join("\\");
  }
  if (!home) throw noHome("HOME is");
  return `${home.replace(/\/+$/, "")}/.globus/app/${clientId}/${slug}/${file}`;
}

function noHome(which: string): GlobusSDKUsageError {
  return new GlobusSDKUsageError(
    `cannot place the app's token file: ${which} not set (or may not be read); give the app a tokenStorage`,
  );
}
