import assert from "node:assert/strict";
import { GlobusSDKUsageError, GlobusTimeoutError, TokenStorageError } from "../lib/core/errors.ts";
import {
  BackedTokenStorage,
  type RecordUpdate,
  type StoredRecords,
  type TokenStorageBackend,
} from "../lib/token_storage/backed_storage.ts";
import { isRenewingTokenStorage } from "../lib/token_storage/token_storage.ts";
import { RefreshTokenAuthorizer } from "../lib/authorizers/mod.ts";
import type { IdTokenClaims } from "../lib/tokens/id_token.ts";
import {
  OAuthAuthorizationCodeResponse,
  OAuthRefreshTokenResponse,
  type OAuthTokenResponse,
} from "../lib/tokens/token_response.ts";
import type { TokenStorageData } from "../lib/token_storage/token_storage.ts";
import { JSONTokenStorage } from "../lib/token_storage/json_storage.ts";
import { MemoryTokenStorage } from "../lib/token_storage/memory_storage.ts";
import { pythonJsonDumps } from "../lib/token_storage/_python_json.ts";
import { VERSION } from "../lib/core/version.ts";

/** Expects `fn` to reject with an instance of `errorClass` whose message contains `includes`; returns the error. */
async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  errorClass: new (...args: any[]) => E,
  includes?: string,
): Promise<E> {
  let caught: unknown;
  await assert.rejects(fn, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof errorClass, `expected ${errorClass.name}, got ${caught}`);
  if (includes !== undefined) assertIncludes(caught.message, includes);
  return caught;
}

function assertIncludes(text: string, part: string): void {
  assert.ok(
    text.includes(part),
    `expected ${JSON.stringify(text)} to include ${JSON.stringify(part)}`,
  );
}

// ---- fixtures -----------------------------------------------------------------

const GROUPS = "groups.api.globus.org";
const GROUPS_SCOPE = "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";
const SUB = "c8aad43e-d274-11e5-bf98-8b02896cf782";

/** python-sdk-behaviour.md §5.5, first example: 395 bytes, no trailing newline. */
const REFERENCE_FILE = `{"data": {"DEFAULT": {"groups.api.globus.org": {"resource_server": ` +
  `"groups.api.globus.org", "scope": "${GROUPS_SCOPE}", "access_token": ` +
  `"FAKE-ACCESS-TOKEN-groups-0001", "refresh_token": "FAKE-REFRESH-TOKEN-groups-0001", ` +
  `"expires_at_seconds": 1796183373, "token_type": "Bearer"}}}, "format_version": "2.0", ` +
  `"globus-sdk.version": "4.9.0"}`;

/** §5.5, second example, in its on-disk one-line form, plus an unknown top-level key. */
const authRecord = `{"resource_server": "auth.globus.org", "identity_id": "${SUB}", ` +
  `"scope": "openid profile email", "access_token": "FAKE-auth-access-token", ` +
  `"refresh_token": "FAKE-auth-refresh-token", "expires_at_seconds": 1796183198, ` +
  `"token_type": "Bearer"}`;
const groupsRecord = (accessToken: string, expires: number) =>
  `{"resource_server": "groups.api.globus.org", "identity_id": "${SUB}", ` +
  `"scope": "${GROUPS_SCOPE}", "access_token": "${accessToken}", ` +
  `"refresh_token": "FAKE-groups-refresh-token", "expires_at_seconds": ${expires}, ` +
  `"token_type": "Bearer"}`;
const aliceRecord = `{"resource_server": "transfer.api.globus.org", ` +
  `"scope": "urn:globus:auth:scope:transfer.api.globus.org:all", ` +
  `"access_token": "FAKE-transfer-at", "expires_at_seconds": 1796010498, "token_type": "Bearer"}`;
const secondExample = (groups: string, version: string) =>
  `{"data": {"DEFAULT": {"auth.globus.org": ${authRecord}, "groups.api.globus.org": ${groups}}, ` +
  `"user:alice": {"transfer.api.globus.org": ${aliceRecord}}}, "format_version": "2.0", ` +
  `"globus-sdk.version": "${version}", "x-note": "caf\\u00e9 \\ud83d\\ude00"}`;

function record(rs: string, accessToken: string, more: Partial<TokenStorageData> = {}) {
  return {
    resourceServer: rs,
    identityId: null,
    scope: `scope:${rs}`,
    accessToken,
    refreshToken: null,
    expiresAtSeconds: 1796183373,
    tokenType: "Bearer",
    extra: {},
    ...more,
  } satisfies TokenStorageData;
}

/** A login response whose id_token "decodes" to `sub` without any network. */
class FakeLoginResponse extends OAuthAuthorizationCodeResponse {
  override decodeIdToken(): Promise<IdTokenClaims> {
    return Promise.resolve({ sub: SUB, iss: "https://auth.globus.org", aud: "c", exp: 0 });
  }
}

function tokenBody(rs: string, accessToken: string, more: Record<string, unknown> = {}) {
  return {
    access_token: accessToken,
    scope: rs === GROUPS ? GROUPS_SCOPE : `scope:${rs}`,
    resource_server: rs,
    expires_in: 172800,
    token_type: "Bearer",
    other_tokens: [],
    ...more,
  };
}

/** Runs `fn` with a fresh temp directory, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "token_storage_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function snapshot(path: string): Promise<{ text: string; mtime: number | undefined }> {
  const info = await Deno.lstat(path);
  return {
    text: info.isFile ? await Deno.readTextFile(path) : "<dir>",
    mtime: info.mtime?.getTime(),
  };
}

/** Puts the file's mtime in the past so any rewrite shows. */
async function agePast(path: string): Promise<void> {
  await Deno.utime(path, new Date(2020, 0, 1), new Date(2020, 0, 1));
}

const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const posix = Deno.build.os !== "windows";

function childScript(name: string): string {
  return new URL(`./token_storage/${name}`, import.meta.url).href;
}

function spawnChild(name: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", childScript(name), ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function checkedOutput(child: Deno.ChildProcess): Promise<string> {
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  assert.ok(out.success, `child failed (${out.code}): ${decode(out.stderr)}`);
  return decode(out.stdout);
}

/**
 * Releases `children` at the barrier and returns their stdout. If anything
 * fails, every child still running is killed, so that none is left behind.
 */
async function runReleased(
  children: Deno.ChildProcess[],
  dir: string,
  barrier: string,
): Promise<{ outputs: string[]; startMs: number; runMs: number }> {
  const t0 = performance.now();
  try {
    await releaseWhenReady(dir, barrier, children.length);
    const t1 = performance.now();
    const outputs = await Promise.all(children.map(checkedOutput));
    return { outputs, startMs: t1 - t0, runMs: performance.now() - t1 };
  } catch (err) {
    for (const child of children) killQuietly(child);
    await Promise.allSettled(children.map((c) => c.status));
    throw err;
  }
}

