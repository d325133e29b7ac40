/**
 * The Globus Groups API. Python: `globus_sdk.GroupsClient`.
 * Results keep Globus's wire names (`my_memberships`, `group_type`, …).
 *
 * @module
 */

import {
  BaseClient,
  type BaseClientOptions,
  type GlobusHTTPResponse,
} from "../../core/base_client.ts";
import { GlobusError, GroupsAPIError } from "../../core/errors.ts";
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
 * import type { Membership } from "./groups_client.ts";
 * const isAdmin = (m: Membership) => m.role === "admin" && m.status === "active";
 * ```
 */
export interface Membership {
  /** The group's id. */
  readonly "group_id": string;
  /** The member's identity id. */
  readonly "identity_id": string;
  /** The member's username, e.g. `user@globusid.org`. */
  readonly username: string;
  /** `member`, `manager` or `admin`. */
  readonly role: GroupRole;
  /** `active`, `invited`, … */
  readonly status: MembershipStatus;
  /** Any other field Globus sends. */
  readonly [field: string]: unknown;
}

/**
 * A group as `my_groups` lists it.
 *
 * @example
 * ```ts
 * import type { Group } from "./groups_client.ts";
 * const roles = (g: Group) => [...new Set(g.my_memberships.map((m) => m.role))].sort();
 * ```
 */
export interface Group {
  /** The group's id. */
  readonly id: string;
  /** The group's name (any text: commas, quotes, non-ASCII). */
  readonly name: string;
  /** The parent group's id, for subgroups. */
  readonly "parent_id": string | null;
  /** `regular` or `plus`. */
  readonly "group_type": string;
  /** Whether members must have authenticated recently. */
  readonly "enforce_session": boolean;
  /** Session limit, seconds. */
  readonly "session_limit": number;
  /** The caller's memberships: one per identity of theirs in the group. */
  readonly "my_memberships": readonly Membership[];
  /** Visibility policies. */
  readonly policies: Readonly<Record<string, unknown>>;
  /** Any other field Globus sends (`description`, `memberships`, …). */
  readonly [field: string]: unknown;
}

/** Options of {@linkcode GroupsClient.getMyGroups}. */
export interface GetMyGroupsOptions {
  /** Only memberships with these statuses (Globus's default: active). */
  readonly statuses?: MembershipStatus | readonly MembershipStatus[];
  /** Further query parameters. */
  readonly queryParams?: Readonly<Record<string, string>>;
}

function commaList(value: string | readonly string[] | undefined): string | undefined {
  return value === undefined ? undefined : typeof value === "string" ? value : value.join(",");
}

/**
 * A client for Globus Groups.
 *
 * @example List my groups
 * ```ts ignore
 * const groupsClient = new GroupsClient({ authorizer: new AccessTokenAuthorizer(accessToken) });
 * for (const group of await groupsClient.getMyGroups()) console.log(group.name);
 * ```
 *
 * @example With an app, which logs in when needed (Python's minimal script)
 * ```ts ignore
 * const app = new UserApp("my-user-app", { clientId: CLIENT_ID, loginFlowManager });
 * const groupsClient = new GroupsClient({ app });
 * const myGroups = await groupsClient.getMyGroups();
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

  /** The groups the caller is in. `GET /v2/groups/my_groups`. Python: `get_my_groups`. */
  async getMyGroups(options: GetMyGroupsOptions = {}): Promise<Group[]> {
    const response = await this.request("GET", "/v2/groups/my_groups", {
      query: { statuses: commaList(options.statuses), ...options.queryParams },
    });
    return expectArray(response, "GET /v2/groups/my_groups") as Group[];
  }

  /**
   * One group. `include` asks for more (`memberships`, `my_memberships`,
   * `policies`, `allowed_actions`, `child_ids`). `GET /v2/groups/{id}`.
   */
  async getGroup(
    groupId: string,
    options: { include?: string | readonly string[]; queryParams?: Record<string, string> } = {},
  ): Promise<Group> {
    const response = await this.request("GET", `/v2/groups/${groupId}`, {
      query: { include: commaList(options.include), ...options.queryParams },
    });
    return response.data as Group;
  }

  /** The group a subscription belongs to. `GET /v2/subscription_info/{id}`. */
  async getGroupBySubscriptionId(subscriptionId: string): Promise<Record<string, unknown>> {
    return (await this.request("GET", `/v2/subscription_info/${subscriptionId}`)).data as Record<
      string,
      unknown
    >;
  }

  /** A group's policies. `GET /v2/groups/{id}/policies`. */
  async getGroupPolicies(groupId: string): Promise<Record<string, unknown>> {
    return (await this.request("GET", `/v2/groups/${groupId}/policies`)).data as Record<
      string,
      unknown
    >;
  }

  /** The caller's Groups preferences. `GET /v2/preferences`. */
  async getIdentityPreferences(): Promise<Record<string, unknown>> {
    return (await this.request("GET", "/v2/preferences")).data as Record<string, unknown>;
  }

  /** The caller's membership fields in a group. `GET /v2/groups/{id}/membership_fields`. */
  async getMembershipFields(groupId: string): Promise<Record<string, unknown>> {
    return (await this.request("GET", `/v2/groups/${groupId}/membership_fields`))
      .data as Record<string, unknown>;
  }
}

/** The body as an array, or a clear error: a proxy's HTML page must not look like "no groups". */
function expectArray(response: GlobusHTTPResponse, what: string): unknown[] {
  const data = response.data;
  if (!Array.isArray(data)) {
    throw new GlobusError(
      `Globus Groups answered ${what} with ${response.httpStatus} but not a JSON array`,
    );
  }
  return data;
}
