/**
 * The browser login: a server on `127.0.0.1` (a free port) receives the
 * person's browser back from Globus with the code, so nothing is copied.
 * Globus accepts `http://127.0.0.1:<any port>` as a redirect for native
 * apps. Python: `LocalServerLoginFlowManager`.
 *
 * @module
 */

import { NativeAppAuthClient } from "../auth/mod.ts";
import { GlobusSDKUsageError } from "../core/errors.ts";
import { BrowserUnavailableError } from "./errors.ts";
import { generateVerifier } from "../auth/_pkce.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import { abortable } from "./_abort.ts";
import { printable } from "./_printable.ts";
import { RedirectServer } from "./_redirect_server.ts";
import { type BrowserOpener, systemBrowserOpener } from "./browser.ts";
import {
  type AuthorizationParameters,
  BaseLoginFlowManager,
  type LoginClient,
  type LoginFlowIo,
  type LoginFlowManagerOptions,
  type RunLoginFlowOptions,
} from "./login_flow_manager.ts";
import { terminalLoginIo } from "./terminal_io.ts";

/** Options of {@linkcode LocalServerLoginFlowManager}. */
export interface LocalServerLoginFlowManagerOptions extends LoginFlowManagerOptions {
  /** Opens the browser (default {@linkcode systemBrowserOpener}()). */
  readonly openBrowser?: BrowserOpener;
  /** Where the URL and status are shown (default {@linkcode terminalLoginIo}; only `write` is used). */
  readonly io?: LoginFlowIo;
  /** How long to wait for the browser to come back, in ms (default 300000: 5 minutes, as Python). */
  readonly timeoutMs?: number;
  /** The port to listen on (default 0: a free port chosen by the system). */
  readonly port?: number;
}

/**
 * The browser login. `runLoginFlow()`:
 *
 * 1. listens on `127.0.0.1` (port 0 unless told), redirect URI
 *    `http://127.0.0.1:PORT` (as Python: no path);
 * 2. starts the flow with a random `state`, opens the browser with
 *    `openBrowser`, and always prints the URL too;
 * 3. waits for the redirect: a wrong `state`, `error=access_denied` or any
 *    other `error` ends the login with a {@linkcode LoginFlowError}, no
 *    redirect within `timeoutMs` with a {@linkcode LoginFlowTimeoutError},
 *    the `signal` with its reason;
 * 4. exchanges the code, then answers the browser with a page that says
 *    whether the login worked, and releases the port (also on every failure).
 *
 * When a browser cannot work here it rejects with a
 * {@linkcode BrowserUnavailableError} before printing anything:
 * {@linkcode AutoLoginFlowManager} then falls back to the copy-paste login.
 *
 * Permissions: `--allow-net=127.0.0.1:0` (to listen; `127.0.0.1` also
 * does), and for the default opener `--allow-run=xdg-open` (`open` on
 * macOS, `cmd` on Windows) and
 * `--allow-env=BROWSER,DISPLAY,WAYLAND_DISPLAY,SSH_CONNECTION,SSH_TTY`.
 *
 * @example Against the fake Globus, which plays the browser
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "../auth/mod.ts";
 * import { LocalServerLoginFlowManager } from "./local_server.ts";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "../testing/mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * let landing: Promise<{ status: number; body: string }> | undefined;
 * const flow = new LocalServerLoginFlowManager(client, {
 *   openBrowser(url) {
 *     landing = fake.playBrowser(url, { username: "alice" });
 *     return Promise.resolve();
 *   },
 *   io: { write() {}, readLine: () => Promise.resolve(null) },
 * });
 * const tokens = await flow.runLoginFlow({ requiredScopes: "openid" });
 * assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
 * assert.match((await landing!).body, /Login successful/);
 * ```
 */
export class LocalServerLoginFlowManager extends BaseLoginFlowManager {
  /** Opens the browser. */
  readonly openBrowser: BrowserOpener;
  /** Where the URL and status are shown. */
  readonly io: LoginFlowIo;
  /** How long to wait for the browser, in ms. */
  readonly timeoutMs: number;
  /** The port asked for (0: any). */
  readonly port: number;

  /**
   * Stores the settings; no I/O.
   *
   * @throws {GlobusSDKUsageError} for a confidential client (Globus allows
   *   loopback redirects on any port only for native apps).
   * @throws {RangeError} for a `timeoutMs` or `port` out of range.
   */
  constructor(loginClient: LoginClient, options: LocalServerLoginFlowManagerOptions = {}) {
    super(loginClient, options);
    if (!(loginClient instanceof NativeAppAuthClient)) {
      throw new GlobusSDKUsageError(
        "LocalServerLoginFlowManager is only supported for Native Apps.",
      );
    }
    const timeoutMs = options.timeoutMs ?? 300_000;
    const port = options.port ?? 0;
    if (!(timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1)) {
      throw new RangeError(`timeoutMs must be between 1 and ${2 ** 31 - 1}, not ${timeoutMs}`);
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`port must be an integer from 0 to 65535, not ${port}`);
    }
    this.openBrowser = options.openBrowser ?? systemBrowserOpener();
    this.io = options.io ?? terminalLoginIo();
    this.timeoutMs = timeoutMs;
    this.port = port;
  }

  /**
   * Runs the browser login (see the class).
   *
   * @throws {BrowserUnavailableError} when no browser can work here, or 127.0.0.1 may not be listened on.
   * @throws {LoginFlowError} declined, wrong state, or another `error` from Globus.
   * @throws {LoginFlowTimeoutError} when the browser does not come back in time.
   * @throws {AuthAPIError} when Globus refuses the code.
   */
  async runLoginFlow(
    authParameters: AuthorizationParameters,
    options: RunLoginFlowOptions = {},
  ): Promise<OAuthTokenResponse> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const host = `127.0.0.1:${this.port}`;
    if (Deno.permissions.querySync({ name: "net", host }).state !== "granted") {
      throw new BrowserUnavailableError(
        `--allow-net=${host} is not granted (needed to receive the login from the browser)`,
      );
    }
    // 32 random bytes, base64url: a PKCE verifier is exactly that.
    const state = generateVerifier();
    const server = new RedirectServer({ port: this.port, state });
    try {
      const url = await this.startFlow(authParameters, `http://127.0.0.1:${server.port}`, state);
      try {
        await abortable(this.openBrowser(url), signal);
      } catch (error) {
        if (error instanceof BrowserUnavailableError || signal?.aborted) throw error;
        throw new BrowserUnavailableError(
          `the browser could not be opened (${
            printable(error instanceof Error ? error.message : String(error), 200)
          })`,
          { cause: error },
        );
      }
      await this.io.write(
        `A browser was opened to log in with Globus. If it did not open, go to this URL:\n\n` +
          `${url}\n\nWaiting for the login to come back from the browser...\n`,
      );
      const code = await server.waitForCode(this.timeoutMs, signal);
      try {
        const tokens = await abortable(this.loginClient.oauth2ExchangeCodeForTokens(code), signal);
        server.answer({
          status: 200,
          title: "Login successful",
          message: "You can close this window and return to the application.",
        });
        return tokens;
      } catch (error) {
        server.answer({
          status: 500,
          title: "Login failed",
          message: "Globus did not accept the login's code. Return to the application to see why.",
        });
        throw error;
      }
    } finally {
      await server.close();
    }
  }
}
