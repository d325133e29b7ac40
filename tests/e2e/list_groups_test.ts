/**
 * scripts/list_groups.ts (the UserApp script) as a process against the fake
 * Globus, with the narrow permissions its --help gives and the copy-paste login.
 */

import assert from "node:assert/strict";
import { GroupsScopes, VERSION } from "../../lib/mod.ts";
import {
  DEFAULT_IDS,
  defaultDataset,
  type FakeGlobus,
  type LoginAnswer,
  runScript,
  type ScriptRun,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../../lib/testing/mod.ts";
import { appPermissions } from "../../scripts/_cli.ts";
import {
  ALICE_CSV,
  type AppHome,
  appHome,
  fakeOpener,
  holdLock,
  lastErrorLine,
  LIST_GROUPS,
  NO_DISPLAY,
  scriptCalls,
} from "./_harness.ts";

const RS = GroupsScopes.resourceServer;

function run(
  fake: FakeGlobus,
  home: AppHome,
  logins: LoginAnswer[] = [],
  args: string[] = [],
  tokenFile = home.tokenFile,
  env: Record<string, string> = NO_DISPLAY,
): Promise<ScriptRun> {
  return runScript(fake, {
    script: LIST_GROUPS,
    denoFlags: appPermissions(tokenFile, "127.0.0.1"),
    // By default no display: the default login finds no browser and falls back to copy-paste.
    env: { HOME: home.home, ...env },
    args,
    logins,
  });
}

async function readFile(tokenFile: string) {
  const doc = JSON.parse(await Deno.readTextFile(tokenFile));
  assert.equal(doc.format_version, "2.0");
  return doc.data.DEFAULT as Record<string, Record<string, unknown>>;
}

/** Makes the stored Groups access token look expired to the script and to the fake. */
async function expireStoredLogin(fake: FakeGlobus, tokenFile: string) {
  fake.expireAllAccessTokens();
  const doc = JSON.parse(await Deno.readTextFile(tokenFile));
  doc.data.DEFAULT[RS].expires_at_seconds = Math.trunc(Date.now() / 1000) - 10;
  await Deno.writeTextFile(tokenFile, JSON.stringify(doc));
}

Deno.test("list_groups.ts logs in once into Python's UserApp file, and the second run needs no login", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  const first = await run(fake, home, [{ username: "alice" }]);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, ALICE_CSV);
  const query = new URL(first.authorizeUrls[0]!).searchParams;
  assert.equal(query.get("scope"), `openid ${GroupsScopes.viewMyGroupsAndMemberships}`);
  assert.equal(query.get("access_type"), "offline");
  assert.ok(
    first.stderr.endsWith(
      `\nLogged in as alice@globusid.org; tokens saved to ${home.tokenFile}\n`,
    ),
    first.stderr,
  );
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token authorization_code 200",
    "GET /.well-known/openid-configuration 200",
    "GET /jwk.json 200",
    "GET /v2/groups/my_groups 200",
  ]);
  assert.equal((await Deno.stat(home.tokenFile)).mode! & 0o777, 0o600);
  for (const d of [home.dir, `${home.home}/.globus`, `${home.home}/.globus/app`]) {
    assert.equal((await Deno.stat(d)).mode! & 0o777, 0o700, d);
  }
  const text = await Deno.readTextFile(home.tokenFile);
  assert.match(text, /^\{"data": \{"DEFAULT": \{"(auth|groups)\.[a-z.]+": \{"resource_server": /);
  assert.ok(text.endsWith(`}}}, "format_version": "2.0", "globus-sdk.version": "${VERSION}"}`));
  const records = await readFile(home.tokenFile);
  assert.deepEqual(Object.keys(records).sort(), ["auth.globus.org", RS]);
  for (const record of Object.values(records)) {
    assert.deepEqual(Object.keys(record), [
      "resource_server",
      "identity_id",
      "scope",
      "access_token",
      "refresh_token",
      "expires_at_seconds",
      "token_type",
    ]);
    assert.equal(record.identity_id, DEFAULT_IDS.alice);
  }

  fake.clearLog();
  const second = await run(fake, home);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout, ALICE_CSV);
  assert.equal(second.stderr, "");
  assert.deepEqual(scriptCalls(fake), ["GET /v2/groups/my_groups 200"]);
});

Deno.test("list_groups.ts refreshes an expired access token without a login and writes it back", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  const before = (await readFile(home.tokenFile))[RS]!;
  await expireStoredLogin(fake, home.tokenFile);
  fake.clearLog();
  const again = await run(fake, home);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, ALICE_CSV);
  assert.equal(again.stderr, "");
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 200",
    "GET /v2/groups/my_groups 200",
  ]);
  const after = (await readFile(home.tokenFile))[RS]!;
  assert.notEqual(after.access_token, before.access_token);
  assert.equal(after.refresh_token, before.refresh_token);
  assert.equal(after.identity_id, DEFAULT_IDS.alice);
  assert.equal((await Deno.stat(home.tokenFile)).mode! & 0o777, 0o600);
});