function killQuietly(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // already exited
  }
}

/** Waits until `count` children have signalled readiness, then releases them all at once. */
async function releaseWhenReady(dir: string, barrier: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    let ready = 0;
    for await (const e of Deno.readDir(dir)) if (e.name.startsWith("barrier.ready-")) ready++;
    if (ready >= count) break;
    assert.ok(Date.now() < deadline, `only ${ready} of ${count} children started`);
    await sleep(10);
  }
  await Deno.writeTextFile(barrier, "go");
}

// ---- serializer ---------------------------------------------------------------

Deno.test("pythonJsonDumps() writes what Python's json.dumps writes", () => {
  // Expected text produced by CPython 3 json.dumps on the same value.
  const value = [{
    a: 'é😀\x7f\x01"\\/\u2028\ud800x',
    b: [1, 2.5, null, true, false, 0.0001, 0.00001, 1.5e-7, 123456.789, -0.5, 1e21],
    c: {},
    d: [],
    'k": "v': { "\u00ff": "\t\n\r\b\f" },
  }];
  assert.deepEqual(
    pythonJsonDumps(value),
    '[{"a": "\\u00e9\\ud83d\\ude00\\u007f\\u0001\\"\\\\/\\u2028\\ud800x", "b": [1, 2.5, null, ' +
      "true, false, 0.0001, 1e-05, 1.5e-07, 123456.789, -0.5, 1000000000000000000000], " +
      '"c": {}, "d": [], "k\\": \\"v": {"\\u00ff": "\\t\\n\\r\\b\\f"}}]',
  );
});

// ---- Python compatibility -------------------------------------------------------

Deno.test("JSONTokenStorage reads the Python SDK's example file without changing it", async () => {
  await inTempDir(async (dir) => {
    assert.deepEqual(new TextEncoder().encode(REFERENCE_FILE).length, 395);
    const path = `${dir}/.list-my-globus-groups-tokens.json`;
    await Deno.writeTextFile(path, REFERENCE_FILE, { mode: 0o600 });
    await agePast(path);
    const before = await snapshot(path);
    const storage = new JSONTokenStorage(path);
    const expected: TokenStorageData = {
      resourceServer: GROUPS,
      identityId: null,
      scope: GROUPS_SCOPE,
      accessToken: "FAKE-ACCESS-TOKEN-groups-0001",
      refreshToken: "FAKE-REFRESH-TOKEN-groups-0001",
      expiresAtSeconds: 1796183373,
      tokenType: "Bearer",
      extra: {},
    };
    assert.deepEqual(await storage.getTokenData(GROUPS), expected);
    assert.deepEqual(await storage.getTokenDataByResourceServer(), { [GROUPS]: expected });
    assert.deepEqual(await storage.getTokenData("auth.globus.org"), null);
    assert.deepEqual(await storage.getTokenData("constructor"), null);
    assert.deepEqual(
      await new JSONTokenStorage(path, { namespace: "other" }).getTokenData(GROUPS),
      null,
    );
    assert.deepEqual(await storage.fileExists(), true);
    assert.deepEqual(await storage.listNamespaces(), ["DEFAULT"]);
    assert.deepEqual(await snapshot(path), before);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      ".list-my-globus-groups-tokens.json",
    ]);
  });
});

