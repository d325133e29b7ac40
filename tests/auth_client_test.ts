import assert from "node:assert/strict";
import {
  AuthAPIError,
  AuthScopes,
  ConfidentialAppAuthClient,
  GlobusSDKUsageError,
  GroupsScopes,
  NativeAppAuthClient,
  RefreshTokenRejectedError,
  Transport,
} from "../lib/mod.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../lib/testing/mod.ts";

/** No retries and no sleeping: a test waits for nothing. */
const quick = () => new Transport({ maxRetries: 0, sleep: () => Promise.resolve() });

Deno.test("NativeAppAuthClient logs in through the fake Globus with PKCE and gets tokens per resource server", async () => {
  await using fake = await startFakeGlobus();
  const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: fake.authUrl });
  client.oauth2StartFlow({
    requestedScopes: [AuthScopes.openid, AuthScopes.email, GroupsScopes.viewMyGroupsAndMemberships],
    refreshTokens: true,
  });
  const url = await client.oauth2GetAuthorizeUrl();
  assert.ok(url.startsWith(`${fake.url}/v2/oauth2/authorize?client_id=${TUTORIAL_CLIENT_ID}&`));
  const code = await fake.loginCode(url, "alice");
  const tokens = await client.oauth2ExchangeCodeForTokens(code);

  assert.deepEqual(Object.keys(tokens.byResourceServer).sort(), [
    "auth.globus.org",
    "groups.api.globus.org",
  ]);
  const groups = tokens.byResourceServer["groups.api.globus.org"]!;
  assert.equal(groups.scope, GroupsScopes.viewMyGroupsAndMemberships);
  assert.equal(typeof groups.refresh_token, "string");
  assert.equal(groups.token_type, "Bearer");
  const inTwoDays = Date.now() / 1000 + 172800;
  assert.ok(Math.abs(groups.expires_at_seconds - inTwoDays) < 5);
  assert.equal(tokens.byScopes.get("openid email").resource_server, "auth.globus.org");

  // The id_token verifies against the fake's JWKS and names alice.
  const claims = await tokens.decodeIdToken();
  assert.equal(claims.sub, DEFAULT_IDS.alice);
  assert.equal(claims.aud, TUTORIAL_CLIENT_ID);

  // And the refresh token works.
  const refreshed = await client.oauth2RefreshToken(groups.refresh_token!);
  assert.notEqual(
    refreshed.byResourceServer["groups.api.globus.org"]!.access_token,
    groups.access_token,
  );
  assert.deepEqual(
    fake.requests.filter((r) => r.path === "/v2/oauth2/token").map((r) => r.grantType),
    [
      "authorization_code",
      "refresh_token",
    ],
  );
});

Deno.test("ConfidentialAppAuthClient logs in with its secret and gets client-credentials tokens", async () => {
  await using fake = await startFakeGlobus();
  const client = new ConfidentialAppAuthClient(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET, {
    baseUrl: fake.authUrl,
  });
  client.oauth2StartFlow({
    redirectUri: "https://example.org/callback",
    requestedScopes: GroupsScopes.all,
    refreshTokens: true,
  });
  const url = await client.oauth2GetAuthorizeUrl();
  assert.ok(!url.includes("code_challenge"));
  const code = await fake.loginCode(url, "bob");
  const tokens = await client.oauth2ExchangeCodeForTokens(code);
  assert.equal(tokens.byResourceServer["groups.api.globus.org"]!.scope, GroupsScopes.all);

  const own = await client.oauth2ClientCredentialsTokens(GroupsScopes.all);
  const accessToken = own.byResourceServer["groups.api.globus.org"]!.access_token;
  assert.equal(own.byResourceServer["groups.api.globus.org"]!.refresh_token, null);
  const introspected = (await client.oauth2TokenIntrospect(accessToken)).data as Record<
    string,
    unknown
  >;
  assert.equal(introspected.active, true);
  assert.equal(introspected.sub, CONFIDENTIAL_CLIENT_ID);

  await client.oauth2RevokeToken(accessToken);
  const after = (await client.oauth2TokenIntrospect(accessToken)).data as Record<string, unknown>;
  assert.equal(after.active, false);
});

