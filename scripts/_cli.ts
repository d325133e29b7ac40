/**
 * What the scripts share: the login dialogue, reading a line from a terminal
 * or a pipe, CSV/JSON output of groups, and turning any failure into one line
 * on stderr. Library code never prints; this is where printing happens.
 *
 * @module
 */

import {
  AuthAPIError,
  GlobusAPIError,
  GlobusSDKUsageError,
  type Group,
  GroupsClient,
  IdTokenError,
  type NativeAppAuthClient,
  NetworkError,
  type OAuthTokenResponse,
  RefreshTokenRejectedError,
  TokenStorageError,
  UnexpectedResponseError,
} from "../lib/mod.ts";

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
 * The narrowest `deno run` permissions of `list_groups_with_storage.ts` for
 * a token file: the file, its `.lock` and its `.tmp`, nothing else on disk.
 */
export function storagePermissions(tokenFile: string, hosts: string = GLOBUS_HOSTS): string[] {
  const paths = `${tokenFile},${tokenFile}.lock,${tokenFile}.tmp`;
  return [
    `--allow-net=${hosts}`,
    `--allow-env=HOME,${GLOBUS_ENV_VARS}`,
    `--allow-read=${paths}`,
    `--allow-write=${paths}`,
  ];
}

/** The tutorial's client id: a native app registered by Globus for these examples. */
export const TUTORIAL_CLIENT_ID = "61338d24-54d5-408f-a10d-66c06b59f6d2";

/** Where the scripts talk to the person and write their data; tests pass their own. */
export interface Io {
  /** Reads one line (without its line ending), or null at end of input. */
  readLine(): Promise<string | null>;
  /** Writes to stdout (data only). */
  out(text: string): Promise<void>;
  /** Writes to stderr (instructions, prompts, status, errors). */
  err(text: string): Promise<void>;
}

const encoder = new TextEncoder();

async function writeAll(stream: { write(p: Uint8Array): Promise<number> }, text: string) {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += await stream.write(bytes.subarray(done));
}

/**
 * Reads one line from stdin, whether it is a terminal or a pipe (Deno's
 * `prompt()` gives null without a terminal). Reads byte by byte so that
 * nothing after the line is consumed.
 */
async function readStdinLine(): Promise<string | null> {
  const bytes: number[] = [];
  const one = new Uint8Array(1);
  for (;;) {
    const n = await Deno.stdin.read(one);
    if (n === null || n === 0) {
      return bytes.length === 0 ? null : new TextDecoder().decode(new Uint8Array(bytes));
    }
    if (one[0] === 0x0a) break;
    bytes.push(one[0]!);
  }
  return new TextDecoder().decode(new Uint8Array(bytes)).replace(/\r$/, "");
}

/** The real terminal: stdin, stdout, stderr. */
export const processIo: Io = {
  readLine: async () => {
    const line = await readStdinLine();
    // A terminal echoes the Enter key; a pipe does not, so end the prompt line here.
    if (!Deno.stdin.isTerminal()) await writeAll(Deno.stderr, "\n");
    return line;
  },
  out: (text) => writeAll(Deno.stdout, text),
  err: (text) => writeAll(Deno.stderr, text),
};

/**
 * Fails before any login when Deno has been told not to reach one of these
 * URLs (e.g. GLOBUS_SDK_ENVIRONMENT=sandbox under --allow-net for the
 * production hosts): better now than after the person has logged in. A
 * permission Deno would still ask for on a terminal is left to that prompt.
 */
