/**
 * The Globus Groups API. Python: `globus_sdk.GroupsClient`.
 * Results keep Globus's wire names (`my_memberships`, `group_type`, …), and
 * their shape is checked when they arrive.
 *
 * @module
 */

import { BaseClient, type BaseClientOptions, pathSegment } from "../../core/base_client.ts";
import { GroupsAPIError } from "../../core/errors.ts";
import { shape } from "../../core/shape.ts";
import { GroupsScopes, type GroupsScopesType } from "../../scopes/scopes.ts";

/** A role in a group. */
export type GroupRole = "member" | "manager" | "admin";

/** A membership status. */
export type MembershipStatus =
  | "active"
  | "declined"
  | "invited"
  | "left"
  | "pending"
  | "rejected"
  | "removed";

/**
 * One identity's membership in a group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Membership } from "./groups_client.ts";
 *
 * const isAdmin = (m: Membership) => m.role === "admin" && m.status === "active";
 * assert.equal(isAdmin({ group_id: "g", identity_id: "i", username: "u", role: "admin", status: "active" }), true);
 * ```
 */
export interface Membership {
  /** The group's id. */
  readonly "group_id": string;
  /** The member's identity id. */
  readonly "identity_id": string;
  /** The member's username, e.g. `user@globusid.org`. */
  readonly username: string;
  /** `member`, `manager` or `admin` (a role Globus adds later arrives as it is). */
  readonly role: GroupRole | (string & Record<never, never>);
  /** `active`, `invited`, … (a status Globus adds later arrives as it is). */
  readonly status: MembershipStatus | (string & Record<never, never>);
  /** Any other field Globus sends. */
  readonly [field: string]: unknown;
}

/**
 * A group as `GET /v2/groups/{id}` gives it: the fields every group has,
 * and those that `include=` asks for (`my_memberships`, `policies`,
 * `memberships`, …), absent otherwise. The fields listed are checked when
 * the answer arrives: `id` and `name` are strings, the others have their
 * declared type when present.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GroupInfo } from "./groups_client.ts";
 *
 * const group: GroupInfo = { id: "g1", name: "Lab" };
 * assert.equal(group.my_memberships?.length ?? 0, 0); // not asked for: absent
 * ```
 */
export interface GroupInfo {
  /** The group's id. */
  readonly id: string;
  /** The group's name (any text: commas, quotes, non-ASCII, even control characters). */
  readonly name: string;
  /** The group's description. */
  readonly description?: string | null;
  /** The parent group's id, for subgroups. */
  readonly "parent_id"?: string | null;
  /** `regular` or `plus`. */
  readonly "group_type"?: string;
  /** Whether members must have authenticated recently. */
  readonly "enforce_session"?: boolean;
  /** Session limit, seconds. */
  readonly "session_limit"?: number | null;
  /** The caller's memberships (with `include=my_memberships`). */
  readonly "my_memberships"?: readonly Membership[];
  /** Visibility policies (with `include=policies`). */
  readonly policies?: Readonly<Record<string, unknown>>;
  /** Any other field Globus sends (`memberships`, `allowed_actions`, …). */
  readonly [field: string]: unknown;
}

/**
 * A group as `my_groups` lists it: {@linkcode GroupInfo} with the caller's
 * memberships, which `my_groups` always sends.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Group } from "./groups_client.ts";
 *
 * const roles = (g: Group) => [...new Set(g.my_memberships.map((m) => m.role))].sort();
 * const group: Group = { id: "g1", name: "Lab", my_memberships: [] };
 * assert.deepEqual(roles(group), []);
 * ```
 */
export interface Group extends GroupInfo {
  /** The caller's memberships: one per identity of theirs in the group. */
  readonly "my_memberships": readonly Membership[];
}

/** Options of {@linkcode GroupsClient.getMyGroups}. */
export interface GetMyGroupsOptions {
  /** Only memberships with these statuses (Globus's default: active). */
  readonly statuses?: MembershipStatus | readonly MembershipStatus[];
  /** Further query parameters. */
  readonly queryParams?: Readonly<Record<string, string>>;
}

/** Options of {@linkcode GroupsClient.getGroup}. */
export interface GetGroupOptions {
  /** Ask for more: `memberships`, `my_memberships`, `policies`, `allowed_actions`, `child_ids`. */
  readonly include?: string | readonly string[];
  /** Further query parameters. */
  readonly queryParams?: Readonly<Record<string, string>>;
}

function commaList(value: string | readonly string[] | undefined): string | undefined {
  return value === undefined ? undefined : typeof value === "string" ? value : value.join(",");
}

const membershipShape = shape.object<Membership>({
  "group_id": shape.string,
  "identity_id": shape.string,
  username: shape.string,
  role: shape.string,
  status: shape.string,
});

const groupInfoFields = {
  id: shape.string,
  name: shape.string,
  description: shape.optional(shape.nullable(shape.string)),
  "parent_id": shape.optional(shape.nullable(shape.string)),
  "group_type": shape.optional(shape.string),
  "enforce_session": shape.optional(shape.boolean),
  "session_limit": shape.optional(shape.nullable(shape.number)),
  "my_memberships": shape.optional(shape.array(membershipShape)),
  policies: shape.optional(shape.record),
};

const groupInfoShape = shape.object<GroupInfo>(groupInfoFields);
const myGroupsShape = shape.array(shape.object<Group>({
  ...groupInfoFields,
  "my_memberships": shape.array(membershipShape),
}));

