import assert from "node:assert/strict";
import {
  GlobusSDKUsageError,
  NativeAppAuthClient,
  OAuthAuthorizationCodeResponse,
  OAuthTokenResponse,
  UnexpectedResponseError,
} from "../lib/mod.ts";

const GROUPS = "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";

function body(extra: Record<string, unknown> = {}) {
  return {
    access_token: "AT-groups",
    expires_in: 172800,
    resource_server: "groups.api.globus.org",
    scope: GROUPS,
    token_type: "Bearer",
    refresh_token: "RT-groups",
    state: "_default",
    other_tokens: [{
      access_token: "AT-auth",
      expires_in: 10.9,
      resource_server: "auth.globus.org",
      scope: "openid email",
      token_type: "Bearer",
    }],
    ...extra,
  };
}

Deno.test("OAuthTokenResponse.byResourceServer has one entry per server with Python's fields and expiry", () => {
  const r = new OAuthTokenResponse(body(), { receivedAt: 1_000_000_500 });
  assert.deepEqual(r.byResourceServer["groups.api.globus.org"], {
    scope: GROUPS,
    access_token: "AT-groups",
    refresh_token: "RT-groups",
    token_type: "Bearer",
    expires_at_seconds: 1_000_000 + 172800,
    resource_server: "groups.api.globus.org",
  });
  // now + expires_in, truncated toward zero (Python: int(time.time() + expires_in)).
  assert.equal(r.byResourceServer["auth.globus.org"]!.expires_at_seconds, 1_000_000 + 11);
  assert.equal(r.byResourceServer["auth.globus.org"]!.refresh_token, null);
  assert.deepEqual(Object.keys(r.byResourceServer), ["groups.api.globus.org", "auth.globus.org"]);
});

Deno.test("OAuthTokenResponse takes a missing other_tokens as none and a missing expires_in as expired", () => {
  const { other_tokens: _, expires_in: __, ...rest } = body();
  const r = new OAuthTokenResponse(rest, { receivedAt: 5_000 });
  assert.deepEqual(Object.keys(r.byResourceServer), ["groups.api.globus.org"]);
  assert.equal(r.byResourceServer["groups.api.globus.org"]!.expires_at_seconds, 5);
});

Deno.test("OAuthTokenResponse keeps the first entry of a resource server that appears twice", () => {
  const r = new OAuthTokenResponse(
    body({
      other_tokens: [{
        access_token: "LATER",
        resource_server: "groups.api.globus.org",
        scope: "x",
      }],
    }),
  );
  assert.equal(r.byResourceServer["groups.api.globus.org"]!.access_token, "AT-groups");
});

Deno.test("OAuthTokenResponse.byScopes finds the one token for a set of scopes, with Python's errors", () => {
  const r = new OAuthTokenResponse(body());
  assert.equal(r.byScopes.get("openid").access_token, "AT-auth");
  assert.equal(r.byScopes.get("email openid").access_token, "AT-auth");
  assert.throws(() => r.byScopes.get("nope"), /contains scope "nope" which was not found/);
  assert.throws(() => r.byScopes.get(`openid ${GROUPS}`), /did not match exactly one token/);
  assert.equal(r.byScopes.has("openid"), true);
  assert.equal(r.byScopes.has("nope"), false);
  assert.deepEqual([...r.byScopes].sort(), ["email", "openid", GROUPS].sort());
});

Deno.test("OAuthTokenResponse refuses a body without the required fields", () => {
  assert.throws(() => new OAuthTokenResponse([]), UnexpectedResponseError);
  assert.throws(() => new OAuthTokenResponse({ scope: "s", resource_server: "r" }), /access_token/);
});

Deno.test("decodeIdToken() is a usage error without an id_token or an Auth client", async () => {
  await assert.rejects(() => new OAuthTokenResponse(body()).decodeIdToken(), GlobusSDKUsageError);
  await assert.rejects(
    () => new OAuthTokenResponse(body({ id_token: "a.b.c" })).decodeIdToken(),
    /not made by an Auth client/,
  );
});