Deno.test("list_groups.ts replaces a dead login (refresh refused) by a new login", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  const dead = (await readFile(home.tokenFile))[RS]!;
  await expireStoredLogin(fake, home.tokenFile);
  fake.revokeAllRefreshTokens();
  fake.clearLog();
  const again = await run(fake, home, [{ username: "alice" }]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, ALICE_CSV);
  assert.match(
    again.stderr,
    /^The stored Globus login has expired or been revoked; it was removed\. Log in again\.\nCannot log in with a browser here \(there is no graphical display \(DISPLAY and WAYLAND_DISPLAY are unset\)\); log in with a code instead\.\n\nPlease authenticate with Globus here:/,
  );
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 400",
    "POST /v2/oauth2/token authorization_code 200",
    "GET /.well-known/openid-configuration 200",
    "GET /jwk.json 200",
    "GET /v2/groups/my_groups 200",
  ]);
  const fresh = (await readFile(home.tokenFile))[RS]!;
  assert.notEqual(fresh.refresh_token, dead.refresh_token);
  assert.equal(fresh.identity_id, DEFAULT_IDS.alice);
});

Deno.test("list_groups.ts refuses a new login as someone else and keeps the stored identity", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  const stored = await Deno.readTextFile(home.tokenFile);
  const again = await run(fake, home, [{ username: "bob" }], ["--force-login"]);
  assert.equal(again.status, 1);
  assert.equal(
    lastErrorLine(again),
    `error: that login was of another Globus identity (${DEFAULT_IDS.bob}) than the stored one (${DEFAULT_IDS.alice}); log in as the stored identity, or run with --logout first`,
  );
  assert.equal(again.stdout, "");
  assert.equal(await Deno.readTextFile(home.tokenFile), stored);
});

Deno.test("list_groups.ts --force-login logs in again over a working login", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  const before = (await readFile(home.tokenFile))[RS]!;
  const again = await run(fake, home, [{ username: "alice" }], ["--force-login"]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.authorizeUrls.length, 1);
  assert.equal(again.stdout, ALICE_CSV);
  assert.notEqual((await readFile(home.tokenFile))[RS]!.access_token, before.access_token);
});

