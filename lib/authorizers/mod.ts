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

export type { Authorizer } from "../core/base_client.ts";
export { AccessTokenAuthorizer, BasicAuthorizer, NullAuthorizer } from "./simple.ts";
export {
  EXPIRES_ADJUST_SECONDS,
  RenewingAuthorizer,
  type RenewingAuthorizerOptions,
} from "./renewing.ts";
export {
  RefreshTokenAuthorizer,
  type RefreshTokenAuthorizerOptions,
  type TokenRefresher,
} from "./refresh_token.ts";
export {
  ClientCredentialsAuthorizer,
  type ClientCredentialsGranter,
} from "./client_credentials.ts";
