/**
 * AuthClient, IdentityMap, ConsentForest and getLoginIdentity against the
 * fake Globus over real HTTP.
 */

import assert from "node:assert/strict";
import {
  AccessTokenAuthorizer,
  AuthAPIError,
  AuthClient,
  BasicAuthorizer,
  ConsentForest,
  getLoginIdentity,
  GlobusAPIError,
  GlobusSDKUsageError,
  IdentityMap,
  NativeAppAuthClient,
  Transport,
  UnexpectedResponseError,
} from "../lib/mod.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  defaultDataset,
  FAKE_COLLECTION_ID,
  type FakeGlobus,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../lib/testing/mod.ts";

const TRANSFER = "urn:globus:auth:scope:transfer.api.globus.org:all";
const DATA_ACCESS = `https://auth.globus.org/scopes/${FAKE_COLLECTION_ID}/data_access`;
const OTHER_DATA_ACCESS =
  "https://auth.globus.org/scopes/0de1e000-0000-4000-8000-0000000000d2/data_access";

const quick = (fetchImpl?: typeof fetch) =>
  new Transport({
    maxRetries: 0,
    sleep: () => Promise.resolve(),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });

/** An AuthClient on `username`'s token for `scopes`, issued to the tutorial client. */
function authClientFor(
  fake: FakeGlobus,
  username: string,
  scopes: string[],
  fetchImpl?: typeof fetch,
): AuthClient {
  const token = fake.issueTokens({ username, clientId: TUTORIAL_CLIENT_ID, scopes }).access_token;
  return new AuthClient({
    baseUrl: fake.authUrl,
    authorizer: new AccessTokenAuthorizer(token),
    transport: quick(fetchImpl),
  });
}

const identityCalls = (fake: FakeGlobus) =>
  fake.requests.filter((r) => r.path === "/v2/api/identities").length;

/** A data set with `n` more Globus ID users, user0@globusid.org … */
function manyUsers(n: number) {
  const data = defaultDataset();
  for (let i = 0; i < n; i++) {
    data.users.push({
      username: `user${i}@globusid.org`,
      identityId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      name: `User ${i}`,
      email: `user${i}@example.org`,
    });
  }
  return data;
}

Deno.test("userinfo() answers what the token's OIDC scopes reveal", async () => {
  await using fake = await startFakeGlobus();
  const bare = await authClientFor(fake, "alice", ["openid"]).userinfo();
  assert.deepEqual(bare, { sub: DEFAULT_IDS.alice });
  const full = await authClientFor(fake, "alice", ["openid", "profile", "email"]).userinfo();
  assert.equal(full.preferred_username, "alice@globusid.org");
  assert.equal(full.name, "Alice Liddell");
  assert.equal(full.email, "alice@example.org");
  await assert.rejects(
    authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]).userinfo(),
    (e: unknown) => e instanceof AuthAPIError && e.httpStatus === 403,
  );
});

Deno.test("getIdentities() by usernames and by ids: typed records, unknown ones absent", async () => {
  await using fake = await startFakeGlobus();
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  const found = await auth.getIdentities({
    usernames: ["bob@globusid.org", "nobody@globusid.org", "alice@university.example.edu"],
  });
  assert.deepEqual(found.map((i) => i.username), [
    "bob@globusid.org",
    "alice@university.example.edu",
  ]);
  assert.deepEqual(found[0], {
    id: DEFAULT_IDS.bob,
    username: "bob@globusid.org",
    name: "Bob Builder",
    email: "bob@example.org",
    identity_provider: "41143743-f3c8-4d60-bbdb-eeecaba85bd9",
    organization: null,
    status: "used",
  });
  assert.equal(found[1]?.organization, "Example University");
  const byId = await auth.getIdentities({
    ids: `${DEFAULT_IDS.carol},00000000-0000-4000-8000-00000000dead`,
  });
  assert.deepEqual(byId.map((i) => i.username), ["carol@globusid.org"]);
  assert.equal(identityCalls(fake), 2);
});

