/**
 * The Globus Auth API as a resource server: who the caller is (`userinfo`),
 * identities, identity providers and consents. Python: `globus_sdk.AuthClient`
 * (not a login client: logging in is `lib/auth/`). Results keep Globus's wire
 * names (`identity_provider`, `scope_name`, …) and are checked once, here:
 * a 2xx answer of the wrong shape is an `UnexpectedResponseError`.
 *
 * @module
 */

import { BaseClient, type BaseClientOptions, pathSegment } from "../../core/base_client.ts";
import { AuthAPIError, GlobusSDKUsageError, UnexpectedResponseError } from "../../core/errors.ts";
import { type Shape, shape } from "../../core/shape.ts";
import { Scope } from "../../scopes/scope.ts";
import { AuthScopes, type AuthScopesType } from "../../scopes/scopes.ts";
import { type Consent, consentForestProblem } from "./consents.ts";

/**
 * A Globus identity, as `GET /v2/api/identities` lists it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Identity } from "./auth_client.ts";
 *
 * const label = (i: Identity) => i.name === null ? i.username : `${i.name} <${i.username}>`;
 * assert.equal(label({
 *   id: "a11ce000-0000-4000-8000-000000000001", username: "alice@globusid.org", name: "Alice",
 *   email: null, identity_provider: "41143743-f3c8-4d60-bbdb-eeecaba85bd9", organization: null,
 *   status: "used",
 * }), "Alice <alice@globusid.org>");
 * ```
 */
export interface Identity {
  /** The identity id (a UUID). */
  readonly id: string;
  /** The username, e.g. `alice@globusid.org`. */
  readonly username: string;
  /** Display name, or null. */
  readonly name: string | null;
  /** Email address, or null. */
  readonly email: string | null;
  /** The id of the identity provider it comes from. */
  readonly "identity_provider": string;
  /** Organization, or null. */
  readonly organization: string | null;
  /** `used`, `unused` (provisioned, never logged in), `private` or `closed`. */
  readonly status: string;
  /** Any other field Globus sends. */
  readonly [field: string]: unknown;
}

/**
 * An identity provider, as `GET /v2/api/identity_providers` lists it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { IdentityProvider } from "./auth_client.ts";
 *
 * const idp: IdentityProvider = {
 *   id: "41143743-f3c8-4d60-bbdb-eeecaba85bd9", name: "Globus ID", domains: ["globusid.org"],
 * };
 * assert.ok(idp.domains.includes("globusid.org"));
 * ```
 */
export interface IdentityProvider {
  /** The provider's id (a UUID). */
  readonly id: string;
  /** Display name, e.g. `Globus ID`. */
  readonly name: string;
  /** The username domains it serves, e.g. `["globusid.org"]`. */
  readonly domains: readonly string[];
  /** Short name, e.g. `globusid`. */
  readonly "short_name"?: string;
  /** Other names. */
  readonly "alternative_names"?: readonly string[];
  /** Any other field Globus sends. */
  readonly [field: string]: unknown;
}

/**
 * The OpenID Connect userinfo of the token's identity. What is present
 * depends on the token's scopes: `openid` gives `sub`, `profile` adds
 * `preferred_username` and `name`, `email` adds `email`, `view_identity_set`
 * adds `identity_set`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { UserInfo } from "./auth_client.ts";
 *
 * const info: UserInfo = { sub: "a11ce000-0000-4000-8000-000000000001" };
 * assert.equal(info.preferred_username ?? info.sub, info.sub);
 * ```
 */
export interface UserInfo {
  /** The identity id. */
  readonly sub: string;
  /** The username (with `profile`). */
  readonly "preferred_username"?: string;
  /** The display name (with `profile`). */
  readonly name?: string;
  /** The email address (with `email`). */
  readonly email?: string;
  /** The linked identities (with `view_identity_set`). */
  readonly "identity_set"?: readonly Readonly<Record<string, unknown>>[];
  /** Any other claim. */
  readonly [claim: string]: unknown;
}

/**
 * Options of {@linkcode AuthClient.getIdentities}: `usernames` or `ids`, not both.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GetIdentitiesOptions } from "./auth_client.ts";
 *
 * const invite: GetIdentitiesOptions = { usernames: ["newcomer@globusid.org"], provision: true };
 * assert.equal(invite.ids, undefined);
 * ```
 */
