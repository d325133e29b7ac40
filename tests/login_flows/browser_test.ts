import assert from "node:assert/strict";
import { BrowserUnavailableError } from "../../lib/mod.ts";
import {
  AutoLoginFlowManager,
  browserUnavailableReason,
  systemBrowserOpener,
} from "../../lib/login_flows/mod.ts";
import { LoginFlowError } from "../../lib/mod.ts";
import { startFakeGlobus } from "../../lib/testing/mod.ts";
import { firstUrl, nativeClient, recordingIo } from "./_helpers.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];
const SSH = { SSH_CONNECTION: "10.0.0.1 50000 10.0.0.2 22" };

Deno.test("browserUnavailableReason() tells each case where a browser cannot work", () => {
  const cases: Array<[typeof Deno.build.os, Record<string, string>, string | undefined]> = [
    ["linux", {}, "there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)"],
    [
      "linux",
      SSH,
      "this is an SSH session without a display (DISPLAY and WAYLAND_DISPLAY are unset)",
    ],
    [
      "linux",
      { SSH_TTY: "/dev/pts/3" },
      "this is an SSH session without a display (DISPLAY and WAYLAND_DISPLAY are unset)",
    ],
    ["linux", { ...SSH, DISPLAY: "localhost:10.0" }, undefined], // X forwarding
    ["linux", { WAYLAND_DISPLAY: "wayland-0" }, undefined],
    ["freebsd", { DISPLAY: ":0" }, undefined],
    ["linux", { DISPLAY: ":0", BROWSER: "lynx" }, "BROWSER names the text-only browser lynx"],
    [
      "linux",
      { DISPLAY: ":0", BROWSER: "/usr/bin/w3m:firefox" },
      "BROWSER names the text-only browser w3m",
    ],
    [
      "linux",
      { DISPLAY: ":0", BROWSER: "elinks %s" },
      "BROWSER names the text-only browser elinks",
    ],
    ["linux", { DISPLAY: ":0", BROWSER: "links" }, "BROWSER names the text-only browser links"],
    ["linux", { DISPLAY: ":0", BROWSER: "firefox:w3m" }, undefined],
    ["darwin", {}, undefined],
    ["darwin", SSH, "this is an SSH session: a browser would open on the remote screen"],
    [
      "windows",
      { SSH_TTY: "x" },
      "this is an SSH session: a browser would open on the remote screen",
    ],
    ["windows", {}, undefined],
  ];
  for (const [os, vars, reason] of cases) {
    assert.equal(
      browserUnavailableReason({ os, getEnv: env(vars) }),
      reason,
      `${os} ${JSON.stringify(vars)}`,
    );
  }
});

Deno.test("systemBrowserOpener() runs xdg-open with the URL when a display is there", async () => {
  const ran: Array<[string, string[]]> = [];
  const open = systemBrowserOpener({
    os: "linux",
    getEnv: env({ DISPLAY: ":0" }),
    run(command, args) {
      ran.push([command, args]);
      return Promise.resolve({ success: true, code: 0 });
    },
  });
  await open("http://127.0.0.1:5/?a=1&b=2");
  assert.deepEqual(ran, [["xdg-open", ["http://127.0.0.1:5/?a=1&b=2"]]]);
});

Deno.test("systemBrowserOpener() reports a missing, failing or forbidden opener", async (t) => {
  const base = { os: "linux" as const, getEnv: env({ DISPLAY: ":0" }) };
  await t.step("missing", async () => {
    await assert.rejects(
      systemBrowserOpener({ ...base, command: "no-such-opener-here-1234" })("http://127.0.0.1:1/"),
      (e) =>
        e instanceof BrowserUnavailableError &&
        e.reason === "no-such-opener-here-1234 is not installed",
    );
  });
  await t.step("failing", async () => {
    await assert.rejects(
      systemBrowserOpener({ ...base, command: "false" })("http://127.0.0.1:1/"),
      (e) => e instanceof BrowserUnavailableError && e.reason === "false failed (exit status 1)",
    );
  });
  await t.step("succeeding", async () => {
    await systemBrowserOpener({ ...base, command: "true" })("http://127.0.0.1:1/");
  });
  await t.step("still running after waitMs: taken as launched", async () => {
    const dir = await Deno.makeTempDir();
    const script = `${dir}/slow-opener`;
    await Deno.writeTextFile(script, "#!/bin/sh\nexec sleep 0.5\n", { mode: 0o755 });
    await systemBrowserOpener({ ...base, command: script, waitMs: 50 })("http://127.0.0.1:1/");
    // Let it end inside this step, so no process outlives the test.
    await new Promise((r) => setTimeout(r, 700));
    await Deno.remove(dir, { recursive: true });
  });
});

