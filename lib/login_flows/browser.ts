/**
 * Opening the person's browser, and knowing when that cannot work: an SSH
 * session without a display, no display at all, a text-only browser (which
 * would take over the terminal and cannot do Globus's login pages), a
 * missing or failing opener, a missing permission. Python:
 * `_check_remote_session` and `_open_webbrowser` of the local-server flow;
 * like Python's `BROWSER_BLACKLIST`, the text browsers are refused by name.
 *
 * @module
 */

import { BROWSER_ENV_VARS, openerCommand } from "./browser_command.ts";
import { BrowserUnavailableError } from "./errors.ts";

/**
 * Opens `url` in the person's browser, or rejects with a
 * {@linkcode BrowserUnavailableError} saying why it cannot.
 *
 * @example An opener that hands the URL to a test instead
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BrowserOpener } from "./browser.ts";
 * const opened: string[] = [];
 * const opener: BrowserOpener = (url) => Promise.resolve(void opened.push(url));
 * await opener("http://127.0.0.1:1/");
 * assert.deepEqual(opened, ["http://127.0.0.1:1/"]);
 * ```
 */
export type BrowserOpener = (url: string) => Promise<void>;

/** Browsers that run in the terminal (Python's list, `www-browser` included). */
const TEXT_BROWSERS = ["lynx", "www-browser", "links", "elinks", "w3m", "links2", "browsh"];

/** What {@linkcode browserUnavailableReason} looks at; defaults are the real process's. */
export interface BrowserEnvironment {
  /** The operating system (default `Deno.build.os`). */
  readonly os?: typeof Deno.build.os;
  /**
   * Reads an environment variable (default `Deno.env.get`, after checking
   * the permission so that Deno never prompts).
   *
   * @throws {BrowserUnavailableError} when it may not be read.
   */
  readonly getEnv?: (name: string) => string | undefined;
}

/**
 * Why a graphical browser cannot work here, or undefined when it may.
 * On Linux and the BSDs a display is needed (`DISPLAY` or
 * `WAYLAND_DISPLAY`); on macOS and Windows an SSH session
 * (`SSH_CONNECTION`/`SSH_TTY`) means the browser would open on a screen
 * nobody is looking at; everywhere, a `BROWSER` naming a text browser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { browserUnavailableReason } from "./browser.ts";
 * const env = (vars: Record<string, string>) => (name: string) => vars[name];
 * assert.equal(
 *   browserUnavailableReason({ os: "linux", getEnv: env({ SSH_CONNECTION: "10.0.0.1 5 10.0.0.2 22" }) }),
 *   "this is an SSH session without a display (DISPLAY and WAYLAND_DISPLAY are unset)",
 * );
 * assert.equal(browserUnavailableReason({ os: "linux", getEnv: env({ DISPLAY: ":0" }) }), undefined);
 * assert.equal(
 *   browserUnavailableReason({ os: "darwin", getEnv: env({ BROWSER: "/usr/bin/w3m %s" }) }),
 *   "BROWSER names the text-only browser w3m",
 * );
 * ```
 */
export function browserUnavailableReason(environment: BrowserEnvironment = {}): string | undefined {
  const os = environment.os ?? Deno.build.os;
  const getEnv = environment.getEnv ?? readEnv;
  // BROWSER is a ":"-separated list of commands, tried in order: the first decides.
  const browser = (getEnv("BROWSER") ?? "").split(":")[0]!.trim().split(/\s+/)[0]!;
  const browserName = browser.split(/[\\/]/).at(-1)!.replace(/\.exe$/i, "").toLowerCase();
  if (TEXT_BROWSERS.includes(browserName)) {
    return `BROWSER names the text-only browser ${browserName}`;
  }
  const ssh = Boolean(getEnv("SSH_CONNECTION") || getEnv("SSH_TTY"));
  if (os === "darwin" || os === "windows") {
    return ssh ? "this is an SSH session: a browser would open on the remote screen" : undefined;
  }
  if (getEnv("DISPLAY") || getEnv("WAYLAND_DISPLAY")) return undefined;
  return ssh
    ? "this is an SSH session without a display (DISPLAY and WAYLAND_DISPLAY are unset)"
    : "there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)";
}