Deno.test("getIdentities() passes provision through: an unknown username becomes an unused identity", async () => {
  await using fake = await startFakeGlobus();
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  assert.deepEqual(await auth.getIdentities({ usernames: "newbie@globusid.org" }), []);
  const [made] = await auth.getIdentities({ usernames: "newbie@globusid.org", provision: true });
  assert.equal(made?.username, "newbie@globusid.org");
  assert.equal(made?.status, "unused");
  // Provisioned for good: found by id, and by username without provision.
  const [again] = await auth.getIdentities({ ids: [made!.id] });
  assert.equal(again?.username, "newbie@globusid.org");
  assert.equal((await auth.getIdentities({ usernames: "newbie@globusid.org" })).length, 1);
});

Deno.test("getIdentities() splits 250 usernames into 3 calls of at most 100, in order", async () => {
  await using fake = await startFakeGlobus({ dataset: manyUsers(250) });
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  fake.clearLog();
  const names = Array.from({ length: 250 }, (_, i) => `user${i}@globusid.org`);
  const found = await auth.getIdentities({ usernames: names });
  assert.deepEqual(found.map((i) => i.username), names);
  // The fake answers 400 to more than 100 in one call, so each call held at most 100.
  assert.deepEqual(fake.requests.map((r) => [r.path, r.status]), [
    ["/v2/api/identities", 200],
    ["/v2/api/identities", 200],
    ["/v2/api/identities", 200],
  ]);
});

Deno.test("getIdentities() refuses usage it cannot serve, before any request", async () => {
  await using fake = await startFakeGlobus();
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  fake.clearLog();
  await assert.rejects(
    auth.getIdentities({ usernames: ["a@globusid.org"], ids: [DEFAULT_IDS.bob] }),
    GlobusSDKUsageError,
  );
  await assert.rejects(auth.getIdentities({}), GlobusSDKUsageError);
  assert.deepEqual(await auth.getIdentities({ usernames: [] }), []);
  assert.equal(fake.requests.length, 0);
});

Deno.test("getIdentities() needs view_identities on a user's token; a confidential client may call it", async () => {
  await using fake = await startFakeGlobus();
  await assert.rejects(
    authClientFor(fake, "alice", ["openid"]).getIdentities({ usernames: "bob@globusid.org" }),
    (e: unknown) => e instanceof AuthAPIError && e.httpStatus === 403,
  );
  const app = new AuthClient({
    baseUrl: fake.authUrl,
    authorizer: new BasicAuthorizer(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET),
    transport: quick(),
  });
  const [bob] = await app.getIdentities({ usernames: "bob@globusid.org" });
  assert.equal(bob?.id, DEFAULT_IDS.bob);
});

Deno.test("getIdentityProviders() by domains and by ids", async () => {
  await using fake = await startFakeGlobus();
  const auth = authClientFor(fake, "alice", ["openid"]);
  const [globusId] = await auth.getIdentityProviders({ domains: ["globusid.org", "nope.example"] });
  assert.equal(globusId?.name, "Globus ID");
  assert.deepEqual(globusId?.domains, ["globusid.org"]);
  const byId = await auth.getIdentityProviders({ ids: globusId!.id });
  assert.deepEqual(byId.map((p) => p.short_name), ["globusid"]);
  await assert.rejects(auth.getIdentityProviders({}), GlobusSDKUsageError);
});

Deno.test("IdentityMap resolves 250 collected usernames in 3 calls and then answers from its cache", async () => {
  await using fake = await startFakeGlobus({ dataset: manyUsers(250) });
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  const names = Array.from({ length: 250 }, (_, i) => `user${i}@globusid.org`);
  const map = new IdentityMap(auth, names);
  fake.clearLog();
  assert.equal((await map.get("user0@globusid.org"))?.name, "User 0");
  assert.equal(identityCalls(fake), 1);
  for (const name of names) assert.equal((await map.get(name))?.username, name);
  assert.equal(identityCalls(fake), 3);
  // Cached by id as well, and unchanged on a second pass.
  assert.equal((await map.get("00000000-0000-4000-8000-000000000249"))?.name, "User 249");
  for (const name of names) await map.get(name);
  assert.equal(identityCalls(fake), 3);
  assert.ok(fake.requests.every((r) => r.status === 200));
});

