/**
 * The browser login in a real browser: headless Chromium (the Debian
 * package `chromium`) driven by npm's puppeteer-core (pinned in
 * tools/package.json) logs in at the fake Globus, lands on the local
 * server of a script running as its own process, and the script lists
 * the groups. Without Chromium or puppeteer-core the test says so in its
 * name and is skipped (.ci/run installs both).
 */

import assert from "node:assert/strict";
import { DEFAULT_IDS, startFakeGlobus } from "../../lib/testing/mod.ts";
import { chromiumTest, type Landing, loginInChromium } from "./_chromium.ts";

const CHILD = new URL("./local_server_child.ts", import.meta.url).pathname;
const ENV_VARS =
  "GLOBUS_SDK_ENVIRONMENT,GLOBUS_SDK_SERVICE_URL_AUTH,GLOBUS_SDK_SERVICE_URL_GROUPS,GLOBUS_SDK_HTTP_TIMEOUT";

/** Reads `stream` to its end, calling `onLine` for each line as it arrives. */
async function lines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
  let text = "";
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    pending += chunk;
    const parts = pending.split("\n");
    pending = parts.pop()!;
    parts.forEach(onLine);
  }
  return text;
}

chromiumTest(
  "LocalServerLoginFlowManager: headless Chromium logs in, lands on the local page, the script lists the groups",
  async () => {
    await using fake = await startFakeGlobus();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--allow-net=127.0.0.1",
        `--allow-env=${ENV_VARS}`,
        CHILD,
        "60000",
      ],
      env: fake.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const opened = Promise.withResolvers<string>();
    const stderr = lines(child.stderr, (line) => {
      if (line.startsWith("OPEN ")) opened.resolve(line.slice(5));
    });
    const stdout = lines(child.stdout, () => {});
    // If the child dies before printing the URL, fail instead of waiting.
    stderr.then((text) => opened.reject(new Error(`the script ended without a URL:\n${text}`)));

    let landing: Landing;
    let url: string;
    try {
      url = await opened.promise;
      landing = await loginInChromium(url, "alice");
    } catch (error) {
      // Do not leave the script waiting for a login that will not come.
      child.kill("SIGINT");
      await Promise.allSettled([child.status, stdout, stderr]);
      throw error;
    }
    const status = await child.status;
    const [out, err] = await Promise.all([stdout, stderr]);
    assert.equal(status.code, 0, err);
    assert.match(landing.url, /^http:\/\/127\.0\.0\.1:\d+\/\?code=/);
    assert.equal(landing.title, "Login successful");
    assert.equal(landing.message, "You can close this window and return to the application.");
    assert.equal(
      out,
      `${DEFAULT_IDS.groups.alicesLab},Alice's Lab\n` +
        `${DEFAULT_IDS.groups.physics},Physics, Chemistry & "Friends"\n` +
        `${DEFAULT_IDS.groups.unicode},Ünïcødé 研究 group\n`,
    );
    // The script always printed the URL, for a browser that does not open.
    assert.ok(err.includes(`go to this URL:\n\n${url}\n`), err);
    // The browser really went through the fake's login page and the loopback redirect.
    const paths = fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.ok(paths.includes("GET /v2/oauth2/authorize 200"), paths.join("\n"));
    assert.ok(paths.includes("GET /v2/oauth2/authorize 302"), paths.join("\n"));
    assert.ok(paths.includes("POST /v2/oauth2/token 200"), paths.join("\n"));
  },
);
