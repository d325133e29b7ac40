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
 * ```ts ignore
 * import { AutoLoginFlowManager } from "./mod.ts";
 * import { NativeAppAuthClient } from "../auth/mod.ts";
 *
 * const client = new NativeAppAuthClient("61338d24-54d5-408f-a10d-66c06b59f6d2");
 * const flow = new AutoLoginFlowManager(client, { requestRefreshTokens: true });
 * const tokens = await flow.runLoginFlow({
 *   requiredScopes: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 * });
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
  BROWSER_ENV_VARS,
  type BrowserEnvironment,
  type BrowserOpener,
  browserUnavailableReason,
  openerCommand,
  systemBrowserOpener,
  type SystemBrowserOpenerOptions,
} from "./browser.ts";
export { type ByteSource, LineReader, type LineReaderOptions } from "./line_reader.ts";
export { terminalLoginIo } from "./terminal_io.ts";
export { BrowserUnavailableError, LoginFlowError, LoginFlowTimeoutError } from "./errors.ts";
