/**
 * The default data set of a fake Globus: four users, six groups with awkward
 * names, the tutorial's native client and one confidential client, with
 * fixed ids so tests can assert on them.
 *
 * @module
 */

import type { FakeDataset, FakeGroup, FakeMembership } from "./dataset.ts";

/**
 * The client id of the Globus SDK tutorial's native app (no secret, PKCE),
 * registered in the default data set. The scripts keep their own copy (they
 * never import lib/testing); tests/architecture_test.ts keeps the two equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TUTORIAL_CLIENT_ID } from "./default_dataset.ts";
 *
 * assert.equal(TUTORIAL_CLIENT_ID, "61338d24-54d5-408f-a10d-66c06b59f6d2");
 * ```
 */
export const TUTORIAL_CLIENT_ID = "61338d24-54d5-408f-a10d-66c06b59f6d2";

/**
 * The client id of the default data set's confidential client. Its identity
 * (same UUID, as at Globus) is an active member of one group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONFIDENTIAL_CLIENT_ID, DEFAULT_IDS, defaultDataset } from "./default_dataset.ts";
 *
 * const groupsOfClient = defaultDataset().groups.filter((g) =>
 *   g.memberships.some((m) => m.identity_id === CONFIDENTIAL_CLIENT_ID && m.status === "active")
 * );
 * assert.deepEqual(groupsOfClient.map((g) => g.id), [DEFAULT_IDS.groups.automation]);
 * ```
 */
export const CONFIDENTIAL_CLIENT_ID = "c0f1de57-1a1c-4e4e-9d3a-5e3c0c0a11e7";

/**
 * The secret of {@linkcode CONFIDENTIAL_CLIENT_ID} in the default data set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET } from "./default_dataset.ts";
 * import { startFakeGlobus } from "./fake_globus.ts";
 *
 * await using fake = await startFakeGlobus();
 * const basic = btoa(`${CONFIDENTIAL_CLIENT_ID}:${CONFIDENTIAL_CLIENT_SECRET}`);
 * const res = await fetch(`${fake.authUrl}v2/oauth2/token`, {
 *   method: "POST",
 *   headers: { authorization: `Basic ${basic}` },
 *   body: new URLSearchParams({ "grant_type": "client_credentials", scope: "openid" }),
 * });
 * assert.equal(res.status, 200);
 * assert.equal((await res.json()).resource_server, "auth.globus.org");
 * ```
 */
export const CONFIDENTIAL_CLIENT_SECRET = "fake-secret-do-not-use-anywhere";

/**
 * A mapped collection of the default data set: bob has consented to its
 * `data_access` scope under Transfer for the tutorial client; dave has
 * consented to Transfer without it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_IDS, defaultDataset, FAKE_COLLECTION_ID } from "./default_dataset.ts";
 *
 * const dataAccess = `https://auth.globus.org/scopes/${FAKE_COLLECTION_ID}/data_access`;
 * const consentOf = (id: string) => defaultDataset().consents?.find((c) => c.identityId === id);
 * assert.ok(consentOf(DEFAULT_IDS.bob)?.scope.includes(`[*${dataAccess}]`));
 * assert.equal(consentOf(DEFAULT_IDS.dave)?.scope.includes(dataAccess), false);
 * ```
 */
export const FAKE_COLLECTION_ID = "c011ec70-0000-4000-8000-00000000c001";

/**
 * Identity ids and group ids of the default data set, for assertions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_IDS, defaultDataset } from "./default_dataset.ts";
 * import { findUser } from "./context.ts";
 *
 * const data = defaultDataset();
 * assert.equal(findUser(data, "alice")?.identityId, DEFAULT_IDS.alice);
 * assert.deepEqual(data.groups.map((g) => g.id), Object.values(DEFAULT_IDS.groups)); // in order
 * ```
 */
export const DEFAULT_IDS: Readonly<{
  /** alice@globusid.org's primary identity. */
  alice: string;
  /** alice@university.example.edu, linked to alice. */
  aliceLinked: string;
  /** bob@globusid.org. */
  bob: string;
  /** carol@globusid.org (in no group). */
  carol: string;
  /** dave@globusid.org. */
  dave: string;
  /** Group ids, in dataset order. */
  groups: Readonly<{
    alicesLab: string;
    physics: string;
    unicode: string;
    invitation: string;
    automation: string;
    bobsPrivate: string;
  }>;
}> = Object.freeze({
  alice: "a11ce000-0000-4000-8000-000000000001",
  aliceLinked: "a11ce000-0000-4000-8000-000000000002",
  bob: "b0b00000-0000-4000-8000-000000000003",
  carol: "ca201000-0000-4000-8000-000000000004",
  dave: "da7e0000-0000-4000-8000-000000000005",
  groups: Object.freeze({
    alicesLab: "9a1e0001-0000-4000-8000-00000000a001",
    physics: "9a1e0002-0000-4000-8000-00000000a002",
    unicode: "9a1e0003-0000-4000-8000-00000000a003",
    invitation: "9a1e0004-0000-4000-8000-00000000a004",
    automation: "9a1e0005-0000-4000-8000-00000000a005",
    bobsPrivate: "9a1e0006-0000-4000-8000-00000000a006",
  }),
});

const I = DEFAULT_IDS;
const G = DEFAULT_IDS.groups;

