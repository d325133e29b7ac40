/**
 * The fake Globus Groups API: `GET /v2/groups/my_groups` and
 * `GET /v2/groups/<id>`, authenticated by Bearer tokens that the fake Auth
 * issued for `groups.api.globus.org`. Errors use the Groups shape
 * `{"code", "message", "request_id"}`.
 *
 * @module
 */

import { GroupsScopes } from "../scopes/scopes.ts";
import type { FakeGroup, FakeMembership } from "./dataset.ts";
import type { FakeContext, RequestNote } from "./context.ts";
import { json, parseBearer, randomToken } from "./http_util.ts";
import type { AccessTokenRecord } from "./token_types.ts";

const STATUSES = ["active", "declined", "invited", "left", "pending", "rejected", "removed"];
const INCLUDES = ["memberships", "my_memberships", "policies", "allowed_actions", "child_ids"];
const GROUP_SCOPES: readonly string[] = [GroupsScopes.all, GroupsScopes.viewMyGroupsAndMemberships];

function groupsError(status: number, code: string, message: string): Response {
  return json(status, { code, message, request_id: randomToken(9) });
}

/** The active groups token of the request, or the 401 Groups answers. */
function authenticate(
  ctx: FakeContext,
  headers: Headers,
  note: RequestNote,
): AccessTokenRecord | Response {
  const token = parseBearer(headers);
  if (token === undefined) {
    return groupsError(401, "AuthenticationFailed", "No Authorization header");
  }
  if (token === null) {
    return groupsError(401, "AuthenticationFailed", "Authorization header is not a Bearer token");
  }
  const rec = ctx.store.activeAccess(token);
  if (!rec) return groupsError(401, "AuthenticationFailed", "Token is not active");
  note.clientId = rec.clientId;
  if (
    rec.resourceServer !== GroupsScopes.resourceServer ||
    !rec.scopes.some((s) => GROUP_SCOPES.includes(s))
  ) {
    return groupsError(401, "AuthenticationFailed", "Token is not valid for Globus Groups");
  }
  return rec;
}

function wire(group: FakeGroup, m: FakeMembership) {
  return {
    group_id: group.id,
    identity_id: m.identity_id,
    username: m.username,
    role: m.role,
    status: m.status,
  };
}

function summary(group: FakeGroup, mine: FakeMembership[]) {
  return {
    id: group.id,
    name: group.name,
    parent_id: group.parent_id ?? null,
    group_type: group.group_type,
    enforce_session: group.enforce_session,
    session_limit: group.session_limit,
    session_timeouts: group.session_timeouts,
    my_memberships: mine.map((m) => wire(group, m)),
    policies: group.policies,
  };
}

function commaList(url: URL, name: string, allowed: string[]): string[] | Response {
  const raw = url.searchParams.get(name);
  const values = (raw ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = values.find((v) => !allowed.includes(v));
  if (bad !== undefined) {
    return groupsError(422, "VALIDATION_ERROR", `Invalid value for ${name}: '${bad}'`);
  }
  return values;
}

/**
 * Handles every request under `/v2/groups`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findUser, principalOfUser } from "./context.ts";
 * import type { FakeContext } from "./context.ts";
 * import { generateSigningKey } from "./jwt.ts";
 * import { TokenStore } from "./tokens.ts";
 * import { DEFAULT_IDS, defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { handleGroups } from "./fake_groups.ts";
 *
 * const url = "http://127.0.0.1:8765"; // the origin written into answers; nothing listens
 * const key = await generateSigningKey();
 * const store = new TokenStore({
 *   now: Date.now, issuer: url, key, accessTokenLifetimeSeconds: 60, rotateRefreshTokens: false,
 * });
 * const ctx: FakeContext = {
 *   url, dataset: defaultDataset(), store, key, now: Date.now, codeLifetimeSeconds: 600,
 * };
 * const { access_token: token } = store.issue({
 *   principal: principalOfUser(findUser(ctx.dataset, "alice")!),
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships"],
 *   offline: false,
 * });
 * const request = new Request(`${url}/v2/groups/my_groups`, {
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * const note = {};
 * const res = handleGroups(ctx, request, new URL(request.url), note);
 * const G = DEFAULT_IDS.groups;
 * assert.deepEqual((await res.json()).map((g: { id: string }) => g.id), [
 *   G.alicesLab,
 *   G.physics,
 *   G.unicode,
 * ]);
 * assert.deepEqual(note, { clientId: TUTORIAL_CLIENT_ID });
 * ```
 */
export function handleGroups(
  ctx: FakeContext,
  req: Request,
  url: URL,
  note: RequestNote,
): Response {
  const rest = url.pathname.slice("/v2/groups/".length);
  if (req.method !== "GET" || rest === "" || rest.includes("/")) {
    return groupsError(405, "MethodNotAllowed", `${req.method} ${url.pathname} is not supported`);
  }
  const rec = authenticate(ctx, req.headers, note);
  if (rec instanceof Response) return rec;
  const identities = rec.principal.identitySet;
  const mineOf = (g: FakeGroup) => g.memberships.filter((m) => identities.includes(m.identity_id));

  if (rest === "my_groups") {
    const statuses = commaList(url, "statuses", STATUSES);
    if (statuses instanceof Response) return statuses;
    const wanted = statuses.length > 0 ? statuses : ["active"];
    const out = [];
    for (const g of ctx.dataset.groups) {
      const mine = mineOf(g).filter((m) => wanted.includes(m.status));
      if (mine.length > 0) out.push(summary(g, mine));
    }
    return json(200, out);
  }

  const group = ctx.dataset.groups.find((g) => g.id === rest);
  if (!group) return groupsError(404, "GroupNotFound", `Group ${rest} not found`);
  const include = commaList(url, "include", INCLUDES);
  if (include instanceof Response) return include;
  const mine = mineOf(group);
  const active = mine.filter((m) => m.status === "active");
  const canSee = active.length > 0 ||
    mine.some((m) => m.status === "invited" || m.status === "pending") ||
    group.policies.group_visibility === "authenticated";
  if (!canSee) {
    return groupsError(403, "Forbidden", "You do not have permission to view this group");
  }
  const body: Record<string, unknown> = {
    id: group.id,
    name: group.name,
    description: group.description ?? "",
    "parent_id": group.parent_id ?? null,
    "group_type": group.group_type,
    "enforce_session": group.enforce_session,
    "session_limit": group.session_limit,
    "session_timeouts": group.session_timeouts,
    "subscription_id": null,
    "subscription_info": null,
  };
  if (include.includes("memberships")) {
    const manager = active.some((m) => m.role === "admin" || m.role === "manager");
    const seeAll = manager ||
      (active.length > 0 && group.policies.group_members_visibility === "members");
    body.memberships = (seeAll ? group.memberships : mine).map((m) => wire(group, m));
  }
  if (include.includes("my_memberships")) body.my_memberships = mine.map((m) => wire(group, m));
  if (include.includes("policies")) body.policies = group.policies;
  if (include.includes("child_ids")) {
    body.child_ids = ctx.dataset.groups.filter((g) => g.parent_id === group.id).map((g) => g.id);
  }
  return json(200, body);
}
