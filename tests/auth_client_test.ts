import assert from "node:assert/strict";
import {
  AuthAPIError,
  AuthLoginClient,
  AuthorizationCodeFlowManager,
  AuthScopes,
  ConfidentialAppAuthClient,
  GlobusSDKUsageError,
  GroupsScopes,
  NativeAppAuthClient,
  NativeAppFlowManager,
  OAuthFlowManager,
  OAuthTokenResponse,
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

/**
 * Calls `call` and returns what its promise rejected with, through
 * `.catch()`. A method that throws instead of rejecting makes the test fail
 * here, with the error it threw.
 */
async function caught(call: () => Promise<unknown>): Promise<unknown> {
  const fulfilled = Symbol("fulfilled");
  const outcome = await call().then(() => fulfilled).catch((error: unknown) => error);
  assert.notEqual(outcome, fulfilled, "the promise was fulfilled");
  return outcome;
}

const usageError = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof GlobusSDKUsageError, String(e));
  assert.match(e.message, pattern);
};

Deno.test("oauth2GetAuthorizeUrl() before oauth2StartFlow() rejects: .catch() sees the usage error", async () => {
  const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID);
  usageError(/^Cannot get authorize URL until starting an OAuth2 flow/)(
    await caught(() => client.oauth2GetAuthorizeUrl()),
  );
});

Deno.test("oauth2ExchangeCodeForTokens() before oauth2StartFlow() rejects: .catch() sees the usage error", async () => {
  const client = new ConfidentialAppAuthClient(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET);
  usageError(/^Cannot exchange auth code until starting an OAuth2 flow/)(
    await caught(() => client.oauth2ExchangeCodeForTokens("code")),
  );
});

Deno.test("oauth2ClientCredentialsTokens() with no scopes rejects: .catch() sees the usage error", async () => {
  const client = new ConfidentialAppAuthClient(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET);
  usageError(/'scopes' cannot be the empty string/)(
    await caught(() => client.oauth2ClientCredentialsTokens([])),
  );
});

/**
 * The methods with no usage error of their own: each is called on a client
 * whose clock or fetch throws at once, the failure nearest to the call that
 * the SDK can meet, and `.catch()` must see it.
 */
Deno.test("the other promise-returning login-client methods reject too when something fails before any I/O", async (t) => {
  const clockBroken = new Error("clock broken");
  const fetchBroken = new TypeError("fetch broken");
  const options = {
    baseUrl: "https://auth.example/",
    now: () => {
      throw clockBroken;
    },
    transport: new Transport({
      maxRetries: 0,
      fetch: () => {
        throw fetchBroken;
      },
    }),
  };
  const native = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, options);
  const confidential = new ConfidentialAppAuthClient("cid", "secret", options);
  const isFetchFailure = (e: unknown) =>
    e === fetchBroken || (e instanceof Error && e.cause === fetchBroken);
  const cases: Array<[string, () => Promise<unknown>, (e: unknown) => boolean]> = [
    ["oauth2RefreshToken", () => native.oauth2RefreshToken("RT"), (e) => e === clockBroken],
    [
      "oauth2Token",
      () => native.oauth2Token([["grant_type", "x"]], OAuthTokenResponse),
      (e) => e === clockBroken,
    ],
    ["oauth2RevokeToken", () => native.oauth2RevokeToken("AT"), isFetchFailure],
    ["oauth2TokenIntrospect", () => confidential.oauth2TokenIntrospect("AT"), isFetchFailure],
    ["getOpenIdConfiguration", () => native.getOpenIdConfiguration(), (e) => e === clockBroken],
    ["getJwk", () => confidential.getJwk(), (e) => e === clockBroken],
  ];
  for (const [name, call, expected] of cases) {
    await t.step(name, async () => {
      const error = await caught(call);
      assert.ok(expected(error), String(error));
    });
  }
});

Deno.test("every method of the login clients and flows is async or one of the few synchronous ones", () => {
  // A new method has to be sorted here: either it returns a promise (and a
  // test above shows it rejects) or it does no I/O at all.
  const asyncMethods = [
    "oauth2GetAuthorizeUrl",
    "oauth2ExchangeCodeForTokens",
    "oauth2RefreshToken",
    "oauth2RevokeToken",
    "oauth2Token",
    "getOpenIdConfiguration",
    "getJwk",
    "oauth2ClientCredentialsTokens",
    "oauth2TokenIntrospect",
    "getAuthorizeUrl",
  ];
  const syncMethods = [
    "constructor",
    "clientFields",
    "startFlow",
    "oauth2StartFlow",
    "exchangeForm",
  ];
  const flowInternals = ["authorizeUrl", "verifier"];
  for (
    const cls of [
      AuthLoginClient,
      NativeAppAuthClient,
      ConfidentialAppAuthClient,
      OAuthFlowManager,
      NativeAppFlowManager,
      AuthorizationCodeFlowManager,
    ]
  ) {
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      assert.ok(
        [...asyncMethods, ...syncMethods, ...flowInternals].includes(name),
        `${cls.name}.${name} is not sorted`,
      );
    }
  }
  // And the async ones are declared async, so that no throw escapes as a throw.
  for (
    const cls of [
      AuthLoginClient,
      ConfidentialAppAuthClient,
      NativeAppFlowManager,
      AuthorizationCodeFlowManager,
    ]
  ) {
    for (const name of asyncMethods.filter((n) => Object.hasOwn(cls.prototype, n))) {
      const method = Object.getOwnPropertyDescriptor(cls.prototype, name)!.value;
      assert.equal(method.constructor.name, "AsyncFunction", `${cls.name}.${name}`);
    }
  }
});

Deno.test("Auth's OpenID configuration and keys are fetched once an hour, shared by concurrent callers, and a failed fetch is not kept", async () => {
  await using fake = await startFakeGlobus();
  let now = 1_700_000_000_000;
  const fetched: string[] = [];
  let failNext = true;
  const client = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, {
    baseUrl: fake.authUrl,
    now: () => now,
    transport: new Transport({
      maxRetries: 0,
      fetch: (input, init) => {
        const path = new URL(String(input)).pathname;
        fetched.push(path);
        if (failNext) {
          failNext = false;
          return Promise.reject(new TypeError("connection refused"));
        }
        return fetch(input, init);
      },
    }),
  });
  // The first fetch fails; the failure reaches the caller and is forgotten.
  await assert.rejects(() => client.getJwk());
  assert.deepEqual(fetched, ["/.well-known/openid-configuration"]);

  const [a, b] = await Promise.all([client.getJwk(), client.getJwk()]);
  assert.equal(a, b);
  assert.ok(a.keys.length > 0);
  assert.equal((await client.getOpenIdConfiguration()).jwks_uri, `${fake.url}/jwk.json`);
  assert.deepEqual(fetched.slice(1), ["/.well-known/openid-configuration", "/jwk.json"]);

  now += 60 * 60 * 1000; // an hour: still fresh
  await client.getJwk();
  assert.equal(fetched.length, 3);
  now += 1; // older than an hour: both again
  await client.getJwk();
  assert.deepEqual(fetched.slice(3), ["/.well-known/openid-configuration", "/jwk.json"]);
});