Deno.test("oauth2ExchangeCodeForTokens() gives AuthAPIError invalid_grant for a bad, reused or expired code", async () => {
  let now = Date.now();
  await using fake = await startFakeGlobus({ now: () => now, codeLifetimeSeconds: 600 });
  const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, {
    baseUrl: fake.authUrl,
    transport: quick(),
  });
  client.oauth2StartFlow({ requestedScopes: GroupsScopes.viewMyGroupsAndMemberships });
  const url = await client.oauth2GetAuthorizeUrl();
  const isInvalidGrant = (e: unknown) =>
    e instanceof AuthAPIError && e.httpStatus === 400 && e.code === "invalid_grant" &&
    e.message.startsWith(`POST ${fake.authUrl}v2/oauth2/token 400 invalid_grant`);

  await assert.rejects(() => client.oauth2ExchangeCodeForTokens("bogus"), isInvalidGrant);

  const code = await fake.loginCode(url, "alice");
  await client.oauth2ExchangeCodeForTokens(code);
  await assert.rejects(() => client.oauth2ExchangeCodeForTokens(code), isInvalidGrant);

  const late = await fake.loginCode(url, "alice");
  now += 601_000;
  await assert.rejects(() => client.oauth2ExchangeCodeForTokens(late), isInvalidGrant);
});

Deno.test("oauth2ExchangeCodeForTokens() fails when the verifier does not match the challenge", async () => {
  await using fake = await startFakeGlobus();
  const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, {
    baseUrl: fake.authUrl,
    transport: quick(),
  });
  client.oauth2StartFlow({ requestedScopes: GroupsScopes.all, verifier: "a".repeat(43) });
  const code = await fake.loginCode(await client.oauth2GetAuthorizeUrl(), "alice");
  // A new flow has a new verifier: the code was issued for the old challenge.
  client.oauth2StartFlow({ requestedScopes: GroupsScopes.all, verifier: "b".repeat(43) });
  await assert.rejects(
    () => client.oauth2ExchangeCodeForTokens(code),
    (e: unknown) => e instanceof AuthAPIError && e.code === "invalid_grant",
  );
});

Deno.test("oauth2RefreshToken() turns invalid_grant into RefreshTokenRejectedError, still an AuthAPIError", async () => {
  await using fake = await startFakeGlobus();
  const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, {
    baseUrl: fake.authUrl,
    transport: quick(),
  });
  const issued = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GroupsScopes.viewMyGroupsAndMemberships],
    offline: true,
  });
  fake.revokeAllRefreshTokens();
  await assert.rejects(
    () => client.oauth2RefreshToken(issued.refresh_token!),
    (e: unknown) =>
      e instanceof RefreshTokenRejectedError && e instanceof AuthAPIError &&
      e.code === "invalid_grant" && /log in again/.test(e.message) &&
      !e.message.includes(issued.refresh_token!),
  );
});

Deno.test("login clients refuse misuse with usage errors", async () => {
  assert.throws(() => new NativeAppAuthClient(""), GlobusSDKUsageError);
  assert.throws(() => new ConfidentialAppAuthClient("cid", ""), GlobusSDKUsageError);
  const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { baseUrl: "https://auth.example/" });
  assert.throws(() => client.oauth2GetAuthorizeUrl(), /Cannot get authorize URL until starting/);
  assert.throws(() => client.oauth2ExchangeCodeForTokens("x"), /Cannot exchange auth code/);
  assert.throws(() => client.oauth2StartFlow({ requestedScopes: [] }), GlobusSDKUsageError);
  assert.throws(
    () => client.oauth2StartFlow({ requestedScopes: "openid", verifier: "short" }),
    /verifier must be 43-128 characters long: 5/,
  );
  const url =
    await (client.oauth2StartFlow({ requestedScopes: "openid" }), client.oauth2GetAuthorizeUrl());
  assert.match(url, /^https:\/\/auth\.example\/v2\/oauth2\/authorize\?client_id=/);
  assert.match(url, /redirect_uri=https%3A%2F%2Fauth\.example%2Fv2%2Fweb%2Fauth-code/);
});
