/**
 * The copy-paste login: print the authorize URL, the person logs in in any
 * browser (on any machine), Globus shows a code, the person pastes it here.
 * Works over SSH and without a display. Python: `CommandLineLoginFlowManager`.
 *
 * @module
 */

import { NativeAppAuthClient } from "../auth/mod.ts";
import { GlobusSDKUsageError } from "../core/errors.ts";
import { LoginFlowError } from "./errors.ts";
import type { OAuthTokenResponse } from "../tokens/token_response.ts";
import {
  type AuthorizationParameters,
  BaseLoginFlowManager,
  type LoginClient,
  type LoginFlowIo,
  type LoginFlowManagerOptions,
  type RunLoginFlowOptions,
} from "./login_flow_manager.ts";
import { terminalLoginIo } from "./terminal_io.ts";
import { abortable } from "./_abort.ts";

/** A Globus code is ~40 characters; anything this long was not one. */
const MAX_CODE_CHARS = 4096;

/** Options of {@linkcode CommandLineLoginFlowManager}. */
export interface CommandLineLoginFlowManagerOptions extends LoginFlowManagerOptions {
  /**
   * Where Globus sends the person after login. Default for a native client:
   * Globus's page that shows the code (`<auth>/v2/web/auth-code`); a
   * confidential client must give its own.
   */
  readonly redirectUri?: string;
  /** Where the URL and prompt are shown and the code is read (default {@linkcode terminalLoginIo}). */
  readonly io?: LoginFlowIo;
}

/**
 * The copy-paste login. Prints Python's text,
 *
 * ```
 * Please authenticate with Globus here:
 * -------------------------------------
 * https://auth.globus.org/v2/oauth2/authorize?…
 * -------------------------------------
 *
 * Enter the resulting Authorization Code here:
 * ```
 *
 * reads one line, and exchanges it. Override `printAuthorizeUrl()` and
 * `promptForCode()` (as in Python) to say it differently.
 *
 * @example Against the fake Globus, the person played by the test
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "../auth/mod.ts";
 * import { CommandLineLoginFlowManager } from "./command_line.ts";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "../testing/mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * let url = "";
 * const flow = new CommandLineLoginFlowManager(client, {
 *   io: {
 *     write(text) { url ||= /^https?:\S+$/m.exec(text)?.[0] ?? ""; },
 *     readLine: () => fake.loginCode(url, "alice"),
 *   },
 * });
 * const tokens = await flow.runLoginFlow({ requiredScopes: "openid" });
 * assert.equal(tokens.byResourceServer["auth.globus.org"]?.scope, "openid");
 * ```
 */
export class CommandLineLoginFlowManager extends BaseLoginFlowManager {
  /** The redirect URI given, or undefined for the native client's default. */
  readonly redirectUri: string | undefined;
  /** Where the person is talked to. */
  readonly io: LoginFlowIo;

  /**
   * Stores the settings; no I/O.
   *
   * @throws {GlobusSDKUsageError} for a confidential client without `redirectUri`.
   */
  constructor(loginClient: LoginClient, options: CommandLineLoginFlowManagerOptions = {}) {
    super(loginClient, options);
    if (options.redirectUri === undefined && !(loginClient instanceof NativeAppAuthClient)) {
      throw new GlobusSDKUsageError(
        "Use of a Confidential client requires an explicit redirectUri.",
      );
    }
    this.redirectUri = options.redirectUri;
    this.io = options.io ?? terminalLoginIo();
  }

  /**
   * Prints the URL, reads the code, exchanges it.
   *
   * @throws {LoginFlowError} when input ends, the line is empty or too long.
   * @throws {AuthAPIError} when Globus refuses the code (wrong, used, expired).
   */
  async runLoginFlow(
    authParameters: AuthorizationParameters,
    options: RunLoginFlowOptions = {},
  ): Promise<OAuthTokenResponse> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const authorizeUrl = await this.startFlow(authParameters, this.redirectUri);
    await this.printAuthorizeUrl(authorizeUrl);
    const code = await abortable(this.promptForCode(), signal);
    return await abortable(this.loginClient.oauth2ExchangeCodeForTokens(code), signal);
  }

  /** Shows the URL to open. Python: `print_authorize_url`. */
  async printAuthorizeUrl(authorizeUrl: string): Promise<void> {
    const prompt = "Please authenticate with Globus here:";
    const rule = "-".repeat(prompt.length);
    await this.io.write(`\n${prompt}\n${rule}\n${authorizeUrl}\n${rule}\n\n`);
  }

  /**
   * Asks for the code and reads it, trimmed. Python: `prompt_for_code`.
   *
   * @throws {LoginFlowError} when input ends, the line is empty or over 4096 characters.
   */
  async promptForCode(): Promise<string> {
    await this.io.write("Enter the resulting Authorization Code here: ");
    return readCode(this.io);
  }
}

/**
 * Reads one line from `io` as an authorization code: trimmed, not empty,
 * at most 4096 characters.
 *
 * @throws {LoginFlowError} otherwise, with a message that says what to do.
 */
export async function readCode(io: LoginFlowIo): Promise<string> {
  const line = await io.readLine();
  if (line === null) {
    throw new LoginFlowError(
      "no code was entered (standard input closed); run this in a terminal, open the URL it prints and paste the code Globus shows (a code works only with the run that printed its URL)",
    );
  }
  const code = line.trim();
  if (code === "") {
    throw new LoginFlowError(
      "no code was entered; run again and paste the code Globus shows after login",
    );
  }
  if (code.length > MAX_CODE_CHARS) {
    throw new LoginFlowError(
      `the code entered is ${code.length} characters long, not a Globus code; run again and paste only the code`,
    );
  }
  return code;
}
