import assert from "node:assert/strict";
import { GroupsScopes } from "../../lib/mod.ts";
import { runScript, startFakeGlobus } from "../../lib/testing/mod.ts";
import { withBrowserLogin } from "../../scripts/_cli.ts";
import {
  ALICE_CSV,
  fakeOpener,
  lastErrorLine,
  NO_DISPLAY,
  NOAPP,
  NOAPP_FLAGS,
  scriptCalls,
} from "./_harness.ts";

Deno.test("list_groups_noapp.ts logs in and prints alice's groups as CSV on stdout only", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  assert.match(
    run.stderr,
    /^Please go to this URL and login:\n\nhttp:\/\/127\.0\.0\.1:\d+\/v2\/oauth2\/authorize\?/,
  );
  assert.match(run.stderr, /\n\nPlease enter the code here: \n$/);
  const url = new URL(run.authorizeUrls[0]!);
  assert.equal(url.searchParams.get("client_id"), "61338d24-54d5-408f-a10d-66c06b59f6d2");
  assert.equal(url.searchParams.get("access_type"), "online");
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token authorization_code 200",
    "GET /v2/groups/my_groups 200",
  ]);
});

Deno.test("list_groups_noapp.ts prints only the header for a user in no group", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "carol" }],
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "ID,Name,Roles\n");
});

Deno.test("list_groups_noapp.ts --format json prints the same groups as JSON", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, {
    script: NOAPP,
    args: ["--format", "json"],
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 0, run.stderr);
  const rows = JSON.parse(run.stdout);
  assert.deepEqual(rows.map((r: { name: string }) => r.name), [
    "Alice's Lab",
    'Physics, Chemistry & "Friends"',
    "Ünïcødé 研究 group",
  ]);
  assert.deepEqual(rows[1].roles, ["manager", "member"]);
});

Deno.test("list_groups_noapp.ts explains a wrong code in one line and exits 1", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ type: "not-a-real-code" }],
  });
  assert.equal(run.status, 1);
  assert.equal(run.stdout, "");
  assert.match(
    lastErrorLine(run),
    /^error: Globus Auth did not accept the code \(invalid_grant.*\); a code works once .* paste a fresh one$/,
  );
  // The single-use exchange was sent once, not retried.
  assert.deepEqual(scriptCalls(fake), ["POST /v2/oauth2/token authorization_code 400"]);
});

Deno.test("list_groups_noapp.ts refuses a code that was already used", async () => {
  await using fake = await startFakeGlobus();
  const first = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(first.status, 0, first.stderr);
  const again = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ type: first.codes[0]! }],
  });
  assert.equal(again.status, 1);
  assert.match(lastErrorLine(again), /did not accept the code \(invalid_grant/);
});

Deno.test("list_groups_noapp.ts fails clearly when stdin closes at the prompt or the code is empty", async () => {
  await using fake = await startFakeGlobus();
  const closed = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ closeStdin: true }],
  });
  assert.equal(closed.status, 1);
  assert.equal(
    lastErrorLine(closed),
    "error: no code was entered (standard input closed); run this in a terminal, open the URL it prints and paste the code Globus shows (a code works only with the run that printed its URL)",
  );
  const empty = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ type: "   " }],
  });
  assert.equal(empty.status, 1);
  assert.match(lastErrorLine(empty), /^error: no code was entered; run again/);
  assert.deepEqual(scriptCalls(fake), [], "no request reaches Globus without a code");
});

Deno.test("list_groups_noapp.ts exits 2 with a usage line for a bad option", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, {
    script: NOAPP,
    args: ["--format", "xml"],
    denoFlags: NOAPP_FLAGS,
  });
  assert.equal(run.status, 2);
  assert.equal(lastErrorLine(run), 'error: --format must be csv or json, not "xml"');
  const unknown = await runScript(fake, {
    script: NOAPP,
    args: ["--nope"],
    denoFlags: NOAPP_FLAGS,
  });
  assert.equal(unknown.status, 2);
  assert.match(lastErrorLine(unknown), /^error: unknown option --nope; see --help$/);
});

