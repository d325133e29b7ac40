/**
 * The Globus Auth API as a resource server: `userinfo`, identities, identity
 * providers and consents; `IdentityMap` for resolving many names in few
 * calls; `ConsentForest` for asking whether a consent covers a scope with its
 * dependencies; `getLoginIdentity()` for who logged in.
 * Python: `globus_sdk.AuthClient`, `globus_sdk.IdentityMap`,
 * `globus_sdk.services.auth.consents`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthClient, ConsentForest } from "./mod.ts";
 *
 * assert.equal(AuthClient.resourceServer, "auth.globus.org");
 * assert.deepEqual(AuthClient.defaultScopeRequirements.map(String), ["openid", "profile", "email"]);
 * assert.ok(new ConsentForest([]).meetsScopeRequirements([]));
 * ```
 *
 * @module
 */

export {
  AuthClient,
  type GetConsentsOptions,
  type GetIdentitiesOptions,
  type GetIdentityProvidersOptions,
  IDENTITIES_BATCH_LIMIT,
  type Identity,
  type IdentityProvider,
  type UserInfo,
} from "./auth_client.ts";
export { type Consent, ConsentForest, ConsentTree } from "./consents.ts";
export { IdentityMap, type IdentityMapOptions, isUsername } from "./identity_map.ts";
export {
  getLoginIdentity,
  type LoginIdentity,
  type LoginIdentitySource,
} from "./login_identity.ts";