Deno.test("IdentityMap tells ids from usernames and batches each kind apart", async () => {
  await using fake = await startFakeGlobus();
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  const map = new IdentityMap(auth, [
    "bob@globusid.org",
    "carol@globusid.org",
    DEFAULT_IDS.dave,
    DEFAULT_IDS.aliceLinked,
  ]);
  assert.equal(map.add("bob@globusid.org"), false, "already collected");
  fake.clearLog();
  assert.equal((await map.get("bob@globusid.org"))?.id, DEFAULT_IDS.bob);
  assert.equal((await map.get("carol@globusid.org"))?.id, DEFAULT_IDS.carol);
  assert.equal(identityCalls(fake), 1, "both usernames in one call");
  assert.equal((await map.get(DEFAULT_IDS.dave))?.username, "dave@globusid.org");
  assert.equal((await map.get(DEFAULT_IDS.aliceLinked))?.username, "alice@university.example.edu");
  assert.equal(identityCalls(fake), 2, "both ids in one call");
  assert.equal((await map.get("DAVE@globusid.org"))?.id, DEFAULT_IDS.dave, "usernames ignore case");
  assert.equal(identityCalls(fake), 2);
});

Deno.test("IdentityMap answers undefined for unknown names without asking again", async () => {
  await using fake = await startFakeGlobus();
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  const map = new IdentityMap(auth);
  fake.clearLog();
  assert.equal(await map.get("nobody@globusid.org"), undefined);
  assert.equal(await map.get("00000000-0000-4000-8000-00000000dead"), undefined);
  assert.equal(await map.get("nobody@globusid.org"), undefined);
  assert.equal(identityCalls(fake), 2);
  assert.equal(map.delete("nobody@globusid.org"), true);
  assert.equal(await map.get("nobody@globusid.org"), undefined);
  assert.equal(identityCalls(fake), 3, "a deleted answer is asked again");
});

Deno.test("IdentityMap passes provision through", async () => {
  await using fake = await startFakeGlobus();
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  assert.equal(await new IdentityMap(auth).get("fresh@globusid.org"), undefined);
  const map = new IdentityMap(auth, [], { provision: true });
  assert.equal((await map.get("fresh@globusid.org"))?.status, "unused");
});

Deno.test("IdentityMap: concurrent lookups in one batch share one call; a failed batch is retried", async () => {
  await using fake = await startFakeGlobus();
  const auth = authClientFor(fake, "alice", [AuthClient.scopes.viewIdentities]);
  const map = new IdentityMap(auth, ["bob@globusid.org", "carol@globusid.org"]);
  fake.clearLog();
  const [bob, carol] = await Promise.all([
    map.get("bob@globusid.org"),
    map.get("carol@globusid.org"),
  ]);
  assert.equal(bob?.id, DEFAULT_IDS.bob);
  assert.equal(carol?.id, DEFAULT_IDS.carol);
  assert.equal(identityCalls(fake), 1);

  const retried = new IdentityMap(auth, ["dave@globusid.org"]);
  fake.addFault({ pathPrefix: "/v2/api/identities", status: 503 });
  await assert.rejects(retried.get("dave@globusid.org"), GlobusAPIError);
  assert.equal((await retried.get("dave@globusid.org"))?.id, DEFAULT_IDS.dave);
  assert.throws(() => new IdentityMap(auth, [], { batchSize: 101 }), GlobusSDKUsageError);
});

Deno.test("consents of a login with a dependent scope form a tree the forest checks", async () => {
  await using fake = await startFakeGlobus();
  const alice = authClientFor(fake, "alice", ["openid", `${TRANSFER}[*${DATA_ACCESS}]`]);
  const consents = await alice.getConsents(DEFAULT_IDS.alice);
  const transfer = consents.find((c) => c.scope_name === TRANSFER)!;
  const dataAccess = consents.find((c) => c.scope_name === DATA_ACCESS)!;
  assert.deepEqual(transfer.dependency_path, [transfer.id]);
  assert.deepEqual(dataAccess.dependency_path, [transfer.id, dataAccess.id]);
  assert.equal(dataAccess.atomically_revocable, true, "an optional dependency");
  assert.equal(transfer.client, TUTORIAL_CLIENT_ID);

  const forest = new ConsentForest(consents);
  assert.ok(forest.meetsScopeRequirements(`${TRANSFER}[*${DATA_ACCESS}]`), "covered");
  assert.ok(forest.meetsScopeRequirements(`${TRANSFER}[${DATA_ACCESS}]`), "optional or not");
  assert.ok(forest.meetsScopeRequirements(["openid", TRANSFER]));
  assert.ok(
    !forest.meetsScopeRequirements(`${TRANSFER}[${DATA_ACCESS} ${OTHER_DATA_ACCESS}]`),
    "a dependency missing",
  );
  assert.ok(!forest.meetsScopeRequirements(DATA_ACCESS), "a dependency is not a root");
});

