/**
 * The decisions of UserApp and ClientApp: when to log in, what a login asks
 * for, what is stored and in which layout, identity, dead logins, logout,
 * authorization requirements. A fake clock and a fake login flow; Auth is the
 * in-process fake Globus (id_tokens are verified against its keys).
 */

import assert from "node:assert/strict";
import {
  AuthorizationRequiredError,
  ClientApp,
  defaultTokenFilePath,
  ExpiredTokenError,
  GroupsClient,
  GroupsScopes,
  IdentityMismatchError,
  JSONTokenStorage,
  type LoginFlowManager,
  MemoryTokenStorage,
  NativeAppAuthClient,
  OAuthAuthorizationCodeResponse,
  Scope,
  scopesToString,
  slugifyAppName,
  StoredLoginRejectedError,
  UnmetScopeRequirementsError,
  UserApp,
  VERSION,
} from "../lib/mod.ts";
import type { AppEvent, DependentScopeCheckRequest } from "../lib/app/mod.ts";
import { world } from "./_app_world.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  type FakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../lib/testing/mod.ts";

const GROUPS = GroupsScopes.resourceServer;
const VIEW = GroupsScopes.viewMyGroupsAndMemberships;
const HOUR_MS = 3600_000;

async function tempDir(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "globus-deno-app-" });
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

function tokenCalls(fake: FakeGlobus): string[] {
  return fake.requests.filter((r) => r.path.startsWith("/v2/oauth2/token")).map((r) =>
    `${r.path}${r.grantType ? ` ${r.grantType}` : ""} ${r.status}`
  );
}

const ALICE_GROUP_NAMES = ["Alice's Lab", 'Physics, Chemistry & "Friends"', "Ünïcødé 研究 group"];

Deno.test("UserApp logs in when nothing is stored, asking for openid and the clients' scopes, and not again when covered", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  const app = w.app(storage);
  assert.deepEqual(await w.groups(app), ALICE_GROUP_NAMES);
  assert.equal(w.logins.length, 1);
  assert.deepEqual(w.logins[0]!.requiredScopes, ["openid", VIEW]);
  const record = await storage.getTokenData(GROUPS);
  assert.equal(record?.identityId, DEFAULT_IDS.alice);
  assert.equal((await storage.getTokenData("auth.globus.org"))?.identityId, DEFAULT_IDS.alice);
  assert.deepEqual(w.events.map((e) => e.type), ["login-starting", "logged-in"]);
  const first = w.events[0] as Extract<AppEvent, { type: "login-starting" }>;
  assert.ok(first.reason instanceof Error && first.reason.name === "MissingTokenError");

  // A second app (a second run) on the same storage: no login.
  const again = w.app(storage);
  assert.equal(await again.loginRequired(), false);
  assert.deepEqual(await w.groups(again), ALICE_GROUP_NAMES);
  assert.equal(w.logins.length, 1);
});

Deno.test("UserApp logs in again when the stored tokens do not cover a required scope", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  assert.deepEqual(await w.groups(w.app(storage)), ALICE_GROUP_NAMES);
  const wider = w.app(storage, { scopeRequirements: { [GROUPS]: GroupsScopes.all } });
  assert.equal(await wider.loginRequired(), true);
  const authorizer = await wider.getAuthorizer(GROUPS);
  assert.ok(await authorizer.getAuthorizationHeader());
  assert.equal(w.logins.length, 2);
  assert.deepEqual(w.logins[1]!.requiredScopes, [GroupsScopes.all, VIEW, "openid"]);
  const reason = (w.events.at(-2) as Extract<AppEvent, { type: "login-starting" }>).reason;
  assert.ok(reason instanceof UnmetScopeRequirementsError);
  assert.deepEqual(reason.missingScopes, [GroupsScopes.all]);
  assert.match((await storage.getTokenData(GROUPS))!.scope, /:all\b/);
});

Deno.test("UserApp refreshes an expired access token without a login, and stores the new one", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  await w.groups(w.app(storage));
  const before = (await storage.getTokenData(GROUPS))!;
  w.advance(72 * HOUR_MS);
  w.fake.clearLog();
  assert.deepEqual(await w.groups(w.app(storage)), ALICE_GROUP_NAMES);
  assert.equal(w.logins.length, 1);
  assert.deepEqual(tokenCalls(w.fake), ["/v2/oauth2/token refresh_token 200"]);
  const after = (await storage.getTokenData(GROUPS))!;
  assert.notEqual(after.accessToken, before.accessToken);
  assert.equal(after.identityId, DEFAULT_IDS.alice, "a refresh keeps the identity");
});