export interface GetIdentitiesOptions {
  /** Usernames to look up: a list, or one string (commas separate several). */
  readonly usernames?: string | Iterable<string>;
  /** Identity ids to look up: a list, or one string (commas separate several). */
  readonly ids?: string | Iterable<string>;
  /** With `usernames`: create identities Globus does not know yet (status `unused`). Default false. */
  readonly provision?: boolean;
  /** Further query parameters. */
  readonly queryParams?: Readonly<Record<string, string>>;
}

/**
 * Options of {@linkcode AuthClient.getIdentityProviders}: `domains` or `ids`, not both.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GetIdentityProvidersOptions } from "./auth_client.ts";
 *
 * const options: GetIdentityProvidersOptions = { domains: "globusid.org" };
 * assert.equal(options.domains, "globusid.org");
 * ```
 */
export interface GetIdentityProvidersOptions {
  /** Domains to look up, e.g. `globusid.org`. */
  readonly domains?: string | Iterable<string>;
  /** Identity provider ids to look up. */
  readonly ids?: string | Iterable<string>;
  /** Further query parameters. */
  readonly queryParams?: Readonly<Record<string, string>>;
}

/**
 * Options of {@linkcode AuthClient.getConsents}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GetConsentsOptions } from "./auth_client.ts";
 *
 * const everyClient: GetConsentsOptions = { all: true }; // needs view_consents
 * assert.ok(everyClient.all);
 * ```
 */
export interface GetConsentsOptions {
  /**
   * Every consent of the identity, not only those rooted at the calling
   * client. Needs the `view_consents` scope. Default false.
   */
  readonly all?: boolean;
}

/**
 * How many usernames or ids Globus Auth accepts in one identities call;
 * `getIdentities()` and `IdentityMap` split longer lists into calls of this size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IDENTITIES_BATCH_LIMIT } from "./auth_client.ts";
 *
 * assert.equal(Math.ceil(250 / IDENTITIES_BATCH_LIMIT), 3);
 * ```
 */
export const IDENTITIES_BATCH_LIMIT = 100;

const { string, integer, boolean, nullable, optional, array, object } = shape;

const IDENTITY = object<Identity>({
  id: string,
  username: string,
  name: nullable(string),
  email: nullable(string),
  identity_provider: string,
  organization: nullable(string),
  status: string,
});

const IDENTITY_PROVIDER = object<IdentityProvider>({
  id: string,
  name: string,
  domains: array(string),
  short_name: optional(string),
  alternative_names: optional(array(string)),
});

const USERINFO = object<UserInfo>({
  sub: string,
  preferred_username: optional(string),
  name: optional(string),
  email: optional(string),
  identity_set: optional(array(shape.record)),
});

const CONSENT = object<Consent>({
  id: integer,
  scope_name: string,
  dependency_path: array(integer),
  atomically_revocable: boolean,
  client: string,
  effective_identity: string,
  status: string,
  scope: optional(string),
  created: optional(string),
  updated: optional(string),
  last_used: optional(nullable(string)),
  allows_refresh: optional(boolean),
  auto_approved: optional(boolean),
});

/** The items of a comma-separated string or a list, trimmed, empty ones and repeats dropped. */
function commaItems(value: string | Iterable<string>): string[] {
  const items = typeof value === "string" ? value.split(",") : [...value];
  return [...new Set(items.map((s) => s.trim()).filter((s) => s !== ""))];
}

/**
 * A client for the Globus Auth API on the caller's behalf, with any
 * authorizer: a user's access token for `auth.globus.org`, a refresh token
 * authorizer, or a confidential app's client credentials.
 *
 * @example Who is logged in, and who is bob?
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthClient } from "./auth_client.ts";
 * import { AccessTokenAuthorizer } from "../../authorizers/mod.ts";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "../../testing/mod.ts";
 *
 * await using fake = await startFakeGlobus();
 * const tokens = fake.issueTokens({
 *   username: "alice", clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid", "profile", AuthClient.scopes.viewIdentities],
 * });
 * const auth = new AuthClient({
 *   baseUrl: fake.authUrl, authorizer: new AccessTokenAuthorizer(tokens.access_token),
 * });
 * assert.equal((await auth.userinfo()).preferred_username, "alice@globusid.org");
 * const [bob] = await auth.getIdentities({ usernames: ["bob@globusid.org"] });
 * assert.equal(bob?.name, "Bob Builder");
 * ```
 */
export class AuthClient extends BaseClient {
  /** Auth's scopes. Python: `AuthClient.scopes`. */
  static readonly scopes: AuthScopesType = AuthScopes;
  /** `auth.globus.org`. Python: `AuthClient.resource_server`. */
  static readonly resourceServer: string = AuthScopes.resourceServer;
  /**
   * What an app using this client should request: `openid`, `profile`,
   * `email`. Python: `AuthClient.default_scope_requirements`.
   */
  static readonly defaultScopeRequirements: readonly Scope[] = Object.freeze([
    new Scope(AuthScopes.openid),
    new Scope(AuthScopes.profile),
    new Scope(AuthScopes.email),
  ]);

