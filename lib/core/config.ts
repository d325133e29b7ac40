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
 * import assert from "node:assert/strict";
 * import { readEnv } from "./config.ts";
 *
 * // A name of its own, so the example never disturbs a real setting.
 * const name = "GLOBUS_DENO_READ_ENV_EXAMPLE";
 * Deno.env.set(name, "sandbox");
 * try {
 *   assert.equal(readEnv(name), "sandbox");
 * } finally {
 *   Deno.env.delete(name);
 * }
 * assert.equal(readEnv(name), undefined);
 * ```
 */
export const readEnv: EnvReader = (name: string): string | undefined => {
  // Asking with query() first keeps Deno from prompting on a terminal.
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return undefined;
  }
  return Deno.env.get(name);
};

/**
 * The name of a Globus service, as Python's `service_name`: `auth`,
 * `groups`, `transfer`, `search`, `flows`, `timer`, `compute`, … Any
 * lower-case name works; {@linkcode getServiceUrl} applies Python's URL rules
 * to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getServiceUrl, type ServiceName } from "./config.ts";
 *
 * const service: ServiceName = "transfer";
 * assert.equal(getServiceUrl(service, { env: () => undefined }), "https://transfer.api.globus.org/");
 * ```
 */
export type ServiceName =
  | "auth"
  | "groups"
  | "transfer"
  | "search"
  | "flows"
  | "timer"
  | "compute"
  // Any other name, keeping the known ones offered by editors.
  | (string & Record<never, never>);

/** A service name: lower-case letters, digits and `_`, as Python's module names. */
const SERVICE_NAME = /^[a-z][a-z0-9_]*$/;

/** Services whose URL has no `.api` part. Python: `config/environments.py`. */
const NO_API_PART = new Set(["auth", "app"]);

/** Services of Globus Automate: `https://<env>.<service>.automate.globus.org/`. */
const AUTOMATE = new Set(["flows", "timer", "actions"]);

/** Production's explicit entries that no pattern gives. */
const PRODUCTION_URLS: Readonly<Record<string, string>> = Object.freeze({
  flows: "https://flows.automate.globus.org/",
  timer: "https://timer.automate.globus.org/",
  actions: "https://actions.automate.globus.org/",
  nexus: "https://nexus.api.globusonline.org/",
});

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
 * import assert from "node:assert/strict";
 * import { ENVIRONMENTS } from "./config.ts";
 *
 * assert.equal(ENVIRONMENTS[0], "production");
 * assert.ok(ENVIRONMENTS.includes("sandbox"));
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
 * import assert from "node:assert/strict";
 * import { getEnvironmentName } from "./config.ts";
 *
 * const env = (name: string) => name === "GLOBUS_SDK_ENVIRONMENT" ? "preview" : undefined;
 * assert.equal(getEnvironmentName({ environment: "sandbox", env }), "sandbox");
 * assert.equal(getEnvironmentName({ env }), "preview");
 * assert.equal(getEnvironmentName({ env: () => undefined }), "production");
 * ```
 */
export function getEnvironmentName(options: ConfigOptions = {}): string {
  const env = options.env ?? readEnv;
  return options.environment || env("GLOBUS_SDK_ENVIRONMENT") || "production";
}

/**
 * The base URL of a service. The first rule that applies wins, as in
 * Python: `GLOBUS_SDK_SERVICE_URL_<SERVICE>` (used verbatim, even over an
 * explicit environment), then the environment's URL pattern:
 * `https://auth.<domain>/` and `https://app.<domain>/`, Automate's
 * `https://<env>.<service>.automate.globus.org/` (`flows`, `timer`,
 * `actions`; production drops `<env>.`), and `https://<service>.api.<domain>/`
 * for every other service.
 *
 * @throws {GlobusSDKUsageError} for an unknown environment, a service name
 *   that is not lower-case letters, digits and `_`, or a
 *   `GLOBUS_SDK_SERVICE_URL_*` value that is not an http(s) URL (the message
 *   names the variable).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getServiceUrl } from "./config.ts";
 *
 * const env = () => undefined;
 * assert.equal(getServiceUrl("groups", { environment: "sandbox", env }),
 *   "https://groups.api.sandbox.globuscs.info/");
 * assert.equal(getServiceUrl("flows", { environment: "sandbox", env }),
 *   "https://sandbox.flows.automate.globus.org/");
 * assert.equal(getServiceUrl("auth", { env: (name) => name === "GLOBUS_SDK_SERVICE_URL_AUTH" ? "http://127.0.0.1:8765/" : undefined }),
 *   "http://127.0.0.1:8765/");
 * ```
 */
export function getServiceUrl(service: ServiceName, options: ConfigOptions = {}): string {
  if (!SERVICE_NAME.test(service)) {
    throw new GlobusSDKUsageError(
      `invalid service name "${service}": use lower-case letters, digits and _`,
    );
  }
  const env = options.env ?? readEnv;
  const variable = `GLOBUS_SDK_SERVICE_URL_${service.toUpperCase()}`;
  const override = env(variable);
  if (override) return checkedUrl(override, variable);
  const name = getEnvironmentName({ ...options, env });
  // hasOwn: "toString" or "__proto__" must not find Object.prototype's members.
  const domain = Object.hasOwn(ENVIRONMENT_DOMAINS, name) ? ENVIRONMENT_DOMAINS[name] : undefined;
  if (domain === undefined) {
    throw new GlobusSDKUsageError(
      `Unrecognized environment "${name}"; use one of: ${ENVIRONMENTS.join(", ")}`,
    );
  }
  if (name === "production" && Object.hasOwn(PRODUCTION_URLS, service)) {
    return PRODUCTION_URLS[service]!;
  }
  if (AUTOMATE.has(service)) return `https://${name}.${service}.automate.globus.org/`;
  return NO_API_PART.has(service)
    ? `https://${service}.${domain}/`
    : `https://${service}.api.${domain}/`;
}

/** A service URL from a variable, or an error that names the variable. */
function checkedUrl(value: string, variable: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new GlobusSDKUsageError(
      `${variable}=${
        JSON.stringify(value)
      } is not an http(s) URL; set it to a base URL such as https://host/ or unset it`,
    );
  }
  return value;
}

/** The default HTTP timeout, in seconds, as in the Python SDK. */
export const DEFAULT_HTTP_TIMEOUT_SECONDS = 60;

/**
 * The HTTP timeout in milliseconds, or `undefined` for none: the explicit
 * `ms` if given (`-1` means none), else `GLOBUS_SDK_HTTP_TIMEOUT` (in
 * seconds, as Python; `-1` means none), else 60 s. Unlike Python, an empty,
 * zero, negative (other than -1) or non-numeric value is refused instead of
 * being taken silently.
 *
 * @throws {GlobusSDKUsageError} for an invalid value.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getHttpTimeoutMs } from "./config.ts";
 *
 * assert.equal(getHttpTimeoutMs({ env: () => "2.5" }), 2500);
 * assert.equal(getHttpTimeoutMs({ ms: 750, env: () => "2.5" }), 750);
 * ```
 */
export function getHttpTimeoutMs(
  options: { ms?: number | undefined; env?: EnvReader | undefined } = {},
): number | undefined {
  if (options.ms !== undefined) {
    if (options.ms === -1) return undefined;
    if (!(options.ms > 0)) {
      throw new GlobusSDKUsageError(
        `invalid httpTimeoutMs ${options.ms}: use a number of milliseconds above 0, or -1 for none`,
      );
    }
    return options.ms;
  }
  const raw = (options.env ?? readEnv)("GLOBUS_SDK_HTTP_TIMEOUT");
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