Deno.test("UserApp without refresh tokens logs in again once the access token has expired", async () => {
  await using w = await world();
  w.person.offline = false;
  const storage = new MemoryTokenStorage();
  const app = w.app(storage, { requestRefreshTokens: false });
  await w.groups(app);
  assert.equal((await storage.getTokenData(GROUPS))!.refreshToken, null);
  assert.equal(await w.app(storage, { requestRefreshTokens: false }).loginRequired(), false);
  w.advance(49 * HOUR_MS);
  const later = w.app(storage, { requestRefreshTokens: false });
  assert.equal(await later.loginRequired(), true);
  await w.groups(later);
  assert.equal(w.logins.length, 2);
  const reason = (w.events.at(-2) as Extract<AppEvent, { type: "login-starting" }>).reason;
  assert.ok(reason instanceof ExpiredTokenError);
});

Deno.test("UserApp with refresh tokens logs in when the stored record has none", async () => {
  await using w = await world();
  w.person.offline = false;
  const storage = new MemoryTokenStorage();
  await w.groups(w.app(storage, { requestRefreshTokens: false }));
  w.person.offline = true;
  const app = w.app(storage);
  assert.equal(await app.loginRequired(), true);
  await w.groups(app);
  assert.equal(w.logins.length, 2);
  assert.ok((await storage.getTokenData(GROUPS))!.refreshToken);
});

Deno.test("UserApp replaces a dead login (refresh refused) by a new one and keeps the identity", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  await w.groups(w.app(storage));
  const dead = (await storage.getTokenData(GROUPS))!;
  w.fake.revokeAllRefreshTokens();
  w.advance(72 * HOUR_MS);
  w.fake.clearLog();
  const app = w.app(storage);
  assert.equal(await app.loginRequired(), false, "a revoked refresh token cannot be seen unused");
  assert.deepEqual(await w.groups(app), ALICE_GROUP_NAMES);
  assert.equal(w.logins.length, 2);
  assert.deepEqual(tokenCalls(w.fake), ["/v2/oauth2/token refresh_token 400"]);
  const reason = (w.events.at(-2) as Extract<AppEvent, { type: "login-starting" }>).reason;
  assert.ok(reason instanceof StoredLoginRejectedError);
  const fresh = (await storage.getTokenData(GROUPS))!;
  assert.notEqual(fresh.refreshToken, dead.refreshToken);
  assert.equal(fresh.identityId, DEFAULT_IDS.alice);
});

Deno.test("UserApp uses a login another process stored while its own was being refused", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  await w.groups(w.app(storage));
  const app = w.app(storage);
  const authorizer = await app.getAuthorizer(GROUPS); // holds the old record
  w.fake.revokeAllRefreshTokens();
  // "Another process" logs in and stores a new login.
  await w.app(storage).login({ force: true });
  assert.equal(w.logins.length, 2);
  const replacement = (await storage.getTokenData(GROUPS))!;
  w.advance(72 * HOUR_MS);
  assert.ok(await authorizer.getAuthorizationHeader());
  assert.equal(w.logins.length, 2, "no third login");
  assert.equal((await storage.getTokenData(GROUPS))!.refreshToken, replacement.refreshToken);
});

Deno.test("a dead login without a handler is an error that keeps nothing dead", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  await w.groups(w.app(storage));
  w.fake.revokeAllRefreshTokens();
  w.advance(72 * HOUR_MS);
  const app = w.app(storage, { tokenValidationErrorHandler: null });
  await assert.rejects(w.groups(app), StoredLoginRejectedError);
  assert.equal(await storage.getTokenData(GROUPS), null, "the dead record was removed");
  assert.equal(w.logins.length, 1);
});

Deno.test("UserApp refuses a login as another identity and keeps the stored login", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  await w.groups(w.app(storage));
  const stored = await storage.getTokenDataByResourceServer();
  w.person.user = "bob";
  const app = w.app(storage);
  await assert.rejects(
    app.login({ force: true }),
    (e: unknown) =>
      e instanceof IdentityMismatchError && e.storedId === DEFAULT_IDS.alice &&
      e.newId === DEFAULT_IDS.bob,
  );
  assert.deepEqual(await storage.getTokenDataByResourceServer(), stored);
  // After a logout, someone else may log in.
  await app.logout();
  await app.login();
  assert.equal((await storage.getTokenData(GROUPS))!.identityId, DEFAULT_IDS.bob);
});

