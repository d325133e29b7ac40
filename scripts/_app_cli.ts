/**
 * What `list_groups.ts` adds to `_cli.ts`: the app's settings (the login
 * flow chosen, progress lines on stderr, who logged in), `--whoami`, and
 * one-line messages for the app's errors. The policy itself is in lib/app.
 *
 * @module
 */

import {
  IdentityMismatchError,
  MissingIdentityError,
  StoredLoginRejectedError,
  TokenValidationError,
  UnmetScopeRequirementsError,
} from "../lib/app/errors.ts";
import type { AppEvent } from "../lib/app/globus_app.ts";
import { defaultTokenFilePath } from "../lib/app/token_file_path.ts";
import type { UserApp, UserAppOptions } from "../lib/app/user_app.ts";
import { NativeAppAuthClient } from "../lib/auth/native_app_auth_client.ts";
import { getServiceUrl } from "../lib/core/config.ts";
import { GlobusSDKUsageError } from "../lib/core/errors.ts";
import type { JSONTokenStorage } from "../lib/token_storage/json_storage.ts";
import type { OAuthTokenResponse } from "../lib/tokens/token_response.ts";
import {
  CliError,
  type Io,
  LOGIN_EXPIRED,
  type LoginChoice,
  requireNetAccess,
  terminalSafe,
  TUTORIAL_CLIENT_ID,
  UsageError,
  warnTokensNotSaved,
} from "./_cli.ts";

/** The app name of Python's minimal script: it names the token file's directory. */
export const APP_NAME = "my-user-app";

/** The token file of Python's `UserApp("my-user-app", client_id=<tutorial client>)`, or a usage error. */
export function defaultAppTokenFile(): string {
  try {
    return defaultTokenFilePath(TUTORIAL_CLIENT_ID, APP_NAME);
  } catch (error) {
    if (!(error instanceof GlobusSDKUsageError)) throw error;
    throw new UsageError("HOME is not set (or may not be read); give --token-file PATH");
  }
}

/**
 * Who logged in, for people: the username from the login's verified
 * id_token (the app asks for `openid`, and Globus's id_token carries it),
 * else the identity id the app recorded. Escaped: it came from the network.
 */
async function whoLoggedIn(login: OAuthTokenResponse | undefined, identityId: string | null) {
  if (login?.idToken === undefined) return terminalSafe(identityId ?? "an unknown identity");
  // Loaded only after a login (as the login code is): a warm run does not need it.
  const { getLoginIdentity } = await import("../lib/services/auth/login_identity.ts");
  const identity = await getLoginIdentity({ tokens: login }).catch(() => undefined);
  return terminalSafe(identity?.username ?? identityId ?? "an unknown identity");
}

/** Tells the person what the app is doing, on stderr. */
async function report(
  event: AppEvent,
  io: Io,
  tokenFile: string,
  lastLogin: OAuthTokenResponse | undefined,
): Promise<void> {
  if (event.type === "login-starting" && event.reason instanceof StoredLoginRejectedError) {
    await io.err(
      "The stored Globus login has expired or been revoked; it was removed. Log in again.\n",
    );
  } else if (event.type === "logged-in") {
    const who = await whoLoggedIn(lastLogin, event.identityId);
    await io.err(`\nLogged in as ${who}; tokens saved to ${tokenFile}\n`);
  } else if (event.type === "tokens-not-saved") {
    await warnTokensNotSaved(io, event.error);
  }
}

/**
 * The settings of the script's `UserApp`: the tutorial client, refresh
 * tokens (so that a login lasts), the token file, the login chosen, and
 * one more login when Groups asks for one with conditions. With
 * `loginAllowed: false` (`--whoami`) a login is never started: a stored
 * login that does not serve is an error.
 */
