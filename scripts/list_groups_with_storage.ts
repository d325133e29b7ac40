#!/usr/bin/env -S deno run --allow-net=auth.globus.org,groups.api.globus.org --allow-env=HOME,GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT --allow-read --allow-write
/**
 * List my Globus groups as CSV, keeping the login between runs: the Globus
 * SDK tutorial "How to Create A Minimal Script without GlobusApp", second
 * example (`list_groups_noapp_with_storage.py`).
 *
 * Tokens live in `~/.list-my-globus-groups-tokens.json`, in the Python SDK's
 * `JSONTokenStorage` format, so this script and the Python one share a login.
 * The first run logs in (asking for refresh tokens); later runs use the
 * stored tokens and renew the access token when it expires, writing the new
 * tokens back. A login that Globus no longer accepts is dropped and a new
 * login starts, as on a first run.
 *
 * Permissions (the narrowest that work against Globus; the shebang cannot
 * name `$HOME`, so it is broader):
 *
 *   T="$HOME/.list-my-globus-groups-tokens.json"
 *   deno run --allow-net=auth.globus.org,groups.api.globus.org \
 *     --allow-env=HOME,GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT \
 *     --allow-read="$T,$T.lock,$T.tmp" --allow-write="$T,$T.lock,$T.tmp" \
 *     scripts/list_groups_with_storage.ts
 *
 * The `.lock` file serialises processes sharing the token file (it exists
 * only while a process writes); `.tmp` is where a new version is written
 * before it atomically replaces the old one. On Windows, where `HOME` is
 * usually unset, the home directory is `USERPROFILE` (add it to
 * `--allow-env`), and POSIX file modes are not enforced.
 *
 * Logins of the tutorial's client id live in the file's `DEFAULT` namespace,
 * which the Python tutorial shares; those of another `--client-id` in the
 * namespace `client:<id>`, so that one client's refused refresh never
 * removes another client's login.
 *
 * @module
 */

import {
  getServiceUrl,
  GroupsClient,
  homeDirectory,
  JSONTokenStorage,
  NativeAppAuthClient,
  RefreshTokenAuthorizer,
  RefreshTokenRejectedError,
  type TokenStorageData,
  Transport,
} from "../lib/mod.ts";
import {
  CliError,
  describeError,
  formatGroups,
  interactiveLogin,
  invocation,
  type Io,
  LOGIN_EXPIRED,
  outputFormat,
  processIo,
  requireNetAccess,
  retryReporter,
  runCli,
  scriptName,
  storagePermissions,
  TUTORIAL_CLIENT_ID,
  UsageError,
} from "./_cli.ts";
import { parseOptions } from "./_args.ts";

/** The tutorial's token file name, in the home directory. */
const TOKEN_FILE_NAME = ".list-my-globus-groups-tokens.json";

/** How long to wait for another process using the token file, by default, in seconds. */
const DEFAULT_LOCK_TIMEOUT_SECONDS = 40;

/** The help text, naming the file this was started as (a .ts script, a bundle, a binary). */
const help = () =>
  `Usage: ${scriptName("list_groups_with_storage.ts")} [options]

List your Globus groups, logging in only when no stored login works.
  --token-file PATH      where tokens are kept (default ~/${TOKEN_FILE_NAME})
  --format csv|json      output format (default csv: ID,Name,Roles)
  --force-login          log in again even if a stored login exists
  --logout               revoke the stored tokens at Globus Auth and remove them
  --local-only           with --logout: forget the tokens here without contacting
                         Globus (they stay valid at Globus until they expire)
  --client-id ID         your own native app's client id (default: the tutorial's);
                         its login is kept apart from the tutorial's
  --lock-timeout SECONDS how long to wait for another process using the token
                         file (default ${DEFAULT_LOCK_TIMEOUT_SECONDS})
  --local-server         log in with a browser on this machine instead of
                         copying a code (needs the browser flags below)
  --version              print the version
  -h, --help             this text

Permissions (the narrowest that work; for another GLOBUS_SDK_ENVIRONMENT or a
local fake Globus, put its hosts in --allow-net; with --token-file, grant that
file, its .lock and its .tmp instead, and a path with a comma cannot be
granted; on Windows add USERPROFILE to --allow-env):
  T="$HOME/${TOKEN_FILE_NAME}"
  ${invocation(storagePermissions("$T"))}
`;

