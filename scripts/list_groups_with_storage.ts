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
 * The login is the tutorial's copy-paste one; `--local-server` logs in with
 * a browser on this machine instead, which also needs
 * `--allow-net=127.0.0.1`, `--allow-env=BROWSER,DISPLAY,WAYLAND_DISPLAY,SSH_CONNECTION,SSH_TTY`
 * and `--allow-run=xdg-open` (`open` on macOS, `cmd` on Windows).
 *
 * The tutorial's steps are below; the policy around them is in
 * `_tutorial_cli.ts` (options, the token storage) and `_stored_login.ts`
 * (the login, replacing a dead one, logout), which only runs when a login
 * or a logout is needed.
 *
 * @module
 */

import { RefreshTokenAuthorizer } from "../lib/authorizers/refresh_token.ts";
import { Transport } from "../lib/core/transport.ts";
import { GroupsClient } from "../lib/services/groups/groups_client.ts";
import type { TokenStorageData } from "../lib/token_storage/token_storage.ts";
import {
  formatGroups,
  type Io,
  processIo,
  retryReporter,
  runCli,
  scriptName,
  storagePermissions,
  warnTokensNotSaved,
} from "./_cli.ts";
import {
  DEFAULT_LOCK_TIMEOUT_SECONDS,
  openTokenStorage,
  permissionsHelp,
  storageOptions,
  TOKEN_FILE_NAME,
} from "./_tutorial_cli.ts";
import { loginAndStore, logout, replaceDeadLogin } from "./_stored_login.ts";
import { OnDemandAuthClient } from "./_auth_client.ts";

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
                         copying a code (needs the browser login's permissions below)
  --no-local-server      log in by copying a code (the default)
  --version              print the version
  -h, --help             this text

Permissions (the narrowest that work; for another GLOBUS_SDK_ENVIRONMENT or a
local fake Globus, put its hosts in --allow-net; with --token-file, grant that
file, its .lock and its .tmp instead, and a path with a comma cannot be
granted; on Windows add USERPROFILE to --allow-env):
  T="$HOME/${TOKEN_FILE_NAME}"
${permissionsHelp(storagePermissions("$T"))}`;

/** Runs the script with `args` on `io`; returns the exit status. */
export function main(args: string[], io: Io = processIo): Promise<number> {
  const context: { tokenFile?: string } = {};
  return runCli(
    async () => {
      const options = storageOptions(args);
      if (options.help) return await io.out(help());
      context.tokenFile = options.tokenFile;

      // create a client for interactions with Globus Auth (one transport for
      // both clients, which says on stderr when it retries); its code loads
      // on first use, as a run with a valid access token never calls Auth
      const transport = new Transport({ onRetry: retryReporter(io) });
      const authClient = new OnDemandAuthClient(options.clientId, { transport });

      // the JSON token storage: a namespace per client, shared safely between processes
      const tokenStorage = await openTokenStorage(options, io);
      if (options.logout) return await logout(authClient, tokenStorage, io, options.localOnly);

      // if there is no stored login (with a refresh token), we have not yet logged
      // in: do a login flow and store the tokens
      const login = () => loginAndStore(authClient, tokenStorage, io, options.login);
      // load the tokens from the storage -- either freshly stored or loaded from disk
      const stored = options.forceLogin
        ? null
        : await tokenStorage.getTokenData(GroupsClient.resourceServer);
      const tokenData = stored?.refreshToken ? stored : await login();

      const listGroups = (data: TokenStorageData) => {
        // construct the RefreshTokenAuthorizer which writes back to storage on refresh
        // (under a lock, so that processes sharing the file renew once)
        const authorizer = new RefreshTokenAuthorizer(data.refreshToken!, authClient, {
          accessToken: data.accessToken,
          expiresAtSeconds: data.expiresAtSeconds,
          tokenStorage,
          resourceServer: GroupsClient.resourceServer,
          onStoreError: (error) => warnTokensNotSaved(io, error),
        });
        // use that authorizer to authorize the activity of the groups client
        const groupsClient = new GroupsClient({ authorizer, transport });
        // call out to the Groups service to get a listing
        return groupsClient.getMyGroups();
      };
      // a stored login that Globus no longer accepts is dropped and replaced by a new one
      const myGroups = await listGroups(tokenData).catch(async (error) =>
        listGroups(await replaceDeadLogin(error, tokenData, tokenStorage, io, login))
      );

      // print in CSV format (or JSON, with --format json)
      await io.out(formatGroups(myGroups, options.format));
    },
    io,
    context,
  );
}

if (import.meta.main) Deno.exit(await main(Deno.args));