Deno.test("JSONTokenStorage.storeTokenResponse() writes the Python SDK's exact bytes", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/.list-my-globus-groups-tokens.json`;
    const response = new OAuthAuthorizationCodeResponse(
      tokenBody(GROUPS, "FAKE-ACCESS-TOKEN-groups-0001", {
        refresh_token: "FAKE-REFRESH-TOKEN-groups-0001",
      }),
      { receivedAt: (1796183373 - 172800) * 1000 },
    );
    await new JSONTokenStorage(path).storeTokenResponse(response);
    const written = await Deno.readTextFile(path);
    assert.deepEqual(written, REFERENCE_FILE.replace('"4.9.0"', JSON.stringify(VERSION)));
    assert.ok(!written.endsWith("\n"), "no trailing newline");
  });
});

Deno.test("JSONTokenStorage keeps other namespaces and unknown top-level keys (second example)", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    const original = secondExample(groupsRecord("FAKE-groups-access-token", 1796183198), "4.9.0");
    await Deno.writeTextFile(path, original);
    const storage = new JSONTokenStorage(path);
    assert.deepEqual((await storage.getTokenData("auth.globus.org"))?.identityId, SUB);
    assert.deepEqual(await storage.listNamespaces(), ["DEFAULT", "user:alice"]);
    const alice = new JSONTokenStorage(path, { namespace: "user:alice" });
    assert.deepEqual(Object.keys(await alice.getTokenDataByResourceServer()), [
      "transfer.api.globus.org",
    ]);
    assert.deepEqual((await alice.getTokenData("transfer.api.globus.org"))?.refreshToken, null);

    // A refresh without id_token or refresh_token keeps both, rewrites the rest.
    const refresh = new OAuthRefreshTokenResponse(tokenBody(GROUPS, "NEW-groups-at"), {
      receivedAt: 1_700_000_000_000,
    });
    await storage.storeTokenResponse(refresh);
    assert.deepEqual(
      await Deno.readTextFile(path),
      secondExample(groupsRecord("NEW-groups-at", 1_700_000_000 + 172800), VERSION),
    );
  });
});

Deno.test("JSONTokenStorage reads a format 1.0 file and migrates it on the next write", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    const v1Groups =
      `{"scope": "${GROUPS_SCOPE}", "access_token": "V1-AT", "refresh_token": null, ` +
      `"token_type": "Bearer", "expires_at_seconds": 1796183373, "resource_server": "${GROUPS}"}`;
    const v1 = `{"by_rs": {"${GROUPS}": ${v1Groups}}, "format_version": "1.0", ` +
      `"globus-sdk.version": "3.10.0", "legacy": 1}`;
    await Deno.writeTextFile(path, v1);
    const storage = new JSONTokenStorage(path);
    const groups = await storage.getTokenData(GROUPS);
    assert.deepEqual(groups?.accessToken, "V1-AT");
    assert.deepEqual(groups?.refreshToken, null);
    assert.deepEqual(
      await new JSONTokenStorage(path, { namespace: "x" }).getTokenData(GROUPS),
      null,
    );
    assert.deepEqual(await storage.listNamespaces(), ["DEFAULT"]);
    assert.deepEqual(await Deno.readTextFile(path), v1, "reading does not migrate");

    await storage.storeTokenDataByResourceServer({
      "auth.globus.org": record("auth.globus.org", "A"),
    });
    // As Python: untouched v1 records are copied verbatim, other v1 keys dropped.
    assert.deepEqual(
      await Deno.readTextFile(path),
      `{"data": {"DEFAULT": {"${GROUPS}": ${v1Groups}, "auth.globus.org": {"resource_server": ` +
        `"auth.globus.org", "scope": "scope:auth.globus.org", "access_token": "A", ` +
        `"expires_at_seconds": 1796183373, "token_type": "Bearer"}}}, "format_version": "2.0", ` +
        `"globus-sdk.version": ${JSON.stringify(VERSION)}}`,
    );
  });
});

Deno.test("JSONTokenStorage round-trips unknown record fields (W10)", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    await Deno.writeTextFile(
      path,
      `{"data": {"DEFAULT": {"rs": {"resource_server": "rs", "foo": {"n": [1, "\\u00e9"]}, ` +
        `"scope": "s", "access_token": "A", "expires_at_seconds": 5}}}, ` +
        `"format_version": "2.0", "globus-sdk.version": "4.9.0"}`,
    );
    const storage = new JSONTokenStorage(path);
    const data = (await storage.getTokenData("rs"))!;
    assert.deepEqual(data.extra, { foo: { n: [1, "é"] } });
    await storage.storeTokenDataByResourceServer({ rs: { ...data, accessToken: "B" } });
    assert.deepEqual(
      await Deno.readTextFile(path),
      `{"data": {"DEFAULT": {"rs": {"resource_server": "rs", "scope": "s", "access_token": "B", ` +
        `"expires_at_seconds": 5, "foo": {"n": [1, "\\u00e9"]}}}}, "format_version": "2.0", ` +
        `"globus-sdk.version": ${JSON.stringify(VERSION)}}`,
    );
  });
});

// ---- bad files ------------------------------------------------------------------

const okRecord =
  `"resource_server": "rs", "scope": "s", "access_token": "A", "expires_at_seconds": 5`;
const v2 = (data: string) =>
  `{"data": ${data}, "format_version": "2.0", "globus-sdk.version": "4.9.0"}`;
const BAD_FILES: [name: string, content: string, message: string][] = [
  ["empty file", "", "not valid JSON (the file is empty); fix or remove the file"],
  ["truncated JSON", '{"data": {"rs": ', "not valid JSON (Unexpected end of JSON input)"],
  [
    "a token in broken JSON",
    '{"access_token": SECRET-TOKEN-1}',
    "not valid JSON (unexpected character)",
  ],
  ["not UTF-8", "\xff\xfe", "not valid UTF-8; fix or remove the file"],
  ["an array root", "[]", "the top level is an array, not a JSON object"],
  ["no format_version", '{"data": {}}', "no format_version"],
  ["format_version 3.0", '{"format_version": "3.0"}', 'unknown format_version "3.0"'],
  ["1.0 without by_rs", '{"format_version": "1.0"}', 'format_version 1.0 needs a "by_rs" object'],
  ["data is a list", v2("[]"), '"data" must be an object (it is an array)'],
  [
    "no globus-sdk.version",
    '{"data": {}, "format_version": "2.0"}',
    '"globus-sdk.version" must be a string',
  ],
  [
    "a namespace that is a number",
    v2('{"DEFAULT": 5}'),
    'namespace "DEFAULT" is a number, not an object',
  ],
  [
    "a record that is a string",
    v2('{"DEFAULT": {"rs": "SECRET-TOKEN-2"}}'),
    'record "rs" in namespace "DEFAULT": is a string',
  ],
  [
    "a record without access_token",
    v2(`{"DEFAULT": {"rs": {"resource_server": "rs", "scope": "s", "expires_at_seconds": 5}}}`),
    "'access_token' must be a string (it is missing)",
  ],
  [
    "a numeric access_token",
    v2(`{"DEFAULT": {"rs": {${okRecord.replace('"A"', "12345")}}}}`),
    "'access_token' must be a string (it is a number)",
  ],
  [
    "a float expires_at_seconds",
    v2(`{"DEFAULT": {"rs": {${okRecord.replace(": 5", ": 5.5")}}}}`),
    "'expires_at_seconds' must be an integer (it is a non-integer number)",
  ],
  [
    "a boolean expires_at_seconds (W32)",
    v2(`{"DEFAULT": {"rs": {${okRecord.replace(": 5", ": true")}}}}`),
    "'expires_at_seconds' must be an integer (it is a boolean)",
  ],
  [
    "a numeric identity_id",
    v2(`{"DEFAULT": {"rs": {${okRecord}, "identity_id": 7}}}`),
    "'identity_id' must be a string or null (it is a number)",
  ],
];

for (const [name, content, message] of BAD_FILES) {
  Deno.test(`JSONTokenStorage refuses a file with ${name} and leaves it untouched`, async () => {
    await inTempDir(async (dir) => {
      const path = `${dir}/t.json`;
      await Deno.writeFile(path, Uint8Array.from(content, (c) => c.charCodeAt(0)), { mode: 0o600 });
      await agePast(path);
      const before = await snapshot(path);
      const storage = new JSONTokenStorage(path);
      const attempts: [string, () => Promise<unknown>][] = [
        ["get", () => storage.getTokenData("rs")],
        ["getAll", () => storage.getTokenDataByResourceServer()],
        ["list", () => storage.listNamespaces()],
        ["store", () => storage.storeTokenDataByResourceServer({ rs: record("rs", "NEW") })],
        ["remove", () => storage.removeTokenData("rs")],
        [
          "renew",
          () =>
            storage.renewTokenData("rs", () => Promise.reject(new Error("no")), {
              isUsable: () => false,
            }),
        ],
      ];
      for (const [what, attempt] of attempts) {
        // Records are checked in the namespace used only: listing does not read them.
        if (what === "list" && content.includes('{"data": {"DEFAULT": ')) {
          assert.ok((await attempt() as string[]).includes("DEFAULT"));
          continue;
        }
        const err = await assertRejects(attempt, TokenStorageError, message);
        assert.deepEqual(err.path, path, what);
        assert.ok(err.message.startsWith(`token file ${path}: `), err.message);
        assert.ok(
          !err.message.includes("SECRET") && !String(err.cause).includes("SECRET"),
          err.message,
        );
        assert.deepEqual(await snapshot(path), before, `${what} changed the file`);
      }
    });
  });
}

Deno.test("JSONTokenStorage refuses a directory or symbolic link where the file should be", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    await Deno.mkdir(path);
    const storage = new JSONTokenStorage(path);
    assert.deepEqual(await storage.fileExists(), false);
    await assertRejects(
      () => storage.getTokenData("rs"),
      TokenStorageError,
      "is a directory, not a regular file",
    );
    await assertRejects(
      () => storage.storeTokenDataByResourceServer({ rs: record("rs", "A") }),
      TokenStorageError,
      "is a directory",
    );
    assert.ok((await Deno.stat(path)).isDirectory);

    if (!posix) return;
    const real = `${dir}/real.json`;
    await new JSONTokenStorage(real).storeTokenDataByResourceServer({ rs: record("rs", "A") });
    await Deno.symlink(real, `${dir}/link.json`);
    await Deno.chmod(real, 0o644);
    const link = new JSONTokenStorage(`${dir}/link.json`);
    // One policy from the first step: a link is refused by reads, writes, the preflight
    // and the mode fix alike, and its target is never changed.
    const message = "is a symbolic link; the file is replaced atomically on every write";
    assert.equal(await link.fileExists(), false);
    assert.equal(await link.secureFile(), null, "the mode fix does not follow the link");
    await assertRejects(() => link.getTokenData("rs"), TokenStorageError, message);
    await assertRejects(() => link.checkWritable(), TokenStorageError, message);
    await assertRejects(
      () => link.storeTokenDataByResourceServer({ rs: record("rs", "B") }),
      TokenStorageError,
      message,
    );
    assert.ok((await Deno.lstat(`${dir}/link.json`)).isSymlink);
    assert.equal(await mode(real), 0o644);
    assert.equal((await new JSONTokenStorage(real).getTokenData("rs"))?.accessToken, "A");
  });
});

Deno.test("JSONTokenStorage refuses a symbolic link at the lock path at once, and never spins", async () => {
  if (!posix) return;
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    const storage = new JSONTokenStorage(path, { lockTimeoutMs: 60_000 });
    await storage.storeTokenDataByResourceServer({ rs: record("rs", "A") });
    await Deno.writeTextFile(`${dir}/target`, "");
    await Deno.symlink(`${dir}/target`, `${path}.lock`);
    const before = await Deno.readTextFile(path);
    // The lock timeout is a minute: failing now, not after it, is the point.
    await assertRejects(
      () => storage.storeTokenDataByResourceServer({ rs: record("rs", "B") }),
      TokenStorageError,
      `the lock file ${path}.lock is a symbolic link, which this SDK never creates; remove it and run again`,
    );
    assert.equal(await Deno.readTextFile(path), before, "the file is unchanged");
    assert.ok((await Deno.lstat(`${path}.lock`)).isSymlink, "the link is not this SDK's to remove");
  });
});

// ---- reading and writing ----------------------------------------------------------

Deno.test("JSONTokenStorage: a missing file is no data, and reading creates nothing", async () => {
  await inTempDir(async (dir) => {
    const storage = new JSONTokenStorage(`${dir}/sub/t.json`);
    assert.deepEqual(await storage.fileExists(), false);
    assert.deepEqual(await storage.getTokenData("rs"), null);
    assert.deepEqual(await storage.getTokenDataByResourceServer(), {});
    assert.deepEqual(await storage.listNamespaces(), []);
    assert.deepEqual(await storage.removeTokenData("rs"), false);
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no file, lock file or directory created");
  });
});

Deno.test("JSONTokenStorage writes 0600 files in a 0700 directory and leaves no temp files", {
  ignore: !posix,
}, async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/a/b/t.json`;
    await new JSONTokenStorage(path).storeTokenDataByResourceServer({ rs: record("rs", "A") });
    assert.deepEqual(await mode(`${dir}/a`), 0o700);
    assert.deepEqual(await mode(`${dir}/a/b`), 0o700);
    assert.deepEqual(await mode(path), 0o600);
    assert.deepEqual([...Deno.readDirSync(`${dir}/a/b`)].map((e) => e.name), ["t.json"]);

    // An existing 0644 file becomes 0600 (W4); an existing directory keeps its mode.
    const loose = `${dir}/loose.json`;
    await Deno.writeTextFile(loose, REFERENCE_FILE);
    await Deno.chmod(loose, 0o644);
    await Deno.chmod(dir, 0o755);
    await new JSONTokenStorage(loose).storeTokenDataByResourceServer({ rs: record("rs", "A") });
    assert.deepEqual(await mode(loose), 0o600);
    assert.deepEqual(await mode(dir), 0o755);

    // The temp file a killed writer left (even a link) is replaced, never written through.
    await Deno.writeTextFile(`${dir}/elsewhere`, "keep");
    await Deno.symlink(`${dir}/elsewhere`, `${loose}.tmp`);
    await new JSONTokenStorage(loose).storeTokenDataByResourceServer({ rs: record("rs", "B") });
    assert.equal(await Deno.readTextFile(`${dir}/elsewhere`), "keep");
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("loose")).sort(),
      ["loose.json"],
    );
  });
});