Deno.test("UserApp refuses a stored record of another identity than the rest of the storage", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  await w.groups(w.app(storage));
  const record = (await storage.getTokenData(GROUPS))!;
  await storage.storeTokenDataByResourceServer({
    [GROUPS]: { ...record, identityId: DEFAULT_IDS.bob },
  });
  await assert.rejects(w.app(storage).getAuthorizer(GROUPS), IdentityMismatchError);
  assert.equal(w.logins.length, 1, "a login cannot fix it");
});

Deno.test("login({ force }) logs in over a working login; login() alone does not", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  const app = w.app(storage);
  await app.login();
  await app.login();
  assert.equal(w.logins.length, 1);
  const first = (await storage.getTokenData(GROUPS))!.accessToken;
  await app.login({ force: true });
  assert.equal(w.logins.length, 2);
  assert.notEqual((await storage.getTokenData(GROUPS))!.accessToken, first);
});

Deno.test("logout() revokes every stored token of the app at Auth and removes them", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  const app = w.app(storage);
  await w.groups(app);
  const tokens = Object.values(await storage.getTokenDataByResourceServer());
  w.fake.clearLog();
  assert.deepEqual((await app.logout()).sort(), ["auth.globus.org", GROUPS]);
  assert.deepEqual(tokenCalls(w.fake), Array(4).fill("/v2/oauth2/token/revoke 200"));
  assert.deepEqual(await storage.getTokenDataByResourceServer(), {});
  assert.equal(await app.loginRequired(), true);
  // The revoked tokens no longer work at Groups.
  const res = await fetch(`${w.fake.groupsUrl}v2/groups/my_groups`, {
    headers: { authorization: `Bearer ${tokens[0]!.accessToken}` },
  });
  await res.body?.cancel();
  assert.equal(res.status, 401);
});

Deno.test("a login that grants less than required stores nothing", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  const stingy: LoginFlowManager = {
    runLoginFlow: () => {
      const body = w.fake.issueTokens({
        username: "alice",
        clientId: TUTORIAL_CLIENT_ID,
        scopes: ["openid", VIEW],
      });
      return Promise.resolve(
        new OAuthAuthorizationCodeResponse(body, { idTokenKeys: w.loginClient }),
      );
    },
  };
  const app = w.app(storage, {
    loginFlowManager: stingy,
    scopeRequirements: { [GROUPS]: GroupsScopes.all },
  });
  await assert.rejects(app.login(), UnmetScopeRequirementsError);
  assert.deepEqual(await storage.getTokenDataByResourceServer(), {});
});

Deno.test("dependent scopes: the plugged-in check decides, after the root scopes", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  await w.groups(w.app(storage));
  const asked: DependentScopeCheckRequest[] = [];
  let covered = true;
  const withDependency = () =>
    w.app(storage, {
      scopeRequirements: { [GROUPS]: new Scope(VIEW).withDependency("*urn:x:dep") },
      dependentScopeCheck: (request) => {
        asked.push(request);
        return Promise.resolve(covered);
      },
    });
  assert.equal(await withDependency().loginRequired(), false);
  assert.equal(asked[0]!.resourceServer, GROUPS);
  assert.equal(asked[0]!.identityId, DEFAULT_IDS.alice);
  assert.equal(String(asked[0]!.requiredScopes[0]), `${VIEW}[*urn:x:dep]`);
  covered = false;
  assert.equal(await withDependency().loginRequired(), true);
});

