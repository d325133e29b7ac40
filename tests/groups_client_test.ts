import assert from "node:assert/strict";
import {
  AccessTokenAuthorizer,
  ClientCredentialsAuthorizer,
  ConfidentialAppAuthClient,
  GroupsAPIError,
  GroupsClient,
  GroupsScopes,
  NativeAppAuthClient,
  type OAuthTokenResponse,
  RefreshTokenAuthorizer,
  RefreshTokenRejectedError,
  Transport,
} from "../lib/mod.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  type FakeGlobus,
  startFakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../lib/testing/mod.ts";

const quick = () => new Transport({ maxRetries: 0, sleep: () => Promise.resolve() });

/** alice's stored login: tokens issued by the fake, as a token file would hold them. */
function aliceLogin(fake: FakeGlobus) {
  const issued = fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: [GroupsScopes.viewMyGroupsAndMemberships],
    offline: true,
  });
  return { accessToken: issued.access_token, refreshToken: issued.refresh_token! };
}

function refreshingGroupsClient(
  fake: FakeGlobus,
  login: { accessToken: string; refreshToken: string },
  options: {
    expiresAtSeconds: number;
    now?: () => number;
    onRefresh?: (r: OAuthTokenResponse) => void;
  },
) {
  const authClient = new NativeAppAuthClient(TUTORIAL_CLIENT_ID, {
    baseUrl: fake.authUrl,
    transport: quick(),
  });
  const authorizer = new RefreshTokenAuthorizer(login.refreshToken, authClient, {
    accessToken: login.accessToken,
    ...options,
  });
  return new GroupsClient({ baseUrl: fake.groupsUrl, authorizer, transport: quick() });
}

const grants = (fake: FakeGlobus) =>
  fake.requests.filter((r) => r.path === "/v2/oauth2/token").map((r) => r.grantType);

Deno.test("GroupsClient.getMyGroups() lists active groups with typed memberships and makes one request", async () => {
  await using fake = await startFakeGlobus();
  const { accessToken } = aliceLogin(fake);
  fake.clearLog();
  const client = new GroupsClient({
    baseUrl: fake.groupsUrl,
    authorizer: new AccessTokenAuthorizer(accessToken),
  });
  const groups = await client.getMyGroups();
  assert.deepEqual(groups.map((g) => g.id), [
    DEFAULT_IDS.groups.alicesLab,
    DEFAULT_IDS.groups.physics,
    DEFAULT_IDS.groups.unicode,
  ]);
  const physics = groups[1]!;
  assert.deepEqual(physics.my_memberships.map((m) => [m.identity_id, m.role]), [
    [DEFAULT_IDS.alice, "member"],
    [DEFAULT_IDS.aliceLinked, "manager"],
  ]);
  const invited = await client.getMyGroups({ statuses: ["invited"] });
  assert.deepEqual(invited.map((g) => g.id), [DEFAULT_IDS.groups.invitation]);
  assert.deepEqual(fake.requests.map((r) => r.path), [
    "/v2/groups/my_groups",
    "/v2/groups/my_groups",
  ]);
});

Deno.test("GroupsClient.getGroup() returns a group and raises GroupsAPIError 404 for an unknown one", async () => {
  await using fake = await startFakeGlobus();
  const { accessToken } = aliceLogin(fake);
  const client = new GroupsClient({
    baseUrl: fake.groupsUrl,
    authorizer: new AccessTokenAuthorizer(accessToken),
    transport: quick(),
  });
  const group = await client.getGroup(DEFAULT_IDS.groups.alicesLab, { include: ["memberships"] });
  assert.equal(group.name, "Alice's Lab");
  await assert.rejects(
    () => client.getGroup("00000000-0000-0000-0000-000000000000"),
    (e: unknown) =>
      e instanceof GroupsAPIError && e.httpStatus === 404 && e.code === "GroupNotFound",
  );
});

Deno.test("RefreshTokenAuthorizer makes no refresh call while the token is fresh", async () => {
  await using fake = await startFakeGlobus();
  const login = aliceLogin(fake);
  const client = refreshingGroupsClient(fake, login, {
    expiresAtSeconds: Date.now() / 1000 + 3600,
  });
  await client.getMyGroups();
  await client.getMyGroups();
  assert.deepEqual(grants(fake), []);
});

Deno.test("RefreshTokenAuthorizer refreshes exactly once for ten concurrent calls near expiry", async () => {
  await using fake = await startFakeGlobus();
  const login = aliceLogin(fake);
  fake.expireAllAccessTokens();
  const refreshes: OAuthTokenResponse[] = [];
  const client = refreshingGroupsClient(fake, login, {
    expiresAtSeconds: Date.now() / 1000 + 30,
    onRefresh: (r) => refreshes.push(r),
  });
  const results = await Promise.all(Array.from({ length: 10 }, () => client.getMyGroups()));
  assert.ok(results.every((r) => r.length === 3));
  assert.deepEqual(grants(fake), ["refresh_token"]);
  assert.equal(refreshes.length, 1);
  assert.equal(
    fake.requests.filter((r) => r.path === "/v2/groups/my_groups" && r.status === 200).length,
    10,
  );
});

Deno.test("a 401 from Groups gives one renewal and one retry; two 401s end in GroupsAPIError", async () => {
  await using fake = await startFakeGlobus();
  const login = aliceLogin(fake);
  const client = refreshingGroupsClient(fake, login, {
    expiresAtSeconds: Date.now() / 1000 + 3600,
  });

  fake.expireAllAccessTokens(); // the server says no; the authorizer still thinks the token is fresh
  assert.equal((await client.getMyGroups()).length, 3);
  assert.deepEqual(grants(fake), ["refresh_token"]);

  fake.clearLog();
  fake.addFault({ pathPrefix: "/v2/groups/my_groups", status: 401, times: 2 });
  await assert.rejects(
    () => client.getMyGroups(),
    (e: unknown) => e instanceof GroupsAPIError && e.httpStatus === 401,
  );
  assert.deepEqual(fake.requests.map((r) => `${r.path} ${r.status}`), [
    "/v2/groups/my_groups 401",
    "/v2/oauth2/token 200",
    "/v2/groups/my_groups 401",
  ]);
});

Deno.test("a refresh token Auth rejects gives RefreshTokenRejectedError from the Groups call", async () => {
  await using fake = await startFakeGlobus();
  const login = aliceLogin(fake);
  fake.revokeAllRefreshTokens();
  const client = refreshingGroupsClient(fake, login, { expiresAtSeconds: Date.now() / 1000 - 10 });
  await assert.rejects(() => client.getMyGroups(), RefreshTokenRejectedError);
  assert.deepEqual(fake.requests.map((r) => r.path), ["/v2/oauth2/token"]);
});

Deno.test("ClientCredentialsAuthorizer lists groups as the client's own identity", async () => {
  await using fake = await startFakeGlobus();
  const confidential = new ConfidentialAppAuthClient(
    CONFIDENTIAL_CLIENT_ID,
    CONFIDENTIAL_CLIENT_SECRET,
    { baseUrl: fake.authUrl },
  );
  const authorizer = new ClientCredentialsAuthorizer(confidential, GroupsScopes.all);
  const groups = await new GroupsClient({ baseUrl: fake.groupsUrl, authorizer }).getMyGroups();
  assert.deepEqual(groups.map((g) => g.id), [DEFAULT_IDS.groups.automation]);
  assert.equal(groups[0]!.my_memberships[0]!.identity_id, CONFIDENTIAL_CLIENT_ID);
  assert.deepEqual(grants(fake), ["client_credentials"]);
});