Deno.test("list_groups_noapp.ts reports Groups answering 503 after the retries, without the token", async () => {
  await using fake = await startFakeGlobus();
  // Retry-After: 0 keeps the six attempts quick.
  fake.addFault({ pathPrefix: "/v2/groups/", status: 503, retryAfter: "0", times: 6 });
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 1);
  assert.match(
    lastErrorLine(run, run.codes),
    /^error: Globus is not answering properly \(GET http:\/\/127\.0\.0\.1:\d+\/v2\/groups\/my_groups 503.*\); try again later$/,
  );
  assert.equal(scriptCalls(fake).filter((c) => c.startsWith("GET")).length, 6);
});

Deno.test("list_groups_noapp.ts does not retry a 401 from Groups: a static token cannot be renewed", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/v2/groups/my_groups", status: 401, times: 1 });
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 1);
  assert.match(
    lastErrorLine(run),
    /^error: Globus rejected the login \(GET .* 401.*\); log in again$/,
  );
  assert.equal(scriptCalls(fake).length, 2);
});

Deno.test("list_groups_noapp.ts stops before the login when --allow-net does not cover the environment", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS, // 127.0.0.1 only
    env: {
      GLOBUS_SDK_SERVICE_URL_AUTH: "",
      GLOBUS_SDK_SERVICE_URL_GROUPS: "",
      GLOBUS_SDK_ENVIRONMENT: "sandbox",
    },
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 2);
  assert.equal(run.authorizeUrls.length, 0, "no login was asked for");
  assert.equal(
    lastErrorLine(run),
    "error: missing permission: --allow-net must include auth.sandbox.globuscs.info,groups.api.sandbox.globuscs.info (the Globus services this environment uses); see the permissions in --help",
  );
});

Deno.test("list_groups_noapp.ts --help shows the options and the permissions to run with", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, { script: NOAPP, args: ["--help"], denoFlags: NOAPP_FLAGS });
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^Usage: list_groups_noapp\.ts/);
  assert.match(
    run.stdout,
    /deno run --allow-net=auth\.globus\.org,groups\.api\.globus\.org --allow-env=GLOBUS_SDK_ENVIRONMENT,/,
  );
});

// ---- hostile answers and command-line edges (issue 12) --------------------------------------

// deno-lint-ignore no-control-regex -- the test looks for raw control characters
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

Deno.test("list_groups_noapp.ts writes a hostile group name byte-exact to a pipe, and escapes it on stderr", async () => {
  await using fake = await startFakeGlobus();
  const evil = "Lab \u001b]0;pwned\u0007 \u001b[2J \u202eevil\u0000 =1+2 \r";
  fake.addFault({
    pathPrefix: "/v2/groups/my_groups",
    body: [{
      id: "g1",
      name: evil,
      "my_memberships": [
        { "group_id": "g1", "identity_id": "i", username: "u", role: "admin", status: "active" },
      ],
    }],
  });
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 0, run.stderr);
  // Data to a pipe is exact, the lone CR quoted, the formula-like text left as it is.
  assert.equal(run.stdout, `ID,Name,Roles\ng1,"${evil}",admin\n`);

  fake.addFault({
    pathPrefix: "/v2/groups/my_groups",
    status: 400,
    body: {
      code: "Bad\u001b[2J",
      message: "evil \u0007\u202e text",
      "request_id": "r\u001b]0;x\u0007",
    },
  });
  const failed = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(failed.status, 1);
  assert.doesNotMatch(failed.stderr, RAW_CONTROLS);
  assert.match(
    lastErrorLine(failed),
    /^error: Globus refused the request: GET .* 400 Bad\\x1b\[2J: evil \\x07\\u202e text \(request_id=r\\x1b\]0;x\\x07\)$/,
  );
});

Deno.test("list_groups_noapp.ts does not follow Groups' redirect to another server: one line naming the host, exit 1", async () => {
  await using fake = await startFakeGlobus();
  await using other = await startFakeGlobus();
  fake.addFault({
    pathPrefix: "/v2/groups/my_groups",
    status: 302,
    redirectTo: `${other.url}/v2/groups/my_groups`,
  });
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 1);
  assert.equal(run.stdout, "");
  assert.equal(
    lastErrorLine(run, run.codes),
    `error: GET ${fake.groupsUrl}v2/groups/my_groups: unexpected answer from Globus: redirect (302) to ${
      new URL(other.url).host
    }, not followed: Globus APIs do not redirect; if this persists, report it to support@globus.org`,
  );
  assert.deepEqual(other.requests, []);
});

