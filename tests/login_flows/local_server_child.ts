// Child process of the real-browser test: a script that logs in with the
// local-server flow and lists the groups, as a script of the app layer will.
// Its opener hands the URL on (stderr, the line "OPEN <url>"); the test's
// Chromium opens it. Ctrl-C (SIGINT) aborts the login and frees the port.
// Run with: --allow-net=127.0.0.1 --allow-env=GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,...
import {
  AccessTokenAuthorizer,
  GroupsClient,
  LocalServerLoginFlowManager,
  NativeAppAuthClient,
} from "../../lib/mod.ts";

const CLIENT_ID = "61338d24-54d5-408f-a10d-66c06b59f6d2";
const encoder = new TextEncoder();
const say = (text: string) => Deno.stderr.write(encoder.encode(text)).then(() => {});

const controller = new AbortController();
Deno.addSignalListener("SIGINT", () => controller.abort(new Error("interrupted")));

const flow = new LocalServerLoginFlowManager(new NativeAppAuthClient(CLIENT_ID), {
  io: { write: say, readLine: () => Promise.resolve(null) },
  openBrowser: (url) => say(`OPEN ${url}\n`),
  timeoutMs: Number(Deno.args[0] ?? 60_000),
});
try {
  const tokens = await flow.runLoginFlow(
    { requiredScopes: GroupsClient.scopes.viewMyGroupsAndMemberships },
    { signal: controller.signal },
  );
  const token = tokens.byResourceServer[GroupsClient.resourceServer]!.access_token;
  const groups = await new GroupsClient({ authorizer: new AccessTokenAuthorizer(token) })
    .getMyGroups();
  for (const group of groups) console.log(`${group.id},${group.name}`);
} catch (error) {
  await say(`error: ${error instanceof Error ? error.message : error}\n`);
  Deno.exitCode = 1;
}
