/**
 * Token responses from Globus Auth (by resource server, by scope) and the
 * verification of the OpenID Connect `id_token`.
 * Python: `globus_sdk.OAuthTokenResponse` and its `decode_id_token()`.
 *
 * @example Tokens by resource server
 * ```ts
 * import assert from "node:assert/strict";
 * import { OAuthTokenResponse } from "./mod.ts";
 *
 * const response = new OAuthTokenResponse({
 *   access_token: "AT", expires_in: 172800, resource_server: "groups.api.globus.org",
 *   scope: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 *   token_type: "Bearer", other_tokens: [],
 * }, { receivedAt: 1_700_000_000_000 });
 * assert.equal(response.byResourceServer["groups.api.globus.org"]?.access_token, "AT");
 * ```
 *
 * @module
 */

export {
  OAuthAuthorizationCodeResponse,
  OAuthClientCredentialsResponse,
  OAuthRefreshTokenResponse,
  OAuthTokenResponse,
  type OAuthTokenResponseOptions,
  ScopeIndex,
  type TokenData,
} from "./token_response.ts";
export { IdTokenError } from "./errors.ts";
export {
  type IdTokenClaims,
  type IdTokenKeySource,
  type OpenIdConfiguration,
  verifyIdToken,
} from "./id_token.ts";
