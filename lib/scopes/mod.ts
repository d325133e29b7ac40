/**
 * Scope strings: the named scopes of each service and the helper that turns
 * what a caller passes into the space-separated string Globus Auth takes.
 * Python: `globus_sdk.scopes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GroupsScopes, scopesToString } from "./mod.ts";
 *
 * assert.equal(
 *   scopesToString(["openid", GroupsScopes.viewMyGroupsAndMemberships]),
 *   "openid urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 * );
 * ```
 *
 * @module
 */

export {
  AuthScopes,
  type AuthScopesType,
  GroupsScopes,
  type GroupsScopesType,
  type ScopeInput,
  scopesToString,
} from "./scopes.ts";
export { Scope, type ScopeOptions, ScopeParseError } from "./scope.ts";
