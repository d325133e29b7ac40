/**
 * Shared by the real-browser tests: where Chromium and puppeteer-core are,
 * why a test must be skipped without them, and one login in headless
 * Chromium through {@link ./_chromium_driver.ts} (a process of its own, so
 * that npm code never loads into the test runner).
 */

import assert from "node:assert/strict";

/** The browser binary (Debian's `chromium`; `CHROMIUM_PATH` overrides it). */
export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const PUPPETEER = new URL(
  "../../tools/node_modules/puppeteer-core/package.json",
  import.meta.url,
);
const DRIVER = new URL("./_chromium_driver.ts", import.meta.url).pathname;

/** Why a real-browser test cannot run here, or undefined when it can (.ci/run installs both). */
function chromiumMissing(): string | undefined {
  const exists = (path: string | URL) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  };
  if (!exists(CHROMIUM)) return `chromium not installed at ${CHROMIUM}`;
  if (!exists(PUPPETEER)) return "puppeteer-core not in tools/node_modules (npm ci --prefix tools)";
  return undefined;
}

/**
 * Registers a test that needs Chromium and puppeteer-core; without them it
 * is registered ignored, with the reason in its name.
 */
export function chromiumTest(name: string, fn: () => Promise<void>): void {
  const why = chromiumMissing();
  if (why === undefined) Deno.test(name, fn);
  else Deno.test({ name: `${name} (skipped: ${why})`, ignore: true, fn() {} });
}

/** The page the browser landed on after the login. */
export interface Landing {
  readonly url: string;
  readonly title: string | null;
  readonly message: string | null;
}

/**
 * Opens `url` (an authorize URL of the fake Globus) in headless Chromium,
 * clicks `username` on the fake's login page, waits for the local server's
 * page and returns it. Fails with the driver's stderr if any step fails.
 */
export async function loginInChromium(url: string, username: string): Promise<Landing> {
  const driver = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--node-modules-dir=manual",
      "-A",
      DRIVER,
      CHROMIUM,
      url,
      username,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(driver.code, 0, new TextDecoder().decode(driver.stderr));
  return JSON.parse(new TextDecoder().decode(driver.stdout));
}
