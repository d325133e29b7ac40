import assert from "node:assert/strict";
import { GroupsScopes } from "../../lib/mod.ts";
import {
  defaultDataset,
  runScript,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../../lib/testing/mod.ts";
import { withBrowserLogin } from "../../scripts/_cli.ts";
import {
  ALICE_CSV,
  fakeOpener,
  holdLock,
  lastErrorLine,
  NO_DISPLAY,
  runWithStorage,
  scriptCalls,
  storageFlags,
  tempHome,
  WITH_STORAGE,
} from "./_harness.ts";

const RS = "groups.api.globus.org";
const OTHER_CLIENT = "0ther000-0000-4000-8000-000000000001";

interface StoredRecord {
  "access_token": string;
  "refresh_token"?: string;
  "expires_at_seconds": number;
  scope: string;
}

async function readRecord(tokenFile: string): Promise<StoredRecord> {
  const doc = JSON.parse(await Deno.readTextFile(tokenFile));
  assert.equal(doc.format_version, "2.0");
  return doc.data.DEFAULT[RS];
}

/** Makes the stored access token look expired to the script (and to the fake). */
async function expireStoredLogin(fake: { expireAllAccessTokens(): void }, tokenFile: string) {
  fake.expireAllAccessTokens();
  const doc = JSON.parse(await Deno.readTextFile(tokenFile));
  doc.data.DEFAULT[RS].expires_at_seconds = Math.trunc(Date.now() / 1000) - 10;
  await Deno.writeTextFile(tokenFile, JSON.stringify(doc));
}

Deno.test("list_groups_with_storage.ts logs in once, stores the tokens 0600, and the second run needs no login", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const first = await runWithStorage(fake, home, [{ username: "alice" }]);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, ALICE_CSV);
  assert.match(new URL(first.authorizeUrls[0]!).search, /access_type=offline/);
  assert.match(first.stderr, new RegExp(`Logged in\\. Tokens saved to ${home.tokenFile}\\n$`));
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token authorization_code 200",
    "GET /v2/groups/my_groups 200",
  ]);
  assert.equal((await Deno.stat(home.tokenFile)).mode! & 0o777, 0o600);
  const text = await Deno.readTextFile(home.tokenFile);
  assert.match(text, /^\{"data": \{"DEFAULT": \{"groups\.api\.globus\.org": \{"resource_server": /);
  assert.ok(!text.endsWith("\n"), "Python writes no trailing newline");
  assert.equal((await readRecord(home.tokenFile)).scope, GroupsScopes.viewMyGroupsAndMemberships);

  fake.clearLog();
  const second = await runWithStorage(fake, home);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout, ALICE_CSV);
  assert.equal(second.stderr, "");
  assert.deepEqual(scriptCalls(fake), ["GET /v2/groups/my_groups 200"]);
});

Deno.test("list_groups_with_storage.ts refreshes an expired access token once and writes the file back", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const before = await readRecord(home.tokenFile);
  await expireStoredLogin(fake, home.tokenFile);

  fake.clearLog();
  const run = await runWithStorage(fake, home);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 200",
    "GET /v2/groups/my_groups 200",
  ]);
  const after = await readRecord(home.tokenFile);
  assert.notEqual(after.access_token, before.access_token);
  assert.equal(after.refresh_token, before.refresh_token, "no rotation: the same refresh token");
  assert.ok(after.expires_at_seconds > Date.now() / 1000 + 3600);
  assert.equal((await Deno.stat(home.tokenFile)).mode! & 0o777, 0o600);
});

Deno.test("list_groups_with_storage.ts keeps a rotated refresh token, and the next refresh uses it", async () => {
  await using fake = await startFakeGlobus({ rotateRefreshTokens: true });
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const original = await readRecord(home.tokenFile);

  await expireStoredLogin(fake, home.tokenFile);
  assert.equal((await runWithStorage(fake, home)).status, 0);
  const rotated = await readRecord(home.tokenFile);
  assert.notEqual(rotated.refresh_token, original.refresh_token);

  // The old refresh token is dead now: only the stored new one can work.
  await expireStoredLogin(fake, home.tokenFile);
  fake.clearLog();
  const third = await runWithStorage(fake, home);
  assert.equal(third.status, 0, third.stderr);
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 200",
    "GET /v2/groups/my_groups 200",
  ]);
});

