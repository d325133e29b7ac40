/**
 * The browser login where a browser can work, the copy-paste login where it
 * cannot, saying why: what a script wants by default, in one object.
 *
 * @module
 */

import { BrowserUnavailableError } from "./errors.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import { type BrowserOpener } from "./browser.ts";
import { CommandLineLoginFlowManager } from "./command_line.ts";
import { LocalServerLoginFlowManager } from "./local_server.ts";
import type {
  AuthorizationParameters,
  LoginFlowIo,
  LoginFlowManager,
  LoginFlowManagerOptions,
  RunLoginFlowOptions,
} from "./login_flow_manager.ts";
import { terminalLoginIo } from "./terminal_io.ts";
import type { NativeAppAuthClient } from "../auth/mod.ts";

/** Options of {@linkcode AutoLoginFlowManager}. */
export interface AutoLoginFlowManagerOptions extends LoginFlowManagerOptions {
  /** Where both flows talk to the person (default {@linkcode terminalLoginIo}). */
  readonly io?: LoginFlowIo;
  /** The browser login's opener (default `systemBrowserOpener()`). */
  readonly openBrowser?: BrowserOpener;
  /** The browser login's timeout, in ms (default 300000). */
  readonly timeoutMs?: number;
  /**
   * The copy-paste login to fall back on, for one with other wording
   * (default: a {@linkcode CommandLineLoginFlowManager} on the same client).
   */
  readonly commandLine?: LoginFlowManager;
}

/**
 * Tries {@linkcode LocalServerLoginFlowManager}; when it rejects with
 * {@linkcode BrowserUnavailableError} (SSH without a display, no display,
 * a text browser, no opener, a missing permission), writes
 *
 * ```
 * Cannot log in with a browser here (<reason>); log in with a code instead.
 * ```
 *
 * and runs {@linkcode CommandLineLoginFlowManager}. Any other failure (a
 * declined login, a timeout) is not a reason to switch: it is thrown.
 *
 * @example No display: the copy-paste login runs, and says why
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "../auth/mod.ts";
 * import { BrowserUnavailableError } from "./errors.ts";
 * import { AutoLoginFlowManager } from "./auto.ts";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "../testing/mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * const printed: string[] = [];
 * const flow = new AutoLoginFlowManager(client, {
 *   openBrowser: () => Promise.reject(new BrowserUnavailableError("there is no display")),
 *   io: {
 *     write: (text) => void printed.push(text),
 *     readLine: () => fake.loginCode(/^https?:\S+$/m.exec(printed.join(""))![0], "alice"),
 *   },
 * });
 * const tokens = await flow.runLoginFlow({ requiredScopes: "openid" });
 * assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
 * assert.equal(
 *   printed[0],
 *   "Cannot log in with a browser here (there is no display); log in with a code instead.\n",
 * );
 * ```
 */
export class AutoLoginFlowManager implements LoginFlowManager {
  /** The browser login. */
  readonly localServer: LocalServerLoginFlowManager;
  /** The copy-paste login. */
  readonly commandLine: LoginFlowManager;
  readonly #io: LoginFlowIo;

  /**
   * Builds both flows on the same client; no I/O.
   *
   * @throws {RangeError} for a `timeoutMs` out of range.
   */
  constructor(loginClient: NativeAppAuthClient, options: AutoLoginFlowManagerOptions = {}) {
    const { io = terminalLoginIo(), openBrowser, timeoutMs, commandLine, ...common } = options;
    this.#io = io;
    this.localServer = new LocalServerLoginFlowManager(loginClient, {
      ...common,
      io,
      ...(openBrowser !== undefined ? { openBrowser } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    this.commandLine = commandLine ??
      new CommandLineLoginFlowManager(loginClient, { ...common, io });
  }

  /**
   * The browser login, or the copy-paste login when no browser can work.
   *
   * @throws what the flow that ran throws.
   */
  async runLoginFlow(
    authParameters: AuthorizationParameters,
    options: RunLoginFlowOptions = {},
  ): Promise<OAuthTokenResponse> {
    try {
      return await this.localServer.runLoginFlow(authParameters, options);
    } catch (error) {
      if (!(error instanceof BrowserUnavailableError)) throw error;
      await this.#io.write(
        `Cannot log in with a browser here (${error.reason}); log in with a code instead.\n`,
      );
      return await this.commandLine.runLoginFlow(authParameters, options);
    }
  }
}