Deno.test("list_groups.ts --logout revokes the stored tokens and removes them; the next run logs in", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  const records = await readFile(home.tokenFile);
  fake.clearLog();
  const out = await run(fake, home, [], ["--logout"]);
  assert.equal(out.status, 0, out.stderr);
  assert.equal(
    out.stderr,
    `Logged out: revoked and removed 2 token record(s) from ${home.tokenFile}\n`,
  );
  assert.deepEqual(scriptCalls(fake), Array(4).fill("POST /v2/oauth2/token/revoke 200"));
  assert.equal(await readFile(home.tokenFile), undefined, "no empty DEFAULT namespace is left");
  const res = await fetch(`${fake.groupsUrl}v2/groups/my_groups`, {
    headers: { authorization: `Bearer ${records[RS]!.access_token}` },
  });
  await res.body?.cancel();
  assert.equal(res.status, 401, "the revoked token no longer works");

  const twice = await run(fake, home, [], ["--logout"]);
  assert.equal(twice.stderr, `Not logged in: no tokens stored in ${home.tokenFile}\n`);
  const next = await run(fake, home, [{ username: "alice" }]);
  assert.equal(next.status, 0, next.stderr);
  assert.equal(next.authorizeUrls.length, 1);
});

Deno.test("list_groups.ts uses a token file in the Python UserApp's exact layout without a login", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  const issue = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: ["openid", GroupsScopes.viewMyGroupsAndMemberships],
    offline: true,
  });
  const exp = Math.trunc(Date.now() / 1000) + 172800;
  const record = (
    t: { resource_server: string; scope: string; access_token: string; refresh_token?: string },
  ) =>
    `"${t.resource_server}": {"resource_server": "${t.resource_server}", "identity_id": "${DEFAULT_IDS.alice}", "scope": "${t.scope}", "access_token": "${t.access_token}", "refresh_token": "${t.refresh_token}", "expires_at_seconds": ${exp}, "token_type": "Bearer"}`;
  const text = `{"data": {"DEFAULT": {${
    [issue, ...issue.other_tokens].map(record).join(", ")
  }}}, "format_version": "2.0", "globus-sdk.version": "3.54.0"}`;
  await Deno.mkdir(home.dir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(home.tokenFile, text, { mode: 0o600 });
  fake.clearLog();
  const out = await run(fake, home);
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout, ALICE_CSV);
  assert.equal(out.stderr, "");
  assert.deepEqual(scriptCalls(fake), ["GET /v2/groups/my_groups 200"]);
  assert.equal(await Deno.readTextFile(home.tokenFile), text, "read only");
});

Deno.test("list_groups.ts --token-file keeps the login in that file, with permissions for it alone", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  const file = `${home.home}/elsewhere/t.json`;
  const first = await run(fake, home, [{ username: "alice" }], ["--token-file", file], file);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, ALICE_CSV);
  assert.equal((await readFile(file))[RS]!.identity_id, DEFAULT_IDS.alice);
  await assert.rejects(Deno.stat(home.dir), Deno.errors.NotFound);
  const second = await run(fake, home, [], ["--token-file", file, "--format", "json"], file);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout).length, 3);
});