Deno.test("list_groups_with_storage.ts drops a revoked login and logs in again as on a first run", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const old = await readRecord(home.tokenFile);
  await expireStoredLogin(fake, home.tokenFile);
  fake.revokeAllRefreshTokens();

  fake.clearLog();
  const run = await runWithStorage(fake, home, [{ username: "alice" }]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  assert.match(
    run.stderr,
    /^The stored Globus login has expired or been revoked; it was removed\. Log in again\.\n/,
  );
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 400",
    "POST /v2/oauth2/token authorization_code 200",
    "GET /v2/groups/my_groups 200",
  ]);
  assert.notEqual((await readRecord(home.tokenFile)).refresh_token, old.refresh_token);
});

Deno.test("list_groups_with_storage.ts refuses a corrupt or foreign token file and leaves it untouched", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  for (
    const [content, problem] of [
      ['{"data": {"DEFAULT": ', /not valid JSON/],
      ['{"data": {}, "format_version": "3.0", "globus-sdk.version": "9"}', /format/],
      [
        '{"data": {"DEFAULT": {"groups.api.globus.org": {"resource_server": "groups.api.globus.org", "scope": "s", "access_token": 5, "expires_at_seconds": 1}}}, "format_version": "2.0", "globus-sdk.version": "4.9.0"}',
        /access_token/,
      ],
    ] as const
  ) {
    await Deno.writeTextFile(home.tokenFile, content, { mode: 0o600 });
    const run = await runWithStorage(fake, home, [{ username: "alice" }]);
    assert.equal(run.status, 1);
    const line = lastErrorLine(run);
    assert.ok(line.startsWith(`error: token file ${home.tokenFile}: `), line);
    assert.match(line, problem);
    assert.equal(run.authorizeUrls.length, 0, "no login over a file we cannot read");
    assert.equal(await Deno.readTextFile(home.tokenFile), content);
  }
  assert.deepEqual(scriptCalls(fake), []);
});

Deno.test("list_groups_with_storage.ts reports a 401 that renewal cannot fix, with the file validly updated", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const before = await readRecord(home.tokenFile);
  fake.clearLog();
  fake.addFault({ pathPrefix: "/v2/groups/my_groups", status: 401, times: 2 });
  const run = await runWithStorage(fake, home);
  assert.equal(run.status, 1);
  assert.match(
    lastErrorLine(run, [before.access_token, before.refresh_token!]),
    /^error: Globus rejected the login \(GET .*my_groups 401.*\); log in again \(run with --force-login\)$/,
  );
  assert.deepEqual(scriptCalls(fake), [
    "GET /v2/groups/my_groups 401",
    "POST /v2/oauth2/token refresh_token 200",
    "GET /v2/groups/my_groups 401",
  ]);
  const after = await readRecord(home.tokenFile);
  assert.notEqual(after.access_token, before.access_token);
});

Deno.test("eight list_groups_with_storage.ts processes on one expired login all succeed with one refresh", async () => {
  await using fake = await startFakeGlobus({ rotateRefreshTokens: true });
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  await expireStoredLogin(fake, home.tokenFile);
  fake.clearLog();
  const runs = await Promise.all(Array.from({ length: 8 }, () => runWithStorage(fake, home)));
  for (const run of runs) {
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, ALICE_CSV);
  }
  assert.equal(scriptCalls(fake).filter((c) => c.includes("refresh_token")).length, 1);
  const record = await readRecord(home.tokenFile);
  assert.ok(record.expires_at_seconds > Date.now() / 1000);
});

Deno.test("list_groups_with_storage.ts --logout revokes the stored tokens and removes them", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  fake.clearLog();
  const run = await runWithStorage(fake, home, [], ["--logout"]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(
    run.stderr,
    `Logged out: revoked and removed 1 token record(s) from ${home.tokenFile}\n`,
  );
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token/revoke 200",
    "POST /v2/oauth2/token/revoke 200",
  ]);
  const doc = JSON.parse(await Deno.readTextFile(home.tokenFile));
  assert.deepEqual(doc.data, {}, "no empty DEFAULT is left");
  // Logged out means the next run asks for a login again.
  const next = await runWithStorage(fake, home, [{ closeStdin: true }]);
  assert.equal(next.status, 1);
  assert.equal(next.authorizeUrls.length, 1);
});

