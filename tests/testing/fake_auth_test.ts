import { GroupsScopes } from "../../lib/scopes/scopes.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  type FakeGlobus,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../../lib/testing/mod.ts";
import assert from "node:assert/strict";
import { authorizeUrl, basic, getJson, pkce, postForm } from "./_helpers.ts";

const GROUPS = GroupsScopes.viewMyGroupsAndMemberships;

/** Starts a native flow the way the Python SDK does and returns what the exchange needs. */
async function nativeFlow(fake: FakeGlobus, o: { scope?: string; offline?: boolean } = {}) {
  const { verifier, challenge } = await pkce();
  const redirectUri = `${fake.url}/v2/web/auth-code`;
  const url = authorizeUrl(fake, {
    client_id: TUTORIAL_CLIENT_ID,
    redirect_uri: redirectUri,
    scope: o.scope ?? GROUPS,
    state: "_default",
    response_type: "code",
    code_challenge: challenge,
    code_challenge_method: "S256",
    access_type: o.offline ? "offline" : "online",
  });
  return { url, verifier, redirectUri };
}

function exchange(fake: FakeGlobus, code: string, verifier: string, redirectUri: string) {
  return postForm(`${fake.authUrl}v2/oauth2/token`, {
    client_id: TUTORIAL_CLIENT_ID,
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });
}

Deno.test("startFakeGlobus() completes a native PKCE login through the browser pages", async () => {
  await using fake = await startFakeGlobus();
  const flow = await nativeFlow(fake, { offline: true, scope: `openid ${GROUPS}` });
  const page = await fetch(flow.url);
  const listing = await page.text();
  assert.equal(page.status, 200);
  assert.match(listing, /alice@globusid\.org/);
  const login = await fetch(`${flow.url}&fake_login=alice`, { redirect: "manual" });
  await login.body?.cancel();
  assert.equal(login.status, 302);
  const location = new URL(login.headers.get("location") ?? "");
  assert.equal(`${location.origin}${location.pathname}`, flow.redirectUri);
  assert.equal(location.searchParams.get("state"), "_default");
  const codePage = await (await fetch(location)).text();
  const code = /<code id="auth-code">([^<]+)<\/code>/.exec(codePage)?.[1];
  assert.ok(code, "the auth-code page shows the code");

  const res = await exchange(fake, code, flow.verifier, flow.redirectUri);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  const body = res.body;
  assert.equal(body.resource_server, "auth.globus.org");
  assert.equal(body.scope, "openid");
  assert.equal(body.token_type, "Bearer");
  assert.equal(body.expires_in, 172800);
  assert.equal(body.state, "_default");
  assert.ok(typeof body.refresh_token === "string" && typeof body.id_token === "string");
  assert.equal(body.other_tokens.length, 1);
  const groups = body.other_tokens[0];
  assert.equal(groups.resource_server, "groups.api.globus.org");
  assert.equal(groups.scope, GROUPS);
  assert.ok(typeof groups.refresh_token === "string");
  assert.equal(groups.other_tokens, undefined);
  assert.equal(groups.id_token, undefined);
});

Deno.test("startFakeGlobus() gives no refresh token to an online native login", async () => {
  await using fake = await startFakeGlobus();
  const flow = await nativeFlow(fake);
  const code = await fake.loginCode(flow.url, "bob");
  const { status, body } = await exchange(fake, code, flow.verifier, flow.redirectUri);
  assert.equal(status, 200);
  assert.equal(body.resource_server, "groups.api.globus.org");
  assert.equal(body.refresh_token, undefined);
  assert.deepEqual(body.other_tokens, []);
  assert.equal(body.id_token, undefined);
});

Deno.test("startFakeGlobus() rejects a wrong code_verifier", async () => {
  await using fake = await startFakeGlobus();
  const flow = await nativeFlow(fake);
  const code = await fake.loginCode(flow.url, "alice");
  const other = await pkce();
  const res = await exchange(fake, code, other.verifier, flow.redirectUri);
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.body.error, "invalid_grant");
  const missing = await postForm(`${fake.authUrl}v2/oauth2/token`, {
    client_id: TUTORIAL_CLIENT_ID,
    grant_type: "authorization_code",
    code,
    redirect_uri: flow.redirectUri,
  });
  assert.equal(missing.body.error, "invalid_grant");
});

Deno.test("startFakeGlobus() rejects a reused authorization code", async () => {
  await using fake = await startFakeGlobus();
  const flow = await nativeFlow(fake);
  const code = await fake.loginCode(flow.url, "alice");
  assert.equal((await exchange(fake, code, flow.verifier, flow.redirectUri)).status, 200);
  const again = await exchange(fake, code, flow.verifier, flow.redirectUri);
  assert.equal(again.status, 400);
  assert.equal(again.body.error, "invalid_grant");
});

