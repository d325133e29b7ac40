/**
 * Authorizers: what a client puts in the `Authorization` header, and what it
 * does when a service answers 401. Python: `globus_sdk.authorizers`.
 *
 * @example A fixed access token
 * ```ts
 * import assert from "node:assert/strict";
 * import { AccessTokenAuthorizer } from "./mod.ts";
 *
 * const authorizer = new AccessTokenAuthorizer("AT");
 * assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT");
 * ```
 *
 * @module
 */

export {
  AccessTokenAuthorizer,
  type Authorizer,
  BasicAuthorizer,
  ClientCredentialsAuthorizer,
  type ClientCredentialsGranter,
  EXPIRES_ADJUST_SECONDS,
  NullAuthorizer,
  RefreshTokenAuthorizer,
  type RefreshTokenAuthorizerOptions,
  RenewingAuthorizer,
  type RenewingAuthorizerOptions,
  type TokenRefresher,
} from "./authorizers.ts";
