import assert from "node:assert/strict";
import { runScript, startFakeGlobus } from "../../lib/testing/mod.ts";
import { ALICE_CSV, lastErrorLine, NOAPP, NOAPP_FLAGS, scriptCalls } from "./_harness.ts";

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
    "error: no code was entered (standard input closed); run this in a terminal, or pipe the code in",
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