Deno.test("list_groups.ts with stdin closed at the first login writes nothing; --local-server without a browser says why", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  const out = await run(fake, home, [{ closeStdin: true }]);
  assert.equal(out.status, 1);
  assert.equal(
    lastErrorLine(out),
    "error: no code was entered (standard input closed); run this in a terminal, open the URL it prints and paste the code Globus shows (a code works only with the run that printed its URL)",
  );
  await assert.rejects(Deno.stat(home.dir), Deno.errors.NotFound);

  const local = await run(fake, home, [], ["--local-server"]);
  assert.equal(local.status, 1);
  assert.equal(
    lastErrorLine(local),
    "error: cannot log in with a browser here: there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset); log in by copying a code instead (--no-local-server)",
  );
  await assert.rejects(Deno.stat(home.dir), Deno.errors.NotFound);
  const help = await run(fake, home, [], ["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--allow-write="\$D" /);
});

// ---- the browser login, and who is logged in (issues 14 and 16) -----------------------------

Deno.test("list_groups.ts logs in through the browser by default where one can work, and with --local-server", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  await using opener = await fakeOpener();
  const auto = await run(fake, home, [{ browser: "alice" }], [], home.tokenFile, opener.env);
  assert.equal(auto.status, 0, auto.stderr);
  assert.equal(auto.stdout, ALICE_CSV);
  assert.deepEqual(auto.browserLandings, [200]);
  assert.deepEqual(await opener.opened(), [auto.authorizeUrls[0]]);
  const query = new URL(auto.authorizeUrls[0]!).searchParams;
  assert.equal(query.get("scope"), `openid ${GroupsScopes.viewMyGroupsAndMemberships}`);
  assert.match(query.get("redirect_uri")!, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(auto.codes, []);
  assert.ok(
    auto.stderr.endsWith(`\nLogged in as alice@globusid.org; tokens saved to ${home.tokenFile}\n`),
  );

  const forced = await run(
    fake,
    home,
    [{ browser: "alice" }],
    ["--force-login", "--local-server"],
    home.tokenFile,
    opener.env,
  );
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(forced.stdout, ALICE_CSV);
  assert.equal((await opener.opened()).length, 2);
  assert.equal((await opener.opened())[1], forced.authorizeUrls[0]);
});

Deno.test("list_groups.ts --no-local-server types a code even where a browser could work", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  await using opener = await fakeOpener();
  const out = await run(
    fake,
    home,
    [{ username: "alice" }],
    ["--no-local-server"],
    home.tokenFile,
    opener.env,
  );
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.codes.length, 1);
  assert.deepEqual(await opener.opened(), []);
  assert.match(out.stderr, /^\nPlease authenticate with Globus here:\n/);
});

Deno.test("list_groups.ts --whoami prints the stored login's identity without listing groups; nothing stored is exit 1", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  const none = await run(fake, home, [], ["--whoami"]);
  assert.equal(none.status, 1);
  assert.equal(
    lastErrorLine(none),
    `error: Not logged in: no tokens stored in ${home.tokenFile}; run without --whoami to log in`,
  );
  assert.equal(none.stdout, "");
  assert.deepEqual(scriptCalls(fake), [], "no login, no call");

  // A login of this script asks for openid only: userinfo tells the identity id.
  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  fake.clearLog();
  const mine = await run(fake, home, [], ["--whoami"]);
  assert.equal(mine.status, 0, mine.stderr);
  assert.equal(
    mine.stdout,
    `identity id ${DEFAULT_IDS.alice} (the stored login was not granted the profile scope, which shows the username)\n`,
  );
  assert.equal(mine.stderr, "");
  assert.deepEqual(scriptCalls(fake), ["GET /v2/oauth2/userinfo 200"]);

  // A login with profile (Python's UserApp with an AuthClient asks for it) shows the username,
  // and an expired access token is renewed first, without a login.
  const issue = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: ["openid", "profile", GroupsScopes.viewMyGroupsAndMemberships],
    offline: true,
  });
  const doc = JSON.parse(await Deno.readTextFile(home.tokenFile));
  const auth = doc.data.DEFAULT["auth.globus.org"];
  Object.assign(auth, {
    scope: "openid profile",
    access_token: issue.access_token,
    refresh_token: issue.refresh_token,
    expires_at_seconds: Math.trunc(Date.now() / 1000) - 10,
  });
  await Deno.writeTextFile(home.tokenFile, JSON.stringify(doc));
  fake.clearLog();
  const named = await run(fake, home, [], ["--whoami"]);
  assert.equal(named.status, 0, named.stderr);
  assert.equal(named.stdout, `alice@globusid.org (identity id ${DEFAULT_IDS.alice})\n`);
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 200",
    // The renewal's answer carries an id_token, checked before it is stored.
    "GET /.well-known/openid-configuration 200",
    "GET /jwk.json 200",
    "GET /v2/oauth2/userinfo 200",
  ]);
});