Deno.test("an optional dependency the person never consented to is still unmet (as Python)", async () => {
  await using fake = await startFakeGlobus();
  // dave's data set consent: Transfer without any data_access.
  const dave = authClientFor(fake, "dave", ["openid"]);
  const forest = new ConsentForest(await dave.getConsents(DEFAULT_IDS.dave));
  assert.ok(forest.meetsScopeRequirements(TRANSFER));
  assert.ok(!forest.meetsScopeRequirements(`${TRANSFER}[*${DATA_ACCESS}]`));
  // bob's data set consent has it.
  const bob = authClientFor(fake, "bob", ["openid"]);
  assert.ok(
    new ConsentForest(await bob.getConsents(DEFAULT_IDS.bob))
      .meetsScopeRequirements(`${TRANSFER}[*${DATA_ACCESS}]`),
  );
});

Deno.test("consents are per identity and per client: another's are refused, other apps' left out", async () => {
  await using fake = await startFakeGlobus();
  const alice = authClientFor(fake, "alice", ["openid"]);
  await assert.rejects(
    alice.getConsents(DEFAULT_IDS.bob),
    (e: unknown) => e instanceof AuthAPIError && e.httpStatus === 403,
  );
  // alice's linked identity is hers to ask about.
  assert.deepEqual(await alice.getConsents(DEFAULT_IDS.aliceLinked), []);
  // bob's consent to the tutorial client is not among those rooted at another client.
  const bobElsewhere = new AuthClient({
    baseUrl: fake.authUrl,
    authorizer: new AccessTokenAuthorizer(
      fake.issueTokens({ username: "bob", clientId: CONFIDENTIAL_CLIENT_ID, scopes: ["openid"] })
        .access_token,
    ),
    transport: quick(),
  });
  const mine = new ConsentForest(await bobElsewhere.getConsents(DEFAULT_IDS.bob));
  assert.ok(mine.meetsScopeRequirements("openid"));
  assert.ok(!mine.meetsScopeRequirements(TRANSFER));
  await assert.rejects(
    bobElsewhere.getConsents(DEFAULT_IDS.bob, { all: true }),
    (e: unknown) => e instanceof AuthAPIError && e.httpStatus === 403,
    "all needs view_consents",
  );
  const everything = authClientFor(fake, "bob", [AuthClient.scopes.viewConsents]);
  const all = new ConsentForest(await everything.getConsents(DEFAULT_IDS.bob, { all: true }));
  assert.ok(all.meetsScopeRequirements([TRANSFER, "openid"]));
});

Deno.test("getConsents() keeps the identity id in its path segment", async () => {
  await using fake = await startFakeGlobus();
  const alice = authClientFor(fake, "alice", ["openid"]);
  fake.clearLog();
  for (const id of ["..", ".", ""]) {
    await assert.rejects(alice.getConsents(id), GlobusSDKUsageError);
  }
  assert.equal(fake.requests.length, 0);
  await assert.rejects(
    alice.getConsents(`${DEFAULT_IDS.alice}/../../identities`),
    GlobusSDKUsageError,
  );
  assert.equal(fake.requests.length, 0, "nothing was sent");
  await assert.rejects(
    alice.getConsents(`${DEFAULT_IDS.alice}?x=#`),
    (e: unknown) => e instanceof AuthAPIError && e.httpStatus === 400,
  );
  assert.deepEqual(fake.requests.map((r) => r.path), [
    `/v2/api/identities/${DEFAULT_IDS.alice}%3Fx%3D%23/consents`,
  ]);
});

/** A fetch that asks the real fake, then rewrites the JSON body of answers to `path`. */
function corrupting(path: string, rewrite: (body: Record<string, unknown>) => unknown) {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    if (new URL(response.url).pathname !== path) return response;
    const body = rewrite(await response.json());
    return new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status: response.status,
      headers: response.headers,
    });
  };
}

