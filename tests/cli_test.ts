import assert from "node:assert/strict";
import type { Group } from "../lib/mod.ts";
import { parseOptions } from "../scripts/_args.ts";
import {
  appPermissions,
  describeError,
  groupRoles,
  groupsAsCsv,
  groupsAsJson,
  noappPermissions,
  runCli,
  shellWords,
  storagePermissions,
  terminalSafe,
  UsageError,
} from "../scripts/_cli.ts";
import {
  AuthAPIError,
  GlobusConnectionError,
  GroupsAPIError,
  RefreshTokenRejectedError,
} from "../lib/mod.ts";

function group(id: string, name: string, roles: string[]): Group {
  return {
    id,
    name,
    parent_id: null,
    group_type: "regular",
    enforce_session: false,
    session_limit: 0,
    policies: {},
    my_memberships: roles.map((role) => ({
      group_id: id,
      identity_id: "i",
      username: "u",
      role: role as "member",
      status: "active",
    })),
  };
}

Deno.test("groupsAsCsv() quotes names RFC 4180 style and sorts distinct roles", () => {
  const csv = groupsAsCsv([
    group("g1", "plain", ["member"]),
    group("g2", 'a, "b"\nc', ["member", "admin", "member", "manager"]),
    group("g3", "Ünïcødé", []),
  ]);
  assert.equal(
    csv,
    'ID,Name,Roles\ng1,"plain",member\ng2,"a, ""b""\nc",admin|manager|member\ng3,"Ünïcødé",\n',
  );
  assert.equal(groupsAsCsv([]), "ID,Name,Roles\n");
});

Deno.test("groupRoles() gives one or two memberships the same sorted distinct roles as any other count", () => {
  const cases: [string[], string[]][] = [
    [["member"], ["member"]],
    [["member", "admin"], ["admin", "member"]],
    [["admin", "member"], ["admin", "member"]],
    [["admin", "admin"], ["admin"]],
    [["member", "Member"], ["Member", "member"]], // code-unit order, as sort() has it
    [["member", "admin", "member"], ["admin", "member"]],
    [[], []],
  ];
  for (const [roles, expected] of cases) {
    assert.deepEqual(groupRoles(group("g", "n", roles)), expected, roles.join(","));
    assert.deepEqual(groupRoles(group("g", "n", roles)), [...new Set(roles)].sort());
  }
  assert.equal(
    groupsAsCsv([group("g", "n", ["member", "admin"]), group("h", "m", ["manager", "manager"])]),
    'ID,Name,Roles\ng,"n",admin|member\nh,"m",manager\n',
  );
});

Deno.test("groupsAsJson() gives id, name and sorted roles", () => {
  assert.deepEqual(JSON.parse(groupsAsJson([group("g", "n", ["member", "admin"])])), [
    { id: "g", name: "n", roles: ["admin", "member"] },
  ]);
});

Deno.test("parseOptions() reads long, inline, short and boolean options and refuses the rest", () => {
  const spec = {
    format: { type: "string" },
    logout: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  } as const;
  assert.deepEqual(parseOptions(["--format", "json", "--logout", "-h"], spec), {
    format: "json",
    logout: true,
    help: true,
  });
  assert.deepEqual(parseOptions(["--format=a=b"], spec), { format: "a=b" });
  assert.deepEqual(parseOptions([], spec), {});
  const usage = (args: string[], message: string) =>
    assert.throws(
      () => parseOptions(args, spec),
      (e: unknown) => e instanceof UsageError && e.message === message,
    );
  usage(["--nope"], "unknown option --nope; see --help");
  usage(["-x"], "unknown option -x; see --help");
  usage(["stray"], 'unexpected argument "stray"; see --help');
  usage(
    ["--format"],
    "--format needs a value (write --format=VALUE for one that starts with -); see --help",
  );
  usage(
    ["--format", "--logout"],
    "--format needs a value (write --format=VALUE for one that starts with -); see --help",
  );
  assert.deepEqual(parseOptions(["--format=-x"], spec), { format: "-x" });
  usage(["--logout=yes"], "--logout takes no value; see --help");
  usage(["--constructor"], "unknown option --constructor; see --help");
});

Deno.test("storagePermissions() grants the token file, its lock and its temp file only", () => {
  assert.deepEqual(storagePermissions("/h/t.json", "127.0.0.1"), [
    "--allow-net=127.0.0.1",
    "--allow-env=HOME,GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT",
    "--allow-read=/h/t.json,/h/t.json.lock,/h/t.json.tmp",
    "--allow-write=/h/t.json,/h/t.json.lock,/h/t.json.tmp",
  ]);
});

Deno.test("deno.json's list-groups tasks carry exactly the documented permissions", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const T = "$HOME/.list-my-globus-groups-tokens.json";
  assert.equal(
    config.tasks["list-groups-with-storage"],
    `deno run ${shellWords(storagePermissions(T))} scripts/list_groups_with_storage.ts`,
  );
  assert.equal(
    config.tasks["list-groups"],
    `deno run ${noappPermissions().join(" ")} scripts/list_groups_noapp.ts`,
  );
  // The tasks for the local fake: the same permissions, with 127.0.0.1 for the Globus hosts.
  assert.equal(
    config.tasks["fake:list-groups-with-storage"],
    `deno run ${
      shellWords(storagePermissions(T, "127.0.0.1"))
    } scripts/list_groups_with_storage.ts`,
  );
  assert.equal(
    config.tasks["fake:list-groups"],
    `deno run ${noappPermissions("127.0.0.1").join(" ")} scripts/list_groups_noapp.ts`,
  );
  // The app script: its UserApp file's directory, and the browser login's flags.
  const D = "$HOME/.globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/my-user-app";
  for (
    const [task, hosts] of [["list-groups-minimal", undefined], [
      "fake:list-groups-minimal",
      "127.0.0.1",
    ]] as const
  ) {
    assert.equal(
      config.tasks[task],
      `deno run ${shellWords(appPermissions(`${D}/tokens.json`, hosts))} scripts/list_groups.ts`,
      task,
    );
  }
});

