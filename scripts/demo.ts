/**
 * The one-command demo: starts a local fake Globus, runs the real
 * `list_groups_with_storage.ts` against it twice — the first run logs in as a
 * demo user, the second uses the stored login — then the `UserApp` script
 * `list_groups.ts` twice the same way, and cleans up. Works offline.
 *
 *   deno task demo        (or: npx -y deno@2.9.6 task demo)
 *
 * @module
 */

import { runScript, startFakeGlobus } from "../lib/testing/mod.ts";
import { appPermissions, storagePermissions } from "./_cli.ts";

const SCRIPT = new URL("./list_groups_with_storage.ts", import.meta.url).pathname;
const APP_SCRIPT = new URL("./list_groups.ts", import.meta.url).pathname;
const USER = "alice";

function show(title: string, text: string): void {
  console.log(`\n── ${title} ${"─".repeat(Math.max(0, 66 - title.length))}`);
  console.log(text.trimEnd().split("\n").map((line) => `  ${line}`).join("\n"));
}

await using fake = await startFakeGlobus();
const home = await Deno.makeTempDir({ prefix: "globus-deno-demo-" });
const tokenFile = `${home}/.list-my-globus-groups-tokens.json`;
try {
  console.log(`Fake Globus (Auth + Groups) listening at ${fake.url}`);
  console.log(`Temporary home: ${home}`);
  const run = (logins: { username: string }[]) =>
    runScript(fake, {
      script: SCRIPT,
      denoFlags: storagePermissions(tokenFile, "127.0.0.1"),
      env: { HOME: home },
      logins,
    });

  fake.clearLog();
  const first = await run([{ username: USER }]);
  show("first run: the script asks for a login (stderr)", first.stderr);
  console.log(`\n  (the demo signed in as "${USER}" and typed the code: ${first.codes[0]})`);
  show("first run: stdout (CSV)", first.stdout);
  const firstCalls = fake.requests.filter((r) => !r.path.startsWith("/v2/oauth2/authorize"));
  console.log(
    `\n  exit ${first.status}; requests: ${
      firstCalls.map((r) => `${r.method} ${r.path}`).join(", ")
    }`,
  );

  const stat = await Deno.stat(tokenFile).catch(() => undefined);
  const mode = stat?.mode === null || stat === undefined
    ? "missing"
    : `mode ${(stat.mode & 0o777).toString(8)}`;
  console.log(`  token file: ${tokenFile} (${mode})`);

  fake.clearLog();
  const second = await run([]);
  show("second run: no login needed, stdout (CSV)", second.stdout);
  console.log(
    `\n  exit ${second.status}; requests: ${
      fake.requests.map((r) => `${r.method} ${r.path}`).join(", ")
    }`,
  );
  // The UserApp script: its own token file (Python's UserApp file), copy-paste login (no display).
  const appFile =
    `${home}/.globus/app/61338d24-54d5-408f-a10d-66c06b59f6d2/my-user-app/tokens.json`;
  const runApp = (logins: { username: string }[]) =>
    runScript(fake, {
      script: APP_SCRIPT,
      denoFlags: appPermissions(appFile, "127.0.0.1"),
      env: { HOME: home, DISPLAY: "", WAYLAND_DISPLAY: "" },
      logins,
    });
  fake.clearLog();
  const third = await runApp([{ username: USER }]);
  show("list_groups.ts (UserApp), first run: it logs in (stderr)", third.stderr);
  console.log(`\n  exit ${third.status}; ${third.stdout.split("\n").length - 2} groups on stdout`);
  fake.clearLog();
  const fourth = await runApp([]);
  console.log(
    `  second run: exit ${fourth.status}, no login; requests: ${
      fake.requests.map((r) => `${r.method} ${r.path}`).join(", ")
    }`,
  );
  const appOk = third.status === 0 && fourth.status === 0 && fourth.stdout === first.stdout &&
    third.stdout === first.stdout && fourth.stderr === "";
  if (
    first.status !== 0 || second.status !== 0 || second.stdout !== first.stdout || !appOk
  ) {
    console.error("\nThe demo did not go as expected; see the output above.");
    Deno.exitCode = 1;
  } else {
    console.log(
      "\nDone: each script logged in once and listed the groups twice. Real use: see README.md.",
    );
  }
} finally {
  await Deno.remove(home, { recursive: true });
}