Deno.test("JSONTokenStorage works with a bare file name (W6)", async () => {
  await inTempDir(async (dir) => {
    const cwd = Deno.cwd();
    Deno.chdir(dir);
    try {
      const storage = new JSONTokenStorage("tokens.json");
      await storage.storeTokenDataByResourceServer({ rs: record("rs", "A") });
      assert.deepEqual((await storage.getTokenData("rs"))?.accessToken, "A");
    } finally {
      Deno.chdir(cwd);
    }
    assert.ok(await new JSONTokenStorage(`${dir}/tokens.json`).fileExists());
  });
});

Deno.test("JSONTokenStorage.storeTokenResponse() keeps the identity id across a refresh, not across a new login", async () => {
  await inTempDir(async (dir) => {
    const storage = new JSONTokenStorage(`${dir}/t.json`);
    const login = new FakeLoginResponse(
      tokenBody(GROUPS, "AT-1", {
        refresh_token: "RT-1",
        id_token: "header.payload.signature",
        other_tokens: [tokenBody("auth.globus.org", "AUTH-AT-1", { refresh_token: "AUTH-RT-1" })],
      }),
    );
    await storage.storeTokenResponse(login);
    assert.deepEqual((await storage.getTokenData(GROUPS))?.identityId, SUB);
    assert.deepEqual((await storage.getTokenData("auth.globus.org"))?.identityId, SUB);

    await storage.storeTokenResponse(new OAuthRefreshTokenResponse(tokenBody(GROUPS, "AT-2")));
    const refreshed = (await storage.getTokenData(GROUPS))!;
    assert.deepEqual([refreshed.accessToken, refreshed.identityId], ["AT-2", SUB]);
    assert.deepEqual((await storage.getTokenData("auth.globus.org"))?.accessToken, "AUTH-AT-1");

    // A new login without an id_token may be someone else: the old identity is not carried over.
    await storage.storeTokenResponse(new OAuthAuthorizationCodeResponse(tokenBody(GROUPS, "AT-3")));
    assert.deepEqual((await storage.getTokenData(GROUPS))?.identityId, null);
  });
});

Deno.test("JSONTokenStorage.storeTokenResponse() keeps the refresh token unless a refresh returns a new one", async () => {
  await inTempDir(async (dir) => {
    const storage = new JSONTokenStorage(`${dir}/t.json`);
    const store = (r: OAuthTokenResponse) => storage.storeTokenResponse(r);
    const refreshToken = async () => (await storage.getTokenData(GROUPS))?.refreshToken;
    await store(
      new OAuthAuthorizationCodeResponse(tokenBody(GROUPS, "AT-1", { refresh_token: "RT-1" })),
    );
    await store(new OAuthRefreshTokenResponse(tokenBody(GROUPS, "AT-2")));
    assert.deepEqual(await refreshToken(), "RT-1", "a refresh that does not rotate keeps it");
    await store(
      new OAuthRefreshTokenResponse(tokenBody(GROUPS, "AT-3", { refresh_token: "RT-2" })),
    );
    assert.deepEqual(await refreshToken(), "RT-2", "a rotated refresh token replaces it");
    await store(new OAuthAuthorizationCodeResponse(tokenBody(GROUPS, "AT-4")));
    assert.deepEqual(await refreshToken(), null, "a new login without one replaces the record");
  });
});