Deno.test("startFakeGlobus() rejects an expired authorization code", async () => {
  let clock = 1_700_000_000_000;
  await using fake = await startFakeGlobus({ now: () => clock, codeLifetimeSeconds: 60 });
  const flow = await nativeFlow(fake);
  const code = await fake.loginCode(flow.url, "alice");
  clock += 61_000;
  const res = await exchange(fake, code, flow.verifier, flow.redirectUri);
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "invalid_grant");
  assert.match(res.body.error_description, /expired/);
});

Deno.test("startFakeGlobus() rejects an unknown client id", async () => {
  await using fake = await startFakeGlobus();
  const flow = await nativeFlow(fake);
  const bad = flow.url.replace(TUTORIAL_CLIENT_ID, "00000000-0000-0000-0000-000000000000");
  const page = await getJson(bad);
  assert.equal(page.status, 400);
  assert.equal(page.body.error, "invalid_request");
  await assert.rejects(fake.loginCode(bad, "alice"), Error);
  const code = await fake.loginCode(flow.url, "alice");
  const res = await postForm(`${fake.authUrl}v2/oauth2/token`, {
    client_id: "00000000-0000-0000-0000-000000000000",
    grant_type: "authorization_code",
    code,
    code_verifier: flow.verifier,
    redirect_uri: flow.redirectUri,
  });
  assert.equal(res.status, 401);
  assert.equal(res.body.error, "invalid_client");
});

Deno.test("startFakeGlobus() rejects a wrong client secret with 401 invalid_client", async () => {
  await using fake = await startFakeGlobus();
  const res = await postForm(
    `${fake.authUrl}v2/oauth2/token`,
    { grant_type: "client_credentials", scope: GROUPS },
    { authorization: basic(CONFIDENTIAL_CLIENT_ID, "wrong") },
  );
  assert.equal(res.status, 401);
  assert.equal(res.body.error, "invalid_client");
  const noAuth = await postForm(`${fake.authUrl}v2/oauth2/token`, {
    client_id: CONFIDENTIAL_CLIENT_ID,
    grant_type: "client_credentials",
    scope: GROUPS,
  });
  assert.equal(noAuth.status, 401);
});

Deno.test("startFakeGlobus() rejects a redirect_uri that differs from the authorize request", async () => {
  await using fake = await startFakeGlobus();
  const flow = await nativeFlow(fake);
  const elsewhere = flow.url.replace(
    encodeURIComponent(flow.redirectUri),
    encodeURIComponent("https://example.org/cb"),
  );
  assert.equal((await getJson(elsewhere)).status, 400, "native clients use the auth-code page");
  const code = await fake.loginCode(flow.url, "alice");
  const res = await exchange(fake, code, flow.verifier, "https://example.org/cb");
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "invalid_grant");
});

Deno.test("startFakeGlobus() rejects a native authorize request without code_challenge", async () => {
  await using fake = await startFakeGlobus();
  const url = authorizeUrl(fake, {
    client_id: TUTORIAL_CLIENT_ID,
    redirect_uri: `${fake.url}/v2/web/auth-code`,
    scope: GROUPS,
    state: "_default",
    response_type: "code",
    access_type: "online",
  });
  const res = await getJson(`${url}&fake_login=alice`);
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "invalid_request");
  assert.equal((await getJson(`${url}&code_challenge_method=S256`)).status, 400);
  const noScope = (await nativeFlow(fake)).url.replace(/scope=[^&]*/, "scope=");
  assert.equal((await getJson(noScope)).body.error, "invalid_scope");
});

