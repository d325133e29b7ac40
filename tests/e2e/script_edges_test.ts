/**
 * Command-line edges of the storage script and of a terminal (issue 12):
 * file permissions in one style with the net one, paths with commas or
 * spaces, empty option values, and what a terminal gets on stdout.
 */

import assert from "node:assert/strict";
import { runScript, startFakeGlobus } from "../../lib/testing/mod.ts";
import { lastErrorLine, NOAPP_FLAGS, storageFlags, tempHome, WITH_STORAGE } from "./_harness.ts";

Deno.test("list_groups_with_storage.ts without file permission: one line naming the flags and the three paths, exit 2", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const run = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: storageFlags(home.tokenFile).filter((f) => !f.startsWith("--allow-read")),
    env: { HOME: home.home },
  });
  assert.equal(run.status, 2);
  const f = home.tokenFile;
  assert.equal(
    lastErrorLine(run),
    `error: missing permission: --allow-read and --allow-write must include ${f}, ${f}.lock and ${f}.tmp; see the permissions in --help`,
  );
});

Deno.test("list_groups_with_storage.ts without net permission: the same style, the host once, exit 2", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const run = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: storageFlags(home.tokenFile).map((f) =>
      f.startsWith("--allow-net") ? "--allow-net=example.org" : f
    ),
    env: { HOME: home.home },
  });
  assert.equal(run.status, 2);
  assert.equal(
    lastErrorLine(run),
    `error: missing permission: --allow-net must include ${
      new URL(fake.url).host
    } (the Globus services this environment uses); see the permissions in --help`,
  );
});

Deno.test("list_groups_with_storage.ts says a token file with a comma cannot be granted", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const file = `${home.home}/a,b.json`;
  const run = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: [...NOAPP_FLAGS.slice(0, 1), "--allow-env", `--allow-read=${home.home}/a`],
    env: { HOME: home.home },
    args: ["--token-file", file],
  });
  assert.equal(run.status, 2);
  assert.match(
    lastErrorLine(run),
    /this path holds a comma, which Deno's permission lists cannot express: use a --token-file without one; see the permissions in --help$/,
  );
});

Deno.test("list_groups_with_storage.ts: --token-file= is a usage error (exit 2), --version prints the version", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const run = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: storageFlags(home.tokenFile),
    env: { HOME: home.home },
    args: ["--token-file="],
  });
  assert.equal(run.status, 2);
  assert.equal(lastErrorLine(run), "error: --token-file needs a non-empty value; see --help");
  const version = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: storageFlags(home.tokenFile),
    env: { HOME: home.home },
    args: ["--version"],
  });
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^globus-deno \d+\.\d+\.\d+\n$/);
});

Deno.test("list_groups_with_storage.ts --help quotes the token-file paths so they survive a space", async () => {
  await using fake = await startFakeGlobus();
  await using home = await tempHome();
  const run = await runScript(fake, {
    script: WITH_STORAGE,
    denoFlags: storageFlags(home.tokenFile),
    env: { HOME: home.home },
    args: ["--help"],
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stdout,
    /--allow-read="\$T,\$T\.lock,\$T\.tmp" --allow-write="\$T,\$T\.lock,\$T\.tmp"/,
  );
});

Deno.test("deno task list-groups-with-storage works with a $HOME that holds a space", async () => {
  const home = await Deno.makeTempDir({ prefix: "globus deno home " });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "list-groups-with-storage", "--help"],
      cwd: new URL("../../", import.meta.url).pathname,
      env: { HOME: home },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(new TextDecoder().decode(out.stdout), /^Usage: list_groups_with_storage\.ts/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

/** Runs `code` with stdout and stderr on a pseudo-terminal (util-linux `script`). */
async function onTerminal(code: string): Promise<string | undefined> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, code);
    const out = await new Deno.Command("script", {
      args: ["-qec", `${Deno.execPath()} run --no-check ${file}`, "/dev/null"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output().catch(() => undefined);
    return out && out.code === 0 ? new TextDecoder().decode(out.stdout) : undefined;
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("processIo escapes control characters on stdout only when it is a terminal; a pipe gets the bytes", async () => {
  const io = new URL("../../scripts/_io.ts", import.meta.url).href;
  const code = `import { processIo } from ${JSON.stringify(io)};
    await processIo.out(Deno.stdout.isTerminal() ? "T:" : "P:");
    await processIo.out("a\\u001b]0;x\\u0007b\\u202ec\\n");`;
  const terminal = await onTerminal(code);
  if (terminal !== undefined) {
    assert.equal(terminal.replaceAll("\r\n", "\n"), "T:a\\x1b]0;x\\x07b\\u202ec\n");
  }
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, code);
    const piped = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", file],
      stdout: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(piped.stdout), "P:a\u001b]0;x\u0007b\u202ec\n");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("list_groups_noapp.ts on a terminal: Ctrl-D at the prompt puts the error on a line of its own", async () => {
  const script = new URL("../../scripts/list_groups_noapp.ts", import.meta.url).pathname;
  const out = await new Deno.Command("script", {
    // script(1) gives the child a terminal; its own stdin at EOF is Ctrl-D at the prompt.
    args: ["-qec", `${Deno.execPath()} run ${NOAPP_FLAGS.join(" ")} ${script}`, "/dev/null"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output().catch(() => undefined);
  if (out === undefined) return; // no script(1) here: nothing to drive a terminal with
  const text = new TextDecoder().decode(out.stdout).replaceAll("\r\n", "\n");
  assert.match(
    text,
    /\nPlease enter the code here: \nerror: no code was entered \(standard input closed\); /,
  );
});
