import assert from "node:assert/strict";
import {
  type Authorizer,
  BaseClient,
  GlobusHTTPResponse,
  GroupsAPIError,
  Transport,
} from "../lib/mod.ts";
import { joinUrl } from "../lib/core/base_client.ts";

/** A fetch that answers from a script of responses and records each request. */
function scriptedFetch(answers: Array<() => Response>) {
  const seen: Array<{ url: string; method: string; authorization: string | null; body: string }> =
    [];
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      method: request.method,
      authorization: request.headers.get("authorization"),
      body: await request.text(),
    });
    const next = answers.shift();
    if (next === undefined) throw new Error("no more scripted answers");
    return next();
  };
  return { fetchFn, seen };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** An authorizer that hands out T0, T1, … and renews after every 401. */
function countingAuthorizer() {
  let n = 0;
  const calls = { renewals: 0 };
  const authorizer: Authorizer = {
    getAuthorizationHeader: () => Promise.resolve(`Bearer T${n}`),
    handleMissingAuthorization: () => {
      n++;
      calls.renewals++;
      return Promise.resolve(true);
    },
  };
  return { authorizer, calls };
}

function client(fetchFn: typeof fetch, authorizer?: Authorizer) {
  const transport = new Transport({
    fetch: fetchFn,
    sleep: () => Promise.resolve(),
    random: () => 0,
  });
  return new BaseClient("groups", GroupsAPIError, {
    baseUrl: "https://groups.example/",
    transport,
    ...(authorizer ? { authorizer } : {}),
  });
}

Deno.test("BaseClient.request() renews once after a 401 and retries with the new token", async () => {
  const { fetchFn, seen } = scriptedFetch([
    () => json(401, { code: "AuthenticationFailed", message: "Token is not active" }),
    () => json(200, []),
  ]);
  const { authorizer, calls } = countingAuthorizer();
  const response = await client(fetchFn, authorizer).request("GET", "/v2/groups/my_groups");
  assert.ok(response instanceof GlobusHTTPResponse);
  assert.deepEqual(response.data, []);
  assert.deepEqual(seen.map((s) => s.authorization), ["Bearer T0", "Bearer T1"]);
  assert.equal(calls.renewals, 1);
});

Deno.test("BaseClient.request() raises the service error after two 401s in a row", async () => {
  const body = { code: "AuthenticationFailed", message: "Token is not active", "request_id": "r1" };
  const { fetchFn, seen } = scriptedFetch([() => json(401, body), () => json(401, body)]);
  const { authorizer, calls } = countingAuthorizer();
  await assert.rejects(
    () => client(fetchFn, authorizer).request("GET", "/v2/groups/my_groups"),
    (e: unknown) =>
      e instanceof GroupsAPIError && e.httpStatus === 401 && e.code === "AuthenticationFailed" &&
      e.message ===
        "GET https://groups.example/v2/groups/my_groups 401 AuthenticationFailed: Token is not active (request_id=r1)",
  );
  assert.equal(seen.length, 2);
  assert.equal(calls.renewals, 1);
});

Deno.test("BaseClient.request() does not renew when the 401 carries authorization_parameters", async () => {
  const { fetchFn, seen } = scriptedFetch([
    () =>
      json(401, {
        code: "AuthorizationRequired",
        message: "MFA",
        authorization_parameters: { session_required_mfa: true },
      }),
  ]);
  const { authorizer, calls } = countingAuthorizer();
  await assert.rejects(
    () => client(fetchFn, authorizer).request("GET", "/v2/groups/x"),
    (e: unknown) => e instanceof GroupsAPIError && e.authorizationParameters !== undefined,
  );
  assert.equal(seen.length, 1);
  assert.equal(calls.renewals, 0);
});

Deno.test("BaseClient.request() still renews after a 500 then a 401 (Python's W13)", async () => {
  const { fetchFn, seen } = scriptedFetch([
    () => json(500, {}),
    () => json(401, {}),
    () => json(200, { ok: true }),
  ]);
  const { authorizer, calls } = countingAuthorizer();
  const response = await client(fetchFn, authorizer).request("GET", "/v2/groups/x");
  assert.deepEqual(response.data, { ok: true });
  assert.deepEqual(seen.map((s) => s.authorization), ["Bearer T0", "Bearer T0", "Bearer T1"]);
  assert.equal(calls.renewals, 1);
});

Deno.test("BaseClient.request() sends forms in order, JSON with its type, and queries quote-plus encoded", async () => {
  const { fetchFn, seen } = scriptedFetch([() => json(200, {}), () => json(200, {})]);
  const c = client(fetchFn);
  await c.request("POST", "/v2/oauth2/token", {
    form: [["b", "2"], ["a", "x y"], ["skip", undefined]],
    query: { statuses: "active,invited", none: undefined },
  });
  await c.request("PUT", "/v2/preferences", { json: { allow_add: false } });
  assert.equal(seen[0]!.url, "https://groups.example/v2/oauth2/token?statuses=active%2Cinvited");
  assert.equal(seen[0]!.body, "b=2&a=x+y");
  assert.equal(seen[1]!.body, '{"allow_add":false}');
});

Deno.test("joinUrl() joins with one slash, encodes segments and keeps absolute URLs", () => {
  assert.equal(joinUrl("https://h/", "/v2/groups/a b/ü?x"), "https://h/v2/groups/a%20b/%C3%BC%3Fx");
  assert.equal(joinUrl("https://h", "v2/x"), "https://h/v2/x");
  assert.equal(joinUrl("https://h/", "https://other/jwk.json"), "https://other/jwk.json");
});
