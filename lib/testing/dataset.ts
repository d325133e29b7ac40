/**
 * The shapes of the people, groups and OAuth clients a fake Globus knows
 * about. The default data set is in `default_dataset.ts`.
 *
 * @module
 */

/**
 * A person who can sign in to the fake Globus Auth.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeUser } from "./dataset.ts";
 * import { findUser } from "./context.ts";
 * import { defaultDataset } from "./default_dataset.ts";
 *
 * const erin: FakeUser = {
 *   username: "erin@globusid.org",
 *   identityId: "e0000000-0000-4000-8000-000000000009",
 *   name: "Erin",
 *   email: "erin@example.org",
 * };
 * const data = defaultDataset();
 * data.users.push(erin);
 * assert.equal(findUser(data, "erin"), erin); // the part before "@" signs in too
 * ```
 */
export interface FakeUser {
  /** Globus username, e.g. `alice@globusid.org`. The part before `@` also works for `fake_login`. */
  username: string;
  /** The identity id (UUID) that becomes `sub` in tokens and id_tokens. */
  identityId: string;
  /** Display name (`name` claim). */
  name: string;
  /** Email address (`email` claim). */
  email: string;
  /** Other identities linked to this one; their group memberships count as the user's own. */
  linkedIdentityIds?: string[];
}

/**
 * One identity's membership of a group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeMembership } from "./dataset.ts";
 * import { fakeMembership } from "./default_dataset.ts";
 *
 * const m: FakeMembership = {
 *   "identity_id": "e0000000-0000-4000-8000-000000000009",
 *   username: "erin@globusid.org",
 *   role: "member",
 *   status: "invited",
 * };
 * assert.deepEqual(
 *   fakeMembership("e0000000-0000-4000-8000-000000000009", "erin@globusid.org", "member", "invited"),
 *   m,
 * );
 * ```
 */
export interface FakeMembership {
  /** The member identity (a user's identity, a linked identity or a client's identity). */
  "identity_id": string;
  /** The username of that identity, as Groups reports it. */
  username: string;
  /** `member`, `manager` or `admin`. */
  role: "member" | "manager" | "admin";
  /** `active`, `invited`, `pending`, `declined`, `left`, `rejected` or `removed`. */
  status: "active" | "invited" | "pending" | "declined" | "left" | "rejected" | "removed";
}

/**
 * A Globus group, in the field names the Groups API uses on the wire.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeGroup } from "./dataset.ts";
 * import { DEFAULT_IDS, defaultDataset } from "./default_dataset.ts";
 *
 * const lab: FakeGroup = { ...defaultDataset().groups[0]!, name: "Renamed lab" };
 * assert.equal(lab.id, DEFAULT_IDS.groups.alicesLab);
 * assert.equal(lab.memberships.find((m) => m.identity_id === DEFAULT_IDS.alice)?.role, "admin");
 * ```
 */
export interface FakeGroup {
  /** Group id (UUID). */
  id: string;
  /** Group name (any Unicode text). */
  name: string;
  /** Optional description, shown by `GET /v2/groups/<id>`. */
  description?: string;
  /** Parent group id, or `null`/absent for a top-level group. */
  "parent_id"?: string | null;
  /** `regular` or `plus`. */
  "group_type": "regular" | "plus";
  /** Whether the group enforces a session (high assurance). */
  "enforce_session": boolean;
  /** Session limit in seconds. */
  "session_limit": number;
  /** Session timeouts map. */
  "session_timeouts": Record<string, unknown>;
  /** Visibility policies. */
  policies: {
    "group_visibility": "private" | "authenticated";
    "group_members_visibility": "members" | "managers";
    [key: string]: unknown;
  };
  /** All memberships, in a stable order. */
  memberships: FakeMembership[];
}

