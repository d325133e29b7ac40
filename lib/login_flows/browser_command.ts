/**
 * What opening a browser needs from the process: the command that opens a
 * URL on each OS (the one binary for `--allow-run`) and the variables read
 * to tell whether a browser can work (for `--allow-env`). Apart from
 * `browser.ts` so that a script can state its permissions without loading
 * the browser code (issue 15).
 *
 * @module
 */

/**
 * The environment variables that `browserUnavailableReason` (in
 * `browser.ts`) reads, for a script's `--allow-env`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BROWSER_ENV_VARS } from "./browser_command.ts";
 * assert.equal(`--allow-env=${BROWSER_ENV_VARS.join(",")}`, "--allow-env=BROWSER,DISPLAY,WAYLAND_DISPLAY,SSH_CONNECTION,SSH_TTY");
 * ```
 */
export const BROWSER_ENV_VARS: readonly string[] = [
  "BROWSER",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "SSH_CONNECTION",
  "SSH_TTY",
];

/**
 * The command that opens a URL on `os`: `xdg-open` (Linux, BSDs), `open`
 * (macOS), `cmd /c start` (Windows, with cmd's special characters escaped;
 * not tested here). Only this binary needs `--allow-run`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openerCommand } from "./browser_command.ts";
 * assert.deepEqual(openerCommand("linux", "http://127.0.0.1:1/?a=1&b=2"), {
 *   command: "xdg-open", args: ["http://127.0.0.1:1/?a=1&b=2"],
 * });
 * assert.deepEqual(openerCommand("windows", "http://x/?a=1&b=2").args, ["/c", "start", "", "http://x/?a=1^&b=2"]);
 * ```
 */
export function openerCommand(
  os: typeof Deno.build.os,
  url: string,
): { command: string; args: string[] } {
  if (os === "darwin") return { command: "open", args: [url] };
  if (os === "windows") {
    // `start` is a cmd built-in; its first quoted argument is a window title, hence "".
    return { command: "cmd", args: ["/c", "start", "", url.replace(/[&|<>^()]/g, "^$&")] };
  }
  return { command: "xdg-open", args: [url] };
}
