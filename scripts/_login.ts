/**
 * How the scripts log a person in, on lib/login_flows: the copy-paste login
 * (in the tutorial's words for the two tutorial scripts, in Python's
 * `CommandLineLoginFlowManager` words for the app script), the browser login
 * with a local server, or the browser where one can work and copy-paste
 * otherwise. Every flow talks through the scripts' {@linkcode Io}, and a
 * code Globus refuses becomes one line that says what to do.
 *
 * @module
 */

import type { NativeAppAuthClient } from "../lib/auth/native_app_auth_client.ts";
import { getServiceUrl } from "../lib/core/config.ts";
import { AuthAPIError } from "../lib/core/errors.ts";
import { AutoLoginFlowManager } from "../lib/login_flows/auto.ts";
import { CommandLineLoginFlowManager, readCode } from "../lib/login_flows/command_line.ts";
import { LocalServerLoginFlowManager } from "../lib/login_flows/local_server.ts";
import type {
  AuthorizationParameters,
  LoginFlowIo,
  LoginFlowManager,
  RunLoginFlowOptions,
} from "../lib/login_flows/login_flow_manager.ts";
import { GroupsClient } from "../lib/services/groups/groups_client.ts";
import type { OAuthTokenResponse } from "../lib/tokens/token_response.ts";
import { CliError } from "./_errors.ts";
import type { LoginChoice } from "./_args.ts";
import type { Io } from "./_io.ts";
import { requireNetAccess } from "./_permissions.ts";

/** The copy-paste login in the tutorial's words. */
class TutorialCommandLineLogin extends CommandLineLoginFlowManager {
  override async printAuthorizeUrl(authorizeUrl: string): Promise<void> {
    await this.io.write(`Please go to this URL and login:\n\n${authorizeUrl}\n\n`);
  }

  override async promptForCode(): Promise<string> {
    await this.io.write("Please enter the code here: ");
    return await readCode(this.io);
  }
}

/** A flow whose refused code becomes a line that says what to do. */
class ExplainedLogin implements LoginFlowManager {
  readonly #flow: LoginFlowManager;

  constructor(flow: LoginFlowManager) {
    this.#flow = flow;
  }

  async runLoginFlow(
    parameters: AuthorizationParameters,
    options?: RunLoginFlowOptions,
  ): Promise<OAuthTokenResponse> {
    try {
      return await this.#flow.runLoginFlow(parameters, options);
    } catch (error) {
      // invalid_client is a wrong client id, explained as such by describeError.
      if (
        error instanceof AuthAPIError && error.httpStatus < 500 && error.code !== "invalid_client"
      ) {
        throw new CliError(
          `Globus Auth did not accept the code (${error.code ?? error.httpStatus}${
            error.apiMessage ? `: ${error.apiMessage}` : ""
          }); a code works once and only with the run that printed its URL, and expires after a few minutes: run again and paste a fresh one`,
        );
      }
      throw error;
    }
  }
}

/** Options of {@linkcode loginFlow}. */
export interface LoginFlowOptions {
  /** Which login. */
  readonly choice: LoginChoice;
  /** Ask for refresh tokens (`access_type=offline`). */
  readonly requestRefreshTokens: boolean;
  /** `tutorial`: "Please go to this URL and login:"; `python`: the SDK's own words. */
  readonly wording: "tutorial" | "python";
}

/** The login flow a script runs, talking through `io`. */
export function loginFlow(
  authClient: NativeAppAuthClient,
  io: Io,
  options: LoginFlowOptions,
): LoginFlowManager {
  const flowIo: LoginFlowIo = { write: (text) => io.err(text), readLine: () => io.readLine() };
  const common = { io: flowIo, requestRefreshTokens: options.requestRefreshTokens };
  const commandLine = options.wording === "tutorial"
    ? new TutorialCommandLineLogin(authClient, common)
    : new CommandLineLoginFlowManager(authClient, common);
  const flow = options.choice === "copy-paste"
    ? commandLine
    : options.choice === "local-server"
    ? new LocalServerLoginFlowManager(authClient, common)
    : new AutoLoginFlowManager(authClient, { ...common, commandLine });
  return new ExplainedLogin(flow);
}

/**
 * The tutorial's login: the Groups scope only, in the tutorial's words by
 * default (`choice` "copy-paste"), or in a browser. Returns the tokens,
 * which hold a Groups token.
 *
 * Before anything is shown, Deno's net permission must cover the Globus
 * hosts in force: better now than after the person has logged in. A
 * copy-paste code only works with the run that printed its URL (PKCE ties
 * it to that run's secret), so it cannot be piped in ahead of time.
 *
 * @throws {CliError} when Globus Auth returned no token for Groups.
 */
export async function interactiveLogin(
  authClient: NativeAppAuthClient,
  io: Io,
  options: { refreshTokens: boolean; choice?: LoginChoice },
): Promise<OAuthTokenResponse> {
  requireNetAccess([authClient.baseUrl, getServiceUrl("groups")]);
  const flow = loginFlow(authClient, io, {
    choice: options.choice ?? "copy-paste",
    requestRefreshTokens: options.refreshTokens,
    wording: "tutorial",
  });
  const tokens = await flow.runLoginFlow({
    requiredScopes: GroupsClient.scopes.viewMyGroupsAndMemberships,
  });
  if (tokens.byResourceServer[GroupsClient.resourceServer] === undefined) {
    throw new CliError("Globus Auth returned no token for Globus Groups");
  }
  return tokens;
}
