import { GroupsScopes } from "../../lib/scopes/scopes.ts";
import { parsePort } from "../../lib/testing/cli.ts";
import { startFakeGlobus, TUTORIAL_CLIENT_ID } from "../../lib/testing/mod.ts";
import assert from "node:assert/strict";
import { getJson, postForm } from "./_helpers.ts";

Deno.test("startFakeGlobus() binds 127.0.0.1 and reports its URLs", async () => {
  const fake = await startFakeGlobus();
  try {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(fake.authUrl, `${fake.url}/`);
    assert.equal(fake.groupsUrl, `${fake.url}/`);
    assert.deepEqual(fake.env, {
      GLOBUS_SDK_SERVICE_URL_AUTH: `${fake.url}/`,
      GLOBUS_SDK_SERVICE_URL_GROUPS: `${fake.url}/`,
    });
    const unknown = await getJson(`${fake.url}/v2/nothing`);
    assert.equal(unknown.status, 404);
    const wrongMethod = await getJson(`${fake.url}/v2/oauth2/token`);
    assert.equal(wrongMethod.status, 405);
  } finally {
    await fake.close();
  }
  await fake.close(); // closing twice is harmless
  await assert.rejects(fetch(`${fake.url}/jwk.json`), TypeError);
});

Deno.test("startFakeGlobus() logs every request with grant type and client", async () => {
  await using fake = await startFakeGlobus();
  const rt = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GroupsScopes.all],
    offline: true,
  }).refresh_token ?? "";
  await postForm(`${fake.authUrl}v2/oauth2/token`, {
    refresh_token: rt,
    grant_type: "refresh_token",
    client_id: TUTORIAL_CLIENT_ID,
  });
  await getJson(`${fake.groupsUrl}v2/groups/my_groups?statuses=active`);
  assert.deepEqual(fake.requests, [
    {
      method: "POST",
      path: "/v2/oauth2/token",
      grantType: "refresh_token",
      status: 200,
      clientId: TUTORIAL_CLIENT_ID,
    },
    { method: "GET", path: "/v2/groups/my_groups", status: 401 },
  ]);
  fake.clearLog();
  assert.deepEqual(fake.requests, []);
});

Deno.test("startFakeGlobus() answers a fault status N times with Retry-After", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/v2/oauth2/token", status: 429, retryAfter: "2", times: 2 });
  const call = () =>
    postForm(`${fake.authUrl}v2/oauth2/token`, {
      grant_type: "refresh_token",
      refresh_token: "x",
      client_id: TUTORIAL_CLIENT_ID,
    });
  for (let i = 0; i < 2; i++) {
    const res = await call();
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "2");
    assert.equal(res.body.code, "FakeFault");
  }
  assert.equal((await call()).status, 400, "the third call reaches the real endpoint");
  assert.deepEqual(fake.requests.map((r) => [r.status, r.grantType, r.faulted ?? false]), [
    [429, "refresh_token", true],
    [429, "refresh_token", true],
    [400, "refresh_token", false],
  ]);
});

Deno.test("startFakeGlobus() matches faults by method and clears them", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/jwk.json", method: "post", status: 500, times: Infinity });
  assert.equal((await getJson(`${fake.url}/jwk.json`)).status, 200);
  fake.addFault({ pathPrefix: "/jwk", status: 503 });
  assert.equal((await getJson(`${fake.url}/jwk.json`)).status, 503);
  fake.addFault({ pathPrefix: "/", status: 502, times: 5 });
  fake.clearFaults();
  assert.equal((await getJson(`${fake.url}/jwk.json`)).status, 200);
});

Deno.test("startFakeGlobus() delays answers by delayMs", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/.well-known/", delayMs: 150 });
  const started = performance.now();
  const res = await getJson(`${fake.url}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  assert.ok(performance.now() - started >= 140, "the answer waited");
});

Deno.test("startFakeGlobus() drops the connection so fetch rejects with a TypeError", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/v2/groups/", dropConnection: true });
  await assert.rejects(fetch(`${fake.groupsUrl}v2/groups/my_groups`), TypeError);
  assert.equal((await getJson(`${fake.groupsUrl}v2/groups/my_groups`)).status, 401);
  assert.deepEqual(fake.requests.map((r) => r.status), [0, 401]);
});

Deno.test("startFakeGlobus() answers not-JSON bodies on request", async () => {
  await using fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/v2/groups/", notJson: true });
  fake.addFault({ pathPrefix: "/v2/groups/", notJson: true, status: 502 });
  const ok = await fetch(`${fake.groupsUrl}v2/groups/my_groups`);
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get("content-type") ?? "", /^text\/html/);
  await assert.rejects(ok.json(), SyntaxError);
  const bad = await fetch(`${fake.groupsUrl}v2/groups/my_groups`);
  assert.equal(bad.status, 502);
  assert.match(await bad.text(), /<html>/);
});

Deno.test("startFakeGlobus() closes while a delayed request is in flight", async () => {
  const fake = await startFakeGlobus();
  fake.addFault({ pathPrefix: "/", delayMs: 60_000 });
  const pending = fetch(`${fake.url}/jwk.json`).then((r) => r.body?.cancel(), (e) => e);
  await new Promise((r) => setTimeout(r, 50));
  await fake.close();
  assert.ok((await pending) instanceof TypeError, "the client sees a dropped connection");
});

Deno.test("fake-globus cli parses --port", () => {
  assert.equal(parsePort([]), 0);
  assert.equal(parsePort(["--port", "8765"]), 8765);
  assert.equal(parsePort(["--port=9000"]), 9000);
  let threw = false;
  try {
    parsePort(["--port", "http"]);
  } catch {
    threw = true;
  }
  assert.ok(threw);
});
