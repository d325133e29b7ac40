/**
 * Who logged in: read from a token response's verified `id_token` when it
 * has one (no extra call to Globus but the cached key fetch), else asked of
 * Globus Auth's userinfo. For scripts that say `Logged in as …` after a
 * login, or print the stored login's identity.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../../core/errors.ts";
import type { OAuthTokenResponse } from "../../tokens/token_response.ts";
import type { AuthClient } from "./auth_client.ts";

/**
 * The identity a login speaks for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoginIdentity } from "./login_identity.ts";
 *
 * const who = (i: LoginIdentity) => i.username ?? i.identityId;
 * assert.equal(who({ identityId: "id-1", username: undefined, source: "userinfo" }), "id-1");
 * ```
 */
export interface LoginIdentity {
  /** The identity id (`sub`). */
  readonly identityId: string;
  /** The username (`preferred_username`), when the login's scopes reveal it (`profile`; Globus's id_token carries it). */
  readonly username: string | undefined;
  /** The display name, when revealed. */
  readonly name?: string;
  /** The email address, when revealed (`email`). */
  readonly email?: string;
  /** Where it was read: the verified id_token or the userinfo endpoint. */
  readonly source: "id_token" | "userinfo";
}

/**
 * Where {@linkcode getLoginIdentity} may read the identity; at least one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoginIdentitySource } from "./login_identity.ts";
 *
 * const nothing: LoginIdentitySource = {};
 * assert.equal(nothing.tokens ?? nothing.authClient, undefined); // getLoginIdentity() refuses it
 * ```
 */
export interface LoginIdentitySource {
  /**
   * A token response from a login client's code exchange or refresh. Its
   * `id_token` (present when `openid` was requested) is verified and read.
   */
  readonly tokens?: OAuthTokenResponse;
  /** An Auth client with a token for `auth.globus.org`, asked when there is no id_token. */
  readonly authClient?: AuthClient;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * The identity of a login: from `tokens`' id_token (verified: signature,
 * issuer, audience, expiry) when there is one, otherwise from
 * `authClient.userinfo()`.
 *
 * @throws {GlobusSDKUsageError} when there is neither an id_token nor an Auth client.
 * @throws {IdTokenError} when the id_token fails verification.
 * @example From a login's token response
 * ```ts
 * import assert from "node:assert/strict";
 * import { getLoginIdentity } from "./login_identity.ts";
 * import { NativeAppAuthClient } from "../../auth/mod.ts";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "../../testing/mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const login = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
 * login.oauth2StartFlow({ requestedScopes: ["openid", "profile"] });
 * const code = await fake.loginCode(await login.oauth2GetAuthorizeUrl(), "alice");
 * const tokens = await login.oauth2ExchangeCodeForTokens(code);
 * const me = await getLoginIdentity({ tokens });
 * assert.equal(me.username, "alice@globusid.org");
 * assert.equal(me.source, "id_token");
 * ```
 */
export async function getLoginIdentity(source: LoginIdentitySource): Promise<LoginIdentity> {
  if (source.tokens?.idToken !== undefined) {
    const claims = await source.tokens.decodeIdToken();
    return describe(claims, "id_token");
  }
  if (source.authClient === undefined) {
    throw new GlobusSDKUsageError(
      "cannot tell who logged in: the token response has no id_token (request 'openid') " +
        "and no AuthClient was given to ask userinfo",
    );
  }
  return describe(await source.authClient.userinfo(), "userinfo");
}

function describe(
  claims: { readonly sub: string; readonly [claim: string]: unknown },
  source: LoginIdentity["source"],
): LoginIdentity {
  const name = optionalString(claims.name);
  const email = optionalString(claims.email);
  return {
    identityId: claims.sub,
    username: optionalString(claims.preferred_username),
    ...(name === undefined ? {} : { name }),
    ...(email === undefined ? {} : { email }),
    source,
  };
}