/** Runs the script with `args` on `io`; returns the exit status. */
export function main(args: string[], io: Io = processIo): Promise<number> {
  const context: { tokenFile?: string } = {};
  return runCli(
    async () => {
      const values = parseCommandLine(args);
      if (values.help) return await io.out(help());
      const tokenFile = values.tokenFile;
      context.tokenFile = tokenFile;

      // 1. A native-app Auth client and the JSON token storage (a namespace per
      //    client). One transport for both clients, which says on stderr when it retries.
      const transport = new Transport({ onRetry: retryReporter(io) });
      const authClient = new NativeAppAuthClient(values.clientId, { transport });
      requireNetAccess([authClient.baseUrl, getServiceUrl("groups")]);
      const tokenStorage = new JSONTokenStorage(tokenFile, {
        namespace: values.clientId === TUTORIAL_CLIENT_ID ? "DEFAULT" : `client:${values.clientId}`,
        lockTimeoutMs: values.lockTimeoutSeconds * 1000,
        onLockWait: ({ path }) =>
          void io.err(
            `Waiting for another process that is using ${path} (up to ${values.lockTimeoutSeconds} s)...\n`,
          ),
      });
      const resourceServer = GroupsClient.resourceServer;
      const loose = await tokenStorage.secureFile();
      if (loose !== null) {
        const mode = loose.mode.toString(8);
        await io.err(
          loose.fixed
            ? `warning: ${tokenFile} was readable by others (mode ${mode}); it is now 600\n`
            : `warning: ${tokenFile} is readable by others (mode ${mode}) and could not be made private; run chmod 600 on it\n`,
        );
      }

      if (values.logout) return await logout(authClient, tokenStorage, io, values.localOnly);

      // 2. Log in only if there is no stored login with a refresh token. A
      //    code works once: check that the file can take the tokens first.
      const login = async (): Promise<TokenStorageData> => {
        await tokenStorage.checkWritable();
        const tokens = await interactiveLogin(authClient, io, { refreshTokens: true });
        await tokenStorage.storeTokenResponse(tokens);
        await io.err(`\nLogged in. Tokens saved to ${tokenFile}\n`);
        return usableLogin(await tokenStorage.getTokenData(resourceServer), tokenFile);
      };
      const stored = values.forceLogin ? null : await tokenStorage.getTokenData(resourceServer);
      let tokenData = stored?.refreshToken ? stored : await login();

      // 3. A refresh-token authorizer: it renews the access token when it
      //    expires and writes the new tokens back to the storage (the tutorial's
      //    on_refresh=token_storage.store_token_response, made safe for several
      //    processes sharing the file).
      const listGroups = (data: TokenStorageData) => {
        const authorizer = new RefreshTokenAuthorizer(data.refreshToken!, authClient, {
          accessToken: data.accessToken,
          expiresAtSeconds: data.expiresAtSeconds,
          tokenStorage,
          resourceServer,
          // The refresh worked but the file could not be written: go on, and say so.
          onStoreError: (error) =>
            io.err(
              `warning: the renewed tokens could not be saved (${
                describeError(error)
              }); the next run may need a new login\n`,
            ),
        });
        return new GroupsClient({ authorizer, transport }).getMyGroups();
      };

      // 4. List my groups. A stored login that Globus no longer accepts is
      //    dropped and replaced by a new one, as on a first run.
      let groups;
      try {
        groups = await listGroups(tokenData);
      } catch (error) {
        if (!(error instanceof RefreshTokenRejectedError)) throw error;
        // Drop the dead login, unless another process has stored a new one meanwhile.
        const rejected = tokenData.refreshToken;
        const removed = await tokenStorage.removeTokenData(resourceServer, {
          onlyIf: (current) => current.refreshToken === rejected,
        });
        const replacement = removed ? null : await tokenStorage.getTokenData(resourceServer);
        if (replacement?.refreshToken) {
          tokenData = replacement;
        } else {
          await io.err(
            `${LOGIN_EXPIRED[0]!.toUpperCase()}${
              LOGIN_EXPIRED.slice(1)
            }; it was removed. Log in again.\n`,
          );
          tokenData = await login();
        }
        groups = await listGroups(tokenData);
      }
      await io.out(formatGroups(groups, values.format));
    },
    io,
    context,
  );
}

