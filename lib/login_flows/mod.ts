/**
 * Login flows: one call that takes a person through a Globus login and
 * returns the tokens. Python: `globus_sdk.login_flows`.
 *
 * - {@linkcode CommandLineLoginFlowManager}: print the URL, paste the code
 *   (works anywhere, over SSH too).
 * - {@linkcode LocalServerLoginFlowManager}: open the browser, receive the
 *   code on `http://127.0.0.1:PORT`.
 * - {@linkcode AutoLoginFlowManager}: the browser where one can work, else
 *   copy-paste, saying why.
 *
 * @example The browser where possible, for a native app
 * ```ts
 * import assert from "node:assert/strict";
 * import { NativeAppAuthClient } from "@globus-deno/sdk/auth";
 * import { AutoLoginFlowManager } from "@globus-deno/sdk/login-flows";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "@globus-deno/sdk/testing";
 *
 * await using fake = await startFakeGlobus();
 * const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * let landing: Promise<{ status: number; body: string }> | undefined;
 * const flow = new AutoLoginFlowManager(client, {
 *   requestRefreshTokens: true,
 *   // The fake Globus plays alice's browser; a real program keeps the default opener and io.
 *   openBrowser(url) {
 *     landing = fake.playBrowser(url, { username: "alice" });
 *     return Promise.resolve();
 *   },
 *   io: { write() {}, readLine: () => Promise.resolve(null) },
 * });
 * const tokens = await flow.runLoginFlow({
 *   requiredScopes: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 * });
 * const groups = tokens.byResourceServer["groups.api.globus.org"];
 * assert.equal(
 *   groups?.scope,
 *   "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 * );
 * assert.match(groups?.refresh_token ?? "", /./); // requestRefreshTokens: a lasting login
 * assert.match((await landing!).body, /Login successful/);
 * ```
 *
 * @module
 */

export {
  type AuthorizationParameters,
  BaseLoginFlowManager,
  type LoginClient,
  type LoginFlowIo,
  type LoginFlowManager,
  type LoginFlowManagerOptions,
  type RunLoginFlowOptions,
} from "./login_flow_manager.ts";
export {
  CommandLineLoginFlowManager,
  type CommandLineLoginFlowManagerOptions,
  readCode,
} from "./command_line.ts";
export {
  LocalServerLoginFlowManager,
  type LocalServerLoginFlowManagerOptions,
} from "./local_server.ts";
export { AutoLoginFlowManager, type AutoLoginFlowManagerOptions } from "./auto.ts";
export {
  type BrowserEnvironment,
  type BrowserOpener,
  browserUnavailableReason,
  systemBrowserOpener,
  type SystemBrowserOpenerOptions,
} from "./browser.ts";
export { BROWSER_ENV_VARS, openerCommand } from "./browser_command.ts";
export { type ByteSource, LineReader, type LineReaderOptions } from "./line_reader.ts";
export { terminalLoginIo } from "./terminal_io.ts";
export { BrowserUnavailableError, LoginFlowError, LoginFlowTimeoutError } from "./errors.ts";