Deno.test("JSONTokenStorage.removeTokenData() removes one record and writes only when it did", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    const storage = new JSONTokenStorage(path);
    const other = new JSONTokenStorage(path, { namespace: "other" });
    await storage.storeTokenDataByResourceServer({ a: record("a", "A"), b: record("b", "B") });
    await other.storeTokenDataByResourceServer({ a: record("a", "OTHER") });
    await agePast(path);
    const before = await snapshot(path);
    assert.deepEqual(await storage.removeTokenData("zzz"), false);
    assert.deepEqual(await storage.removeTokenData("toString"), false);
    assert.deepEqual(await snapshot(path), before, "nothing removed, nothing written (W7)");

    assert.deepEqual(await storage.removeTokenData("a"), true);
    assert.deepEqual(Object.keys(await storage.getTokenDataByResourceServer()), ["b"]);
    assert.deepEqual((await other.getTokenData("a"))?.accessToken, "OTHER");
    assert.deepEqual(await storage.removeTokenData("a"), false);
    assert.deepEqual(await storage.removeTokenData("b"), true);
    assert.deepEqual(
      await storage.listNamespaces(),
      ["other"],
      "an emptied namespace is removed (a logout leaves no empty DEFAULT)",
    );
    assert.ok(!(await Deno.readTextFile(path)).includes('"DEFAULT"'));
  });
});

Deno.test("JSONTokenStorage.storeTokenDataByResourceServer() rejects malformed data", async () => {
  const storage = new JSONTokenStorage("/nonexistent-dir/never-written.json");
  const bad: [Record<string, TokenStorageData>, string][] = [
    [{ rs: record("other", "A") }, 'its resourceServer is "other"'],
    [{ rs: record("rs", "A", { expiresAtSeconds: 1.5 }) }, "'expiresAtSeconds' must be an integer"],
    [
      { rs: { ...record("rs", "A"), accessToken: 5 as unknown as string } },
      "'accessToken' must be a string",
    ],
    [
      { rs: record("rs", "A", { extra: { scope: "x" } }) },
      "'extra' must not hold the field 'scope'",
    ],
  ];
  for (const [data, message] of bad) {
    await assertRejects(
      () => storage.storeTokenDataByResourceServer(data),
      GlobusSDKUsageError,
      message,
    );
  }
  await assertRejects(
    () => storage.renewTokenData("rs", () => Promise.reject(new Error()), undefined as never),
    GlobusSDKUsageError,
  );
  assert.deepEqual(await storage.fileExists(), false);
});

Deno.test("JSONTokenStorage serialises concurrent writes within one process", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    const a = new JSONTokenStorage(path);
    const b = new JSONTokenStorage(path, { namespace: "b" });
    await Promise.all(
      Array.from(
        { length: 40 },
        (_, i) =>
          (i % 2 ? a : b).storeTokenDataByResourceServer({ [`rs${i}`]: record(`rs${i}`, `A${i}`) }),
      ),
    );
    assert.deepEqual(Object.keys(await a.getTokenDataByResourceServer()).length, 20);
    assert.deepEqual(Object.keys(await b.getTokenDataByResourceServer()).length, 20);
  });
});

// ---- renewTokenData -------------------------------------------------------------------

for (const kind of ["JSONTokenStorage", "MemoryTokenStorage"]) {
  Deno.test(`${kind}.renewTokenData() renews only an unusable record, once`, async () => {
    await inTempDir(async (dir) => {
      const path = `${dir}/t.json`;
      const storage = kind === "JSONTokenStorage"
        ? new JSONTokenStorage(path)
        : new MemoryTokenStorage();
      await storage.storeTokenDataByResourceServer({
        [GROUPS]: record(GROUPS, "OLD", {
          refreshToken: "RT",
          identityId: SUB,
          expiresAtSeconds: 100,
        }),
      });
      let calls = 0;
      const renew = (current: TokenStorageData | null) => {
        calls++;
        assert.deepEqual(current?.accessToken, "OLD");
        return Promise.resolve(new OAuthRefreshTokenResponse(tokenBody(GROUPS, `NEW-${calls}`)));
      };
      const usable = { isUsable: (c: TokenStorageData) => c.expiresAtSeconds > 1000 };

      const kept = await storage.renewTokenData(GROUPS, renew, { isUsable: () => true });
      assert.deepEqual([kept.accessToken, calls], ["OLD", 0]);

      // Ten callers at once: the first renews, the others find a usable record.
      const results = await Promise.all(
        Array.from({ length: 10 }, () => storage.renewTokenData(GROUPS, renew, usable)),
      );
      assert.deepEqual(calls, 1);
      assert.ok(results.every((r) => r.accessToken === "NEW-1"));
      const stored = (await storage.getTokenData(GROUPS))!;
      assert.deepEqual([stored.accessToken, stored.refreshToken, stored.identityId], [
        "NEW-1",
        "RT",
        SUB,
      ]);

      // renew failing: nothing written.
      const before = kind === "JSONTokenStorage" ? await snapshot(path) : undefined;
      const failure = new Error("Auth said no");
      const err = await assertRejects(
        () =>
          storage.renewTokenData(GROUPS, () => Promise.reject(failure), { isUsable: () => false }),
        Error,
      );
      assert.ok(err === failure, "the renew error propagates unchanged");
      if (before) assert.deepEqual(await snapshot(path), before);
      assert.deepEqual((await storage.getTokenData(GROUPS))?.accessToken, "NEW-1");

      // An answer without the resource server is refused and not stored.
      await assertRejects(
        () =>
          storage.renewTokenData(
            GROUPS,
            () => Promise.resolve(new OAuthRefreshTokenResponse(tokenBody("x", "X"))),
            {
              isUsable: () => false,
            },
          ),
        GlobusSDKUsageError,
        "renew() returned no tokens for groups.api.globus.org",
      );
      assert.deepEqual(await storage.getTokenData("x"), null);
    });
  });
}

