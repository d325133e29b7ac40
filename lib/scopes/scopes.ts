/**
 * Scope strings for the Globus services this SDK speaks to, and the one rule
 * for turning a list of scopes into the space-separated string OAuth wants.
 *
 * @module
 */

import { GlobusSDKUsageError } from "../core/errors.ts";
import { Scope } from "./scope.ts";

/** Builds the URN of a named scope: `urn:globus:auth:scope:<resource server>:<name>`. */
function urn(resourceServer: string, name: string): string {
  return `urn:globus:auth:scope:${resourceServer}:${name}`;
}

/** The shape of {@linkcode AuthScopes}. */
export interface AuthScopesType {
  /** `auth.globus.org`. */
  readonly resourceServer: string;
  /** `openid`. */
  readonly openid: string;
  /** `email`. */
  readonly email: string;
  /** `profile`. */
  readonly profile: string;
  /** `…:manage_projects`. */
  readonly manageProjects: string;
  /** `…:view_authentications`. */
  readonly viewAuthentications: string;
  /** `…:view_clients`. */
  readonly viewClients: string;
  /** `…:view_clients_and_scopes`. */
  readonly viewClientsAndScopes: string;
  /** `…:view_consents`. */
  readonly viewConsents: string;
  /** `…:view_identities`. */
  readonly viewIdentities: string;
  /** `…:view_identity_set`. */
  readonly viewIdentitySet: string;
}

/** The shape of {@linkcode GroupsScopes}. */
export interface GroupsScopesType {
  /** `groups.api.globus.org`. */
  readonly resourceServer: string;
  /** `…:all`. */
  readonly all: string;
  /** `…:view_my_groups_and_memberships`. */
  readonly viewMyGroupsAndMemberships: string;
}

/**
 * Scopes of Globus Auth (`auth.globus.org`): the OpenID Connect scopes and
 * Auth's own API scopes. Python: `globus_sdk.scopes.AuthScopes`.
 *
 * @example Ask for the user's identity along with a login
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthScopes } from "./scopes.ts";
 *
 * assert.equal([AuthScopes.openid, AuthScopes.email].join(" "), "openid email");
 * ```
 */
export const AuthScopes: AuthScopesType = Object.freeze({
  /** The resource server these scopes belong to. */
  resourceServer: "auth.globus.org",
  /** OpenID Connect: an `id_token` naming the identity that logged in. */
  openid: "openid",
  /** OpenID Connect: the identity's email address. */
  email: "email",
  /** OpenID Connect: the identity's name and username. */
  profile: "profile",
  /** Manage the user's Auth projects. */
  manageProjects: urn("auth.globus.org", "manage_projects"),
  /** View the user's authentication history. */
  viewAuthentications: urn("auth.globus.org", "view_authentications"),
  /** View the user's registered clients. */
  viewClients: urn("auth.globus.org", "view_clients"),
  /** View the user's clients and their scopes. */
  viewClientsAndScopes: urn("auth.globus.org", "view_clients_and_scopes"),
  /** View the consents the user has granted. */
  viewConsents: urn("auth.globus.org", "view_consents"),
  /** Look up identities. */
  viewIdentities: urn("auth.globus.org", "view_identities"),
  /** View the identities linked to the user's account. */
  viewIdentitySet: urn("auth.globus.org", "view_identity_set"),
});

/**
 * Scopes of Globus Groups (`groups.api.globus.org`).
 * Python: `globus_sdk.scopes.GroupsScopes`.
 *
 * @example The tutorial's scope
 * ```ts
 * import assert from "node:assert/strict";
 * import { GroupsScopes } from "./scopes.ts";
 *
 * assert.equal(
 *   GroupsScopes.viewMyGroupsAndMemberships,
 *   "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
 * );
 * ```
 */
export const GroupsScopes: GroupsScopesType = Object.freeze({
  /** The resource server these scopes belong to. */
  resourceServer: "groups.api.globus.org",
  /** Full access to the Groups API on the user's behalf. */
  all: urn("groups.api.globus.org", "all"),
  /** Read-only access to the user's groups and memberships. */
  viewMyGroupsAndMemberships: urn("groups.api.globus.org", "view_my_groups_and_memberships"),
});

/**
 * What the SDK takes wherever it takes scopes: one scope string (which may
 * hold several, space-separated), a {@linkcode Scope}, or an array of these.
 * Python: `ScopeCollectionType`.
 */
export type ScopeInput = string | Scope | readonly (string | Scope)[];

/**
 * Joins scopes with single spaces, as the Python SDK does: no parsing, no
 * de-duplication; a {@linkcode Scope} is written in its canonical form. An
 * empty result is a usage error, because Globus Auth would reject it with a
 * far less helpful message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Scope } from "./scope.ts";
 * import { scopesToString } from "./scopes.ts";
 *
 * assert.equal(scopesToString(["openid", "email"]), "openid email");
 * assert.equal(scopesToString(new Scope("a").withDependency("*b")), "a[*b]");
 * assert.throws(() => scopesToString([]), /cannot be the empty string/);
 * ```
 */
export function scopesToString(scopes: ScopeInput): string {
  const joined = typeof scopes === "string" || scopes instanceof Scope
    ? String(scopes)
    : scopes.map(String).join(" ");
  if (joined.trim() === "") {
    throw new GlobusSDKUsageError("'scopes' cannot be the empty string or empty collection.");
  }
  return joined;
}