/**
 * A client for Globus Groups. Every answer is checked at arrival: a body of
 * the wrong shape is an {@linkcode UnexpectedResponseError} naming the field.
 *
 * @example List my groups
 * ```ts
 * import assert from "node:assert/strict";
 * import { GroupsClient } from "./groups_client.ts";
 *
 * const body = [{ id: "g1", name: "Lab", my_memberships: [
 *   { group_id: "g1", identity_id: "i1", username: "me@globusid.org", role: "admin", status: "active" },
 * ] }];
 * const groupsClient = new GroupsClient({
 *   env: () => undefined,
 *   transport: { fetch: () => Promise.resolve(Response.json(body)) },
 * });
 * const groups = await groupsClient.getMyGroups();
 * assert.deepEqual(groups.map((g) => g.name), ["Lab"]);
 * ```
 *
 * @example With an app, which logs in when needed (Python's minimal script)
 * ```ts
 * import assert from "node:assert/strict";
 * import { UserApp } from "@globus-deno/sdk/app";
 * import { NativeAppAuthClient } from "@globus-deno/sdk/auth";
 * import { GroupsClient } from "@globus-deno/sdk/groups";
 * import { CommandLineLoginFlowManager } from "@globus-deno/sdk/login-flows";
 * import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "@globus-deno/sdk/testing";
 * import { MemoryTokenStorage } from "@globus-deno/sdk/token-storage";
 *
 * await using fake = await startFakeGlobus();
 * const env = (name: string) => fake.env[name]; // points at the fake; a real script leaves it out
 * let url = "";
 * // alice "pastes" the code the fake Globus gives her for the printed URL.
 * const loginFlowManager = new CommandLineLoginFlowManager(
 *   new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { env }),
 *   {
 *     io: {
 *       write(text) { url ||= /^https?:\S+$/m.exec(text)?.[0] ?? ""; },
 *       readLine: () => fake.loginCode(url, "alice"),
 *     },
 *   },
 * );
 * const app = new UserApp("my-user-app", {
 *   clientId: TUTORIAL_CLIENT_ID,
 *   env,
 *   loginFlowManager,
 *   tokenStorage: new MemoryTokenStorage(),
 * });
 * const groupsClient = new GroupsClient({ app, env });
 * const myGroups = await groupsClient.getMyGroups();
 * assert.equal(myGroups[0]?.name, "Alice's Lab");
 * assert.equal(await app.loginRequired(), false); // the login is kept for the next call
 * ```
 */
export class GroupsClient extends BaseClient {
  /** Groups' scopes. Python: `GroupsClient.scopes`. */
  static readonly scopes: GroupsScopesType = GroupsScopes;
  /** `groups.api.globus.org`. Python: `GroupsClient.resource_server`. */
  static readonly resourceServer: string = GroupsScopes.resourceServer;
  /**
   * What a client built with an `app` asks the app for, unless given
   * `appScopes`. Python: `GroupsClient.default_scope_requirements`.
   */
  static readonly defaultScopeRequirements: readonly string[] = Object.freeze([
    GroupsScopes.viewMyGroupsAndMemberships,
  ]);

  /** Builds the client; no network I/O. */
  constructor(options: BaseClientOptions = {}) {
    super("groups", GroupsAPIError, options);
  }

  /**
   * The groups the caller is in. `GET /v2/groups/my_groups`. Python: `get_my_groups`.
   *
   * @throws {UnexpectedResponseError} when the answer is not a list of groups.
   */
  async getMyGroups(options: GetMyGroupsOptions = {}): Promise<Group[]> {
    const response = await this.request("GET", "/v2/groups/my_groups", {
      query: { statuses: commaList(options.statuses), ...options.queryParams },
    });
    return response.parse(myGroupsShape);
  }

  /**
   * One group. `GET /v2/groups/{id}`. The caller's memberships and the
   * policies are there only when `include` asks for them.
   *
   * @throws {GlobusSDKUsageError} for an id that could leave its URL segment (`..`, `/`).
   * @throws {UnexpectedResponseError} when the answer is not a group.
   */
  async getGroup(groupId: string, options: GetGroupOptions = {}): Promise<GroupInfo> {
    const response = await this.request("GET", `/v2/groups/${pathSegment(groupId, "group id")}`, {
      query: { include: commaList(options.include), ...options.queryParams },
    });
    return response.parse(groupInfoShape);
  }

  /** The group a subscription belongs to. `GET /v2/subscription_info/{id}`. */
  async getGroupBySubscriptionId(subscriptionId: string): Promise<Record<string, unknown>> {
    const id = pathSegment(subscriptionId, "subscription id");
    return (await this.request("GET", `/v2/subscription_info/${id}`)).parse(shape.record);
  }

  /** A group's policies. `GET /v2/groups/{id}/policies`. */
  async getGroupPolicies(groupId: string): Promise<Record<string, unknown>> {
    const id = pathSegment(groupId, "group id");
    return (await this.request("GET", `/v2/groups/${id}/policies`)).parse(shape.record);
  }

  /** The caller's Groups preferences. `GET /v2/preferences`. */
  async getIdentityPreferences(): Promise<Record<string, unknown>> {
    return (await this.request("GET", "/v2/preferences")).parse(shape.record);
  }

  /** The caller's membership fields in a group. `GET /v2/groups/{id}/membership_fields`. */
  async getMembershipFields(groupId: string): Promise<Record<string, unknown>> {
    const id = pathSegment(groupId, "group id");
    return (await this.request("GET", `/v2/groups/${id}/membership_fields`)).parse(shape.record);
  }
}
