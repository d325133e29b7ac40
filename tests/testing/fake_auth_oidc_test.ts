import { AuthScopes, GroupsScopes } from "../../lib/scopes/scopes.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../../lib/testing/mod.ts";
import assert from "node:assert/strict";
import { basic, decodeJwt, fromB64u, getJson, postForm } from "./_helpers.ts";

Deno.test("startFakeGlobus() signs id_tokens that verify with its JWKS", async () => {
  const clock = 1_700_000_000_000;
  await using fake = await startFakeGlobus({ now: () => clock });
  const config = await getJson(`${fake.authUrl}.well-known/openid-configuration`);
  assert.equal(config.status, 200);
  assert.equal(config.body.issuer, fake.url);
  assert.equal(config.body.jwks_uri, `${fake.url}/jwk.json`);
  assert.equal(config.body.token_endpoint, `${fake.url}/v2/oauth2/token`);
  assert.deepEqual(config.body.id_token_signing_alg_values_supported, ["RS256"]);
  const jwks = await getJson(config.body.jwks_uri);
  const jwk = jwks.body.keys[0];
  assert.equal(jwk.kty, "RSA");
  assert.equal(jwk.use, "sig");

  const issue = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [AuthScopes.openid, AuthScopes.profile, AuthScopes.email],
  });
  const idToken = issue.id_token ?? "";
  const { header, claims } = decodeJwt(idToken);
  assert.deepEqual(header, { alg: "RS256", typ: "JWT", kid: jwk.kid });
  assert.equal(claims.iss, fake.url);
  assert.equal(claims.sub, DEFAULT_IDS.alice);
  assert.equal(claims.aud, TUTORIAL_CLIENT_ID);
  assert.equal(claims.iat, clock / 1000);
  assert.equal(claims.exp, clock / 1000 + 172800);
  assert.equal(claims.preferred_username, "alice@globusid.org");
  assert.equal(claims.email, "alice@example.org");
  assert.equal(claims.name, "Alice Liddell");

  const key = await crypto.subtle.importKey(
    "jwk",
    jwk,
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const [h, p, s] = idToken.split(".");
  const data = new TextEncoder().encode(`${h}.${p}`);
  const sig = fromB64u(s ?? "");
  assert.ok(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, sig, data), "signature verifies");
  sig[10] = (sig[10] ?? 0) ^ 1;
  assert.equal(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, sig, data), false);
});

Deno.test("startFakeGlobus() revokes access tokens", async () => {
  await using fake = await startFakeGlobus();
  const token = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GroupsScopes.viewMyGroupsAndMemberships],
  }).access_token;
  const groups = () =>
    getJson(`${fake.groupsUrl}v2/groups/my_groups`, { authorization: `Bearer ${token}` });
  assert.equal((await groups()).status, 200);
  const revoke = await postForm(`${fake.authUrl}v2/oauth2/token/revoke`, {
    token,
    client_id: TUTORIAL_CLIENT_ID,
  });
  assert.equal(revoke.status, 200);
  assert.deepEqual(revoke.body, { active: false });
  const after = await groups();
  assert.equal(after.status, 401);
  assert.equal(after.body.message, "Token is not active");
});

Deno.test("startFakeGlobus() introspects tokens for confidential clients only", async () => {
  await using fake = await startFakeGlobus();
  const issue = fake.issueTokens({
    username: "alice",
    clientId: CONFIDENTIAL_CLIENT_ID,
    scopes: [GroupsScopes.all],
  });
  const url = `${fake.authUrl}v2/oauth2/token/introspect`;
  const auth = { authorization: basic(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET) };
  const res = await postForm(url, { token: issue.access_token, include: "identity_set" }, auth);
  assert.equal(res.status, 200);
  assert.equal(res.body.active, true);
  assert.equal(res.body.scope, GroupsScopes.all);
  assert.equal(res.body.client_id, CONFIDENTIAL_CLIENT_ID);
  assert.equal(res.body.sub, DEFAULT_IDS.alice);
  assert.equal(res.body.username, "alice@globusid.org");
  assert.deepEqual(res.body.identity_set, [DEFAULT_IDS.alice, DEFAULT_IDS.aliceLinked]);
  assert.ok(typeof res.body.exp === "number");
  assert.deepEqual((await postForm(url, { token: "nope" }, auth)).body, { active: false });
  const native = await postForm(url, { token: issue.access_token, client_id: TUTORIAL_CLIENT_ID });
  assert.equal(native.status, 401);
  assert.equal(native.body.error, "invalid_client");
  fake.expireAllAccessTokens();
  assert.deepEqual((await postForm(url, { token: issue.access_token }, auth)).body, {
    active: false,
  });
});

Deno.test("startFakeGlobus() serves userinfo for tokens with the openid scope", async () => {
  await using fake = await startFakeGlobus();
  const scopes = [
    AuthScopes.openid,
    AuthScopes.profile,
    AuthScopes.email,
    AuthScopes.viewIdentitySet,
  ];
  const token = fake.issueTokens({ username: "alice", clientId: TUTORIAL_CLIENT_ID, scopes })
    .access_token;
  const url = `${fake.authUrl}v2/oauth2/userinfo`;
  const res = await getJson(url, { authorization: `Bearer ${token}` });
  assert.equal(res.status, 200);
  assert.equal(res.body.sub, DEFAULT_IDS.alice);
  assert.equal(res.body.preferred_username, "alice@globusid.org");
  assert.equal(res.body.name, "Alice Liddell");
  assert.equal(res.body.email, "alice@example.org");
  assert.deepEqual(res.body.identity_set.map((i: { sub: string }) => i.sub), [
    DEFAULT_IDS.alice,
    DEFAULT_IDS.aliceLinked,
  ]);
  assert.equal((await getJson(url)).status, 401);
  const groupsToken = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GroupsScopes.all],
  }).access_token;
  assert.equal((await getJson(url, { authorization: `Bearer ${groupsToken}` })).status, 403);
});

Deno.test("startFakeGlobus() issues tokens directly, grouped by resource server", async () => {
  await using fake = await startFakeGlobus();
  const issue = fake.issueTokens({
    username: "carol",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [
      GroupsScopes.all,
      AuthScopes.openid,
      "urn:globus:auth:scope:transfer.api.globus.org:all",
    ],
    offline: true,
  });
  assert.equal(issue.resource_server, "groups.api.globus.org");
  assert.deepEqual(issue.other_tokens.map((t) => t.resource_server), [
    "auth.globus.org",
    "transfer.api.globus.org",
  ]);
  assert.ok(issue.id_token && issue.refresh_token && issue.other_tokens[1]?.refresh_token);
  let threw = false;
  try {
    fake.issueTokens({ username: "mallory", clientId: TUTORIAL_CLIENT_ID, scopes: ["openid"] });
  } catch {
    threw = true;
  }
  assert.ok(threw, "unknown users are refused");
});