Deno.test("list_groups_with_storage.ts uses a token file in the Python SDK's exact layout", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const issued = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GroupsScopes.viewMyGroupsAndMemberships],
    offline: true,
  });
  // Byte for byte what the Python SDK 4.9.0 writes (reference §5.5), with the fake's tokens.
  const python =
    `{"data": {"DEFAULT": {"groups.api.globus.org": {"resource_server": "groups.api.globus.org", "scope": "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships", "access_token": "${issued.access_token}", "refresh_token": "${issued.refresh_token}", "expires_at_seconds": ${
      Math.trunc(Date.now() / 1000) + 172800
    }, "token_type": "Bearer"}}}, "format_version": "2.0", "globus-sdk.version": "4.9.0"}`;
  await Deno.writeTextFile(home.tokenFile, python, { mode: 0o600 });
  fake.clearLog();
  const run = await runWithStorage(fake, home);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  assert.deepEqual(scriptCalls(fake), ["GET /v2/groups/my_groups 200"]);
  assert.equal(await Deno.readTextFile(home.tokenFile), python, "a read changes nothing");
});

Deno.test("list_groups_with_storage.ts with stdin closed at the first login writes no file", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const run = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: storageFlags(home.tokenFile),
    env: { HOME: home.home },
    logins: [{ closeStdin: true }],
  });
  assert.equal(run.status, 1);
  assert.match(lastErrorLine(run), /^error: no code was entered \(standard input closed\)/);
  await assert.rejects(() => Deno.stat(home.tokenFile), Deno.errors.NotFound);
});

Deno.test("list_groups_with_storage.ts makes a token file others can read private, and says so", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  await Deno.chmod(home.tokenFile, 0o644);
  const run = await runWithStorage(fake, home);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  assert.equal(
    run.stderr,
    `warning: ${home.tokenFile} was readable by others (mode 644); it is now 600\n`,
  );
  assert.equal((await Deno.stat(home.tokenFile)).mode! & 0o777, 0o600);
});

Deno.test("list_groups_with_storage.ts --force-login logs in again over a working login", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const before = await readRecord(home.tokenFile);
  const run = await runWithStorage(fake, home, [{ username: "carol" }], ["--force-login"]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.authorizeUrls.length, 1);
  assert.equal(run.stdout, "ID,Name,Roles\n", "now carol, who is in no group");
  assert.notEqual((await readRecord(home.tokenFile)).refresh_token, before.refresh_token);
});

Deno.test("list_groups_with_storage.ts removes a revoked login even when the new login is abandoned", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  await expireStoredLogin(fake, home.tokenFile);
  fake.revokeAllRefreshTokens();
  const run = await runWithStorage(fake, home, [{ closeStdin: true }]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /The stored Globus login has expired or been revoked; it was removed/);
  assert.match(lastErrorLine(run), /^error: no code was entered/);
  const doc = JSON.parse(await Deno.readTextFile(home.tokenFile));
  assert.deepEqual(doc.data, {}, "the dead record is gone");
});

Deno.test("list_groups_with_storage.ts still lists groups when the renewed tokens cannot be saved, and warns", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  await expireStoredLogin(fake, home.tokenFile);
  const before = await Deno.readTextFile(home.tokenFile);
  // The temp file's place is taken by a non-empty directory: the write must fail.
  await Deno.mkdir(`${home.tokenFile}.tmp`);
  await Deno.writeTextFile(`${home.tokenFile}.tmp/keep`, "x");
  fake.clearLog();
  const run = await runWithStorage(fake, home);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  assert.match(
    run.stderr,
    /^warning: the renewed tokens could not be saved \(token file .*: cannot write the file: .*\.tmp is in the way \(a directory that is not empty .*\); remove it\); the next run may need a new login\n$/,
  );
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 200",
    "GET /v2/groups/my_groups 200",
  ]);
  assert.equal(await Deno.readTextFile(home.tokenFile), before, "the old file is left whole");
});

