import { GroupsScopes } from "../../lib/scopes/scopes.ts";
import {
  DEFAULT_IDS,
  type FakeGlobus,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../../lib/testing/mod.ts";
import assert from "node:assert/strict";
import { getJson } from "./_helpers.ts";

const G = DEFAULT_IDS.groups;

function bearer(fake: FakeGlobus, username: string, scope: string = GroupsScopes.all) {
  const token = fake.issueTokens({ username, clientId: TUTORIAL_CLIENT_ID, scopes: [scope] });
  return { authorization: `Bearer ${token.access_token}` };
}

Deno.test("startFakeGlobus() lists my_groups with active memberships by default", async () => {
  await using fake = await startFakeGlobus();
  const auth = bearer(fake, "alice", GroupsScopes.viewMyGroupsAndMemberships);
  const res = await getJson(`${fake.groupsUrl}v2/groups/my_groups`, auth);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.deepEqual(res.body.map((g: { id: string }) => g.id), [G.alicesLab, G.physics, G.unicode]);
  const [lab, physics, unicode] = res.body;
  assert.deepEqual(Object.keys(lab), [
    "id",
    "name",
    "parent_id",
    "group_type",
    "enforce_session",
    "session_limit",
    "session_timeouts",
    "my_memberships",
    "policies",
  ]);
  assert.equal(lab.name, "Alice's Lab");
  assert.deepEqual(lab.my_memberships, [{
    group_id: G.alicesLab,
    identity_id: DEFAULT_IDS.alice,
    username: "alice@globusid.org",
    role: "admin",
    status: "active",
  }]);
  assert.equal(physics.name, 'Physics, Chemistry & "Friends"');
  assert.deepEqual(physics.my_memberships.map((m: { role: string }) => m.role), [
    "member",
    "manager",
  ]);
  assert.equal(unicode.name, "Ünïcødé 研究 group");
  assert.equal(unicode.parent_id, G.alicesLab);
  const carol = await getJson(`${fake.groupsUrl}v2/groups/my_groups`, bearer(fake, "carol"));
  assert.deepEqual(carol.body, []);
});

Deno.test("startFakeGlobus() filters my_groups by statuses", async () => {
  await using fake = await startFakeGlobus();
  const auth = bearer(fake, "alice");
  const invited = await getJson(`${fake.groupsUrl}v2/groups/my_groups?statuses=invited`, auth);
  assert.deepEqual(invited.body.map((g: { id: string }) => g.id), [G.invitation]);
  const both = await getJson(
    `${fake.groupsUrl}v2/groups/my_groups?statuses=${encodeURIComponent("active,invited")}`,
    auth,
  );
  assert.equal(both.body.length, 4);
  const bad = await getJson(`${fake.groupsUrl}v2/groups/my_groups?statuses=bogus`, auth);
  assert.equal(bad.status, 422);
});

Deno.test("startFakeGlobus() gets one group, 404 for an unknown one, 403 for a private one", async () => {
  await using fake = await startFakeGlobus();
  const auth = bearer(fake, "alice");
  const url =
    `${fake.groupsUrl}v2/groups/${G.alicesLab}?include=memberships,my_memberships,policies`;
  const res = await getJson(url, auth);
  assert.equal(res.status, 200);
  assert.equal(res.body.id, G.alicesLab);
  assert.equal(res.body.memberships.length, 3);
  assert.equal(res.body.my_memberships.length, 1);
  assert.equal(res.body.policies.group_visibility, "private");
  const plain = await getJson(`${fake.groupsUrl}v2/groups/${G.alicesLab}`, auth);
  assert.equal(plain.body.memberships, undefined);

  const missing = await getJson(
    `${fake.groupsUrl}v2/groups/00000000-0000-4000-8000-000000000000`,
    auth,
  );
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, "GroupNotFound");
  assert.ok(
    typeof missing.body.message === "string" && typeof missing.body.request_id === "string",
  );
  const hidden = await getJson(`${fake.groupsUrl}v2/groups/${G.bobsPrivate}`, auth);
  assert.equal(hidden.status, 403);
});

Deno.test("startFakeGlobus() refuses Groups calls without a live groups token", async () => {
  await using fake = await startFakeGlobus();
  const url = `${fake.groupsUrl}v2/groups/my_groups`;
  const none = await getJson(url);
  assert.equal(none.status, 401);
  assert.equal(none.body.code, "AuthenticationFailed");
  assert.match(none.body.message, /No Authorization header/);
  const basicAuth = await getJson(url, { authorization: "Basic abc" });
  assert.equal(basicAuth.status, 401);
  const authToken = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: ["openid"],
  }).access_token;
  const wrongRs = await getJson(url, { authorization: `Bearer ${authToken}` });
  assert.equal(wrongRs.status, 401);
  assert.equal(wrongRs.body.code, "AuthenticationFailed");
  const auth = bearer(fake, "alice");
  assert.equal((await getJson(url, auth)).status, 200);
  fake.expireAllAccessTokens();
  const expired = await getJson(url, auth);
  assert.equal(expired.status, 401);
  assert.equal(expired.body.message, "Token is not active");
});

Deno.test("startFakeGlobus() expires access tokens by its clock", async () => {
  let clock = 1_700_000_000_000;
  await using fake = await startFakeGlobus({ now: () => clock, accessTokenLifetimeSeconds: 60 });
  const auth = bearer(fake, "bob");
  const url = `${fake.groupsUrl}v2/groups/my_groups`;
  assert.equal((await getJson(url, auth)).status, 200);
  clock += 60_000;
  assert.equal((await getJson(url, auth)).status, 401);
  fake.setAccessTokenLifetime(10);
  const issue = fake.issueTokens({
    username: "bob",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: ["openid"],
  });
  assert.equal(issue.expires_in, 10);
});