Deno.test("MemoryTokenStorage stores copies per namespace with the same merge rules", async () => {
  const storage = new MemoryTokenStorage({ namespace: "mine" });
  assert.deepEqual(storage.namespace, "mine");
  await storage.storeTokenResponse(
    new FakeLoginResponse(tokenBody(GROUPS, "AT-1", { refresh_token: "RT-1", id_token: "x.y.z" })),
  );
  await storage.storeTokenResponse(new OAuthRefreshTokenResponse(tokenBody(GROUPS, "AT-2")));
  const data = (await storage.getTokenData(GROUPS))!;
  assert.deepEqual([data.accessToken, data.refreshToken, data.identityId], ["AT-2", "RT-1", SUB]);
  data.accessToken = "mutated";
  assert.deepEqual((await storage.getTokenData(GROUPS))?.accessToken, "AT-2");
  assert.deepEqual(await storage.removeTokenData(GROUPS), true);
  assert.deepEqual(await storage.removeTokenData(GROUPS), false);
  assert.deepEqual(await storage.getTokenDataByResourceServer(), {});
});

// ---- several processes ------------------------------------------------------------------

Deno.test("JSONTokenStorage: twenty processes storing at once lose nothing", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    const barrier = `${dir}/barrier`;
    const children = Array.from(
      { length: 20 },
      (_, i) =>
        spawnChild("store_child.ts", [path, `ns${i % 4}`, `rs${i}.example.org`, barrier, "5"]),
    );
    const { startMs, runMs } = await runReleased(children, dir, barrier);
    console.log(
      `20 processes: ${startMs.toFixed(0)} ms to start, ${runMs.toFixed(0)} ms for 100 stores`,
    );
    for (let i = 0; i < 20; i++) {
      const storage = new JSONTokenStorage(path, { namespace: `ns${i % 4}` });
      assert.deepEqual(
        (await storage.getTokenData(`rs${i}.example.org`))?.accessToken,
        `AT-ns${i % 4}-rs${i}.example.org-5`,
      );
    }
    assert.deepEqual((await new JSONTokenStorage(path).listNamespaces()).sort(), [
      "ns0",
      "ns1",
      "ns2",
      "ns3",
    ]);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
      n.startsWith("tokens")
    );
    assert.deepEqual(names, ["tokens.json"], "no lock file is left behind");
  });
});

Deno.test("JSONTokenStorage: a writer killed at random moments never leaves a torn file", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    const storage = new JSONTokenStorage(path);
    const deadline = Date.now() + 30_000;
    let kills = 0;
    let reads = 0;
    while (kills < 30 && Date.now() < deadline) {
      const child = spawnChild("loop_child.ts", [path]);
      let status: Deno.CommandOutput;
      try {
        // Wait (reading concurrently with the writer) until this child has written once.
        for (const started = Date.now();;) {
          const a = await storage.getTokenData("a");
          reads++;
          if (a?.extra.writer === child.pid) break;
          assert.ok(Date.now() - started < 10_000, "the writer never wrote");
          await sleep(2);
        }
        await sleep(Math.random() * 30);
      } finally {
        killQuietly(child);
        status = await child.output();
      }
      assert.deepEqual(status.signal, "SIGKILL");
      kills++;
      const text = await Deno.readTextFile(path);
      JSON.parse(text);
      const records = await storage.getTokenDataByResourceServer();
      const a = records.a!;
      const b = records.b!;
      assert.deepEqual(a.accessToken, `AT-${a.extra.writer}-${a.extra.seq}`);
      assert.deepEqual(
        [b.extra.writer, b.extra.seq],
        [a.extra.writer, a.extra.seq],
        "both records from one write",
      );
      assert.deepEqual((a.extra.padding as string).length, 100_000);
    }
    console.log(`${kills} kills, ${reads} concurrent reads, every file complete`);
    assert.ok(kills >= 10, `only ${kills} kills in the time allowed`);
    // A writer killed holding the lock leaves its lock file, unlocked: the next write takes
    // it over and removes it, with the temp file of the killed writer.
    await storage.storeTokenDataByResourceServer({ c: record("c", "C") });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["tokens.json"]);
  });
});

Deno.test("JSONTokenStorage.renewTokenData() across eight processes renews exactly once", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    const counter = `${dir}/renew-count`;
    const barrier = `${dir}/barrier`;
    await new JSONTokenStorage(path).storeTokenDataByResourceServer({
      [GROUPS]: record(GROUPS, "EXPIRED", { refreshToken: "RT", expiresAtSeconds: 1000 }),
    });
    const children = Array.from(
      { length: 8 },
      (_, i) => spawnChild("renew_child.ts", [path, counter, barrier, `${i}`]),
    );
    const { outputs, runMs } = await runReleased(children, dir, barrier);
    console.log(`8 processes renewed in ${runMs.toFixed(0)} ms`);
    assert.deepEqual(await Deno.readTextFile(counter), "1");
    assert.deepEqual(outputs.map((o) => o.trim()), Array(8).fill("AT-renewed-1-after-EXPIRED"));
    const stored = (await new JSONTokenStorage(path).getTokenData(GROUPS))!;
    assert.deepEqual([stored.accessToken, stored.refreshToken], [
      "AT-renewed-1-after-EXPIRED",
      "RT",
    ]);
  });
});

for (const kind of ["JSONTokenStorage", "MemoryTokenStorage"]) {
  Deno.test(`${kind}.removeTokenData({ onlyIf }) keeps a record the predicate refuses`, async () => {
    await inTempDir(async (dir) => {
      const storage = kind === "JSONTokenStorage"
        ? new JSONTokenStorage(`${dir}/t.json`)
        : new MemoryTokenStorage();
      await storage.storeTokenDataByResourceServer({
        [GROUPS]: record(GROUPS, "AT", { refreshToken: "RT-new" }),
      });
      const onlyIf = (current: TokenStorageData) => current.refreshToken === "RT-old";
      assert.equal(await storage.removeTokenData(GROUPS, { onlyIf }), false);
      assert.equal((await storage.getTokenData(GROUPS))?.refreshToken, "RT-new");
      const onlyNew = (current: TokenStorageData) => current.refreshToken === "RT-new";
      assert.equal(await storage.removeTokenData(GROUPS, { onlyIf: onlyNew }), true);
      assert.equal(await storage.getTokenData(GROUPS), null);
    });
  });
}

Deno.test(
  "JSONTokenStorage.secureFile() makes a file others can read 0600 and reports its old mode",
  {
    ignore: !posix,
  },
  async () => {
    await inTempDir(async (dir) => {
      const path = `${dir}/t.json`;
      const storage = new JSONTokenStorage(path);
      assert.equal(await storage.secureFile(), null, "no file: nothing to do");
      await Deno.writeTextFile(path, REFERENCE_FILE);
      await Deno.chmod(path, 0o644);
      assert.deepEqual(await storage.secureFile(), { mode: 0o644, fixed: true });
      assert.equal(await mode(path), 0o600);
      assert.equal(await storage.secureFile(), null, "already private");
      // Readable by the group only is readable by others too.
      await Deno.chmod(path, 0o640);
      assert.deepEqual(await storage.secureFile(), { mode: 0o640, fixed: true });
      assert.equal(await mode(path), 0o600);
      assert.equal(await Deno.readTextFile(path), REFERENCE_FILE, "contents untouched");
    });
  },
);