Deno.test("list_groups_with_storage.ts keeps a login another process stored while its own was being refused", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  await expireStoredLogin(fake, home.tokenFile);
  fake.revokeAllRefreshTokens();
  // Hold the (doomed) refresh at Auth long enough for "another process" to log in meanwhile.
  fake.addFault({ pathPrefix: "/v2/oauth2/token", method: "POST", delayMs: 1500 });
  fake.clearLog();
  const running = runWithStorage(fake, home); // stdin closed: a new login would fail
  while (fake.pendingFaults() > 0) await new Promise((r) => setTimeout(r, 10));
  // The refresh is at Auth now. A program that takes no lock (the Python tutorial
  // shares this file) stores a fresh login meanwhile, atomically. Nothing here waits
  // for the script: the file is changed before the refused refresh comes back.
  const fresh = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GroupsScopes.viewMyGroupsAndMemberships],
    offline: true,
  });
  const doc = JSON.parse(await Deno.readTextFile(home.tokenFile));
  Object.assign(doc.data.DEFAULT[RS], {
    access_token: fresh.access_token,
    refresh_token: fresh.refresh_token,
    expires_at_seconds: Math.trunc(Date.now() / 1000) + 3600,
  });
  await Deno.writeTextFile(`${home.tokenFile}.other`, JSON.stringify(doc));
  await Deno.rename(`${home.tokenFile}.other`, home.tokenFile);

  const run = await running;
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, ALICE_CSV);
  assert.equal(run.authorizeUrls.length, 0, "no new login: the other process's one was used");
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 400",
    "GET /v2/groups/my_groups 200",
  ]);
  assert.equal((await readRecord(home.tokenFile)).refresh_token, fresh.refresh_token);
});

Deno.test("list_groups_with_storage.ts with another --client-id keeps its login apart and never removes the default one", async () => {
  const dataset = defaultDataset();
  dataset.clients.push({
    clientId: OTHER_CLIENT,
    type: "native",
    name: "other",
    identityId: OTHER_CLIENT,
  });
  await using fake = await startFakeGlobus({ dataset });
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  await expireStoredLogin(fake, home.tokenFile);
  const before = await readRecord(home.tokenFile);
  fake.clearLog();
  // Before: OTHER sent the default client's refresh token, Auth said invalid_grant, and
  // the default login was removed though it still worked.
  const other = await runWithStorage(fake, home, [{ username: "alice" }], [
    "--client-id",
    OTHER_CLIENT,
  ]);
  assert.equal(other.status, 0, other.stderr);
  assert.equal(other.stdout, ALICE_CSV);
  assert.equal(other.authorizeUrls.length, 1, "OTHER has no login of its own yet");
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token authorization_code 200",
    "GET /v2/groups/my_groups 200",
  ]);
  const doc = JSON.parse(await Deno.readTextFile(home.tokenFile));
  assert.deepEqual(Object.keys(doc.data), ["DEFAULT", `client:${OTHER_CLIENT}`]);
  assert.deepEqual(doc.data.DEFAULT[RS], before, "the default login is untouched");
  // And the default client still uses its own login.
  fake.clearLog();
  const again = await runWithStorage(fake, home);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(scriptCalls(fake), [
    "POST /v2/oauth2/token refresh_token 200",
    "GET /v2/groups/my_groups 200",
  ]);
});

Deno.test("list_groups_with_storage.ts waits a bounded time for another process's lock, says so, and leaves the file alone", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const lock = await holdLock(home.tokenFile);
  try {
    // A stored access token that is still valid never waits for the lock.
    fake.clearLog();
    const warm = await runWithStorage(fake, home);
    assert.equal(warm.status, 0, warm.stderr);
    assert.equal(warm.stderr, "");

    await expireStoredLogin(fake, home.tokenFile);
    const before = await Deno.readTextFile(home.tokenFile);
    fake.clearLog();
    const run = await runWithStorage(fake, home, [], ["--lock-timeout", "2"]);
    assert.equal(run.status, 1);
    const lines = run.stderr.trimEnd().split("\n");
    assert.deepEqual(lines, [
      `Waiting for another process that is using ${home.tokenFile} (up to 2 s)...`,
      `error: token file ${home.tokenFile}: gave up waiting after 2 s for the lock ${home.tokenFile}.lock: another process is using the token file; the file was not changed. Try again when it is done, or stop it`,
    ]);
    assert.deepEqual(scriptCalls(fake), [], "no refresh without the lock");
    assert.equal(await Deno.readTextFile(home.tokenFile), before);
  } finally {
    await lock.release();
  }
  assert.deepEqual(
    [...Deno.readDirSync(home.home)].map((e) => e.name).filter((n) => n.startsWith(".list-my")),
    [".list-my-globus-groups-tokens.json"],
    "only the token file remains: no .lock, no .tmp",
  );
});

