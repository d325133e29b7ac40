/**
 * Unit tests of lib/auth/flow_managers.ts: authorize URLs byte for byte as the
 * Python SDK builds them (reference §2.3, §2.4), defaults, and the
 * code-exchange forms (§2.5, §2.6).
 */

import assert from "node:assert/strict";
import { GlobusSDKUsageError } from "../lib/core/errors.ts";
import { AuthorizationCodeFlowManager, NativeAppFlowManager } from "../lib/auth/flow_managers.ts";
import { s256Challenge } from "../lib/auth/_pkce.ts";
import { TUTORIAL_CLIENT_ID } from "../lib/testing/mod.ts";

const CLIENT_ID = TUTORIAL_CLIENT_ID;
const AUTH = "https://auth.globus.org/";
const GROUPS_SCOPE = "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";
const A43 = "a".repeat(43);
const A43_CHALLENGE = "ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA";

// ---- native app (PKCE) -----------------------------------------------------------------------

Deno.test("NativeAppFlowManager.getAuthorizeUrl() gives the tutorial's default production URL byte for byte", async () => {
  const flow = new NativeAppFlowManager({
    clientId: CLIENT_ID,
    authBaseUrl: AUTH,
    requestedScopes: GROUPS_SCOPE,
    verifier: A43,
  });
  assert.equal(
    await flow.getAuthorizeUrl(),
    "https://auth.globus.org/v2/oauth2/authorize?client_id=61338d24-54d5-408f-a10d-66c06b59f6d2" +
      "&redirect_uri=https%3A%2F%2Fauth.globus.org%2Fv2%2Fweb%2Fauth-code" +
      "&scope=urn%3Aglobus%3Aauth%3Ascope%3Agroups.api.globus.org%3Aview_my_groups_and_memberships" +
      `&state=_default&response_type=code&code_challenge=${A43_CHALLENGE}` +
      "&code_challenge_method=S256&access_type=online",
  );
});

Deno.test("NativeAppFlowManager.getAuthorizeUrl() with every option set reproduces the reference URL byte for byte", async () => {
  const flow = new NativeAppFlowManager({
    clientId: CLIENT_ID,
    authBaseUrl: AUTH,
    requestedScopes: "openid urn:globus:auth:scope:groups.api.globus.org:all",
    refreshTokens: true,
    prefillNamedGrant: "my laptop",
    verifier: A43,
    redirectUri: "https://example.org/cb",
    state: "xyz",
  });
  const url = await flow.getAuthorizeUrl({
    sessionRequiredIdentities: ["00000000-0000-0000-0000-000000000001", "abc"],
    sessionRequiredSingleDomain: "globus.org",
    sessionRequiredPolicies: ["p1", "p2"],
    sessionRequiredMfa: true,
    sessionMessage: "hi there & you",
    prompt: "login",
    queryParams: { extra: "1", state: "override" },
  });
  assert.equal(
    url,
    "https://auth.globus.org/v2/oauth2/authorize?client_id=61338d24-54d5-408f-a10d-66c06b59f6d2" +
      "&redirect_uri=https%3A%2F%2Fexample.org%2Fcb" +
      "&scope=openid+urn%3Aglobus%3Aauth%3Ascope%3Agroups.api.globus.org%3Aall" +
      "&state=override&response_type=code" +
      "&code_challenge=ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA&code_challenge_method=S256" +
      "&access_type=offline&prefill_named_grant=my+laptop" +
      "&session_required_identities=00000000-0000-0000-0000-000000000001%2Cabc" +
      "&session_required_single_domain=globus.org&session_required_policies=p1%2Cp2" +
      "&session_required_mfa=True&session_message=hi+there+%26+you&prompt=login&extra=1",
  );
});

Deno.test("NativeAppFlowManager defaults the redirect URI to <auth base>/v2/web/auth-code, also for '' and a local base", () => {
  const base = { clientId: CLIENT_ID, requestedScopes: "openid", verifier: A43 };
  assert.equal(
    new NativeAppFlowManager({ ...base, authBaseUrl: "https://auth.sandbox.globuscs.info/" })
      .redirectUri,
    "https://auth.sandbox.globuscs.info/v2/web/auth-code",
  );
  assert.equal(
    new NativeAppFlowManager({ ...base, authBaseUrl: "http://127.0.0.1:18765", redirectUri: "" })
      .redirectUri,
    "http://127.0.0.1:18765/v2/web/auth-code",
  );
  assert.equal(
    new NativeAppFlowManager({ ...base, authBaseUrl: AUTH, redirectUri: "https://example.org/cb" })
      .redirectUri,
    "https://example.org/cb",
  );
});