  /** Builds the client; no network I/O. */
  constructor(options: BaseClientOptions = {}) {
    super("auth", AuthAPIError, options);
  }

  /** `GET` `path` and check the body against `s`. */
  async #get<T>(path: string, query: Record<string, string | undefined>, s: Shape<T>): Promise<T> {
    return (await this.request("GET", path, { query })).parse(s);
  }

  /**
   * The OpenID Connect userinfo of the token's identity.
   * `GET /v2/oauth2/userinfo`. Python: `userinfo`.
   */
  async userinfo(): Promise<UserInfo> {
    return await this.#get<UserInfo>("/v2/oauth2/userinfo", {}, USERINFO);
  }

  /**
   * Looks up identities by username or by id. `GET /v2/api/identities`.
   * Python: `get_identities`.
   *
   * Globus answers at most 100 per call; more are split into calls of 100,
   * made one after the other, and the answers joined in order. Repeats are
   * asked once. An empty list makes no call and answers `[]`. Unknown
   * usernames and ids are simply absent from the answer.
   *
   * @throws {GlobusSDKUsageError} when both or neither of `usernames` and `ids` are given.
   */
  async getIdentities(options: GetIdentitiesOptions): Promise<Identity[]> {
    const { usernames, ids } = options;
    if ((usernames === undefined) === (ids === undefined)) {
      throw new GlobusSDKUsageError(
        "getIdentities() takes exactly one of 'usernames' and 'ids'",
      );
    }
    const values = commaItems((usernames ?? ids)!);
    const identities: Identity[] = [];
    for (let i = 0; i < values.length; i += IDENTITIES_BATCH_LIMIT) {
      const batch = values.slice(i, i + IDENTITIES_BATCH_LIMIT).join(",");
      const query = usernames !== undefined
        ? { usernames: batch, provision: String(options.provision ?? false) }
        : { ids: batch };
      const body = await this.#get<{ identities: Identity[] }>(
        "/v2/api/identities",
        { ...options.queryParams, ...query },
        object<{ identities: Identity[] }>({ identities: array(IDENTITY) }),
      );
      identities.push(...body.identities);
    }
    return identities;
  }

  /**
   * Looks up identity providers by domain or by id.
   * `GET /v2/api/identity_providers`. Python: `get_identity_providers`.
   *
   * @throws {GlobusSDKUsageError} when both or neither of `domains` and `ids` are given.
   */
  async getIdentityProviders(options: GetIdentityProvidersOptions): Promise<IdentityProvider[]> {
    const { domains, ids } = options;
    if ((domains === undefined) === (ids === undefined)) {
      throw new GlobusSDKUsageError(
        "getIdentityProviders() takes exactly one of 'domains' and 'ids'",
      );
    }
    const items = commaItems((domains ?? ids)!).join(",");
    const body = await this.#get<{ identity_providers: IdentityProvider[] }>(
      "/v2/api/identity_providers",
      { ...options.queryParams, ...(domains !== undefined ? { domains: items } : { ids: items }) },
      object<{ identity_providers: IdentityProvider[] }>({
        identity_providers: array(IDENTITY_PROVIDER),
      }),
    );
    return body.identity_providers;
  }

  /**
   * The consents of an identity: those rooted at the calling client, or
   * with `all` every one. Build a `ConsentForest` from them to ask what
   * they cover. `GET /v2/api/identities/{id}/consents`. Python: `get_consents`.
   *
   * @throws {GlobusSDKUsageError} for an empty id, `.` or `..` (any other id is
   *   percent-encoded and stays one path segment).
   */
  async getConsents(identityId: string, options: GetConsentsOptions = {}): Promise<Consent[]> {
    const id = pathSegment(identityId, "identity id");
    const response = await this.request("GET", `/v2/api/identities/${id}/consents`, {
      query: { all: String(options.all ?? false) },
    });
    const body = response.parse(object<{ consents: Consent[] }>({ consents: array(CONSENT) }));
    const problem = consentForestProblem(body.consents);
    if (problem !== undefined) {
      throw new UnexpectedResponseError(problem, {
        method: "GET",
        ...(response.url === undefined ? {} : { url: response.url }),
        httpStatus: response.httpStatus,
      });
    }
    return body.consents;
  }
}
