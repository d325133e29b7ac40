/**
 * scripts/list_groups.ts --local-server in a real browser: the script runs as
 * a process with the narrow permissions its --help gives, in a temporary
 * home, against the fake Globus. Its `xdg-open` is a stand-in first on PATH
 * that hands the URL to the test; headless Chromium (as in
 * tests/login_flows/chromium_test.ts) opens it, clicks alice, and lands on
 * the script's local page; the script lists alice's groups. Without
 * Chromium or puppeteer-core the test says so in its name and is skipped.
 */

import assert from "node:assert/strict";
import { type FakeGlobus, runScript, startFakeGlobus } from "../../lib/testing/mod.ts";
import { appPermissions } from "../../scripts/_cli.ts";
import { chromiumTest, loginInChromium } from "../login_flows/_chromium.ts";
import { ALICE_CSV, type AppHome, appHome, LIST_GROUPS, scriptCalls } from "./_harness.ts";

/**
 * A directory holding an `xdg-open` that appends its argument, one line per
 * call, to `log` (and does nothing else), removed on dispose.
 */
async function fakeOpener(): Promise<{ bin: string; log: string } & AsyncDisposable> {
  const bin = await Deno.makeTempDir({ prefix: "globus-deno-xdg-open-" });
  const log = `${bin}/opened.log`;
  // makeTempDir's names hold no quote, so single quotes keep the path one word.
  await Deno.writeTextFile(`${bin}/xdg-open`, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`, {
    mode: 0o700,
  });
  return { bin, log, [Symbol.asyncDispose]: () => Deno.remove(bin, { recursive: true }) };
}

/** The lines `log` holds so far (a line still being written, without its newline, is left out). */
async function openedUrls(log: string): Promise<string[]> {
  const text = await Deno.readTextFile(log).catch((e) => {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  });
  return text.split("\n").slice(0, -1);
}

/** Resolves with the first URL the opener was given; rejects if `ended` settles first. */
async function firstOpenedUrl(log: string, ended: Promise<unknown>): Promise<string> {
  let done = false;
  const stop = () => done = true;
  ended.then(stop, stop);
  while (!done) {
    const [url] = await openedUrls(log);
    if (url !== undefined) return url;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the script ended without opening a browser");
}

/** The environment that makes the script believe a browser can open, with our xdg-open. */
function browserEnv(home: AppHome, bin: string): Record<string, string> {
  return {
    HOME: home.home,
    PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    DISPLAY: ":99",
    // Whatever the test runner's own session is: no text browser, no SSH.
    WAYLAND_DISPLAY: "",
    BROWSER: "",
    SSH_CONNECTION: "",
    SSH_TTY: "",
  };
}

async function runLoggingIn(fake: FakeGlobus, home: AppHome, bin: string, log: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...appPermissions(home.tokenFile, "127.0.0.1"), LIST_GROUPS, "--local-server"],
    env: { NO_COLOR: "1", ...fake.env, ...browserEnv(home, bin) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  const ended = Promise.all([child.status, stdout, stderr]);
  // A safety net, not a time limit under test: a browser that never comes back must not hang the run.
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, 60_000);
  try {
    const url = await firstOpenedUrl(log, ended);
    const landing = await loginInChromium(url, "alice");
    const [status, out, err] = await ended;
    return { url, landing, status: status.code, stdout: out, stderr: err };
  } catch (error) {
    // Do not leave the script waiting for a login that will not come.
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    const [, , err] = await ended;
    throw new Error(`${error instanceof Error ? error.message : error}\nscript's stderr:\n${err}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

chromiumTest(
  "list_groups.ts --local-server: headless Chromium logs in at the fake, lands on the script's page, the script lists the groups; the second run needs no login",
  async () => {
    await using fake = await startFakeGlobus();
    await using home = await appHome();
    await using opener = await fakeOpener();

    const first = await runLoggingIn(fake, home, opener.bin, opener.log);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, ALICE_CSV);
    // The script ran xdg-open once, with the authorize URL it also printed.
    assert.deepEqual(await openedUrls(opener.log), [first.url]);
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+\/v2\/oauth2\/authorize\?/);
    const query = new URL(first.url).searchParams;
    const redirect = query.get("redirect_uri") ?? "";
    assert.match(redirect, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(
      first.stderr.startsWith(
        `A browser was opened to log in with Globus. If it did not open, go to this URL:\n\n${first.url}\n`,
      ),
      first.stderr,
    );
    assert.ok(
      first.stderr.endsWith(
        `\nLogged in as alice@globusid.org; tokens saved to ${home.tokenFile}\n`,
      ),
      first.stderr,
    );
    // Chromium came back to the script's own server with the code, and the page said so.
    assert.ok(first.landing.url.startsWith(`${redirect}/?code=`), first.landing.url);
    assert.equal(new URL(first.landing.url).searchParams.get("state"), query.get("state"));
    assert.equal(first.landing.title, "Login successful");
    assert.equal(
      first.landing.message,
      "You can close this window and return to the application.",
    );
    // The browser went through the fake's login page (shown, then answered with a redirect).
    const authorize = fake.requests
      .filter((r) => r.path === "/v2/oauth2/authorize")
      .map((r) => `${r.method} ${r.status}`);
    assert.deepEqual(authorize, ["GET 200", "GET 302"]);
    // Chromium asks the fake for /favicon.ico whenever it gets round to it: not the script's.
    assert.deepEqual(scriptCalls(fake).filter((call) => !call.includes(" /favicon.ico ")), [
      "POST /v2/oauth2/token authorization_code 200",
      "GET /.well-known/openid-configuration 200",
      "GET /jwk.json 200",
      "GET /v2/groups/my_groups 200",
    ]);
    assert.equal((await Deno.stat(home.tokenFile)).mode! & 0o777, 0o600);

    // The second run, the browser still at hand: the stored login serves, no browser opens.
    fake.clearLog();
    const second = await runScript(fake, {
      script: LIST_GROUPS,
      denoFlags: appPermissions(home.tokenFile, "127.0.0.1"),
      env: browserEnv(home, opener.bin),
      args: ["--local-server"],
    });
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, ALICE_CSV);
    assert.equal(second.stderr, "");
    assert.deepEqual(await openedUrls(opener.log), [first.url]);
    assert.deepEqual(scriptCalls(fake), ["GET /v2/groups/my_groups 200"]);
  },
);