Deno.test("list_groups.ts --whoami with a dead stored login says so and does not log in", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  fake.expireAllAccessTokens();
  fake.revokeAllRefreshTokens();
  const doc = JSON.parse(await Deno.readTextFile(home.tokenFile));
  doc.data.DEFAULT["auth.globus.org"].expires_at_seconds = Math.trunc(Date.now() / 1000) - 10;
  await Deno.writeTextFile(home.tokenFile, JSON.stringify(doc));
  const out = await run(fake, home, [{ username: "alice" }], ["--whoami"]);
  assert.equal(out.status, 1);
  assert.equal(
    lastErrorLine(out),
    "error: the stored Globus login has expired or been revoked; it was removed: run again to log in",
  );
  assert.equal(out.authorizeUrls.length, 0, "no login");
  assert.equal(out.stdout, "");
});

Deno.test("list_groups.ts says who logged in with control characters escaped", async () => {
  const dataset = defaultDataset();
  const alice = dataset.users.find((u) => u.username === "alice@globusid.org")!;
  alice.username = "alice\u001b[31m@globusid.org";
  await using fake = await startFakeGlobus({ dataset });
  await using home = await appHome();
  const out = await run(fake, home, [{ username: "alice\u001b[31m@globusid.org" }]);
  assert.equal(out.status, 0, out.stderr);
  assert.ok(
    out.stderr.endsWith(
      `\nLogged in as alice\\x1b[31m@globusid.org; tokens saved to ${home.tokenFile}\n`,
    ),
    out.stderr,
  );
});

Deno.test("list_groups.ts says when it waits for another process's lock and gives up after --lock-timeout", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  const lock = await holdLock(home.tokenFile);
  try {
    await expireStoredLogin(fake, home.tokenFile);
    const before = await Deno.readTextFile(home.tokenFile);
    fake.clearLog();
    const out = await run(fake, home, [], ["--lock-timeout", "2"]);
    assert.equal(out.status, 1);
    assert.deepEqual(out.stderr.trimEnd().split("\n"), [
      `Waiting for another process that is using ${home.tokenFile} (up to 2 s)...`,
      `error: token file ${home.tokenFile}: gave up waiting after 2 s for the lock ${home.tokenFile}.lock: another process is using the token file; the file was not changed. Try again when it is done, or stop it`,
    ]);
    assert.deepEqual(scriptCalls(fake), [], "no refresh without the lock");
    assert.equal(await Deno.readTextFile(home.tokenFile), before);
  } finally {
    await lock.release();
  }
});

Deno.test("list_groups.ts without --allow-net for Globus: a first run stops before the login, a warm run at its request, exit 2", async () => {
  await using fake = await startFakeGlobus();
  await using home = await appHome();
  const noNet = (logins: LoginAnswer[] = []) =>
    runScript(fake, {
      script: LIST_GROUPS,
      // No --allow-net at all (the browser login's 127.0.0.1 would grant the fake's port).
      denoFlags: appPermissions(home.tokenFile, "127.0.0.1").filter((f) =>
        !f.startsWith("--allow-net")
      ),
      env: { HOME: home.home, ...NO_DISPLAY },
      args: [],
      logins,
    });
  const first = await noNet([{ username: "alice" }]);
  assert.equal(first.status, 2, first.stderr);
  assert.match(
    lastErrorLine(first),
    /^error: missing permission: --allow-net must include 127\.0\.0\.1:\d+/,
  );
  assert.doesNotMatch(first.stderr, /Please authenticate|code/i, "no login was started");
  await assert.rejects(Deno.stat(home.tokenFile), Deno.errors.NotFound);

  assert.equal((await run(fake, home, [{ username: "alice" }])).status, 0);
  const stored = await Deno.readTextFile(home.tokenFile);
  fake.clearLog();
  const warm = await noNet();
  assert.equal(warm.status, 2, warm.stderr);
  assert.match(
    lastErrorLine(warm),
    /^error: missing permission: --allow-net must include 127\.0\.0\.1:\d+/,
  );
  assert.deepEqual(scriptCalls(fake), []);
  assert.equal(await Deno.readTextFile(home.tokenFile), stored, "the login is kept");
});