/**
 * A group with Globus's usual defaults (regular, private, no session rule)
 * for building data sets; `extra` overrides any field.
 *
 * @example A data set where alice is in one more group
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_IDS, defaultDataset, fakeGroup, fakeMembership } from "./mod.ts";
 *
 * const data = defaultDataset();
 * data.groups.push(fakeGroup("9a1e0009-0000-4000-8000-00000000a009", "Extra", [
 *   fakeMembership(DEFAULT_IDS.alice, "alice@globusid.org", "member"),
 * ]));
 * const extra = data.groups.at(-1)!;
 * assert.equal(extra.group_type, "regular");
 * assert.equal(extra.policies.group_visibility, "private");
 * assert.equal(fakeGroup("9a1e000a-0000-4000-8000-00000000a00a", "Plus", [], {
 *   "group_type": "plus",
 * }).group_type, "plus");
 * ```
 */
export function fakeGroup(
  id: string,
  name: string,
  memberships: FakeMembership[],
  extra: Partial<FakeGroup> = {},
): FakeGroup {
  return {
    id,
    name,
    description: `Fake group: ${name}`,
    parent_id: null,
    group_type: "regular",
    enforce_session: false,
    session_limit: 28800,
    session_timeouts: {},
    policies: { group_visibility: "private", group_members_visibility: "members" },
    memberships,
    ...extra,
  };
}

/**
 * One identity's membership, `active` unless said otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fakeMembership } from "./mod.ts";
 *
 * assert.deepEqual(fakeMembership("id-1", "u@globusid.org", "admin"), {
 *   "identity_id": "id-1",
 *   username: "u@globusid.org",
 *   role: "admin",
 *   status: "active",
 * });
 * ```
 */
export function fakeMembership(
  identityId: string,
  username: string,
  role: FakeMembership["role"],
  status: FakeMembership["status"] = "active",
): FakeMembership {
  return { "identity_id": identityId, username, role, status };
}

/**
 * A fresh copy of the default data set: users `alice` (with a linked
 * identity), `bob`, `carol` (in no group) and `dave`; six groups with awkward
 * names (apostrophe, comma and double quotes, non-ASCII); the tutorial
 * native client and one confidential client.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultDataset } from "./default_dataset.ts";
 *
 * const data = defaultDataset();
 * assert.deepEqual(data.users.map((u) => u.username), [
 *   "alice@globusid.org",
 *   "bob@globusid.org",
 *   "carol@globusid.org",
 *   "dave@globusid.org",
 * ]);
 * data.users.pop(); // a fresh copy each call: changing one changes no other
 * assert.equal(defaultDataset().users.length, 4);
 * ```
 */
export function defaultDataset(): FakeDataset {
  const alice = "alice@globusid.org";
  const aliceUni = "alice@university.example.edu";
  const bob = "bob@globusid.org";
  const dave = "dave@globusid.org";
  const svc = `${CONFIDENTIAL_CLIENT_ID}@clients.auth.globus.org`;
  return {
    users: [
      {
        username: alice,
        identityId: I.alice,
        name: "Alice Liddell",
        email: "alice@example.org",
        linkedIdentityIds: [I.aliceLinked],
      },
      { username: bob, identityId: I.bob, name: "Bob Builder", email: "bob@example.org" },
      {
        username: "carol@globusid.org",
        identityId: I.carol,
        name: "Carol Nøbody",
        email: "carol@example.org",
      },
      { username: dave, identityId: I.dave, name: "Dave Lister", email: "dave@example.org" },
    ],
    groups: [
      fakeGroup(G.alicesLab, "Alice's Lab", [
        fakeMembership(I.alice, alice, "admin"),
        fakeMembership(I.bob, bob, "member"),
        fakeMembership(I.dave, dave, "member", "pending"),
      ]),
      fakeGroup(G.physics, 'Physics, Chemistry & "Friends"', [
        fakeMembership(I.alice, alice, "member"),
        fakeMembership(I.aliceLinked, aliceUni, "manager"),
        fakeMembership(I.bob, bob, "member", "invited"),
      ], {
        policies: { group_visibility: "authenticated", group_members_visibility: "managers" },
      }),
      fakeGroup(G.unicode, "Ünïcødé 研究 group", [fakeMembership(I.alice, alice, "manager")], {
        parent_id: G.alicesLab,
        group_type: "plus",
        enforce_session: true,
      }),
      fakeGroup(G.invitation, "Invitation-only: come in", [
        fakeMembership(I.bob, bob, "admin"),
        fakeMembership(I.alice, alice, "member", "invited"),
      ]),
      fakeGroup(G.automation, "Automation service accounts", [
        fakeMembership(I.bob, bob, "manager"),
        fakeMembership(CONFIDENTIAL_CLIENT_ID, svc, "member"),
      ]),
      fakeGroup(G.bobsPrivate, "Bob's private group", [
        fakeMembership(I.bob, bob, "admin"),
        fakeMembership(I.dave, dave, "member", "left"),
      ]),
    ],
    clients: [
      {
        clientId: TUTORIAL_CLIENT_ID,
        type: "native",
        name: "Globus SDK tutorial (fake)",
        identityId: TUTORIAL_CLIENT_ID,
      },
      {
        clientId: CONFIDENTIAL_CLIENT_ID,
        type: "confidential",
        secret: CONFIDENTIAL_CLIENT_SECRET,
        name: "Fake confidential client",
        identityId: CONFIDENTIAL_CLIENT_ID,
      },
    ],
    consents: [
      {
        identityId: I.bob,
        clientId: TUTORIAL_CLIENT_ID,
        scope: `${TRANSFER_ALL}[*https://auth.globus.org/scopes/${FAKE_COLLECTION_ID}/data_access]`,
      },
      { identityId: I.dave, clientId: TUTORIAL_CLIENT_ID, scope: TRANSFER_ALL },
    ],
  };
}

const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";