Deno.test("list_groups_with_storage.ts checks the token file can be written before the login, not after", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  // A directory that does not exist, under the narrow permissions (which cannot create it).
  const missing = `${home.home}/no/such/dir`;
  const file = `${missing}/tokens.json`;
  const first = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: storageFlags(file),
    env: { HOME: home.home },
    args: ["--token-file", file],
    logins: [{ username: "alice" }],
  });
  assert.equal(first.status, 1);
  assert.equal(
    lastErrorLine(first),
    `error: token file ${file}: the directory ${missing} does not exist; create it (mkdir -m 700 ${missing}) or use another path`,
  );
  assert.equal(first.authorizeUrls.length, 0, "the login was not spent");

  // --force-login over a file that cannot be replaced: fails before the login too.
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const before = await Deno.readTextFile(home.tokenFile);
  await Deno.mkdir(`${home.tokenFile}.tmp`);
  await Deno.writeTextFile(`${home.tokenFile}.tmp/keep`, "x");
  fake.clearLog();
  const forced = await runWithStorage(fake, home, [{ username: "alice" }], ["--force-login"]);
  assert.equal(forced.status, 1);
  assert.match(
    lastErrorLine(forced),
    /^error: token file .*: cannot write the file: .*\.tmp is in the way \(a directory that is not empty .*\); remove it$/,
  );
  assert.equal(forced.authorizeUrls.length, 0);
  assert.deepEqual(scriptCalls(fake), []);
  assert.equal(await Deno.readTextFile(home.tokenFile), before);
  assert.equal(await Deno.readTextFile(`${home.tokenFile}.tmp/keep`), "x");
});

Deno.test("list_groups_with_storage.ts never re-sends the code exchange once it may have reached Auth", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  fake.addFault({ pathPrefix: "/v2/oauth2/token", method: "POST", status: 503 });
  const run = await runWithStorage(fake, home, [{ username: "alice" }]);
  assert.equal(run.status, 1);
  assert.match(lastErrorLine(run), /^error: Globus is not answering properly/);
  assert.deepEqual(scriptCalls(fake), ["POST /v2/oauth2/token authorization_code 503"]);
});

Deno.test("list_groups_with_storage.ts keeps the login when a refresh fails with a 400 other than invalid_grant", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  await expireStoredLogin(fake, home.tokenFile);
  const before = await readRecord(home.tokenFile);
  fake.addFault({ pathPrefix: "/v2/oauth2/token", method: "POST", status: 400 });
  fake.clearLog();
  const run = await runWithStorage(fake, home, [{ closeStdin: true }]);
  assert.equal(run.status, 1);
  assert.match(
    lastErrorLine(run),
    /^error: Globus refused the request: POST .*token 400 FakeFault/,
  );
  assert.ok(!run.stderr.includes("expired or been revoked"), run.stderr);
  assert.equal(run.authorizeUrls.length, 0);
  assert.deepEqual(await readRecord(home.tokenFile), before, "the login is kept");
});

Deno.test("list_groups_with_storage.ts --logout keeps what it could not revoke, and --local-only forgets it", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const before = await Deno.readTextFile(home.tokenFile);
  fake.addFault({ pathPrefix: "/v2/oauth2/token/revoke", status: 403, times: Infinity });
  const failed = await runWithStorage(fake, home, [], ["--logout"]);
  assert.equal(failed.status, 1);
  assert.match(
    lastErrorLine(failed),
    new RegExp(
      `^error: could not revoke the tokens for groups\\.api\\.globus\\.org \\(Globus refused the request: .*\\); they were kept in ${home.tokenFile}: run --logout again later, or --logout --local-only to forget them here \\(they stay valid at Globus until they expire\\)$`,
    ),
  );
  assert.equal(await Deno.readTextFile(home.tokenFile), before);

  fake.clearLog();
  const forgot = await runWithStorage(fake, home, [], ["--logout", "--local-only"]);
  assert.equal(forgot.status, 0, forgot.stderr);
  assert.equal(
    forgot.stderr,
    `Forgot 1 token record(s) in ${home.tokenFile} without revoking them; they stay valid at Globus until they expire\n`,
  );
  assert.deepEqual(scriptCalls(fake), [], "Auth is not contacted");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(home.tokenFile)).data, {});
});