/** Runs `code` in a child Deno with exactly `permissions` and `envVars`; its stdout. */
async function childOutput(
  code: string,
  permissions: string[],
  envVars: Record<string, string> = {},
) {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, code);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-config", ...permissions, file],
      env: envVars,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout).trim();
  } finally {
    await Deno.remove(file);
  }
}

const OPENER = new URL("../../lib/login_flows/browser.ts", import.meta.url).href;
const OPENER_DIR = new URL("../../lib/", import.meta.url).pathname;

Deno.test("systemBrowserOpener() without its permissions says which, and never prompts", async () => {
  const code = `
    import { systemBrowserOpener } from "${OPENER}";
    try { await systemBrowserOpener({ os: "linux" })("http://127.0.0.1:1/"); console.log("opened"); }
    catch (e) { console.log(e.reason); }`;
  assert.equal(
    await childOutput(code, [`--allow-read=${OPENER_DIR}`], { DISPLAY: ":0" }),
    "cannot tell whether a browser can open: --allow-env=BROWSER,DISPLAY,WAYLAND_DISPLAY,SSH_CONNECTION,SSH_TTY is not granted",
  );
  assert.equal(
    await childOutput(code, ["--allow-env", `--allow-read=${OPENER_DIR}`], { DISPLAY: ":0" }),
    "--allow-run=xdg-open is not granted",
  );
  assert.equal(
    await childOutput(code, ["--allow-env", `--allow-read=${OPENER_DIR}`], {
      SSH_CONNECTION: "1 2 3 4",
    }),
    "this is an SSH session without a display (DISPLAY and WAYLAND_DISPLAY are unset)",
  );
});

Deno.test("AutoLoginFlowManager falls back to copy-paste and says why", async () => {
  await using fake = await startFakeGlobus();
  const io = recordingIo([() => fake.loginCode(firstUrl(io.text()), "alice")]);
  const flow = new AutoLoginFlowManager(nativeClient(fake), {
    io,
    openBrowser: systemBrowserOpener({
      os: "linux",
      getEnv: env({ DISPLAY: ":0", BROWSER: "w3m" }),
    }),
  });
  const tokens = await flow.runLoginFlow({ requiredScopes: "openid" });
  assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
  assert.ok(
    io.text().startsWith(
      "Cannot log in with a browser here (BROWSER names the text-only browser w3m); " +
        "log in with a code instead.\n\nPlease authenticate with Globus here:\n",
    ),
    io.text(),
  );
  const redirect = new URL(firstUrl(io.text())).searchParams.get("redirect_uri");
  assert.equal(redirect, `${fake.url}/v2/web/auth-code`);
});

Deno.test("AutoLoginFlowManager uses the browser when it can, and does not fall back from a decline", async () => {
  await using fake = await startFakeGlobus();
  const io = recordingIo();
  const ok = new AutoLoginFlowManager(nativeClient(fake), {
    io,
    openBrowser(url) {
      fake.playBrowser(url, { username: "alice" }).catch(() => {});
      return Promise.resolve();
    },
  });
  assert.equal(
    (await ok.runLoginFlow({ requiredScopes: "openid" })).byResourceServer["auth.globus.org"]
      ?.scope,
    "openid",
  );
  assert.doesNotMatch(io.text(), /Cannot log in with a browser/);

  let landing: Promise<unknown> | undefined;
  const declined = new AutoLoginFlowManager(nativeClient(fake), {
    io: recordingIo(["should-not-be-read"]),
    openBrowser(url) {
      landing = fake.playBrowser(url, { decline: true });
      return Promise.resolve();
    },
  });
  await assert.rejects(
    declined.runLoginFlow({ requiredScopes: "openid" }),
    (e) => e instanceof LoginFlowError && e.oauthError === "access_denied",
  );
  await landing;
});