Deno.test("NativeAppFlowManager.getAuthorizeUrl() follows a local auth base URL without a trailing slash", async () => {
  const flow = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: "http://127.0.0.1:18765",
    requestedScopes: "openid",
    verifier: A43,
  });
  assert.equal(
    await flow.getAuthorizeUrl(),
    "http://127.0.0.1:18765/v2/oauth2/authorize?client_id=cid" +
      "&redirect_uri=http%3A%2F%2F127.0.0.1%3A18765%2Fv2%2Fweb%2Fauth-code&scope=openid" +
      `&state=_default&response_type=code&code_challenge=${A43_CHALLENGE}` +
      "&code_challenge_method=S256&access_type=online",
  );
});

Deno.test("NativeAppFlowManager sends an empty state as 'state=' and keeps the defaults on its fields", () => {
  const flow = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
    verifier: A43,
    state: "",
  });
  assert.equal(flow.state, "");
  assert.equal(flow.refreshTokens, false);
  assert.equal(flow.prefillNamedGrant, undefined);
  assert.equal(flow.verifier, A43);
  assert.equal(flow.clientId, "cid");
  assert.equal(flow.authBaseUrl, AUTH);
  const defaults = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
  });
  assert.equal(defaults.state, "_default");
});

Deno.test("NativeAppFlowManager.getAuthorizeUrl() with state '' has 'state=&' in the URL", async () => {
  const flow = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
    verifier: A43,
    state: "",
  });
  assert.ok((await flow.getAuthorizeUrl()).includes("&scope=openid&state=&response_type=code&"));
});

Deno.test("NativeAppFlowManager generates a fresh 43-character verifier and puts its S256 challenge in the URL", async () => {
  const one = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
  });
  const two = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
  });
  assert.match(one.verifier, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(one.verifier, two.verifier);
  const url = new URL(await one.getAuthorizeUrl());
  assert.equal(url.searchParams.get("code_challenge"), await s256Challenge(one.verifier));
  assert.ok(!url.href.includes(one.verifier), "the verifier itself never goes into the URL");
});

Deno.test("new NativeAppFlowManager() refuses an invalid verifier with the Python messages", () => {
  const base = { clientId: "cid", authBaseUrl: AUTH, requestedScopes: "openid" };
  assert.throws(() => new NativeAppFlowManager({ ...base, verifier: "short" }), {
    name: "GlobusSDKUsageError",
    message: "verifier must be 43-128 characters long: 5",
  });
  assert.throws(
    () => new NativeAppFlowManager({ ...base, verifier: "a".repeat(42) + "!" }),
    (e: unknown) =>
      e instanceof GlobusSDKUsageError && e.message === "verifier contained invalid characters",
  );
});

Deno.test("getAuthorizeUrl() renders sessionRequiredMfa false as 'False' and a single identity as-is", async () => {
  const flow = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
    verifier: A43,
  });
  const url = await flow.getAuthorizeUrl({
    sessionRequiredMfa: false,
    sessionRequiredIdentities: "00000000-0000-0000-0000-000000000001",
  });
  assert.ok(
    url.endsWith(
      "&access_type=online&session_required_identities=00000000-0000-0000-0000-000000000001" +
        "&session_required_mfa=False",
    ),
    url,
  );
});

Deno.test("getAuthorizeUrl() encodes '*' as %2A and keeps '~' in scopes and values, as Python's quote_plus", async () => {
  const flow = new AuthorizationCodeFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes:
      "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/x/data_access]",
    redirectUri: "https://example.org/~me/cb",
  });
  assert.equal(
    await flow.getAuthorizeUrl(),
    "https://auth.globus.org/v2/oauth2/authorize?client_id=cid" +
      "&redirect_uri=https%3A%2F%2Fexample.org%2F~me%2Fcb" +
      "&scope=urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall%5B%2Ahttps%3A%2F%2Fauth.globus.org%2Fscopes%2Fx%2Fdata_access%5D" +
      "&state=_default&response_type=code&access_type=online",
  );
});

Deno.test("getAuthorizeUrl() puts a queryParams key that names a session option where that option sits, as Python's dict", async () => {
  const flow = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
    verifier: A43,
  });
  const url = await flow.getAuthorizeUrl({
    sessionMessage: "hello",
    queryParams: { extra: "1", prompt: "login", session_required_mfa: "True" },
  });
  assert.ok(
    url.endsWith(
      "&access_type=online&session_required_mfa=True&session_message=hello&prompt=login&extra=1",
    ),
    url,
  );
});

Deno.test("getAuthorizeUrl() lets queryParams replace the flow's own keys in place and append new ones in order", async () => {
  const flow = new AuthorizationCodeFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
    redirectUri: "https://example.org/cb",
  });
  assert.equal(
    await flow.getAuthorizeUrl({ queryParams: { z: "last", client_id: "other", a: "b c" } }),
    "https://auth.globus.org/v2/oauth2/authorize?client_id=other" +
      "&redirect_uri=https%3A%2F%2Fexample.org%2Fcb&scope=openid&state=_default" +
      "&response_type=code&access_type=online&z=last&a=b+c",
  );
});