/**
 * An OAuth client registered with the fake Globus Auth.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeClient } from "./dataset.ts";
 * import { findClient } from "./context.ts";
 *
 * const app: FakeClient = {
 *   clientId: "0e0e0e0e-0000-4000-8000-000000000001",
 *   type: "native",
 *   name: "My app",
 *   identityId: "0e0e0e0e-0000-4000-8000-000000000001",
 * };
 * assert.equal(findClient({ users: [], groups: [], clients: [app] }, app.clientId), app);
 * ```
 */
export interface FakeClient {
  /** Client id (UUID). */
  clientId: string;
  /** `native` clients use PKCE and no secret; `confidential` clients authenticate with HTTP Basic. */
  type: "native" | "confidential";
  /** The client secret (confidential clients only). */
  secret?: string;
  /** Display name. */
  name: string;
  /** Identity the client acts as for `client_credentials` (Globus uses the client id). */
  identityId: string;
}

/**
 * A consent a person has granted a client: a scope and its dependencies, as
 * one scope string. The fake serves it as Globus does, one consent per scope
 * of the tree, from `GET /v2/api/identities/<id>/consents`. Logins add
 * consents too (every scope a user's tokens were issued for).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeConsent } from "./dataset.ts";
 * import {
 *   DEFAULT_IDS,
 *   defaultDataset,
 *   FAKE_COLLECTION_ID,
 *   TUTORIAL_CLIENT_ID,
 * } from "./default_dataset.ts";
 * import { startFakeGlobus } from "./fake_globus.ts";
 *
 * const transfer = "urn:globus:auth:scope:transfer.api.globus.org:all";
 * const dataAccess = `https://auth.globus.org/scopes/${FAKE_COLLECTION_ID}/data_access`;
 * const consent: FakeConsent = {
 *   identityId: DEFAULT_IDS.alice,
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scope: `${transfer}[*${dataAccess}]`,
 * };
 * const dataset = defaultDataset();
 * dataset.consents = [...(dataset.consents ?? []), consent];
 * await using fake = await startFakeGlobus({ dataset });
 * const { access_token: token } = fake.issueTokens({
 *   username: "alice",
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["openid"],
 * });
 * const res = await fetch(`${fake.authUrl}v2/api/identities/${DEFAULT_IDS.alice}/consents`, {
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * type Served = { id: number; scope_name: string; dependency_path: number[] };
 * const { consents }: { consents: Served[] } = await res.json();
 * const root = consents.find((c) => c.scope_name === transfer)!;
 * const child = consents.find((c) => c.scope_name === dataAccess)!;
 * assert.deepEqual(child.dependency_path, [root.id, child.id]); // one consent per scope of the tree
 * ```
 */
export interface FakeConsent {
  /** The identity that consented. */
  identityId: string;
  /** The client the root scope was granted to. */
  clientId: string;
  /** The scope with its dependencies (`a[b *c]`; `*` marks an optional one). */
  scope: string;
}

/**
 * Everything a fake Globus serves. Order of `groups` is the order of API answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { FakeDataset } from "./dataset.ts";
 * import { defaultDataset, TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 * import { startFakeGlobus } from "./fake_globus.ts";
 *
 * const noGroups: FakeDataset = { ...defaultDataset(), groups: [] };
 * await using fake = await startFakeGlobus({ dataset: noGroups });
 * const token = fake.issueTokens({
 *   username: "alice",
 *   clientId: TUTORIAL_CLIENT_ID,
 *   scopes: ["urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships"],
 * }).access_token;
 * const res = await fetch(`${fake.groupsUrl}v2/groups/my_groups`, {
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * assert.deepEqual(await res.json(), []);
 * ```
 */
export interface FakeDataset {
  /** People who can sign in. */
  users: FakeUser[];
  /** Groups and their memberships. */
  groups: FakeGroup[];
  /** Registered OAuth clients. */
  clients: FakeClient[];
  /** Consents granted before the fake started (default none). */
  consents?: FakeConsent[];
}
