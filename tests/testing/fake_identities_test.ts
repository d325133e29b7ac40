/**
 * The fake Auth API under /v2/api/ (identities, identity providers,
 * consents), driven with plain fetch: what it answers and what it refuses.
 */

import assert from "node:assert/strict";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  FAKE_COLLECTION_ID,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../../lib/testing/mod.ts";
import { basic, getJson } from "./_helpers.ts";

const VIEW_IDENTITIES = "urn:globus:auth:scope:auth.globus.org:view_identities";
const TRANSFER = "urn:globus:auth:scope:transfer.api.globus.org:all";

Deno.test("fake /v2/api/identities refuses what Globus refuses", async () => {
  await using fake = await startFakeGlobus();
  const token = (scopes: string[]) =>
    `Bearer ${
      fake.issueTokens({ username: "alice", clientId: TUTORIAL_CLIENT_ID, scopes }).access_token
    }`;
  const good = { authorization: token([VIEW_IDENTITIES]) };
  const at = (query: string) => `${fake.authUrl}v2/api/identities?${query}`;
  const many = Array.from({ length: 101 }, (_, i) => `u${i}@globusid.org`).join(",");
  const cases: [string, Record<string, string>, number][] = [
    ["usernames=bob@globusid.org", {}, 401],
    ["usernames=bob@globusid.org", { authorization: token(["openid"]) }, 403],
    [
      "usernames=bob@globusid.org",
      { authorization: token(["urn:globus:auth:scope:groups.api.globus.org:all"]) },
      403,
    ],
    ["usernames=bob@globusid.org", { authorization: basic(CONFIDENTIAL_CLIENT_ID, "wrong") }, 401],
    [`usernames=bob@globusid.org&ids=${DEFAULT_IDS.bob}`, good, 400],
    ["", good, 400],
    [`usernames=${many}`, good, 400],
    ["ids=not-a-uuid", good, 400],
    ["usernames=bob@globusid.org&provision=maybe", good, 400],
  ];
  for (const [query, headers, status] of cases) {
    const answer = await getJson(at(query), headers);
    assert.equal(answer.status, status, query);
    assert.equal(typeof answer.body.errors[0].id, "string", "Auth's error shape");
  }
  const ok = await getJson(at(`ids=${DEFAULT_IDS.bob},${DEFAULT_IDS.bob.toUpperCase()}`), good);
  assert.deepEqual(ok.body.identities.map((i: { username: string }) => i.username), [
    "bob@globusid.org",
  ]);
  const byClient = await getJson(at(`ids=${CONFIDENTIAL_CLIENT_ID}`), {
    authorization: basic(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET),
  });
  assert.equal(
    byClient.body.identities[0].username,
    `${CONFIDENTIAL_CLIENT_ID}@clients.auth.globus.org`,
  );
  const post = await fetch(at("ids="), { method: "POST", headers: good });
  await post.body?.cancel();
  assert.equal(post.status, 405);
});

Deno.test("fake consents: a login's dependent scope becomes a tree; refusals", async () => {
  await using fake = await startFakeGlobus();
  const dataAccess = `https://auth.globus.org/scopes/${FAKE_COLLECTION_ID}/data_access`;
  const issued = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: ["openid", `${TRANSFER}[${dataAccess} *${dataAccess.replace("c001", "c002")}]`],
  });
  const auth = { authorization: `Bearer ${issued.access_token}` };
  const at = (id: string, query = "") => `${fake.authUrl}v2/api/identities/${id}/consents${query}`;
  const answer = await getJson(at(DEFAULT_IDS.alice), auth);
  assert.equal(answer.status, 200);
  const byName = new Map(
    answer.body.consents.map((c: { scope_name: string }) => [c.scope_name, c]),
  ) as Map<string, { id: number; dependency_path: number[]; atomically_revocable: boolean }>;
  const root = byName.get(TRANSFER)!;
  assert.deepEqual(root.dependency_path, [root.id]);
  assert.deepEqual(byName.get(dataAccess)!.dependency_path, [root.id, byName.get(dataAccess)!.id]);
  assert.equal(byName.get(dataAccess)!.atomically_revocable, false);
  assert.equal(byName.get(dataAccess.replace("c001", "c002"))!.atomically_revocable, true);
  assert.ok(byName.has("openid"));
  // The same login again adds nothing: consents are recorded once.
  fake.issueTokens({ username: "alice", clientId: TUTORIAL_CLIENT_ID, scopes: [TRANSFER] });
  assert.equal((await getJson(at(DEFAULT_IDS.alice), auth)).body.consents.length, byName.size);

  assert.equal((await getJson(at("not-a-uuid"), auth)).status, 400);
  assert.equal((await getJson(at(encodeURIComponent("../identities")), auth)).status, 400);
  assert.equal((await getJson(at(DEFAULT_IDS.bob), auth)).status, 403);
  assert.equal((await getJson(at(DEFAULT_IDS.alice, "?all=true"), auth)).status, 403);
  assert.equal((await getJson(at(DEFAULT_IDS.alice, "?all=maybe"), auth)).status, 400);
  const client = { authorization: basic(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET) };
  assert.equal((await getJson(at(DEFAULT_IDS.alice), client)).status, 403);
});

Deno.test("fake /v2/api/identity_providers by domain and id; unknown ones absent", async () => {
  await using fake = await startFakeGlobus();
  const token = fake.issueTokens({
    username: "bob",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: ["openid"],
  });
  const auth = { authorization: `Bearer ${token.access_token}` };
  const url = (q: string) => `${fake.authUrl}v2/api/identity_providers?${q}`;
  const byDomain = await getJson(url("domains=GlobusID.org,nowhere.example"), auth);
  assert.deepEqual(byDomain.body.identity_providers.map((p: { name: string }) => p.name), [
    "Globus ID",
  ]);
  assert.equal(byDomain.body.identity_providers[0].organization, undefined, "not a wire field");
  assert.equal((await getJson(url("domains=a&ids=b"), auth)).status, 400);
  assert.equal((await getJson(url("ids=x"), auth)).status, 400);
  assert.equal((await getJson(`${fake.authUrl}v2/api/nope`, auth)).status, 404);
});
