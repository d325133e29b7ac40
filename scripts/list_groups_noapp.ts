#!/usr/bin/env -S deno run --allow-net=auth.globus.org,groups.api.globus.org --allow-env=GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT
/**
 * List my Globus groups as CSV: the Globus SDK tutorial "How to Create A
 * Minimal Script without GlobusApp", first example (`list_groups_noapp.py`).
 *
 * Logs in every run (nothing is stored), then prints `ID,Name,Roles`.
 * Instructions and the prompt go to stderr, so `> groups.csv` keeps only data.
 * The login is the tutorial's copy-paste one; `--local-server` logs in with
 * a browser on this machine instead, which needs more permissions (below).
 *
 * Permissions (the narrowest that work against Globus):
 *
 *   deno run --allow-net=auth.globus.org,groups.api.globus.org \
 *     --allow-env=GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT \
 *     scripts/list_groups_noapp.ts
 *
 * A variable it may not read counts as unset. Another environment or a local
 * fake Globus needs `--allow-net` for its hosts instead. `--local-server`
 * also needs `--allow-net=127.0.0.1` (it listens there for the browser),
 * `--allow-env=BROWSER,DISPLAY,WAYLAND_DISPLAY,SSH_CONNECTION,SSH_TTY` and
 * `--allow-run=xdg-open` (`open` on macOS, `cmd` on Windows).
 *
 * The policy around the tutorial's steps (options, one-line errors, the
 * permission check before the login) is in the `_*.ts` modules beside it.
 *
 * @module
 */

import { NativeAppAuthClient } from "../lib/auth/native_app_auth_client.ts";
import { AccessTokenAuthorizer } from "../lib/authorizers/simple.ts";
import { Transport } from "../lib/core/transport.ts";
import { GroupsClient } from "../lib/services/groups/groups_client.ts";
import {
  formatGroups,
  type Io,
  noappPermissions,
  processIo,
  retryReporter,
  runCli,
  scriptName,
} from "./_cli.ts";
import { interactiveLogin } from "./_login.ts";
import { permissionsHelp, tutorialOptions } from "./_tutorial_cli.ts";

/** The help text, naming the file this was started as (a .ts script, a bundle, a binary). */
const help = () =>
  `Usage: ${
    scriptName("list_groups_noapp.ts")
  } [--format csv|json] [--client-id ID] [--local-server]

Log in to Globus (copy-paste login) and list your groups.
  --format csv|json   output format (default csv: ID,Name,Roles)
  --client-id ID      your own native app's client id (default: the tutorial's)
  --local-server      log in with a browser on this machine instead of copying
                      a code (needs the browser login's permissions below)
  --no-local-server   log in by copying a code (the default)
  --version           print the version
  -h, --help          this text

Permissions (the narrowest that work; for another GLOBUS_SDK_ENVIRONMENT or a
local fake Globus, put its hosts in --allow-net):
${permissionsHelp(noappPermissions())}`;

/** Runs the script with `args` on `io`; returns the exit status. */
export function main(args: string[], io: Io = processIo): Promise<number> {
  return runCli(async () => {
    const options = tutorialOptions(args);
    if (options.help) return await io.out(help());

    // create a client for interactions with Globus Auth (one transport for
    // both clients, which says on stderr when it retries)
    const transport = new Transport({ onRetry: retryReporter(io) });
    const authClient = new NativeAppAuthClient(options.clientId, { transport });

    // using that client, do a login flow for Globus Groups credentials
    const tokens = await interactiveLogin(authClient, io, {
      refreshTokens: false,
      choice: options.login,
    });

    // extract tokens from the response which match Globus Groups
    // (interactiveLogin has checked that there are some)
    const groupsTokens = tokens.byResourceServer[GroupsClient.resourceServer]!;

    // construct an AccessTokenAuthorizer and use it to construct the GroupsClient
    const groupsClient = new GroupsClient({
      authorizer: new AccessTokenAuthorizer(groupsTokens.access_token),
      transport,
    });

    // call out to the Groups service to get a listing
    const myGroups = await groupsClient.getMyGroups();

    // print in CSV format (or JSON, with --format json)
    await io.out(formatGroups(myGroups, options.format));
  }, io);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