export function appOptions(
  tokenStorage: JSONTokenStorage,
  io: Io,
  choice: LoginChoice,
  loginAllowed = true,
): UserAppOptions {
  // The last login's answer, to say who logged in from its id_token.
  let lastLogin: OAuthTokenResponse | undefined;
  return {
    clientId: TUTORIAL_CLIENT_ID,
    requestRefreshTokens: true,
    tokenStorage,
    redriveAuthorizationRequirements: true,
    ...(loginAllowed ? {} : { tokenValidationErrorHandler: null }),
    // Made on the first login only: the login code (the flows) is loaded then, not at start-up.
    loginFlowManager: async ({ loginClient, requestRefreshTokens }) => {
      if (!(loginClient instanceof NativeAppAuthClient)) {
        throw new GlobusSDKUsageError("the script's login needs a native app client");
      }
      // Before a login, not on every run: a login that could not be used afterwards would be
      // wasted, while a run without one that lacks --allow-net fails at its first request,
      // also with one missing-permission line and exit 2 (issue 15: a warm run skips the
      // permission queries).
      requireNetAccess([loginClient.baseUrl, getServiceUrl("groups")]);
      const { loginFlow } = await import("./_login.ts");
      const flow = loginFlow(loginClient, io, { choice, requestRefreshTokens, wording: "python" });
      return {
        runLoginFlow: async (parameters, options) =>
          lastLogin = await flow.runLoginFlow(parameters, options),
      };
    },
    onEvent: (event) => report(event, io, tokenStorage.path, lastLogin),
  };
}

/**
 * `--whoami`: prints the stored login's username and identity id, asked of
 * Globus Auth's userinfo with the stored `auth.globus.org` token (renewed
 * if it has expired), without listing groups or logging in.
 *
 * @throws {CliError} when no login is stored.
 */
export async function whoami(app: UserApp, io: Io, path: string): Promise<void> {
  const [{ AuthClient }, { getLoginIdentity }] = await Promise.all([
    import("../lib/services/auth/auth_client.ts"),
    import("../lib/services/auth/login_identity.ts"),
  ]);
  if (await app.tokenStorage.getTokenData(AuthClient.resourceServer) === null) {
    throw new CliError(
      `Not logged in: no tokens stored in ${path}; run without --whoami to log in`,
    );
  }
  const authorizer = await app.getAuthorizer(AuthClient.resourceServer);
  const me = await getLoginIdentity({ authClient: new AuthClient({ authorizer }) });
  const id = terminalSafe(me.identityId);
  await io.out(
    me.username === undefined
      ? `identity id ${id} (the stored login was not granted the profile scope, which shows the username)\n`
      : `${terminalSafe(me.username)} (identity id ${id})\n`,
  );
}

/** Runs `body`, turning the app's errors into one line that says what to do. */
export async function explainAppErrors(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof IdentityMismatchError && error.found === "storage") {
      throw new CliError(`${error.message} (run with --logout)`);
    }
    if (error instanceof IdentityMismatchError) {
      throw new CliError(
        `that login was of another Globus identity (${error.newId}) than the stored one (${error.storedId}); log in as the stored identity, or run with --logout first`,
      );
    }
    if (error instanceof UnmetScopeRequirementsError) {
      throw new CliError(
        `Globus Auth did not grant all the access needed (${
          error.missingScopes.join(" ")
        }); run again and allow it`,
      );
    }
    if (error instanceof MissingIdentityError) {
      throw new CliError("the login did not say who logged in (no id_token); run again");
    }
    if (error instanceof StoredLoginRejectedError) {
      throw new CliError(`${LOGIN_EXPIRED}; it was removed: run again to log in`);
    }
    // Only --whoami, which never logs in, lets these out of the app.
    if (error instanceof TokenValidationError) {
      throw new CliError(`the stored login cannot be used (${error.message}); run again to log in`);
    }
    // The app has already logged in once with these conditions (redriven): a plain
    // --force-login would drop them, so the advice is to meet them. (Imported here: only an
    // error answer brings it, and the client that raised it has loaded it already.)
    const { AuthorizationRequiredError } = await import(
      "../lib/core/authorization_requirements.ts"
    );
    if (error instanceof AuthorizationRequiredError) {
      throw new CliError(
        `${error.message}; the login this run made did not meet that: run again and log in as Globus asks`,
      );
    }
    throw error;
  }
}