export function requireNetAccess(baseUrls: readonly string[]): void {
  // Deno can only ask on a terminal; without one, "prompt" means "no".
  const canAsk = Deno.stdin.isTerminal() && Deno.stderr.isTerminal();
  const denied = baseUrls.map((u) => new URL(u).host).filter((host) => {
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

/** A usage error of the command line: exit status 2. */
export class UsageError extends Error {}

/** A failure already explained in one line: exit status 1. */
export class CliError extends Error {}

/**
 * Runs the tutorial's login dialogue on `io`: the URL on stderr, then the
 * prompt, then the code exchange. Returns the tokens.
 */
export async function interactiveLogin(
  authClient: NativeAppAuthClient,
  io: Io,
  options: { refreshTokens: boolean },
): Promise<OAuthTokenResponse> {
  authClient.oauth2StartFlow({
    requestedScopes: GroupsClient.scopes.viewMyGroupsAndMemberships,
    refreshTokens: options.refreshTokens,
  });
  const authorizeUrl = await authClient.oauth2GetAuthorizeUrl();
  await io.err(`Please go to this URL and login:\n\n${authorizeUrl}\n\n`);
  await io.err("Please enter the code here: ");
  const line = await io.readLine();
  if (line === null) {
    throw new CliError(
      "no code was entered (standard input closed); run this in a terminal, or pipe the code in",
    );
  }
  const code = line.trim();
  if (code === "") {
    throw new CliError(
      "no code was entered; run again and paste the code Globus shows after login",
    );
  }
  try {
    return await authClient.oauth2ExchangeCodeForTokens(code);
  } catch (error) {
    if (error instanceof AuthAPIError && error.httpStatus < 500) {
      throw new CliError(
        `Globus Auth did not accept the code (${error.code ?? error.httpStatus}${
          error.apiMessage ? `: ${error.apiMessage}` : ""
        }); a code works once and expires after a few minutes: run again and paste a fresh one`,
      );
    }
    throw error;
  }
}

/** The distinct roles of the caller in a group, sorted, so output is the same every run. */
export function groupRoles(group: Group): string[] {
  return [...new Set(group.my_memberships.map((m) => m.role))].sort();
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF (or always), doubling inner quotes. */
function csvField(value: string, alwaysQuote = false): string {
  return alwaysQuote || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The tutorial's CSV: `ID,Name,Roles`, one row per group in API order. The
 * name is always quoted, as the Python tutorial prints it, but with inner
 * quotes doubled so any name stays one field; roles are sorted and joined with `|`.
 */
export function groupsAsCsv(groups: readonly Group[]): string {
  const rows = ["ID,Name,Roles"];
  for (const group of groups) {
    rows.push(
      `${csvField(group.id)},${csvField(group.name, true)},${
        csvField(groupRoles(group).join("|"))
      }`,
    );
  }
  return rows.join("\n") + "\n";
}

/** The output formats of `--format`. */
export type OutputFormat = "csv" | "json";

/**
 * The `--format` value, `csv` when absent.
 *
 * @throws {UsageError} for anything else.
 */
export function outputFormat(value: string | undefined): OutputFormat {
  const format = value ?? "csv";
  if (format !== "csv" && format !== "json") {
    throw new UsageError(`--format must be csv or json, not "${format}"`);
  }
  return format;
}

/** The groups in the chosen format. */
export function formatGroups(groups: readonly Group[], format: OutputFormat): string {
  return format === "json" ? groupsAsJson(groups) : groupsAsCsv(groups);
}

/** The same rows as JSON: `[{"id", "name", "roles": [...]}]`. */
export function groupsAsJson(groups: readonly Group[]): string {
  return JSON.stringify(
    groups.map((g) => ({ id: g.id, name: g.name, roles: groupRoles(g) })),
    null,
    2,
  ) + "\n";
}

/** One line that says what happened and what to do, for any failure. Never includes a token. */
export function describeError(error: unknown, context: { tokenFile?: string } = {}): string {
  const file = context.tokenFile;
  if (error instanceof CliError || error instanceof UsageError) return error.message;
  if (error instanceof RefreshTokenRejectedError) {
    return `the stored Globus login has expired or been revoked; log in again${
      file ? ` (remove ${file} or run with --logout)` : ""
    }`;
  }
  if (error instanceof TokenStorageError) return error.message;
  if (error instanceof AuthAPIError && error.code === "invalid_client") {
    return `Globus Auth does not accept this client (${error.message}); check the client id ` +
      `(--client-id): it must be a native app registered with Globus`;
  }
  if (error instanceof UnexpectedResponseError) {
    return `Globus sent an answer this SDK cannot use (${error.message}); nothing was kept from it; try again later`;
  }
  if (error instanceof GlobusAPIError) {
    if (error.httpStatus === 401) {
      return `Globus rejected the login (${error.message}); log in again${
        file ? " (run with --force-login)" : ""
      }`;
    }
    if (error.httpStatus >= 500) {
      return `Globus is not answering properly (${error.message}); try again later`;
    }
    return `Globus refused the request: ${error.message}`;
  }
  if (error instanceof NetworkError) {
    return `could not reach Globus: ${error.message}; check the network connection (and GLOBUS_SDK_SERVICE_URL_* if set)`;
  }
  if (error instanceof IdTokenError) return `the login could not be verified: ${error.message}`;
  if (error instanceof GlobusSDKUsageError) return `invalid setting: ${error.message}`;
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return `missing permission: ${
      error.message.split("\n")[0]
    }; run with the permissions shown in --help`;
  }
  return `unexpected failure: ${error instanceof Error ? error.message.split("\n")[0] : error}`;
}

/**
 * Runs a script's `main` and maps the outcome to an exit status: 0, 1 for a
 * failure (one line on stderr, no stack trace), 2 for bad usage.
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
    // One line, whatever Globus or a path put in the message.
    const line = describeError(error, context).replace(/\s*[\r\n]+\s*/g, " ");
    await io.err(`error: ${line}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
