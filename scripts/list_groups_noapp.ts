#!/usr/bin/env -S deno run --allow-net=auth.globus.org,groups.api.globus.org --allow-env=GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT
/**
 * List my Globus groups as CSV: the Globus SDK tutorial "How to Create A
 * Minimal Script without GlobusApp", first example (`list_groups_noapp.py`).
 *
 * Logs in every run (nothing is stored), then prints `ID,Name,Roles`.
 * Instructions and the prompt go to stderr, so `> groups.csv` keeps only data.
 *
 * Permissions (the narrowest that work against Globus):
 *
 *   deno run --allow-net=auth.globus.org,groups.api.globus.org \
 *     --allow-env=GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT \
 *     scripts/list_groups_noapp.ts
 *
 * A variable it may not read counts as unset. Another environment or a local
 * fake Globus needs `--allow-net` for its hosts instead.
 *
 * @module
 */

import {
  AccessTokenAuthorizer,
  getServiceUrl,
  GroupsClient,
  NativeAppAuthClient,
  Transport,
} from "../lib/mod.ts";
import {
  CliError,
  formatGroups,
  interactiveLogin,
  invocation,
  type Io,
  noappPermissions,
  outputFormat,
  processIo,
  requireNetAccess,
  retryReporter,
  runCli,
  scriptName,
  TUTORIAL_CLIENT_ID,
} from "./_cli.ts";
import { parseOptions } from "./_args.ts";

/** The help text, naming the file this was started as (a .ts script, a bundle, a binary). */
const help = () =>
  `Usage: ${scriptName("list_groups_noapp.ts")} [--format csv|json] [--client-id ID]

Log in to Globus (copy-paste login) and list your groups.
  --format csv|json   output format (default csv: ID,Name,Roles)
  --client-id ID      your own native app's client id (default: the tutorial's)
  --version           print the version
  -h, --help          this text

Permissions (the narrowest that work; for another GLOBUS_SDK_ENVIRONMENT or a
local fake Globus, put its hosts in --allow-net):
  ${invocation(noappPermissions())}
`;

/** Runs the script with `args` on `io`; returns the exit status. */
export function main(args: string[], io: Io = processIo): Promise<number> {
  return runCli(async () => {
    const values = parseCommandLine(args);
    if (values.help) return await io.out(help());

    // 1. A native-app Auth client: no secret, PKCE login. One transport for both
    //    clients, which says on stderr when it retries.
    const transport = new Transport({ onRetry: retryReporter(io) });
    const authClient = new NativeAppAuthClient(values.clientId, { transport });
    requireNetAccess([authClient.baseUrl, getServiceUrl("groups")]);

    // 2. Log in: print the URL, read the code, exchange it for tokens.
    const tokens = await interactiveLogin(authClient, io, { refreshTokens: false });

    // 3. Take the Groups access token and wrap it in an authorizer.
    const groupsTokens = tokens.byResourceServer[GroupsClient.resourceServer];
    if (groupsTokens === undefined) {
      throw new CliError("Globus Auth returned no token for Globus Groups");
    }
    const authorizer = new AccessTokenAuthorizer(groupsTokens.access_token);

    // 4. List my groups and print them.
    const groupsClient = new GroupsClient({ authorizer, transport });
    const groups = await groupsClient.getMyGroups();
    await io.out(formatGroups(groups, values.format));
  }, io);
}

/** The command line, with defaults applied and checked. */
function parseCommandLine(args: string[]) {
  const options = parseOptions(args, {
    format: { type: "string" },
    "client-id": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const format = outputFormat(options.format);
  return {
    format,
    clientId: options["client-id"] ?? TUTORIAL_CLIENT_ID,
    help: options.help ?? false,
  };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