/** The command line, with defaults applied and checked. */
function parseCommandLine(args: string[]) {
  const options = parseOptions(args, {
    "token-file": { type: "string" },
    format: { type: "string" },
    "force-login": { type: "boolean" },
    logout: { type: "boolean" },
    "local-only": { type: "boolean" },
    "client-id": { type: "string" },
    "lock-timeout": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const format = outputFormat(options.format);
  const home = homeDirectory();
  const tokenFile = options["token-file"] ?? (home ? `${home}/${TOKEN_FILE_NAME}` : undefined);
  if (tokenFile === undefined && !options.help) {
    throw new UsageError(
      "HOME is not set (or not readable; on Windows, USERPROFILE); give --token-file PATH",
    );
  }
  if (options["local-only"] && !options.logout) {
    throw new UsageError("--local-only goes with --logout");
  }
  const lockTimeout = options["lock-timeout"];
  const lockTimeoutSeconds = lockTimeout === undefined
    ? DEFAULT_LOCK_TIMEOUT_SECONDS
    : /^\d+(\.\d+)?$/.test(lockTimeout)
    ? Number(lockTimeout)
    : NaN;
  if (!(lockTimeoutSeconds > 0)) {
    throw new UsageError(
      `--lock-timeout must be a number of seconds above 0, not "${lockTimeout}"`,
    );
  }
  return {
    tokenFile: tokenFile ?? "",
    format,
    forceLogin: options["force-login"] ?? false,
    logout: options.logout ?? false,
    localOnly: options["local-only"] ?? false,
    clientId: options["client-id"] ?? TUTORIAL_CLIENT_ID,
    lockTimeoutSeconds,
    help: options.help ?? false,
  };
}

/** A stored record that the script can use, or a clear error naming the file. */
function usableLogin(data: TokenStorageData | null, tokenFile: string): TokenStorageData {
  if (data?.refreshToken) return data;
  throw new CliError(
    `Globus Auth returned no refresh token for Globus Groups, so ${tokenFile} cannot keep the login`,
  );
}

/** Whether a record still holds the tokens of `record` (nothing newer was stored meanwhile). */
const sameTokens = (record: TokenStorageData) => (current: TokenStorageData) =>
  current.accessToken === record.accessToken && current.refreshToken === record.refreshToken;

/**
 * Revokes the stored tokens at Auth, and removes each record whose tokens
 * were all revoked and that still holds them. With `localOnly`, only forgets.
 */
async function logout(
  authClient: NativeAppAuthClient,
  tokenStorage: JSONTokenStorage,
  io: Io,
  localOnly: boolean,
): Promise<void> {
  const path = tokenStorage.path;
  const records = Object.entries(await tokenStorage.getTokenDataByResourceServer());
  if (records.length === 0) return await io.err(`Not logged in: no tokens stored in ${path}\n`);
  let removed = 0;
  const newer: string[] = [];
  const unrevoked: string[] = [];
  let failure: unknown;
  for (const [resourceServer, record] of records) {
    if (!localOnly) {
      try {
        if (record.refreshToken) await authClient.oauth2RevokeToken(record.refreshToken);
        await authClient.oauth2RevokeToken(record.accessToken);
      } catch (error) {
        unrevoked.push(resourceServer);
        failure ??= error;
        continue;
      }
    }
    if (await tokenStorage.removeTokenData(resourceServer, { onlyIf: sameTokens(record) })) {
      removed++;
    } else {
      newer.push(resourceServer);
    }
  }
  if (removed > 0) {
    await io.err(
      localOnly
        ? `Forgot ${removed} token record(s) in ${path} without revoking them; they stay valid at Globus until they expire\n`
        : `Logged out: revoked and removed ${removed} token record(s) from ${path}\n`,
    );
  }
  if (newer.length > 0) {
    await io.err(
      `A newer login for ${newer.join(", ")} was stored meanwhile; it was kept in ${path}\n`,
    );
  }
  if (unrevoked.length > 0) {
    throw new CliError(
      `could not revoke the tokens for ${unrevoked.join(", ")} (${
        describeError(failure)
      }); they were kept in ${path}: run --logout again later, or --logout --local-only to ` +
        `forget them here (they stay valid at Globus until they expire)`,
    );
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
