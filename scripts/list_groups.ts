#!/usr/bin/env -S deno run --allow-net=auth.globus.org,groups.api.globus.org --allow-env=HOME,GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT --allow-read --allow-write
/**
 * List my Globus groups as CSV with a `UserApp`: the Globus SDK tutorial
 * "How to Create A Minimal Script" (`list_groups.py`). The app logs in only
 * when no stored login serves, keeps the login in the Python SDK's own file
 * (`~/.globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/my-user-app/tokens.json`,
 * so Python's `list_groups.py` and this script share it), renews it, and
 * replaces a login Globus no longer accepts by a new one.
 *
 * Permissions (the narrowest that work against Globus; the shebang cannot
 * name `$HOME`, so it is broader):
 *
 *   D="$HOME/.globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/my-user-app"; T="$D/tokens.json"
 *   deno run --allow-net=auth.globus.org,groups.api.globus.org \
 *     --allow-env=HOME,GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT \
 *     --allow-read="$T,$T.lock,$T.tmp" --allow-write="$D" scripts/list_groups.ts
 *
 * Writing `$D` lets the first run create the app's directory (mode 0700);
 * `.lock` serialises processes sharing the file, `.tmp` is where a new
 * version is written before it replaces the old one.
 *
 * @module
 */

import { UserApp } from "../lib/app/user_app.ts";
import { GroupsClient } from "../lib/services/groups/groups_client.ts";
import {
  appPermissions,
  formatGroups,
  invocation,
  type Io,
  loginChoice,
  outputFormat,
  processIo,
  requireNetAccess,
  runCli,
} from "./_cli.ts";
import {
  DEFAULT_LOCK_TIMEOUT_SECONDS,
  lockTimeoutOption,
  openJsonStorage,
} from "./_tutorial_cli.ts";
import { APP_NAME, appOptions, defaultAppTokenFile, explainAppErrors, whoami } from "./_app_cli.ts";
import { parseOptions } from "./_args.ts";

const help = () =>
  `Usage: list_groups.ts [options]

List your Globus groups with a UserApp ("${APP_NAME}"), logging in only when
no stored login works.
  --token-file PATH   where tokens are kept (default: the Python SDK's
                      ~/.globus/app/<tutorial client id>/${APP_NAME}/tokens.json)
  --format csv|json   output format (default csv: ID,Name,Roles)
  --force-login       log in again even if a stored login works
  --logout            revoke the stored tokens at Globus Auth and remove them
  --whoami            print who the stored login is of (username, identity id)
                      without listing groups or logging in
  --local-server      log in with a browser on this machine (a local web server
                      receives the login)
  --no-local-server   log in by copying a code from the browser's page
                      (default: the browser where one can work, else the code)
  --lock-timeout SECONDS  how long to wait for another process using the token
                      file (default ${DEFAULT_LOCK_TIMEOUT_SECONDS})
  --version           print the version
  -h, --help          this text

Permissions (the narrowest that work; for another GLOBUS_SDK_ENVIRONMENT or a
local fake Globus, put its hosts in --allow-net; with --token-file in a
directory that exists, --allow-write may name the file, its .lock and .tmp):
  D="$HOME/.globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/${APP_NAME}"
  ${invocation(appPermissions("$D/tokens.json"))}
`;

/** Runs the script with `args` on `io`; returns the exit status. */
export function main(args: string[], io: Io = processIo): Promise<number> {
  const context: { tokenFile?: string } = {};
  return runCli(
    () =>
      explainAppErrors(async () => {
        const values = parseCommandLine(args);
        if (values.help) return await io.out(help());
        context.tokenFile = values.tokenFile;

        // 1. The app, and a Groups client with the app (it adds the Groups scope to the app).
        const tokenStorage = await openJsonStorage(
          values.tokenFile,
          "DEFAULT",
          values.lockTimeoutSeconds,
          io,
        );
        const settings = appOptions(tokenStorage, io, values.login, !values.whoami);
        const app = new UserApp(APP_NAME, settings);
        const groupsClient = new GroupsClient({ app });

        if (values.logout) {
          requireNetAccess([app.loginClient.baseUrl]);
          const done = await app.logout();
          return await io.err(
            done.length === 0
              ? `Not logged in: no tokens stored in ${values.tokenFile}\n`
              : `Logged out: revoked and removed ${done.length} token record(s) from ${values.tokenFile}\n`,
          );
        }
        if (values.whoami) return await whoami(app, io, values.tokenFile);
        if (values.forceLogin) await app.login({ force: true });

        // 2. List my groups: the app logs in first if no stored login serves.
        const myGroups = await groupsClient.getMyGroups();
        await io.out(formatGroups(myGroups, values.format));
      }),
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
    whoami: { type: "boolean" },
    "local-server": { type: "boolean" },
    "no-local-server": { type: "boolean" },
    "lock-timeout": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const format = outputFormat(options.format);
  const help = options.help ?? false;
  return {
    login: loginChoice(options, "auto"),
    tokenFile: options["token-file"] ?? (help ? "" : defaultAppTokenFile()),
    format,
    forceLogin: options["force-login"] ?? false,
    logout: options.logout ?? false,
    whoami: options.whoami ?? false,
    lockTimeoutSeconds: lockTimeoutOption(options["lock-timeout"]),
    help,
  };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
