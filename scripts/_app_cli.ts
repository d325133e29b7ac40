/**
 * What `list_groups.ts` adds to `_cli.ts`: its permissions, the app's
 * settings (the copy-paste login as a login flow, progress lines on stderr)
 * and one-line messages for the app's errors. The policy itself is in
 * lib/app.
 *
 * @module
 */

import {
  type AppEvent,
  type AuthorizationParameters,
  AuthorizationRequiredError,
  defaultTokenFilePath,
  GlobusSDKUsageError,
  IdentityMismatchError,
  type JSONTokenStorage,
  type LoginFlowContext,
  type LoginFlowManager,
  MissingIdentityError,
  NativeAppAuthClient,
  type OAuthTokenResponse,
  StoredLoginRejectedError,
  UnmetScopeRequirementsError,
  type UserAppOptions,
} from "../lib/mod.ts";
import {
  CliError,
  describeError,
  GLOBUS_ENV_VARS,
  GLOBUS_HOSTS,
  interactiveLogin,
  type Io,
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

/** The directory part of a path (POSIX or Windows separators). */
function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i <= 0 ? (i === 0 ? path.slice(0, 1) : ".") : path.slice(0, i);
}

/**
 * The narrowest `deno run` permissions of `list_groups.ts` for a token file:
 * read the file, its `.lock` and `.tmp`; write its directory (the app's own,
 * created 0700 on the first run: Deno's permission for creating a directory
 * is a write permission on it, which covers the three files).
 */
export function appPermissions(tokenFile: string, hosts: string = GLOBUS_HOSTS): string[] {
  return [
    `--allow-net=${hosts}`,
    `--allow-env=HOME,${GLOBUS_ENV_VARS}`,
    `--allow-read=${tokenFile},${tokenFile}.lock,${tokenFile}.tmp`,
    `--allow-write=${dirname(tokenFile)}`,
  ];
}

// replaced by lib/login_flows CommandLineLoginFlowManager on merge
/** Today's copy-paste dialogue (`interactiveLogin`) as a login flow for the app. */
class CopyPasteLoginFlow implements LoginFlowManager {
  readonly #client: NativeAppAuthClient;
  readonly #io: Io;
  readonly #refreshTokens: boolean;

  constructor(context: LoginFlowContext, io: Io) {
    if (!(context.loginClient instanceof NativeAppAuthClient)) {
      throw new GlobusSDKUsageError("the copy-paste login needs a native app client");
    }
    this.#client = context.loginClient;
    this.#io = io;
    this.#refreshTokens = context.requestRefreshTokens;
  }

  runLoginFlow(parameters: AuthorizationParameters): Promise<OAuthTokenResponse> {
    const { requiredScopes, ...session } = parameters;
    return interactiveLogin(this.#client, this.#io, {
      refreshTokens: this.#refreshTokens,
      requestedScopes: requiredScopes,
      authorizeUrl: session,
    });
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
 * tokens (so that a login lasts), the token file, the copy-paste login, and
 * one more login when Groups asks for one with conditions.
 */
export function appOptions(tokenStorage: JSONTokenStorage, io: Io): UserAppOptions {
  return {
    clientId: TUTORIAL_CLIENT_ID,
    requestRefreshTokens: true,
    tokenStorage,
    redriveAuthorizationRequirements: true,
    loginFlowManager: (context) => new CopyPasteLoginFlow(context, io),
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