Deno.test("describeError() gives one actionable line per failure kind", () => {
  const rejected = new RefreshTokenRejectedError(
    new AuthAPIError({
      method: "POST",
      url: "https://auth/v2/oauth2/token",
      httpStatus: 400,
      httpReason: "Bad Request",
      headers: new Headers({ "content-type": "application/json" }),
      text: '{"error":"invalid_grant"}',
    }),
  );
  assert.equal(
    describeError(rejected, { tokenFile: "/h/t.json" }),
    "the stored Globus login has expired or been revoked; log in again (remove /h/t.json or run with --logout)",
  );
  assert.equal(
    describeError(new GlobusConnectionError("GET https://g/ failed: Connection refused")),
    "could not reach Globus: GET https://g/ failed: Connection refused; check the network connection (and GLOBUS_SDK_SERVICE_URL_* if set)",
  );
  assert.equal(describeError(new Error("boom\n  at x")), "unexpected failure: boom");
  assert.equal(
    describeError(new Deno.errors.NotCapable('Requires read access to "/x", run again\nmore')),
    "missing permission: --allow-read must include /x; see the permissions in --help",
  );
  const unauthorized = new GroupsAPIError({
    method: "GET",
    url: "https://groups/v2/groups/my_groups",
    httpStatus: 401,
    httpReason: "Unauthorized",
    headers: new Headers(),
    text: "",
  });
  assert.equal(
    describeError(unauthorized),
    "Globus rejected the login (GET https://groups/v2/groups/my_groups 401 Unauthorized); log in again",
  );
  assert.equal(
    describeError(unauthorized, { tokenFile: "/h/t.json" }),
    "Globus rejected the login (GET https://groups/v2/groups/my_groups 401 Unauthorized); log in again (run with --force-login)",
  );
});

Deno.test("runCli() prints any failure as exactly one line, exit 1, and usage errors with exit 2", async () => {
  const written: string[] = [];
  const io = {
    readLine: () => Promise.resolve(null),
    out: (t: string) => Promise.resolve(void written.push(`out:${t}`)),
    err: (t: string) => Promise.resolve(void written.push(`err:${t}`)),
  };
  const failing = new GlobusConnectionError("first line\nsecond line\r\n  third");
  assert.equal(await runCli(() => Promise.reject(failing), io), 1);
  assert.deepEqual(written, [
    "err:error: could not reach Globus: first line second line third; check the network connection (and GLOBUS_SDK_SERVICE_URL_* if set)\n",
  ]);
  written.length = 0;
  assert.equal(await runCli(() => Promise.reject(new UsageError("bad flag")), io), 2);
  assert.deepEqual(written, ["err:error: bad flag\n"]);
  assert.equal(await runCli(() => Promise.resolve(), io), 0);
});

Deno.test("terminalSafe() escapes ESC, BEL, NUL, CR, DEL, C1 and bidi overrides; keeps LF, TAB and non-ASCII", () => {
  assert.equal(
    terminalSafe("a\u001b]0;t\u0007\u0000\r\u007f\u0085\u202e\u2066 Ünï 研\tx\n"),
    "a\\x1b]0;t\\x07\\x00\\x0d\\x7f\\x85\\u202e\\u2066 Ünï 研\tx\n",
  );
});

Deno.test("groupsAsCsv() quotes a name with a lone CR and leaves formula-like names as they are", () => {
  assert.equal(
    groupsAsCsv([group("g1", "a\rb", []), group("g2", "=1+2", ["member"])]),
    'ID,Name,Roles\ng1,"a\rb",\ng2,"=1+2",member\n',
  );
});

Deno.test("storagePermissions() refuses a path with a comma; shellWords() quotes a path with a space", () => {
  assert.throws(() => storagePermissions("/h/a,b.json"), UsageError);
  assert.equal(
    shellWords(["--allow-read=/home/my name/t.json", "--allow-env=HOME"]),
    '--allow-read="/home/my name/t.json" --allow-env=HOME',
  );
});

Deno.test("runCli() maps a BrokenPipe to exit 141 with nothing on stderr, and --version to the version on stdout", async () => {
  const written: string[] = [];
  const io = {
    readLine: () => Promise.resolve(null),
    out: (t: string) => Promise.resolve(void written.push(`out:${t}`)),
    err: (t: string) => Promise.resolve(void written.push(`err:${t}`)),
  };
  assert.equal(await runCli(() => Promise.reject(new Deno.errors.BrokenPipe("x")), io), 141);
  assert.deepEqual(written, []);
  assert.equal(await runCli(() => Promise.resolve(void parseOptions(["--version"], {})), io), 0);
  assert.match(written[0]!, /^out:globus-deno \d+\.\d+\.\d+\n$/);
});