// ---- what a run meets (issue 11) ---------------------------------------------------------

Deno.test("JSONTokenStorage: a bad record in a namespace this storage does not use keeps the file usable, and is kept as it was", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    const foreign = `"other": {"rs": {"resource_server": "rs", "access_token": 5}}, "odd": "x"`;
    await Deno.writeTextFile(path, v2(`{"DEFAULT": {"rs": {${okRecord}}}, ${foreign}}`));
    const storage = new JSONTokenStorage(path);
    assert.equal((await storage.getTokenData("rs"))?.accessToken, "A");
    await storage.storeTokenDataByResourceServer({ rs: record("rs", "B") });
    const text = await Deno.readTextFile(path);
    assertIncludes(text, foreign);
    assert.equal((await storage.getTokenData("rs"))?.accessToken, "B");
    await assertRejects(
      () => new JSONTokenStorage(path, { namespace: "other" }).getTokenData("rs"),
      TokenStorageError,
      `record "rs" in namespace "other": 'scope' must be a string (it is missing)`,
    );
  });
});

Deno.test("JSONTokenStorage reads a file whose expiry is an absurd integer, as Python does", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    // What an older version wrote after a refresh answer with expires_in 1e20.
    const bad = okRecord.replace(": 5", ": 100000000001796112384");
    await Deno.writeTextFile(path, v2(`{"DEFAULT": {"rs": {${bad}}}}`));
    const storage = new JSONTokenStorage(path);
    assert.equal((await storage.getTokenData("rs"))?.expiresAtSeconds, 100000000001796112384);
    assert.equal(await storage.removeTokenData("rs"), true, "a --logout can clear it");
  });
});

Deno.test("JSONTokenStorage tells onLockWait, then gives up after lockTimeoutMs, and leaves the file untouched", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    await new JSONTokenStorage(path).storeTokenDataByResourceServer({ rs: record("rs", "A") });
    const before = await snapshot(path);
    // Another holder of the lock (the flock is per open file, so one process will do).
    let release: ((e: Error) => void) | undefined;
    const held = new JSONTokenStorage(path).renewTokenData(
      "rs",
      () => new Promise((_, reject) => release = reject),
      { isUsable: () => false },
    ).catch((e) => e);
    while (release === undefined) await sleep(2);
    const waits: unknown[] = [];
    const storage = new JSONTokenStorage(path, {
      lockTimeoutMs: 600,
      lockNoticeMs: 100,
      onLockWait: (info) => waits.push(info),
    });
    const started = performance.now();
    await assertRejects(
      () => storage.storeTokenDataByResourceServer({ rs: record("rs", "B") }),
      TokenStorageError,
      `gave up waiting after 0.6 s for the lock ${path}.lock: this process holds it (a write to ` +
        `the storage from inside renewTokenData()?); the file was not changed`,
    );
    assert.ok(performance.now() - started >= 600);
    assert.equal(waits.length, 1);
    assert.deepEqual(Object.keys(waits[0] as object), ["path", "lockPath", "waitedMs"]);
    assert.equal((waits[0] as { lockPath: string }).lockPath, `${path}.lock`);
    // Reads never wait.
    assert.equal((await storage.getTokenData("rs"))?.accessToken, "A");
    assert.deepEqual(await snapshot(path), before);
    release!(new Error("done"));
    await held;
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["t.json"]);
  });
});

for (const kind of ["JSONTokenStorage", "MemoryTokenStorage"]) {
  Deno.test(`${kind}.renewTokenData() bounds the work done under the lock`, async () => {
    await inTempDir(async (dir) => {
      const storage = kind === "JSONTokenStorage"
        ? new JSONTokenStorage(`${dir}/t.json`)
        : new MemoryTokenStorage();
      await storage.storeTokenDataByResourceServer({ rs: record("rs", "OLD") });
      let signal: AbortSignal | undefined;
      await assertRejects(
        () =>
          storage.renewTokenData("rs", (_current, context) => {
            signal = context.signal;
            return new Promise(() => {}); // a refresh that never answers
          }, { isUsable: () => false, timeoutMs: 150 }),
        GlobusTimeoutError,
        "the token renewal did not finish within 0.15 s; nothing was stored",
      );
      assert.ok(signal?.aborted, "the request is told to stop");
      assert.ok(signal?.reason instanceof GlobusTimeoutError);
      assert.equal((await storage.getTokenData("rs"))?.accessToken, "OLD");

      // A renew that writes to its own storage waits for itself: bounded too, not forever.
      let inner: Promise<void> | undefined;
      await assertRejects(
        () =>
          storage.renewTokenData("rs", () => {
            inner = storage.storeTokenDataByResourceServer({ x: record("x", "X") });
            return new Promise(() => {});
          }, { isUsable: () => false, timeoutMs: 150 }),
        GlobusTimeoutError,
      );
      await inner; // released with the lock
      assert.equal((await storage.getTokenData("rs"))?.accessToken, "OLD");
    });
  });
}

Deno.test("JSONTokenStorage repairs an empty leftover .tmp directory and reports a non-empty one", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    const storage = new JSONTokenStorage(path);
    await Deno.mkdir(`${path}.tmp`);
    await storage.storeTokenDataByResourceServer({ rs: record("rs", "A") });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["t.json"]);
    await Deno.mkdir(`${path}.tmp`);
    await Deno.writeTextFile(`${path}.tmp/keep`, "x");
    for (const attempt of [() => storage.checkWritable(), () => storage.removeTokenData("rs")]) {
      await assertRejects(
        attempt,
        TokenStorageError,
        `cannot write the file: ${path}.tmp is in the way (a directory that is not empty`,
      );
    }
    assert.equal(await Deno.readTextFile(`${path}.tmp/keep`), "x");
    assert.equal((await storage.getTokenData("rs"))?.accessToken, "A");
  });
});

