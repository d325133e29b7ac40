/**
 * The tutorial's login dialogue: the URL on stderr, the prompt, the code
 * read from stdin, the exchange.
 *
 * @module
 */

import {
  AuthAPIError,
  type AuthorizeUrlOptions,
  GroupsClient,
  type NativeAppAuthClient,
  type OAuthTokenResponse,
  type ScopeInput,
} from "../lib/mod.ts";
import { CliError } from "./_errors.ts";
import type { Io } from "./_io.ts";

/** The tutorial's client id: a native app registered by Globus for these examples. */
export const TUTORIAL_CLIENT_ID = "61338d24-54d5-408f-a10d-66c06b59f6d2";

/**
 * Runs the tutorial's login dialogue on `io`: the URL on stderr, then the
 * prompt, then the code exchange. Returns the tokens. The scopes default to
 * the tutorial's; `authorizeUrl` adds session conditions.
 *
 * A code only works with the run that printed its URL (PKCE ties it to that
 * run's secret), so it cannot be piped in ahead of time; the messages say so.
 */
export async function interactiveLogin(
  authClient: NativeAppAuthClient,
  io: Io,
  options: {
    refreshTokens: boolean;
    requestedScopes?: ScopeInput;
    authorizeUrl?: AuthorizeUrlOptions;
  },
): Promise<OAuthTokenResponse> {
  authClient.oauth2StartFlow({
    requestedScopes: options.requestedScopes ?? GroupsClient.scopes.viewMyGroupsAndMemberships,
    refreshTokens: options.refreshTokens,
  });
  const authorizeUrl = await authClient.oauth2GetAuthorizeUrl(options.authorizeUrl);
  await io.err(`Please go to this URL and login:\n\n${authorizeUrl}\n\n`);
  await io.err("Please enter the code here: ");
  const line = await io.readLine();
  if (line === null) {
    throw new CliError(
      "no code was entered (standard input closed); run this in a terminal, open the URL it prints and paste the code Globus shows (a code works only with the run that printed its URL)",
    );
  }
  const code = line.trim();
  if (code === "") {
    throw new CliError(
      "no code was entered; run again and paste the code Globus shows after login",
    );
  }
  try {
    return await authClient.oauth2ExchangeCodeForTokens(code);
  } catch (error) {
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
