/**
 * Configuration: which Globus environment to talk to, the base URL of each
 * service, and the HTTP timeout — from explicit options first, then from the
 * `GLOBUS_SDK_*` environment variables, exactly as the Python SDK decides.
 *
 * Library code reads the process environment only here, and only the variable
 * it needs, so a script can run with a narrow `--allow-env=…`. A variable the
 * script has no permission to read counts as unset instead of raising a
 * permission prompt.
 *
 * @module
 */

import { GlobusSDKUsageError } from "./errors.ts";

/** Reads one environment variable; returns undefined when unset. */
export type EnvReader = (name: string) => string | undefined;

/**
 * Reads a variable from `Deno.env`, treating "no permission" as "unset".
 *
 * @example
 * ```ts
 * import { readEnv } from "./config.ts";
 * console.log(readEnv("GLOBUS_SDK_ENVIRONMENT") ?? "production");
 * ```
 */
export const readEnv: EnvReader = (name: string): string | undefined => {
  // Asking with query() first keeps Deno from prompting on a terminal.
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return undefined;
  }
  return Deno.env.get(name);
};

/** The services whose base URLs this SDK knows. */
export type ServiceName = "auth" | "groups";

/** Domain of each Globus environment. Python: `globus_sdk.config.environments`. */
const ENVIRONMENT_DOMAINS: Readonly<Record<string, string>> = Object.freeze({
  production: "globus.org",
  preview: "preview.globus.org",
  sandbox: "sandbox.globuscs.info",
  integration: "integration.globuscs.info",
  test: "test.globuscs.info",
  staging: "staging.globuscs.info",
});

/**
 * The names of the Globus environments, `production` first.
 *
 * @example
 * ```ts
 * import { ENVIRONMENTS } from "./config.ts";
 * console.log(ENVIRONMENTS.includes("sandbox")); // true
 * ```
 */
export const ENVIRONMENTS: readonly string[] = Object.freeze(Object.keys(ENVIRONMENT_DOMAINS));

/** Options shared by every configuration lookup. */
export interface ConfigOptions {
  /** Environment name; when empty or absent, `GLOBUS_SDK_ENVIRONMENT`, then `production`. */
  environment?: string | undefined;
  /** Where variables are read from; defaults to {@linkcode readEnv}. */
  env?: EnvReader | undefined;
}

/**
 * The environment in force: the explicit one, else `GLOBUS_SDK_ENVIRONMENT`,
 * else `production`.
 *
 * @example
 * ```ts
 * import { getEnvironmentName } from "./config.ts";
 * console.log(getEnvironmentName({ environment: "sandbox" })); // "sandbox"
 * ```
 */
export function getEnvironmentName(options: ConfigOptions = {}): string {
  const env = options.env ?? readEnv;
  return options.environment || env("GLOBUS_SDK_ENVIRONMENT") || "production";
}

/**
 * The base URL of a service, ending in `/`. The first rule that applies wins,
 * as in Python: `GLOBUS_SDK_SERVICE_URL_<SERVICE>` (even over an explicit
 * environment), then the environments table.
 *
 * @throws {GlobusSDKUsageError} for an unknown environment name.
 * @example
 * ```ts
 * import { getServiceUrl } from "./config.ts";
 * console.log(getServiceUrl("groups", { environment: "sandbox", env: () => undefined }));
 * // https://groups.api.sandbox.globuscs.info/
 * ```
 */
export function getServiceUrl(service: ServiceName, options: ConfigOptions = {}): string {
  const env = options.env ?? readEnv;
  const override = env(`GLOBUS_SDK_SERVICE_URL_${service.toUpperCase()}`);
  if (override) return override;
  const name = getEnvironmentName({ ...options, env });
  // hasOwn: "toString" or "__proto__" must not find Object.prototype's members.
  const domain = Object.hasOwn(ENVIRONMENT_DOMAINS, name) ? ENVIRONMENT_DOMAINS[name] : undefined;
  if (domain === undefined) {
    throw new GlobusSDKUsageError(
      `Unrecognized environment "${name}"; use one of: ${ENVIRONMENTS.join(", ")}`,
    );
  }
  return service === "auth" ? `https://auth.${domain}/` : `https://${service}.api.${domain}/`;
}

/** The default HTTP timeout, in seconds, as in the Python SDK. */
export const DEFAULT_HTTP_TIMEOUT_SECONDS = 60;

/**
 * The HTTP timeout in milliseconds, or `undefined` for none: the explicit
 * value if given, else `GLOBUS_SDK_HTTP_TIMEOUT` (seconds; `-1` means none),
 * else 60 s. Unlike Python, an empty, zero, negative (other than -1) or
 * non-numeric value is refused instead of being taken silently.
 *
 * @throws {GlobusSDKUsageError} for an invalid value.
 * @example
 * ```ts
 * import { getHttpTimeoutMs } from "./config.ts";
 * console.log(getHttpTimeoutMs({ env: () => "2.5" })); // 2500
 * ```
 */
export function getHttpTimeoutMs(
  options: { seconds?: number | undefined; env?: EnvReader | undefined } = {},
): number | undefined {
  const raw = options.seconds !== undefined
    ? String(options.seconds)
    : (options.env ?? readEnv)("GLOBUS_SDK_HTTP_TIMEOUT");
  if (raw === undefined) return DEFAULT_HTTP_TIMEOUT_SECONDS * 1000;
  // Decimal numbers only: Number() would also take "0x10", "0b1" or "".
  const seconds = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(raw) ? Number(raw) : NaN;
  if (seconds === -1) return undefined;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new GlobusSDKUsageError(
      `invalid HTTP timeout "${raw}" (GLOBUS_SDK_HTTP_TIMEOUT): use a number of seconds above 0, or -1 for none`,
    );
  }
  return seconds * 1000;
}

/**
 * The user's home directory, as Python's `os.path.expanduser("~")` finds it:
 * `HOME`, else (Windows, where `HOME` is usually unset) `USERPROFILE`;
 * undefined when neither is set or readable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { homeDirectory } from "./config.ts";
 *
 * const env = (name: string) => name === "USERPROFILE" ? "C:\\Users\\ada" : undefined;
 * assert.equal(homeDirectory({ env }), "C:\\Users\\ada");
 * ```
 */
export function homeDirectory(options: { env?: EnvReader | undefined } = {}): string | undefined {
  const env = options.env ?? readEnv;
  return env("HOME") || env("USERPROFILE") || undefined;
}