Deno.test("a Python-format UserApp token file written by hand is used without a login, and left as it was", async () => {
  await using w = await world();
  await using tmp = await tempDir();
  const issue = w.fake.issueTokens({
    username: "alice",
    clientId: TUTORIAL_CLIENT_ID,
    scopes: ["openid", VIEW],
    offline: true,
  });
  const byRs = Object.fromEntries(
    [issue, ...issue.other_tokens].map((t) => [t.resource_server, t]),
  );
  const exp = Math.trunc(Date.now() / 1000) + 172800;
  const record = (rs: string) => {
    const t = byRs[rs]!;
    return `{"resource_server": "${rs}", "identity_id": "${DEFAULT_IDS.alice}", "scope": "${t.scope}", "access_token": "${t.access_token}", "refresh_token": "${t.refresh_token}", "expires_at_seconds": ${exp}, "token_type": "Bearer"}`;
  };
  // What Python's UserApp("my-user-app", config=GlobusAppConfig(request_refresh_tokens=True)) writes.
  const text = `{"data": {"DEFAULT": {"auth.globus.org": ${
    record("auth.globus.org")
  }, "groups.api.globus.org": ${
    record(GROUPS)
  }}}, "format_version": "2.0", "globus-sdk.version": "3.54.0"}`;
  const home = `${tmp.dir}/home`;
  const env = (name: string) => name === "HOME" ? home : w.env(name);
  const path = defaultTokenFilePath(TUTORIAL_CLIENT_ID, "my-user-app", { env });
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text, { mode: 0o600 });

  const app = new UserApp("my-user-app", {
    clientId: TUTORIAL_CLIENT_ID,
    requestRefreshTokens: true,
    env,
    loginFlowManager: { runLoginFlow: () => Promise.reject(new Error("no login expected")) },
  });
  assert.ok(app.tokenStorage instanceof JSONTokenStorage);
  assert.equal(app.tokenStorage.path, path);
  assert.equal(await app.loginRequired(), false);
  assert.deepEqual(await w.groups(app), ALICE_GROUP_NAMES);
  assert.equal(await Deno.readTextFile(path), text);
});

Deno.test("a file a UserApp writes has exactly Python's layout, in a private directory", async () => {
  await using w = await world();
  await using tmp = await tempDir();
  const home = `${tmp.dir}/home`;
  const env = (name: string) => name === "HOME" ? home : w.env(name);
  let response: OAuthAuthorizationCodeResponse | undefined;
  const flow: LoginFlowManager = {
    runLoginFlow: (parameters) => {
      const body = w.fake.issueTokens({
        username: "alice",
        clientId: TUTORIAL_CLIENT_ID,
        scopes: scopesToString(parameters.requiredScopes).split(" "),
        offline: true,
      });
      response = new OAuthAuthorizationCodeResponse(body, {
        idTokenKeys: new NativeAppAuthClient(TUTORIAL_CLIENT_ID, { env }),
      });
      return Promise.resolve(response);
    },
  };
  const app = new UserApp("My User App", {
    clientId: TUTORIAL_CLIENT_ID,
    requestRefreshTokens: true,
    env,
    loginFlowManager: flow,
  });
  assert.deepEqual(await w.groups(app), ALICE_GROUP_NAMES);
  const dir = `${home}/.globus/app/${TUTORIAL_CLIENT_ID}/my-user-app`;
  const path = `${dir}/tokens.json`;
  const records = Object.values(response!.byResourceServer).map((t) =>
    `"${t.resource_server}": {"resource_server": "${t.resource_server}", "identity_id": "${DEFAULT_IDS.alice}", "scope": "${t.scope}", "access_token": "${t.access_token}", "refresh_token": "${t.refresh_token}", "expires_at_seconds": ${t.expires_at_seconds}, "token_type": "Bearer"}`
  );
  assert.equal(
    await Deno.readTextFile(path),
    `{"data": {"DEFAULT": {${
      records.join(", ")
    }}}, "format_version": "2.0", "globus-sdk.version": "${VERSION}"}`,
  );
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    for (const d of [dir, `${home}/.globus`, `${home}/.globus/app`]) {
      assert.equal((await Deno.stat(d)).mode! & 0o777, 0o700, d);
    }
  }
});

Deno.test("defaultTokenFilePath and slugifyAppName follow Python's rules", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(slugifyAppName('A<b>:c"d/e\\f|g?h*i'), "a+b++c+d+e+f+g+h+i");
  assert.equal(slugifyAppName("a. b\u0000c\u200bd"), "a--bcd");
  assert.throws(() => slugifyAppName("COM1"), /reserved filename \("com1"\)/);
  assert.throws(() => slugifyAppName("\u0007"), /empty string/);
  assert.equal(slugifyAppName("con-x"), "con-x");
  assert.equal(
    defaultTokenFilePath("cid", "app", { env: env({ HOME: "/h/" }), os: "linux" }),
    "/h/.globus/app/cid/app/tokens.json",
  );
  assert.equal(
    defaultTokenFilePath("cid", "app", {
      env: env({ HOME: "/h", GLOBUS_SDK_ENVIRONMENT: "sandbox" }),
      os: "darwin",
    }),
    "/h/.globus/app/cid/app/sandbox-tokens.json",
  );
  assert.equal(
    defaultTokenFilePath("cid", "app", {
      env: env({ LOCALAPPDATA: "C:\\L", APPDATA: "C:\\R" }),
      os: "windows",
    }),
    "C:\\L\\globus\\app\\cid\\app\\tokens.json",
  );
  assert.equal(
    defaultTokenFilePath("cid", "app", { env: env({ USERPROFILE: "C:\\U" }), os: "windows" }),
    "C:\\U\\AppData\\Local\\globus\\app\\cid\\app\\tokens.json",
  );
  assert.throws(
    () => defaultTokenFilePath("cid", "app", { env: env({}), os: "linux" }),
    /HOME is not set/,
  );
});