Deno.test("JSONTokenStorage.checkWritable() refuses what a write would refuse, and leaves nothing behind", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/t.json`;
    const storage = new JSONTokenStorage(path);
    await storage.checkWritable();
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no file, no lock, no temp file");
    await Deno.writeTextFile(path, "{");
    await assertRejects(() => storage.checkWritable(), TokenStorageError, "not valid JSON");
    assert.equal(await Deno.readTextFile(path), "{");
  });
});

Deno.test(
  "JSONTokenStorage's lock file is 0600 whatever the umask, so a later writer can open it",
  {
    ignore: !posix,
  },
  async () => {
    await inTempDir(async (dir) => {
      const path = `${dir}/t.json`;
      const ready = `${dir}/ready`;
      // A writer under umask 0277 that holds the lock until it is killed.
      const code = `import { JSONTokenStorage } from ${
        JSON.stringify(childScript("../../lib/token_storage/json_storage.ts"))
      };
      await new JSONTokenStorage(${JSON.stringify(path)}).renewTokenData("rs", async () => {
        await Deno.writeTextFile(${JSON.stringify(ready)}, "");
        return await new Promise(() => {});
      }, { isUsable: () => false, timeoutMs: 60000 });`;
      const child = new Deno.Command("sh", {
        args: ["-c", `umask 0277 && exec "${Deno.execPath()}" eval --quiet "$0"`, code],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      try {
        for (const started = Date.now(); !(await Deno.stat(ready).then(() => true, () => false));) {
          assert.ok(Date.now() - started < 20_000, "the child never took the lock");
          await sleep(5);
        }
        assert.equal(await mode(`${path}.lock`), 0o600);
      } finally {
        killQuietly(child);
        await child.output();
      }
      // Its lock file is left, unlocked; this write opens it, takes it over and removes it.
      await new JSONTokenStorage(path).storeTokenDataByResourceServer({ rs: record("rs", "A") });
      assert.equal(await mode(path), 0o600);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["ready", "t.json"]);
    });
  },
);

Deno.test("a renewal starts no setTimeout timer (a process's first one costs start-up time)", async () => {
  await inTempDir(async (dir) => {
    const storage = new JSONTokenStorage(`${dir}/t.json`);
    await storage.storeTokenDataByResourceServer({ rs: record("rs", "OLD") });
    const original = globalThis.setTimeout;
    let timers = 0;
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      timers++;
      return original(...args);
    }) as typeof setTimeout;
    try {
      const renewed = await storage.renewTokenData(
        "rs",
        () => Promise.resolve(new OAuthRefreshTokenResponse(tokenBody("rs", "NEW"))),
        { isUsable: () => false },
      );
      assert.equal(renewed.accessToken, "NEW");
    } finally {
      globalThis.setTimeout = original;
    }
    assert.equal(timers, 0);
  });
});

Deno.test(
  "JSONTokenStorage writes the token file and its lock 0600 under any umask (the chmod is skipped only when the create gave 0600)",
  { ignore: !posix },
  async () => {
    await inTempDir(async (dir) => {
      for (const umask of ["0277", "0077", "0777"]) {
        const path = `${dir}/t${umask}.json`;
        const seen = `${dir}/seen${umask}`;
        // The child writes twice: the second write replaces a file it created,
        // and reports the lock file's mode from inside the lock.
        const code = `import { JSONTokenStorage } from ${
          JSON.stringify(childScript("../../lib/token_storage/json_storage.ts"))
        };
        const s = new JSONTokenStorage(${JSON.stringify(path)});
        await s.storeTokenDataByResourceServer({ rs: ${JSON.stringify(record("rs", "A"))} });
        await s.renewTokenData("rs", async () => {
          const mode = (await Deno.stat(${JSON.stringify(`${path}.lock`)})).mode & 0o777;
          await Deno.writeTextFile(${JSON.stringify(seen)}, String(mode));
          throw new Error("stop here");
        }, { isUsable: () => false }).catch(() => {});`;
        const out = await new Deno.Command("sh", {
          args: ["-c", `umask ${umask} && exec "${Deno.execPath()}" eval --quiet "$0"`, code],
          stdout: "null",
          stderr: "piped",
        }).output();
        assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
        assert.equal(await mode(path), 0o600, `token file under umask ${umask}`);
        assert.equal(
          Number(await Deno.readTextFile(seen)),
          0o600,
          `lock file under umask ${umask}`,
        );
        assert.equal((await new JSONTokenStorage(path).getTokenData("rs"))?.accessToken, "A");
      }
    });
  },
);

Deno.test("storeTokenResponse() ignores an empty refresh_token in a refresh answer", async () => {
  const storage = new MemoryTokenStorage();
  await storage.storeTokenDataByResourceServer({ rs: record("rs", "A", { refreshToken: "RT" }) });
  await storage.storeTokenResponse(
    new OAuthRefreshTokenResponse(tokenBody("rs", "B", { refresh_token: "" })),
  );
  const data = (await storage.getTokenData("rs"))!;
  assert.deepEqual([data.accessToken, data.refreshToken], ["B", "RT"]);
});

/** A second, small store: one JSON string in a slot (a secret store, say), no lock across processes. */
class SlotTokenStorage extends BackedTokenStorage {
  constructor(slot: { value: string }, namespace?: string) {
    let queue: Promise<unknown> = Promise.resolve();
    const backend: TokenStorageBackend = {
      readRecords: () => Promise.resolve(JSON.parse(slot.value)[namespace ?? "DEFAULT"] ?? {}),
      updateRecords<T>(fn: (current: StoredRecords) => Promise<RecordUpdate<T>>): Promise<T> {
        const run = queue.then(async () => {
          const all = JSON.parse(slot.value);
          const ns: StoredRecords = all[namespace ?? "DEFAULT"] ?? {};
          const { changes, result } = await fn(structuredClone(ns));
          for (const [rs, data] of changes) data ? (ns[rs] = data) : delete ns[rs];
          slot.value = JSON.stringify({ ...all, [namespace ?? "DEFAULT"]: ns });
          return result;
        });
        queue = run.catch(() => {});
        return run as Promise<T>;
      },
    };
    super(backend, namespace === undefined ? {} : { namespace });
  }
}

Deno.test("a store of one's own is a small backend: it gets every merge rule, and the authorizer stores to it", async () => {
  const slot = { value: "{}" };
  const storage = new SlotTokenStorage(slot, "mine");
  assert.equal(storage.namespace, "mine");
  assert.equal(isRenewingTokenStorage(storage), false, "no lock across processes: no renewal");
  await storage.storeTokenResponse(
    new FakeLoginResponse(tokenBody(GROUPS, "AT-1", { refresh_token: "RT-1", id_token: "x.y.z" })),
  );
  await storage.storeTokenResponse(new OAuthRefreshTokenResponse(tokenBody(GROUPS, "AT-2")));
  const data = (await storage.getTokenData(GROUPS))!;
  assert.deepEqual([data.accessToken, data.refreshToken, data.identityId], ["AT-2", "RT-1", SUB]);
  assert.equal(await storage.removeTokenData(GROUPS, { onlyIf: () => false }), false);
  assert.equal(await storage.removeTokenData("toString"), false);

  // RefreshTokenAuthorizer without renewTokenData: refresh, then store.
  const authorizer = new RefreshTokenAuthorizer("RT-1", {
    oauth2RefreshToken: () =>
      Promise.resolve(new OAuthRefreshTokenResponse(tokenBody(GROUPS, "AT-3"))),
  }, { tokenStorage: storage, resourceServer: GROUPS });
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT-3");
  const stored = (await storage.getTokenData(GROUPS))!;
  assert.deepEqual([stored.accessToken, stored.refreshToken], ["AT-3", "RT-1"]);
  assert.deepEqual(Object.keys(JSON.parse(slot.value)), ["mine"]);
});