for (
  const [what, body, problem] of [
    ["a list of nulls", [null], "[0] is null, not an object"],
    [
      "a group without my_memberships",
      [{ id: "g", name: "n" }],
      "[0].my_memberships is missing, not a list",
    ],
    ["an object", { groups: [] }, "the body is an object, not a list"],
  ] as const
) {
  Deno.test(`list_groups_noapp.ts reports ${what} from Groups in one line, never "unexpected failure"`, async () => {
    await using fake = await startFakeGlobus();
    fake.addFault({ pathPrefix: "/v2/groups/my_groups", body });
    const run = await runScript(fake, {
      script: NOAPP,
      denoFlags: NOAPP_FLAGS,
      logins: [{ username: "alice" }],
    });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, "");
    assert.doesNotMatch(run.stderr, /unexpected failure/);
    assert.match(
      lastErrorLine(run),
      new RegExp(`unexpected answer from Globus: ${problem.replace(/[[\].]/g, "\\$&")};`),
    );
  });
}

Deno.test("list_groups_noapp.ts refuses a body of many MB without reading it all (declared length)", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({
    pathPrefix: "/v2/groups/my_groups",
    hugeBody: { bytes: 2 * 1024 ** 3, declareLength: true },
  });
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 1);
  assert.match(
    lastErrorLine(run),
    /unexpected answer from Globus: the body is larger than 256 MiB, the most this client reads \(maxBodyBytes\); it was not read;/,
  );
});

Deno.test("list_groups_noapp.ts says on stderr, once per retry, what failed and when the next attempt comes", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/v2/groups/my_groups", status: 503, retryAfter: "0", times: 2 });
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  const retries = run.stderr.split("\n").filter((l) => l.startsWith("retrying: "));
  assert.deepEqual(
    retries,
    [1, 2].map((n) =>
      `retrying: GET ${fake.groupsUrl}v2/groups/my_groups: 503 Service Unavailable; retry ${n} of 5 in 0.0 s`
    ),
  );
});

Deno.test("list_groups_noapp.ts says what Globus asked for when its Retry-After is beyond what it waits", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/v2/groups/my_groups", status: 503, retryAfter: "3600" });
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 1);
  assert.match(
    lastErrorLine(run),
    /^error: Globus is busy \(GET .* 503 FakeFault: .*\) and asked to be called again after "3600" \(Retry-After\), longer than this script waits; try again then$/,
  );
  assert.equal(scriptCalls(fake).filter((c) => c.startsWith("GET")).length, 1);
});

Deno.test("list_groups_noapp.ts says invalid_client is about the client id, not the login", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({
    pathPrefix: "/v2/oauth2/token",
    status: 401,
    body: { error: "invalid_client", "error_description": "Unknown client" },
  });
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ username: "alice" }],
  });
  assert.equal(run.status, 1);
  assert.match(
    lastErrorLine(run),
    /^error: Globus Auth does not accept the client id \(invalid_client: .*\); check --client-id: it must be a native app's client id/,
  );
  assert.doesNotMatch(run.stderr, /--force-login/);
});

Deno.test("list_groups_noapp.ts names the variable for a GLOBUS_SDK_SERVICE_URL_AUTH that is not a URL (exit 1, nothing sent)", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    env: { GLOBUS_SDK_SERVICE_URL_AUTH: "not-a-url" },
  });
  assert.equal(run.status, 1);
  assert.equal(
    lastErrorLine(run),
    'error: invalid setting: GLOBUS_SDK_SERVICE_URL_AUTH="not-a-url" is not an http(s) URL; set it to a base URL such as https://host/ or unset it',
  );
  assert.deepEqual(fake.requests, []);
});

Deno.test("list_groups_noapp.ts: --version prints the version; --client-id= is a usage error (exit 2)", async () => {
  await using fake = await startFakeGlobus();
  const version = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    args: ["--version"],
  });
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^globus-deno \d+\.\d+\.\d+\n$/);
  for (const args of [["--client-id="], ["--client-id", ""]]) {
    const run = await runScript(fake, { script: NOAPP, denoFlags: NOAPP_FLAGS, args });
    assert.equal(run.status, 2, JSON.stringify(args));
    assert.equal(lastErrorLine(run), "error: --client-id needs a non-empty value; see --help");
  }
  assert.deepEqual(fake.requests, []);
});