Deno.test("getAuthorizeUrl() puts a queryParams prefill_named_grant at its native position when none was configured", async () => {
  const flow = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
    verifier: A43,
  });
  const url = await flow.getAuthorizeUrl({
    prompt: "login",
    queryParams: { prefill_named_grant: "box" },
  });
  assert.ok(url.endsWith("&access_type=online&prefill_named_grant=box&prompt=login"), url);
});

Deno.test("getAuthorizeUrl() returns the same URL every time for the same flow", async () => {
  const flow = new NativeAppFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
  });
  assert.equal(await flow.getAuthorizeUrl(), await flow.getAuthorizeUrl());
});

Deno.test("NativeAppFlowManager.exchangeForm() is client_id, grant_type, code, code_verifier, redirect_uri in that order", () => {
  const flow = new NativeAppFlowManager({
    clientId: CLIENT_ID,
    authBaseUrl: AUTH,
    requestedScopes: GROUPS_SCOPE,
    verifier: A43,
  });
  assert.deepEqual(flow.exchangeForm("the-code"), [
    ["client_id", CLIENT_ID],
    ["grant_type", "authorization_code"],
    ["code", "the-code"],
    ["code_verifier", A43],
    ["redirect_uri", "https://auth.globus.org/v2/web/auth-code"],
  ]);
});

// ---- confidential (authorization code) -------------------------------------------------------------

Deno.test("AuthorizationCodeFlowManager.getAuthorizeUrl() gives the reference confidential URL (openid email)", async () => {
  const flow = new AuthorizationCodeFlowManager({
    clientId: CLIENT_ID,
    authBaseUrl: AUTH,
    requestedScopes: "openid email",
    redirectUri: "https://example.org/cb",
  });
  assert.equal(
    await flow.getAuthorizeUrl(),
    "https://auth.globus.org/v2/oauth2/authorize?client_id=61338d24-54d5-408f-a10d-66c06b59f6d2" +
      "&redirect_uri=https%3A%2F%2Fexample.org%2Fcb&scope=openid+email&state=_default" +
      "&response_type=code&access_type=online",
  );
});

Deno.test("AuthorizationCodeFlowManager with refreshTokens and session options: access_type=offline, then the session keys", async () => {
  const flow = new AuthorizationCodeFlowManager({
    clientId: "cid",
    authBaseUrl: "https://auth.sandbox.globuscs.info/",
    requestedScopes: "openid",
    redirectUri: "https://example.org/cb",
    state: "s1",
    refreshTokens: true,
  });
  assert.equal(flow.refreshTokens, true);
  assert.equal(
    await flow.getAuthorizeUrl({ sessionRequiredPolicies: "p1", prompt: "login" }),
    "https://auth.sandbox.globuscs.info/v2/oauth2/authorize?client_id=cid" +
      "&redirect_uri=https%3A%2F%2Fexample.org%2Fcb&scope=openid&state=s1&response_type=code" +
      "&access_type=offline&session_required_policies=p1&prompt=login",
  );
});

Deno.test("AuthorizationCodeFlowManager.exchangeForm() is grant_type, code, redirect_uri, with no client_id", () => {
  const flow = new AuthorizationCodeFlowManager({
    clientId: "cid",
    authBaseUrl: AUTH,
    requestedScopes: "openid",
    redirectUri: "https://example.org/cb",
  });
  assert.deepEqual(flow.exchangeForm("c0de"), [
    ["grant_type", "authorization_code"],
    ["code", "c0de"],
    ["redirect_uri", "https://example.org/cb"],
  ]);
});

Deno.test("getAuthorizeUrl() of both flows rejects (never throws) when a value cannot be encoded", async () => {
  // A lone surrogate has no UTF-8 form: Python's quote_plus raises too.
  const options = { sessionMessage: "broken \uD800" };
  const flows = [
    new NativeAppFlowManager({ clientId: "cid", authBaseUrl: AUTH, requestedScopes: "openid" }),
    new AuthorizationCodeFlowManager({
      clientId: "cid",
      authBaseUrl: AUTH,
      requestedScopes: "openid",
      redirectUri: "https://example.org/cb",
    }),
  ];
  for (const flow of flows) {
    const error = await flow.getAuthorizeUrl(options).then(() => undefined).catch((e) => e);
    assert.ok(error instanceof URIError, `${flow.constructor.name}: ${error}`);
  }
});

Deno.test("new flow managers take the scopes as a string or a list and refuse empty ones", () => {
  const base = { clientId: "cid", authBaseUrl: AUTH, redirectUri: "https://example.org/cb" };
  assert.equal(
    new AuthorizationCodeFlowManager({ ...base, requestedScopes: ["openid", "email"] })
      .requestedScopes,
    "openid email",
  );
  for (const requestedScopes of ["", " ", []]) {
    assert.throws(
      () => new NativeAppFlowManager({ ...base, requestedScopes }),
      GlobusSDKUsageError,
    );
    assert.throws(
      () => new AuthorizationCodeFlowManager({ ...base, requestedScopes }),
      GlobusSDKUsageError,
    );
  }
});
