/**
 * What `list_groups.ts` adds to `_cli.ts`: the app's settings (the login
 * flow chosen, progress lines on stderr)
 * and one-line messages for the app's errors. The policy itself is in
 * lib/app.
 *
 * @module
 */

import {
  type AppEvent,
  AuthorizationRequiredError,
  defaultTokenFilePath,
  GlobusSDKUsageError,
  IdentityMismatchError,
  type JSONTokenStorage,
  MissingIdentityError,
  NativeAppAuthClient,
  StoredLoginRejectedError,
  UnmetScopeRequirementsError,
  type UserAppOptions,
} from "../lib/mod.ts";
import {
  CliError,
  describeError,
  type Io,
  type LoginChoice,
  loginFlow,
  TUTORIAL_CLIENT_ID,
  UsageError,
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

/** Tells the person what the app is doing, on stderr. */
async function report(event: AppEvent, io: Io, tokenFile: string): Promise<void> {
  if (event.type === "login-starting" && event.reason instanceof StoredLoginRejectedError) {
    await io.err(
      "The stored Globus login has expired or been revoked; it was removed. Log in again.\n",
    );
  } else if (event.type === "logged-in") {
    await io.err(`\nLogged in. Tokens saved to ${tokenFile}\n`);
  } else if (event.type === "tokens-not-saved") {
    await io.err(
      `warning: the renewed tokens could not be saved (${
        describeError(event.error)
      }); the next run may need a new login\n`,
    );
  }
}

/**
 * The settings of the script's `UserApp`: the tutorial client, refresh
 * tokens (so that a login lasts), the token file, the login chosen, and
 * one more login when Groups asks for one with conditions.
 */
export function appOptions(
  tokenStorage: JSONTokenStorage,
  io: Io,
  choice: LoginChoice,
): UserAppOptions {
  return {
    clientId: TUTORIAL_CLIENT_ID,
    requestRefreshTokens: true,
    tokenStorage,
    redriveAuthorizationRequirements: true,
    loginFlowManager: ({ loginClient, requestRefreshTokens }) => {
      if (!(loginClient instanceof NativeAppAuthClient)) {
        throw new GlobusSDKUsageError("the script's login needs a native app client");
      }
      return loginFlow(loginClient, io, { choice, requestRefreshTokens, wording: "python" });
    },
    onEvent: (event) => report(event, io, tokenStorage.path),
  };
}

/** Says so on stderr when the token file is readable by others (and makes it private). */
export async function warnIfReadableByOthers(storage: JSONTokenStorage, io: Io): Promise<void> {
  const loose = await storage.secureFile();
  if (loose === null) return;
  const mode = loose.mode.toString(8);
  await io.err(
    loose.fixed
      ? `warning: ${storage.path} was readable by others (mode ${mode}); it is now 600\n`
      : `warning: ${storage.path} is readable by others (mode ${mode}) and could not be made private; run chmod 600 on it\n`,
  );
}

/** Runs `body`, turning the app's errors into one line that says what to do. */
export async function explainAppErrors(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
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
    if (error instanceof AuthorizationRequiredError) {
      throw new CliError(`${error.message}; run again with --force-login`);
    }
    throw error;
  }
}
