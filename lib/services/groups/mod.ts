/**
 * The Globus Groups API client and the shapes it returns.
 * Python: `globus_sdk.GroupsClient`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GroupsClient } from "./mod.ts";
 *
 * assert.equal(GroupsClient.resourceServer, "groups.api.globus.org");
 * ```
 *
 * @module
 */

export {
  type GetGroupOptions,
  type GetMyGroupsOptions,
  type Group,
  type GroupInfo,
  type GroupRole,
  GroupsClient,
  type Membership,
  type MembershipStatus,
} from "./groups_client.ts";