Deno.test("printing a token response shows servers and scopes, never a token", () => {
  const r = new OAuthAuthorizationCodeResponse(body({ id_token: "ID-TOKEN-SECRET" }));
  for (const shown of [String(r), Deno.inspect(r), Deno.inspect({ nested: [r] })]) {
    assert.match(shown, /OAuthAuthorizationCodeResponse/);
    assert.match(shown, /groups\.api\.globus\.org/);
    for (const secret of ["AT-groups", "RT-groups", "AT-auth", "ID-TOKEN-SECRET"]) {
      assert.ok(!shown.includes(secret), `${secret} shown in ${shown}`);
    }
  }
});

Deno.test("OAuthTokenResponse refuses numbers it cannot use where they enter, naming the request", () => {
  const request = { method: "POST", url: "https://auth.globus.org/v2/oauth2/token" };
  for (
    const expiresIn of [1e20, -1, "3600", JSON.parse("1e400"), null, true, 100 * 365 * 86_400 + 1]
  ) {
    assert.throws(
      () => new OAuthTokenResponse(body({ expires_in: expiresIn }), { request }),
      (e: unknown) =>
        e instanceof UnexpectedResponseError &&
        e.message.startsWith(
          "POST https://auth.globus.org/v2/oauth2/token: unexpected answer from Globus: token response: 'expires_in' must be a number of seconds",
        ),
      String(expiresIn),
    );
  }
  // A real lifetime, fractional or zero, is taken.
  assert.equal(
    new OAuthTokenResponse(body({ expires_in: 0 }), { receivedAt: 7_000 })
      .byResourceServer["groups.api.globus.org"]!.expires_at_seconds,
    7,
  );
  assert.throws(
    () => new OAuthTokenResponse(body({ refresh_token: 5 })),
    /'refresh_token' must be a string/,
  );
  assert.throws(
    () => new OAuthTokenResponse(body({ access_token: "" })),
    /'access_token' must be a non-empty string \(it is empty\)/,
  );
});

Deno.test("OAuthTokenResponse takes an empty refresh_token as none", () => {
  const r = new OAuthTokenResponse(body({ refresh_token: "" }));
  assert.equal(r.byResourceServer["groups.api.globus.org"]!.refresh_token, null);
});

Deno.test("an Auth client counts expiry from the moment the request was sent, not the answer", async () => {
  let now = 1_000_000_000;
  const answer = body({ "expires_in": 3600 });
  const client = new NativeAppAuthClient("client-1", {
    now: () => now,
    transport: {
      fetch: () => {
        now += 100_000; // the answer takes 100 s to arrive
        return Promise.resolve(
          new Response(JSON.stringify(answer), { headers: { "content-type": "application/json" } }),
        );
      },
    },
  });
  const r = await client.oauth2RefreshToken("RT");
  assert.equal(r.byResourceServer["groups.api.globus.org"]!.expires_at_seconds, 1_000_000 + 3600);
});

Deno.test("OAuthTokenResponse refuses a token no Authorization header can carry, without showing it", () => {
  for (
    const extra of [
      { access_token: "AT\u001b[2J\nX" },
      { access_token: "A T" },
      { refresh_token: "RT\u0007" },
      { access_token: "AT-ü" },
    ]
  ) {
    assert.throws(() => new OAuthTokenResponse(body(extra)), (e: unknown) => {
      assert.ok(e instanceof UnexpectedResponseError);
      assert.match(e.message, /holds characters no token has/);
      assert.doesNotMatch(e.message, /AT|RT/, "the value itself is never in the message");
      return true;
    });
  }
});

Deno.test("OAuthTokenResponse refuses other_tokens that is not a list; null or absent is none", () => {
  for (const otherTokens of ["x", { access_token: "A" }, 3]) {
    assert.throws(
      () => new OAuthTokenResponse(body({ "other_tokens": otherTokens })),
      /'other_tokens' must be a list/,
    );
  }
  assert.deepEqual(
    Object.keys(new OAuthTokenResponse(body({ other_tokens: null })).byResourceServer),
    ["groups.api.globus.org"],
  );
});
