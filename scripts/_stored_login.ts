/**
 * The storage script's login policy, beyond the tutorial's "log in if there
 * is no stored login": check that the token file can take the tokens before
 * a code is spent, replace a login Globus no longer accepts (unless another
 * process stored a new one meanwhile), and log out (revoke, then remove only
 * what was revoked and not replaced meanwhile). Nothing here runs when a
 * stored login works, so a run that needs no login never needs this module.
 *
 * @module
 */

import { RefreshTokenRejectedError } from "../lib/core/errors.ts";
import { GroupsClient } from "../lib/services/groups/groups_client.ts";
import type { JSONTokenStorage } from "../lib/token_storage/json_storage.ts";
import type { TokenStorageData } from "../lib/token_storage/token_storage.ts";
import type { LoginChoice } from "./_args.ts";
import type { OnDemandAuthClient } from "./_auth_client.ts";
import { CliError, describeError, LOGIN_EXPIRED } from "./_errors.ts";
import type { Io } from "./_io.ts";
import { requireNetAccess } from "./_permissions.ts";

const RESOURCE_SERVER = GroupsClient.resourceServer;

/**
 * The tutorial's login with refresh tokens, stored; returns the stored
 * record. A code works once: the file is checked first, so that a login is
 * never spent on a file that cannot keep it.
 *
 * @throws {CliError} when Globus Auth returned no refresh token.
 */
export async function loginAndStore(
  authClient: OnDemandAuthClient,
  storage: JSONTokenStorage,
  io: Io,
  choice: LoginChoice,
): Promise<TokenStorageData> {
  await storage.checkWritable();
  // Loaded here, not at start-up: the login code is most of the script's module graph, and a
  // run with a usable stored login (the usual cron run) never needs it (issue 15).
  const { interactiveLogin } = await import("./_login.ts");
  const tokens = await interactiveLogin(await authClient.get(), io, {
    refreshTokens: true,
    choice,
  });
  await storage.storeTokenResponse(tokens);
  await io.err(`\nLogged in. Tokens saved to ${storage.path}\n`);
  const data = await storage.getTokenData(RESOURCE_SERVER);
  if (data?.refreshToken) return data;
  throw new CliError(
    `Globus Auth returned no refresh token for Globus Groups, so ${storage.path} cannot keep the login`,
  );
}

/**
 * What to do after a request with the stored login `dead` failed with
 * `error`: when Globus Auth refused its refresh token (the login expired or
 * was revoked), drop it — unless another process stored a newer login
 * meanwhile, which is returned — and `login()` again, saying so. Any other
 * error is thrown again.
 */
export async function replaceDeadLogin(
  error: unknown,
  dead: TokenStorageData,
  storage: JSONTokenStorage,
  io: Io,
  login: () => Promise<TokenStorageData>,
): Promise<TokenStorageData> {
  if (!(error instanceof RefreshTokenRejectedError)) throw error;
  const removed = await storage.removeTokenData(RESOURCE_SERVER, {
    onlyIf: (current) => current.refreshToken === dead.refreshToken,
  });
  const replacement = removed ? null : await storage.getTokenData(RESOURCE_SERVER);
  if (replacement?.refreshToken) return replacement;
  await io.err(
    `${LOGIN_EXPIRED[0]!.toUpperCase()}${LOGIN_EXPIRED.slice(1)}; it was removed. Log in again.\n`,
  );
  return await login();
}

/** Whether a record still holds the tokens of `record` (nothing newer was stored meanwhile). */
const sameTokens = (record: TokenStorageData) => (current: TokenStorageData) =>
  current.accessToken === record.accessToken && current.refreshToken === record.refreshToken;

/**
 * Revokes the stored tokens at Auth, and removes each record whose tokens
 * were all revoked and that still holds them. With `localOnly`, only forgets.
 *
 * @throws {CliError} naming what could not be revoked (and was kept).
 */
export async function logout(
  onDemandAuthClient: OnDemandAuthClient,
  tokenStorage: JSONTokenStorage,
  io: Io,
  localOnly: boolean,
): Promise<void> {
  const authClient = localOnly ? undefined : await onDemandAuthClient.get();
  if (authClient) requireNetAccess([authClient.baseUrl]);
  const path = tokenStorage.path;
  const records = Object.entries(await tokenStorage.getTokenDataByResourceServer());
  if (records.length === 0) return await io.err(`Not logged in: no tokens stored in ${path}\n`);
  let removed = 0;
  const newer: string[] = [];
  const unrevoked: string[] = [];
  let failure: unknown;
  for (const [resourceServer, record] of records) {
    if (authClient) {
      try {
        if (record.refreshToken) await authClient.oauth2RevokeToken(record.refreshToken);
        await authClient.oauth2RevokeToken(record.accessToken);
      } catch (error) {
        unrevoked.push(resourceServer);
        failure ??= error;
        continue;
      }
    }
    if (await tokenStorage.removeTokenData(resourceServer, { onlyIf: sameTokens(record) })) {
      removed++;
    } else {
      newer.push(resourceServer);
    }
  }
  if (removed > 0) {
    await io.err(
      localOnly
        ? `Forgot ${removed} token record(s) in ${path} without revoking them; they stay valid at Globus until they expire\n`
        : `Logged out: revoked and removed ${removed} token record(s) from ${path}\n`,
    );
  }
  if (newer.length > 0) {
    await io.err(
      `A newer login for ${newer.join(", ")} was stored meanwhile; it was kept in ${path}\n`,
    );
  }
  if (unrevoked.length > 0) {
    throw new CliError(
      `could not revoke the tokens for ${unrevoked.join(", ")} (${
        describeError(failure)
      }); they were kept in ${path}: run --logout again later, or --logout --local-only to ` +
        `forget them here (they stay valid at Globus until they expire)`,
    );
  }
}