Deno.test("list_groups_with_storage.ts --logout keeps a login stored while it was revoking the old one", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  fake.addFault({ pathPrefix: "/v2/oauth2/token/revoke", delayMs: 1500 });
  fake.clearLog();
  const running = runWithStorage(fake, home, [], ["--logout"]);
  while (fake.pendingFaults() > 0) await new Promise((r) => setTimeout(r, 10));
  // Another program stores a new login while the old one is being revoked.
  const doc = JSON.parse(await Deno.readTextFile(home.tokenFile));
  doc.data.DEFAULT[RS].access_token = "NEWER-ACCESS-TOKEN";
  await Deno.writeTextFile(`${home.tokenFile}.other`, JSON.stringify(doc));
  await Deno.rename(`${home.tokenFile}.other`, home.tokenFile);
  const run = await running;
  assert.equal(run.status, 0, run.stderr);
  assert.equal(
    run.stderr,
    `A newer login for groups.api.globus.org was stored meanwhile; it was kept in ${home.tokenFile}\n`,
  );
  assert.equal((await readRecord(home.tokenFile)).access_token, "NEWER-ACCESS-TOKEN");
});

Deno.test("list_groups_with_storage.ts --local-server logs in through the browser and stores the login; the next run needs none", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  await using opener = await fakeOpener();
  const first = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: withBrowserLogin(storageFlags(home.tokenFile)),
    env: { HOME: home.home, ...opener.env },
    args: ["--local-server"],
    logins: [{ browser: "alice" }],
  });
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, ALICE_CSV);
  assert.deepEqual(await opener.opened(), [first.authorizeUrls[0]]);
  const url = new URL(first.authorizeUrls[0]!);
  assert.equal(url.searchParams.get("scope"), GroupsScopes.viewMyGroupsAndMemberships);
  assert.equal(url.searchParams.get("access_type"), "offline");
  assert.match(first.stderr, new RegExp(`\\nLogged in\\. Tokens saved to ${home.tokenFile}\\n$`));
  assert.ok((await readRecord(home.tokenFile)).refresh_token);
  fake.clearLog();
  const second = await runWithStorage(fake, home, [], ["--local-server"]);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stderr, "");
  assert.deepEqual(scriptCalls(fake), ["GET /v2/groups/my_groups 200"]);
  assert.equal((await opener.opened()).length, 1, "no second browser");
});

Deno.test("list_groups_with_storage.ts --local-server without a display: one line, exit 1, no file", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const run = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: withBrowserLogin(storageFlags(home.tokenFile)),
    env: { HOME: home.home, ...NO_DISPLAY },
    args: ["--local-server"],
    logins: [{ browser: "alice" }],
  });
  assert.equal(run.status, 1);
  assert.equal(
    lastErrorLine(run),
    "error: cannot log in with a browser here: there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset); log in by copying a code instead (--no-local-server)",
  );
  await assert.rejects(() => Deno.stat(home.tokenFile), Deno.errors.NotFound);
  const both = await runWithStorage(fake, home, [], ["--local-server", "--no-local-server"]);
  assert.equal(both.status, 2);
  assert.equal(lastErrorLine(both), "error: give --local-server or --no-local-server, not both");
});

Deno.test("list_groups_with_storage.ts refuses a bad GLOBUS_SDK_SERVICE_URL_AUTH on every run, not first when a refresh needs Auth", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  assert.equal((await runWithStorage(fake, home, [{ username: "alice" }])).status, 0);
  const stored = await Deno.readTextFile(home.tokenFile);
  fake.clearLog();
  const bad = (args: string[]) =>
    runScript(fake, {
      script: WITH_STORAGE,
      denoFlags: storageFlags(home.tokenFile),
      env: { HOME: home.home, GLOBUS_SDK_SERVICE_URL_AUTH: "ftp://auth.example/" },
      args,
    });
  // A warm run (valid access token) and a local-only logout never call Auth, but the setting
  // is wrong all the same: say so now, as the tutorial's NativeAppAuthClient(...) does.
  for (const args of [[], ["--logout", "--local-only"]]) {
    const run = await bad(args);
    assert.equal(run.status, 1, `${args}: ${run.stderr}`);
    assert.equal(run.stdout, "");
    assert.equal(
      lastErrorLine(run),
      'error: invalid setting: GLOBUS_SDK_SERVICE_URL_AUTH="ftp://auth.example/" is not an http(s) URL; set it to a base URL such as https://host/ or unset it',
    );
  }
  assert.deepEqual(scriptCalls(fake), []);
  assert.equal(await Deno.readTextFile(home.tokenFile), stored, "the login is kept");
});