Deno.test("a client with an app throws a typed authorization requirement; login() takes its parameters; redrive is optional", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  let answers = 0;
  const gare = {
    code: "AuthorizationRequired",
    message: "MFA needed",
    "authorization_parameters": {
      "session_required_mfa": true,
      "required_scopes": [GroupsScopes.all],
    },
  };
  const fetchStub: typeof fetch = (input) => {
    answers++;
    assert.match(String(input instanceof Request ? input.url : input), /^https:\/\/groups\.test\//);
    const body = answers === 1 ? JSON.stringify(gare) : "[]";
    return Promise.resolve(
      new Response(body, {
        status: answers === 1 ? 403 : 200,
        headers: { "content-type": "application/json" },
      }),
    );
  };
  const client = (app: UserApp) =>
    new GroupsClient({ app, baseUrl: "https://groups.test/", transport: { fetch: fetchStub } });

  const app = w.app(storage);
  const error = await client(app).getMyGroups().then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AuthorizationRequiredError, String(error));
  assert.equal(error.apiError.httpStatus, 403);
  assert.deepEqual(error.authorizationParameters, {
    requiredScopes: [GroupsScopes.all],
    sessionRequiredMfa: true,
  });
  assert.equal(w.logins.length, 1, "the first login (nothing stored)");
  await app.login({ authParameters: error.authorizationParameters });
  assert.equal(w.logins.length, 2);
  assert.equal(w.logins[1]!.sessionRequiredMfa, true);
  assert.deepEqual(w.logins[1]!.requiredScopes, ["openid", VIEW, GroupsScopes.all]);

  answers = 0;
  const redriving = w.app(storage, { redriveAuthorizationRequirements: true });
  assert.deepEqual(await client(redriving).getMyGroups(), []);
  assert.equal(answers, 2, "sent once more after the login");
  assert.equal(w.logins.length, 3);
  assert.equal(w.logins[2]!.sessionRequiredMfa, true);
});

Deno.test("a client takes an app or an authorizer, not both; two clients' first requests share one login", async () => {
  await using w = await world();
  const app = w.app(new MemoryTokenStorage());
  assert.throws(
    () => new GroupsClient({ app, authorizer: { ...app } as never }),
    /both an 'app' and an 'authorizer'/,
  );
  const [a, b] = await Promise.all([
    app.getAuthorizer(GROUPS),
    app.getAuthorizer("auth.globus.org"),
  ]);
  assert.ok(await a.getAuthorizationHeader());
  assert.ok(await b.getAuthorizationHeader());
  assert.equal(w.logins.length, 1);
});

Deno.test("ClientApp gets client-credentials tokens, keeps them, and renews them when expired", async () => {
  await using w = await world();
  const storage = new MemoryTokenStorage();
  const make = () =>
    new ClientApp("svc", {
      clientId: CONFIDENTIAL_CLIENT_ID,
      clientSecret: CONFIDENTIAL_CLIENT_SECRET,
      tokenStorage: storage,
      env: w.env,
      now: () => Date.now() + offset,
    });
  let offset = 0;
  w.fake.clearLog();
  await w.groups(make());
  assert.deepEqual(tokenCalls(w.fake), ["/v2/oauth2/token client_credentials 200"]);
  const stored = (await storage.getTokenData(GROUPS))!;
  assert.equal(stored.scope, VIEW);
  w.fake.clearLog();
  await w.groups(make());
  assert.deepEqual(tokenCalls(w.fake), [], "the stored token serves");
  offset = 72 * HOUR_MS;
  await w.groups(make());
  assert.deepEqual(tokenCalls(w.fake), ["/v2/oauth2/token client_credentials 200"]);
  assert.notEqual((await storage.getTokenData(GROUPS))!.accessToken, stored.accessToken);
  assert.throws(() => new ClientApp("svc", { clientId: "x" }), /requires a clientSecret/);
});
