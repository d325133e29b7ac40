/**
 * `deno compile` of the two scripts. Building needs Deno's `denort` runtime,
 * which `deno compile` downloads from outside the npm registry; these
 * machines cannot reach it. The build-and-run test therefore runs only when
 * the runtime is at hand (`DENORT_BIN`, or Deno's download cache) and
 * otherwise reports itself skipped, with the reason in its name. What can be
 * checked without the runtime is checked always: nothing the binaries would
 * contain loads code or files at run time.
 */

import assert from "node:assert/strict";
import { GroupsScopes } from "../lib/mod.ts";
import { runScript, startFakeGlobus, TUTORIAL_CLIENT_ID } from "../lib/testing/mod.ts";
import { storagePermissions } from "../scripts/_cli.ts";
import { ALICE_CSV, NOAPP, WITH_STORAGE } from "./e2e/_harness.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** The `deno compile` commands of deno.json's `compile` task, argument lists without `deno`. */
async function compileCommands(): Promise<string[][]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  return (config.tasks.compile as string).split("&&").map((c) => c.trim().split(/\s+/).slice(1))
    .filter((args) => args[0] === "compile"); // not the runtime preflight before them
}

/** Where a denort runtime for this Deno version is, or why there is none. */
async function findDenort(): Promise<{ path?: string; reason: string }> {
  const explicit = Deno.env.get("DENORT_BIN");
  if (explicit) {
    return await Deno.stat(explicit).then(
      () => ({ path: explicit, reason: "" }),
      () => ({ reason: `DENORT_BIN=${explicit} does not exist` }),
    );
  }
  const cache = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;
  const dir = `${cache}/dl/release/v${Deno.version.deno}`;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith("denort-")) return { path: "", reason: "" }; // deno finds it itself
    }
  } catch { /* no cache */ }
  return {
    reason:
      `denort ${Deno.version.deno} is not available (deno compile downloads it from outside the npm registry; set DENORT_BIN to a denort binary to run this test)`,
  };
}

const denort = await findDenort();

Deno.test({
  name: denort.reason
    ? `deno compile builds and runs both scripts (SKIPPED: ${denort.reason})`
    : "deno compile builds both scripts with their permissions, and the binaries work",
  ignore: denort.reason !== "",
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "globus-deno-compile-" });
    try {
      const env = denort.path ? { DENORT_BIN: denort.path } : {};
      for (const task of await compileCommands()) {
        // The task's own flags, with the fake's address in place of the Globus hosts.
        const args = task.map((a) => a.startsWith("--allow-net=") ? "--allow-net=127.0.0.1" : a);
        const output = args.indexOf("--output");
        args[output + 1] = `${out}/${args[output + 1]!.split("/").pop()}`;
        const built = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, env }).output();
        assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
      }
      await using fake = await startFakeGlobus();
      const home = `${out}/home`;
      await Deno.mkdir(home);
      const issued = fake.issueTokens({
        username: "alice",
        clientId: TUTORIAL_CLIENT_ID,
        scopes: [GroupsScopes.viewMyGroupsAndMemberships],
        offline: true,
      });
      await Deno.writeTextFile(
        `${home}/.list-my-globus-groups-tokens.json`,
        JSON.stringify({
          data: {
            DEFAULT: {
              "groups.api.globus.org": {
                resource_server: "groups.api.globus.org",
                scope: GroupsScopes.viewMyGroupsAndMemberships,
                access_token: issued.access_token,
                refresh_token: issued.refresh_token,
                expires_at_seconds: Math.trunc(Date.now() / 1000) + 3600,
                token_type: "Bearer",
              },
            },
          },
          format_version: "2.0",
          "globus-sdk.version": "4.9.0",
        }),
      );
      const run = await new Deno.Command(`${out}/list_groups_with_storage`, {
        env: { ...fake.env, HOME: home },
        stdin: "null",
      }).output();
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      assert.equal(new TextDecoder().decode(run.stdout), ALICE_CSV);
      const help = await new Deno.Command(`${out}/list_groups_noapp`, { args: ["--help"] })
        .output();
      assert.equal(help.code, 0);
      assert.match(new TextDecoder().decode(help.stdout), /^Usage: list_groups_noapp\.ts/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test("the scripts' module graphs load no code or files at run time (deno compile keeps them whole)", async () => {
  for (const script of [NOAPP, WITH_STORAGE]) {
    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", script],
    }).output();
    assert.equal(info.code, 0);
    const graph = JSON.parse(new TextDecoder().decode(info.stdout));
    const files = (graph.modules as { specifier: string }[])
      .map((m) => m.specifier)
      .filter((s) => s.startsWith("file://"));
    assert.ok(files.length > 5, "the graph lists the library modules");
    for (const file of files) {
      const source = await Deno.readTextFile(new URL(file));
      // A literal import("./x.ts") is part of the graph (deno compile and deno bundle take it
      // in); one whose specifier is computed is not.
      const code = source.replace(/\/\*\*[\s\S]*?\*\//g, "");
      assert.doesNotMatch(
        code,
        /\bimport\s*\((?!\s*"\.\.?\/[^"]+\.ts"\s*\))/,
        `${file} has a computed dynamic import`,
      );
      assert.doesNotMatch(
        source,
        /import\.meta\.(url|dirname|filename)/,
        `${file} reads files beside itself`,
      );
      assert.doesNotMatch(source, /from "(npm|jsr|https?):/, `${file} imports from a registry`);
    }
  }
});

Deno.test("deno task bundle's one-file storage script lists groups with the same narrow permissions", async () => {
  const out = await Deno.makeTempDir({ prefix: "globus-deno-bundle-" });
  try {
    const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
    const bundleArgs = (config.tasks.bundle as string).split("&&").map((c) =>
      c.trim().split(/\s+/).slice(1)
    ).filter((args) => args[0] === "bundle"); // not the chmod +x after them
    for (const args of bundleArgs) {
      const o = args.indexOf("-o");
      args[o + 1] = `${out}/${args[o + 1]!.split("/").pop()}`;
      const built = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT }).output();
      assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
    }
    await using fake = await startFakeGlobus();
    const home = `${out}/home`;
    const tokenFile = `${home}/.list-my-globus-groups-tokens.json`;
    await Deno.mkdir(home);
    const run = await runScript(fake, {
      script: `${out}/list_groups_with_storage.js`,
      denoFlags: storagePermissions(tokenFile, "127.0.0.1"),
      env: { HOME: home },
      logins: [{ username: "alice" }],
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, ALICE_CSV);
    assert.equal((await Deno.stat(tokenFile)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