Deno.test("startFakeGlobus() accepts only form-encoded token requests", async () => {
  await using fake = await startFakeGlobus();
  const res = await fetch(`${fake.authUrl}v2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "refresh_token", refresh_token: "x" }),
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_request");
  const none = await postForm(`${fake.authUrl}v2/oauth2/token`, { client_id: TUTORIAL_CLIENT_ID });
  assert.equal(none.body.error, "invalid_request");
  const odd = await postForm(`${fake.authUrl}v2/oauth2/token`, {
    client_id: TUTORIAL_CLIENT_ID,
    grant_type: "password",
  });
  assert.equal(odd.body.error, "unsupported_grant_type");
  assert.equal(odd.status, 400);
});

Deno.test("startFakeGlobus() refreshes tokens and rotates refresh tokens only when asked", async () => {
  await using fake = await startFakeGlobus();
  const issued = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GROUPS],
    offline: true,
  });
  const rt = issued.refresh_token ?? "";
  const refresh = (token: string) =>
    postForm(`${fake.authUrl}v2/oauth2/token`, {
      refresh_token: token,
      grant_type: "refresh_token",
      client_id: TUTORIAL_CLIENT_ID,
    });
  const first = await refresh(rt);
  assert.equal(first.status, 200);
  assert.equal(first.body.refresh_token, rt);
  assert.equal(first.body.resource_server, "groups.api.globus.org");
  assert.equal(first.body.scope, GROUPS);
  assert.notEqual(first.body.access_token, issued.access_token);
  assert.deepEqual(first.body.other_tokens, []);

  fake.setRotateRefreshTokens(true);
  const rotated = await refresh(rt);
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.body.refresh_token, rt);
  const stale = await refresh(rt);
  assert.equal(stale.status, 400);
  assert.equal(stale.body.error, "invalid_grant");
  assert.equal((await refresh(rotated.body.refresh_token)).status, 200);
});

Deno.test("startFakeGlobus() rejects a revoked refresh token", async () => {
  await using fake = await startFakeGlobus();
  const issue = () =>
    fake.issueTokens({
      username: "bob",
      clientId: TUTORIAL_CLIENT_ID,
      scopes: [GROUPS],
      offline: true,
    }).refresh_token ?? "";
  const refresh = (token: string) =>
    postForm(`${fake.authUrl}v2/oauth2/token`, {
      refresh_token: token,
      grant_type: "refresh_token",
      client_id: TUTORIAL_CLIENT_ID,
    });
  const rt = issue();
  const revoke = await postForm(`${fake.authUrl}v2/oauth2/token/revoke`, {
    token: rt,
    client_id: TUTORIAL_CLIENT_ID,
  });
  assert.equal(revoke.status, 200);
  assert.deepEqual(revoke.body, { active: false });
  assert.equal((await refresh(rt)).body.error, "invalid_grant");

  const rt2 = issue();
  fake.revokeAllRefreshTokens();
  const res = await refresh(rt2);
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "invalid_grant");
  assert.equal((await refresh("never-issued")).status, 400);
});

Deno.test("startFakeGlobus() lets a native client redirect to the loopback on any port, as Globus does", async () => {
  await using fake = await startFakeGlobus();
  const { challenge } = await pkce();
  const start = (redirectUri: string) =>
    authorizeUrl(fake, {
      client_id: TUTORIAL_CLIENT_ID,
      redirect_uri: redirectUri,
      scope: GROUPS,
      response_type: "code",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
  for (const ok of ["http://127.0.0.1:53211", "http://localhost:8080/cb", "http://[::1]:9/x"]) {
    assert.match(await fake.loginCode(start(ok), "alice"), /^\S+$/, ok);
  }
  for (
    const refused of ["http://example.org:8080", "https://127.0.0.1:5/", "https://example.org/cb"]
  ) {
    await assert.rejects(fake.loginCode(start(refused), "alice"), /redirect_uri is not allowed/);
  }
});

Deno.test("startFakeGlobus() checks the loopback redirect URI exactly at the token endpoint", async () => {
  await using fake = await startFakeGlobus();
  const { verifier, challenge } = await pkce();
  const url = authorizeUrl(fake, {
    client_id: TUTORIAL_CLIENT_ID,
    redirect_uri: "http://127.0.0.1:40001",
    scope: GROUPS,
    state: "s1",
    response_type: "code",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const code = await fake.loginCode(url, "alice");
  const wrong = await exchange(fake, code, verifier, "http://127.0.0.1:40002");
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, "invalid_grant");
});

Deno.test("FakeGlobus.playBrowser() follows the login to the loopback, or declines", async () => {
  await using fake = await startFakeGlobus();
  const hits: string[] = [];
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      hits.push(new URL(req.url).search);
      return new Response("landed", { status: 201 });
    },
  );
  const { challenge } = await pkce();
  const url = authorizeUrl(fake, {
    client_id: TUTORIAL_CLIENT_ID,
    redirect_uri: `http://127.0.0.1:${server.addr.port}`,
    scope: GROUPS,
    state: "st",
    response_type: "code",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const landing = await fake.playBrowser(url, { username: "alice" });
  assert.equal(landing.status, 201);
  assert.equal(landing.body, "landed");
  const first = new URLSearchParams(hits[0]);
  assert.equal(first.get("state"), "st");
  assert.ok(first.get("code"));

  await fake.playBrowser(url, { decline: true });
  const second = new URLSearchParams(hits[1]);
  assert.equal(second.get("error"), "access_denied");
  assert.equal(second.get("state"), "st");
  assert.equal(second.has("code"), false);
  // The login page offers the same choice to a real browser.
  const page = await (await fetch(url)).text();
  assert.match(page, /id="fake-decline" href="[^"]*fake_decline=1/);
});