Deno.test("list_groups_noapp.ts refuses an absurdly long line at the prompt without reading it all or sending it", async () => {
  await using fake = await startFakeGlobus();
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    logins: [{ type: "x".repeat(1024 * 1024) }],
  });
  assert.equal(run.status, 1);
  assert.equal(
    lastErrorLine(run),
    "error: the line entered is longer than 4096 bytes, which no login code is; run again and paste only the code Globus shows after login",
  );
  assert.deepEqual(scriptCalls(fake), []);
});

Deno.test("list_groups_noapp.ts stops quietly (exit 141, nothing on stderr) when its stdout reader has gone", async () => {
  for (const option of ["--help", "--version"]) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...NOAPP_FLAGS, NOAPP, option],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await child.stdout.cancel();
    const [status, stderr] = await Promise.all([
      child.status,
      new Response(child.stderr).text(),
    ]);
    assert.equal(stderr, "", option);
    assert.equal(status.code, 141, option);
  }
});

Deno.test("list_groups_noapp.ts --help names the file it was started as and no .ts path when bundled", async () => {
  await using fake = await startFakeGlobus();
  const help = await runScript(fake, { script: NOAPP, denoFlags: NOAPP_FLAGS, args: ["--help"] });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: list_groups_noapp\.ts /);
  const dir = await Deno.makeTempDir();
  try {
    const bundle = `${dir}/list groups.js`;
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "-o", bundle, NOAPP],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
    const run = await runScript(fake, { script: bundle, denoFlags: NOAPP_FLAGS, args: ["--help"] });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Usage: list groups\.js /);
    assert.doesNotMatch(run.stdout, /\.ts\b/);
    // A path with a space is quoted, so the line can be pasted.
    assert.match(run.stdout, /\n {4}"[^"\n]*list groups\.js"\n/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- --local-server (issue 14) --------------------------------------------------------------

Deno.test("list_groups_noapp.ts --local-server logs in through the browser: the opener gets the tutorial's authorize URL", async () => {
  await using fake = await startFakeGlobus();
  await using opener = await fakeOpener();
  const run = await runScript(fake, {
    script: NOAPP,
    denoFlags: withBrowserLogin(NOAPP_FLAGS),
    env: opener.env,
    args: ["--local-server"],
    logins: [{ browser: "alice" }],
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  assert.deepEqual(run.browserLandings, [200], "the browser landed on the script's page");
  assert.deepEqual(await opener.opened(), [run.authorizeUrls[0]], "the opener got the URL");
  const url = new URL(run.authorizeUrls[0]!);
  assert.equal(url.searchParams.get("scope"), GroupsScopes.viewMyGroupsAndMemberships, "no openid");
  assert.equal(url.searchParams.get("access_type"), "online");
  assert.match(url.searchParams.get("redirect_uri")!, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(run.codes, [], "no code was typed");
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token authorization_code 200",
    "GET /v2/groups/my_groups 200",
  ]);
});

Deno.test("list_groups_noapp.ts --local-server without a display, or without the browser permissions: one line, exit 1, no login", async () => {
  await using fake = await startFakeGlobus();
  await using opener = await fakeOpener();
  const noDisplay = await runScript(fake, {
    script: NOAPP,
    denoFlags: withBrowserLogin(NOAPP_FLAGS),
    env: { ...opener.env, ...NO_DISPLAY },
    args: ["--local-server"],
    logins: [{ browser: "alice" }],
  });
  assert.equal(noDisplay.status, 1);
  assert.equal(
    lastErrorLine(noDisplay),
    "error: cannot log in with a browser here: there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset); log in by copying a code instead (--no-local-server)",
  );
  const narrow = await runScript(fake, {
    script: NOAPP,
    denoFlags: NOAPP_FLAGS,
    env: opener.env,
    args: ["--local-server"],
  });
  assert.equal(narrow.status, 1);
  assert.match(lastErrorLine(narrow), /^error: cannot log in with a browser here: .*--allow-env=/);
  assert.deepEqual(await opener.opened(), []);
  assert.deepEqual(scriptCalls(fake), []);
  const help = await runScript(fake, { script: NOAPP, denoFlags: NOAPP_FLAGS, args: ["--help"] });
  assert.match(help.stdout, /--local-server {6}log in with a browser/);
  assert.match(
    help.stdout,
    /\nWith --local-server .*\n.*\n {2}deno run --allow-net=auth\.globus\.org,groups\.api\.globus\.org,127\.0\.0\.1 .*--allow-run=xdg-open/,
  );
});