function readEnv(name: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    throw new BrowserUnavailableError(
      `cannot tell whether a browser can open: --allow-env=${
        BROWSER_ENV_VARS.join(",")
      } is not granted`,
    );
  }
  return Deno.env.get(name);
}

/** Options of {@linkcode systemBrowserOpener}. */
export interface SystemBrowserOpenerOptions extends BrowserEnvironment {
  /**
   * Runs the opener and resolves with its exit status, or with `"running"`
   * when it has not exited after `waitMs` (a browser that stays in the
   * foreground). Default: `Deno.Command`, output discarded.
   */
  readonly run?: (
    command: string,
    args: string[],
    waitMs: number,
  ) => Promise<{ success: boolean; code: number } | "running">;
  /** The opener binary, given the URL as its one argument (default {@linkcode openerCommand}'s). */
  readonly command?: string;
  /** How long to wait for the opener to exit before taking it as launched (default 5000). */
  readonly waitMs?: number;
}

/**
 * The default {@linkcode BrowserOpener}: checks
 * {@linkcode browserUnavailableReason}, then runs {@linkcode openerCommand}.
 * Needs `--allow-run=xdg-open` (or `open`, `cmd`) and
 * `--allow-env=BROWSER,DISPLAY,WAYLAND_DISPLAY,SSH_CONNECTION,SSH_TTY`;
 * without them it rejects, never prompts.
 *
 * @example No display: the opener says so and runs nothing
 * ```ts
 * import assert from "node:assert/strict";
 * import { BrowserUnavailableError } from "./errors.ts";
 * import { systemBrowserOpener } from "./browser.ts";
 * const ran: string[] = [];
 * const open = systemBrowserOpener({
 *   os: "linux",
 *   getEnv: () => undefined,
 *   run(command) {
 *     ran.push(command);
 *     return Promise.resolve({ success: true, code: 0 });
 *   },
 * });
 * await assert.rejects(open("http://127.0.0.1:1/"), BrowserUnavailableError);
 * assert.deepEqual(ran, []);
 * ```
 */
export function systemBrowserOpener(options: SystemBrowserOpenerOptions = {}): BrowserOpener {
  const os = options.os ?? Deno.build.os;
  const run = options.run ?? runOpener;
  const waitMs = options.waitMs ?? 5000;
  return async (url) => {
    const reason = browserUnavailableReason(options);
    if (reason !== undefined) throw new BrowserUnavailableError(reason);
    const { command, args } = options.command !== undefined
      ? { command: options.command, args: [url] }
      : openerCommand(os, url);
    let status;
    try {
      status = await run(command, args, waitMs);
    } catch (error) {
      if (error instanceof BrowserUnavailableError) throw error;
      if (error instanceof Deno.errors.NotFound) {
        throw new BrowserUnavailableError(`${command} is not installed`, { cause: error });
      }
      throw new BrowserUnavailableError(
        `${command} could not be run (${error instanceof Error ? error.name : "error"})`,
        { cause: error },
      );
    }
    if (status !== "running" && !status.success) {
      throw new BrowserUnavailableError(`${command} failed (exit status ${status.code})`);
    }
  };
}

async function runOpener(
  command: string,
  args: string[],
  waitMs: number,
): Promise<{ success: boolean; code: number } | "running"> {
  if (Deno.permissions.querySync({ name: "run", command }).state !== "granted") {
    throw new BrowserUnavailableError(`--allow-run=${command} is not granted`);
  }
  const child = new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const running = new Promise<"running">((resolve) => {
    timer = setTimeout(() => resolve("running"), waitMs);
  });
  try {
    const outcome = await Promise.race([child.status, running]);
    // Still running (some openers stay while the browser is open): let it be, without holding the process.
    if (outcome === "running") child.unref();
    return outcome === "running" ? outcome : { success: outcome.success, code: outcome.code };
  } finally {
    clearTimeout(timer);
  }
}
