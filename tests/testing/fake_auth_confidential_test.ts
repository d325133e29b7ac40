import { AuthScopes, GroupsScopes } from "../../lib/scopes/scopes.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../../lib/testing/mod.ts";
import assert from "node:assert/strict";
import { authorizeUrl, basic, getJson, postForm } from "./_helpers.ts";

const GROUPS = GroupsScopes.viewMyGroupsAndMemberships;

Deno.test("startFakeGlobus() runs the confidential code flow with HTTP Basic", async () => {
  await using fake = await startFakeGlobus();
  const redirectUri = "https://example.org/cb";
  const url = authorizeUrl(fake, {
    client_id: CONFIDENTIAL_CLIENT_ID,
    redirect_uri: redirectUri,
    scope: "openid email",
    state: "xyz",
    response_type: "code",
    access_type: "offline",
  });
  const code = await fake.loginCode(url, "alice@globusid.org");
  const auth = { authorization: basic(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET) };
  const token = `${fake.authUrl}v2/oauth2/token`;
  const fields = { "grant_type": "authorization_code", code, "redirect_uri": redirectUri };
  const wrong = await postForm(token, fields, {
    authorization: basic(CONFIDENTIAL_CLIENT_ID, "nope"),
  });
  assert.equal(wrong.status, 401);
  const res = await postForm(token, fields, auth);
  assert.equal(res.status, 200);
  assert.equal(res.body.state, "xyz");
  assert.equal(res.body.scope, "openid email");
  assert.ok(res.body.refresh_token && res.body.id_token);
  const refreshed = await postForm(token, {
    refresh_token: res.body.refresh_token,
    grant_type: "refresh_token",
  }, auth);
  assert.equal(refreshed.status, 200);
  const http = url.replace(
    encodeURIComponent(redirectUri),
    encodeURIComponent("http://evil.example/cb"),
  );
  assert.equal((await getJson(http)).status, 400);
  const local = url.replace(
    encodeURIComponent(redirectUri),
    encodeURIComponent("http://localhost:8080/cb"),
  );
  assert.ok(await fake.loginCode(local, "bob"));
});

Deno.test("startFakeGlobus() issues client-credentials tokens for the client's own identity", async () => {
  await using fake = await startFakeGlobus();
  const auth = { authorization: basic(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET) };
  const res = await postForm(`${fake.authUrl}v2/oauth2/token`, {
    grant_type: "client_credentials",
    scope: `${GroupsScopes.all} ${AuthScopes.openid}`,
  }, auth);
  assert.equal(res.status, 200);
  assert.equal(res.body.resource_server, "groups.api.globus.org");
  assert.equal(res.body.refresh_token, undefined);
  assert.equal(res.body.other_tokens[0].resource_server, "auth.globus.org");
  const groups = await getJson(`${fake.groupsUrl}v2/groups/my_groups`, {
    authorization: `Bearer ${res.body.access_token}`,
  });
  assert.equal(groups.status, 200);
  assert.deepEqual(groups.body.map((g: { id: string }) => g.id), [DEFAULT_IDS.groups.automation]);
  assert.equal(groups.body[0].my_memberships[0].identity_id, CONFIDENTIAL_CLIENT_ID);

  const native = await postForm(`${fake.authUrl}v2/oauth2/token`, {
    client_id: TUTORIAL_CLIENT_ID,
    grant_type: "client_credentials",
    scope: GROUPS,
  });
  assert.equal(native.status, 400);
  const badScope = await postForm(`${fake.authUrl}v2/oauth2/token`, {
    grant_type: "client_credentials",
    scope: "not-a-scope",
  }, auth);
  assert.equal(badScope.body.error, "invalid_scope");
});