Deno.test("a 2xx answer of the wrong shape is an UnexpectedResponseError naming the field", async () => {
  await using fake = await startFakeGlobus();
  const cases: [
    string,
    (b: Record<string, unknown>) => unknown,
    (a: AuthClient) => Promise<unknown>,
    RegExp,
  ][] = [
    [
      "/v2/api/identities",
      (b) => ({
        identities: (b.identities as Record<string, unknown>[]).map((i) => ({ ...i, username: 7 })),
      }),
      (a) => a.getIdentities({ usernames: "bob@globusid.org" }),
      /identities\[0\]\.username is a number, not a string/,
    ],
    [
      "/v2/api/identities",
      () => ({ results: [] }),
      (a) => a.getIdentities({ ids: DEFAULT_IDS.bob }),
      /identities is missing, not a list/,
    ],
    [
      "/v2/oauth2/userinfo",
      () => "<html>proxy</html>",
      (a) => a.userinfo(),
      /the body is not JSON/,
    ],
    [
      "/v2/api/identity_providers",
      () => ({ identity_providers: [{ id: "x", name: "y", domains: "globusid.org" }] }),
      (a) => a.getIdentityProviders({ domains: "globusid.org" }),
      /identity_providers\[0\]\.domains is a string, not a list/,
    ],
    [
      `/v2/api/identities/${DEFAULT_IDS.alice}/consents`,
      (b) => ({
        consents: (b.consents as Record<string, unknown>[]).map((c) => ({
          ...c,
          dependency_path: [1, c.id],
        })),
      }),
      (a) => a.getConsents(DEFAULT_IDS.alice),
      /parent consent 1 is missing/,
    ],
    [
      // A chain 20,000 deep, each consent naming only its parent: not Globus's, and a
      // recursive walk of it would overflow the stack.
      `/v2/api/identities/${DEFAULT_IDS.alice}/consents`,
      (b) => {
        const first = (b.consents as Record<string, unknown>[])[0]!;
        return {
          consents: Array.from({ length: 20_000 }, (_, i) => ({
            ...first,
            id: i + 1,
            dependency_path: i === 0 ? [1] : [i, i + 1],
          })),
        };
      },
      (a) => a.getConsents(DEFAULT_IDS.alice),
      /consent 3: dependency_path does not continue its parent's/,
    ],
    [
      `/v2/api/identities/${DEFAULT_IDS.alice}/consents`,
      (b) => {
        const first = (b.consents as Record<string, unknown>[])[0]!;
        return {
          consents: Array.from({ length: 40 }, (_, i) => ({
            ...first,
            id: i + 1,
            dependency_path: Array.from({ length: i + 1 }, (_, j) => j + 1),
          })),
        };
      },
      (a) => a.getConsents(DEFAULT_IDS.alice),
      /consent 33: dependency_path is 33 deep, more than the 32 any scope has/,
    ],
  ];
  for (const [path, rewrite, call, problem] of cases) {
    const auth = authClientFor(
      fake,
      "alice",
      ["openid", AuthClient.scopes.viewIdentities],
      corrupting(path, rewrite),
    );
    await assert.rejects(call(auth), (e: unknown) => {
      assert.ok(e instanceof UnexpectedResponseError, String(e));
      assert.match(e.message, problem);
      assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:\d+\/v2\//);
      assert.equal(e.httpStatus, 200);
      return true;
    }, path);
  }
});

Deno.test("getLoginIdentity() reads the verified id_token, else asks userinfo", async () => {
  await using fake = await startFakeGlobus();
  const login = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, {
    baseUrl: fake.authUrl,
    transport: quick(),
  });
  login.oauth2StartFlow({ requestedScopes: ["openid", "profile", "email"] });
  const code = await fake.loginCode(await login.oauth2GetAuthorizeUrl(), "carol");
  const tokens = await login.oauth2ExchangeCodeForTokens(code);
  fake.clearLog();
  assert.deepEqual(await getLoginIdentity({ tokens }), {
    identityId: DEFAULT_IDS.carol,
    username: "carol@globusid.org",
    name: "Carol Nøbody",
    email: "carol@example.org",
    source: "id_token",
  });
  assert.ok(!fake.requests.some((r) => r.path === "/v2/oauth2/userinfo"));

  const authClient = authClientFor(fake, "bob", ["openid", "profile"]);
  assert.deepEqual(await getLoginIdentity({ authClient }), {
    identityId: DEFAULT_IDS.bob,
    username: "bob@globusid.org",
    name: "Bob Builder",
    source: "userinfo",
  });
  await assert.rejects(getLoginIdentity({}), GlobusSDKUsageError);
});
