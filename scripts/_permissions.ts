/**
 * The scripts' Deno permissions: the narrowest flags that work, as they are
 * passed to `deno run` and as `--help` shows them, and the check that the
 * network permission covers the Globus hosts in force.
 *
 * @module
 */

import { BROWSER_ENV_VARS, openerCommand } from "../lib/login_flows/browser_command.ts";
import { UsageError } from "./_errors.ts";

/** The Globus hosts the scripts talk to in production. */
export const GLOBUS_HOSTS = "auth.globus.org,groups.api.globus.org";

/** The environment variables the SDK reads (any it may not read count as unset). */
export const GLOBUS_ENV_VARS =
  "GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT";

/** The narrowest `deno run` permissions of `list_groups_noapp.ts`. */
export function noappPermissions(hosts: string = GLOBUS_HOSTS): string[] {
  return [`--allow-net=${hosts}`, `--allow-env=${GLOBUS_ENV_VARS}`];
}

/**
 * A token file, its `.lock` and its `.tmp`, as one permission list; a path
 * with a comma cannot be put in one, which is a usage error.
 */
function tokenFilePaths(tokenFile: string): string {
  if (tokenFile.includes(",")) {
    throw new UsageError(
      `the token file ${tokenFile} holds a comma, which Deno's --allow-read/--allow-write lists cannot express; use a --token-file without one`,
    );
  }
  return `${tokenFile},${tokenFile}.lock,${tokenFile}.tmp`;
}

/**
 * The narrowest `deno run` permissions of `list_groups_with_storage.ts` for
 * a token file: the file, its `.lock` and its `.tmp`, nothing else on disk.
 * These are argv entries (no shell quoting); {@linkcode shellWords} shows them.
 *
 * @throws {UsageError} for a path with a comma: Deno splits its permission
 *   lists at commas, so no flag can grant it.
 */
export function storagePermissions(tokenFile: string, hosts: string = GLOBUS_HOSTS): string[] {
  const paths = tokenFilePaths(tokenFile);
  return [
    `--allow-net=${hosts}`,
    `--allow-env=HOME,${GLOBUS_ENV_VARS}`,
    `--allow-read=${paths}`,
    `--allow-write=${paths}`,
  ];
}

/**
 * Flags as a person types them in a POSIX shell: a value holding a space, `$`
 * or a quote is double-quoted (`$T` is left to expand), so that a path with
 * a space stays one word.
 */
export function shellWords(flags: readonly string[]): string {
  return flags.map((flag) => {
    const eq = flag.indexOf("=");
    const value = eq < 0 ? flag : flag.slice(eq + 1);
    if (!/[\s"'$`\\]/.test(value)) return flag;
    const quoted = value.replace(/["\\`]/g, (c) => `\\${c}`);
    return eq < 0 ? `"${quoted}"` : `${flag.slice(0, eq + 1)}"${quoted}"`;
  }).join(" ");
}

/**
 * Fails before any login when Deno has been told not to reach one of these
 * URLs (e.g. GLOBUS_SDK_ENVIRONMENT=sandbox under --allow-net for the
 * production hosts): better now than after the person has logged in. A
 * permission Deno would still ask for on a terminal is left to that prompt.
 */
export function requireNetAccess(baseUrls: readonly string[]): void {
  // Deno can only ask on a terminal; without one, "prompt" means "no".
  const canAsk = Deno.stdin.isTerminal() && Deno.stderr.isTerminal();
  const hosts = [...new Set(baseUrls.map((u) => new URL(u).host))];
  const denied = hosts.filter((host) => {
    const { state } = Deno.permissions.querySync({ name: "net", host });
    return state === "denied" || (state === "prompt" && !canAsk);
  });
  if (denied.length > 0) {
    throw new UsageError(
      `missing permission: --allow-net must include ${denied.join(",")} (the Globus services ` +
        `this environment uses); see the permissions in --help`,
    );
  }
}

/**
 * How this script is run, for `--help`: `deno run <flags> <path>` for a
 * script or a bundle (the path it was started from), the binary itself when
 * compiled.
 */
export function invocation(flags: readonly string[]): string {
  const main = new URL(Deno.mainModule);
  if (main.protocol !== "file:" || /[/\\]deno-compile-/.test(main.pathname)) {
    return Deno.execPath();
  }
  const cwd = Deno.cwd();
  const path = decodeURIComponent(main.pathname);
  const shown = path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
  return `deno run ${shellWords(flags)} \\\n    ${shellWords([shown])}`;
}

/** The file name this script was started as (`list_groups_noapp.js` for the bundle). */
export function scriptName(fallback: string): string {
  const main = new URL(Deno.mainModule);
  if (main.protocol !== "file:" || /[/\\]deno-compile-/.test(main.pathname)) {
    return Deno.execPath().split(/[/\\]/).pop() ?? fallback;
  }
  return decodeURIComponent(main.pathname).split("/").pop() ?? fallback;
}

/** The directory part of a path (POSIX or Windows separators). */
function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i <= 0 ? (i === 0 ? path.slice(0, 1) : ".") : path.slice(0, i);
}

/**
 * The narrowest `deno run` permissions of `list_groups.ts` for a token file,
 * with its default browser login: read the file, its `.lock` and `.tmp`;
 * write its directory (the app's own, created 0700 on the first run: Deno's
 * permission to create a directory is a write permission on it, which
 * covers the three files); and {@linkcode browserLoginPermissions}.
 */
export function appPermissions(tokenFile: string, hosts: string = GLOBUS_HOSTS): string[] {
  const dir = dirname(tokenFile);
  return withBrowserLogin([
    `--allow-net=${hosts}`,
    `--allow-env=HOME,${GLOBUS_ENV_VARS}`,
    `--allow-read=${tokenFilePaths(tokenFile)}`,
    `--allow-write=${dir}`,
  ]);
}

/**
 * `flags` with what a browser login adds: listening on 127.0.0.1 for the
 * browser's redirect, the variables that tell whether a browser can work
 * here, and running this system's opener (`xdg-open`, `open`, `cmd`).
 */
export function withBrowserLogin(flags: readonly string[]): string[] {
  const opener = openerCommand(Deno.build.os, "").command;
  const added: Record<string, string> = {
    "--allow-net": "127.0.0.1",
    "--allow-env": BROWSER_ENV_VARS.join(","),
  };
  const out = flags.map((flag) => {
    const eq = flag.indexOf("=");
    const name = flag.slice(0, eq);
    const extra = added[name];
    if (eq < 0 || extra === undefined) return flag;
    delete added[name];
    const have = new Set(flag.slice(eq + 1).split(","));
    const more = extra.split(",").filter((v) => !have.has(v));
    return more.length === 0 ? flag : `${flag},${more.join(",")}`;
  });
  return [...out, ...Object.entries(added).map(([k, v]) => `${k}=${v}`), `--allow-run=${opener}`];
}
