/**
 * UserApp's default dependent-scope check against the in-process fake
 * Globus: a required scope with dependencies
 * (`transfer:all[*<collection>/data_access]`) is met only when the person's
 * consents at Globus Auth cover it, fetched with the app's own Auth token,
 * once per run; a login happens only when they do not; when Auth cannot be
 * asked, the app fails instead of logging in. A fake clock and a fake login
 * flow (it records each login).
 */

import assert from "node:assert/strict";
import {
  ClientApp,
  GlobusAPIError,
  GlobusConnectionError,
  GroupsClient,
  MemoryTokenStorage,
  Scope,
  scopesToString,
  type TokenStorage,
  UnmetScopeRequirementsError,
  type UserAppOptions,
} from "../lib/mod.ts";
import { world } from "./_app_world.ts";
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  DEFAULT_IDS,
  FAKE_COLLECTION_ID,
  type FakeGlobus,
  TUTORIAL_CLIENT_ID,
} from "../lib/testing/mod.ts";

const TRANSFER_RS = "transfer.api.globus.org";
const TRANSFER = "urn:globus:auth:scope:transfer.api.globus.org:all";
const DATA_ACCESS = `https://auth.globus.org/scopes/${FAKE_COLLECTION_ID}/data_access`;
const TRANSFER_WITH_DATA = `${TRANSFER}[*${DATA_ACCESS}]`;
/** Globus Timers, whose scope depends on Transfer's: a second client with dependent scopes. */
const TIMERS_RS = "524230d7-ea86-4a52-8312-86065a9e0417";
const TIMERS = `https://auth.globus.org/scopes/${TIMERS_RS}/timer[${TRANSFER_WITH_DATA}]`;
const HOUR_MS = 3600_000;
const CONSENTS_PATH = `/v2/api/identities/${DEFAULT_IDS.alice}/consents`;

/** The app world, with apps of no other client, and a first run that stores a login. */
async function consentWorld() {
  const w = await world();
  const app = (storage: TokenStorage, more: Partial<UserAppOptions> = {}) =>
    w.app(storage, more, { groups: false });
  /** A first run that logs in for these requirements, so that its tokens are stored. */
  const loggedInFor = async (scopeRequirements: Record<string, string>) => {
    const storage = new MemoryTokenStorage();
    await app(storage, { scopeRequirements }).login();
    assert.equal(w.logins.length, 1);
    w.logins.splice(0);
    w.events.splice(0);
    w.fake.clearLog();
    return storage;
  };
  return { ...w, app, loggedInFor };
}

function consentCalls(fake: FakeGlobus): string[] {
  return fake.requests.filter((r) => r.path.endsWith("/consents")).map((r) =>
    `${r.method} ${r.path} ${r.status}${r.faulted ? " faulted" : ""}`
  );
}

Deno.test("a stored login whose consent covers transfer:all[*data_access] is used without a login", async () => {
  await using w = await consentWorld();
  const storage = await w.loggedInFor({ [TRANSFER_RS]: TRANSFER_WITH_DATA });
  // The token names the root scope only, as Globus's do: the dependency is a consent.
  assert.equal((await storage.getTokenData(TRANSFER_RS))?.scope, TRANSFER);

  const app = w.app(storage, { scopeRequirements: { [TRANSFER_RS]: TRANSFER_WITH_DATA } });
  assert.equal(await app.loginRequired(), false);
  const authorizer = await app.getAuthorizer(TRANSFER_RS);
  const stored = await storage.getTokenData(TRANSFER_RS);
  assert.equal(await authorizer.getAuthorizationHeader(), `Bearer ${stored?.accessToken}`);
  assert.equal(w.logins.length, 0);
  // Fetched once, with the app's own Auth token (the fake logs the token's client).
  assert.deepEqual(consentCalls(w.fake), [`GET ${CONSENTS_PATH} 200`]);
  assert.deepEqual(
    w.fake.requests.filter((r) => r.path.endsWith("/consents")).map((r) => r.clientId),
    [TUTORIAL_CLIENT_ID],
  );
});

Deno.test("the same stored tokens without the data_access consent: the app logs in again, and the new consent satisfies it", async () => {
  await using w = await consentWorld();
  const storage = await w.loggedInFor({ [TRANSFER_RS]: TRANSFER });
  const before = await storage.getTokenData(TRANSFER_RS);
  assert.equal(before?.scope, TRANSFER, "the root scope is covered; only the consent differs");

  const app = w.app(storage, { scopeRequirements: { [TRANSFER_RS]: TRANSFER_WITH_DATA } });
  assert.equal(await app.loginRequired(), true, "loginRequired() says so without logging in");
  assert.equal(w.logins.length, 0);

  await app.getAuthorizer(TRANSFER_RS);
  assert.equal(w.logins.length, 1);
  assert.ok(
    Scope.parse(scopesToString(w.logins[0]!.requiredScopes)).map(String).includes(
      TRANSFER_WITH_DATA,
    ),
    "the login asks for it",
  );
  const starting = w.events.find((e) => e.type === "login-starting");
  assert.ok(starting?.type === "login-starting");
  assert.ok(starting.reason instanceof UnmetScopeRequirementsError);
  assert.match(starting.reason.message, /^Unmet dependent scope requirements for transfer/);
  assert.notEqual((await storage.getTokenData(TRANSFER_RS))?.accessToken, before?.accessToken);
  // Asked by loginRequired() (no), before the login (no), and after it, of the new consent (yes).
  assert.deepEqual(consentCalls(w.fake), Array(3).fill(`GET ${CONSENTS_PATH} 200`));

  // The next run: no login.
  w.fake.clearLog();
  const next = w.app(storage, { scopeRequirements: { [TRANSFER_RS]: TRANSFER_WITH_DATA } });
  assert.equal(await next.loginRequired(), false);
  assert.equal(w.logins.length, 1);
  assert.deepEqual(consentCalls(w.fake), [`GET ${CONSENTS_PATH} 200`]);
});

Deno.test("consents are fetched once for two clients with dependent scopes, even asking at once", async () => {
  await using w = await consentWorld();
  const requirements = { [TRANSFER_RS]: TRANSFER_WITH_DATA, [TIMERS_RS]: TIMERS };
  const storage = await w.loggedInFor(requirements);

  const one = w.app(storage, { scopeRequirements: requirements });
  await one.getAuthorizer(TRANSFER_RS);
  await one.getAuthorizer(TIMERS_RS);
  assert.equal(await one.loginRequired(), false);
  assert.deepEqual(consentCalls(w.fake), [`GET ${CONSENTS_PATH} 200`]);

  w.fake.clearLog();
  const two = w.app(storage, { scopeRequirements: requirements });
  await Promise.all([two.getAuthorizer(TRANSFER_RS), two.getAuthorizer(TIMERS_RS)]);
  await two.getAuthorizer(TRANSFER_RS);
  assert.equal(await two.loginRequired(), false);
  assert.deepEqual(consentCalls(w.fake), [`GET ${CONSENTS_PATH} 200`]);
  assert.equal(w.logins.length, 0);
});

Deno.test("Auth unreachable at the consent check: the app fails with the network error and does not log in", async () => {
  await using w = await consentWorld();
  const storage = await w.loggedInFor({ [TRANSFER_RS]: TRANSFER_WITH_DATA });
  const stored = await storage.getTokenDataByResourceServer();
  const app = w.app(storage, { scopeRequirements: { [TRANSFER_RS]: TRANSFER_WITH_DATA } });

  w.fake.addFault({ pathPrefix: CONSENTS_PATH, dropConnection: true, times: Infinity });
  await assert.rejects(app.getAuthorizer(TRANSFER_RS), (error: Error) => {
    assert.ok(error instanceof GlobusConnectionError, String(error));
    assert.match(error.message, /\/consents/);
    return true;
  });
  await assert.rejects(app.loginRequired(), GlobusConnectionError);
  assert.equal(w.logins.length, 0);
  assert.deepEqual(await storage.getTokenDataByResourceServer(), stored, "the login is kept");
  assert.ok(consentCalls(w.fake).every((c) => c.endsWith(" faulted")));

  // Auth answering an error is no answer either.
  w.fake.clearFaults();
  w.fake.addFault({ pathPrefix: CONSENTS_PATH, status: 500, times: Infinity });
  await assert.rejects(app.getAuthorizer(TRANSFER_RS), GlobusAPIError);
  assert.equal(w.logins.length, 0);

  // Reachable again: the failure was not kept, and the stored login serves.
  w.fake.clearFaults();
  w.fake.clearLog();
  await app.getAuthorizer(TRANSFER_RS);
  assert.equal(w.logins.length, 0);
  assert.deepEqual(consentCalls(w.fake), [`GET ${CONSENTS_PATH} 200`]);
});

Deno.test("a dead Auth login met at the consent check is replaced by a new login", async () => {
  await using w = await consentWorld();
  const storage = await w.loggedInFor({ [TRANSFER_RS]: TRANSFER_WITH_DATA });
  w.fake.expireAllAccessTokens();
  w.fake.revokeAllRefreshTokens();
  w.advance(3 * 24 * HOUR_MS); // The app sees the Auth token expired: it refreshes before asking.
  const app = w.app(storage, { scopeRequirements: { [TRANSFER_RS]: TRANSFER_WITH_DATA } });
  await app.getAuthorizer(TRANSFER_RS);
  assert.equal(w.logins.length, 1);
  const starting = w.events.find((e) => e.type === "login-starting");
  assert.ok(starting?.type === "login-starting");
  assert.equal(starting.reason?.name, "StoredLoginRejectedError");
  assert.deepEqual(
    w.fake.requests.filter((r) => r.path === "/v2/oauth2/token" || r.path === CONSENTS_PATH)
      .map((r) => `${r.path}${r.grantType ? ` ${r.grantType}` : ""} ${r.status}`),
    ["/v2/oauth2/token refresh_token 400", `${CONSENTS_PATH} 200`],
  );
  assert.equal((await storage.getTokenData("auth.globus.org"))?.identityId, DEFAULT_IDS.alice);
});

Deno.test("scopes without dependencies never fetch consents", async () => {
  await using w = await consentWorld();
  const storage = new MemoryTokenStorage();
  const app = w.app(storage, { scopeRequirements: { [TRANSFER_RS]: TRANSFER } });
  const groups = new GroupsClient({ app, env: w.env });
  assert.equal((await groups.getMyGroups()).length, 3);
  assert.equal(w.logins.length, 1);
  const again = w.app(storage, { scopeRequirements: { [TRANSFER_RS]: TRANSFER } });
  new GroupsClient({ app: again, env: w.env });
  assert.equal(await again.loginRequired(), false);
  await again.getAuthorizer(TRANSFER_RS);
  assert.ok(w.fake.requests.some((r) => r.path.startsWith("/v2/groups")), "the fake saw the run");
  assert.deepEqual(consentCalls(w.fake), []);
});

Deno.test("a plugged-in dependentScopeCheck replaces the consent check", async () => {
  await using w = await consentWorld();
  const storage = await w.loggedInFor({ [TRANSFER_RS]: TRANSFER });
  const app = w.app(storage, {
    scopeRequirements: { [TRANSFER_RS]: TRANSFER_WITH_DATA },
    dependentScopeCheck: () => Promise.resolve(true),
  });
  assert.equal(await app.loginRequired(), false);
  assert.deepEqual(consentCalls(w.fake), []);
});

Deno.test("a ClientApp has no person's consents to check: its dependent scopes are not fetched", async () => {
  await using w = await consentWorld();
  const app = new ClientApp("my-service", {
    clientId: CONFIDENTIAL_CLIENT_ID,
    clientSecret: CONFIDENTIAL_CLIENT_SECRET,
    tokenStorage: new MemoryTokenStorage(),
    scopeRequirements: { [TRANSFER_RS]: TRANSFER_WITH_DATA },
    env: w.env,
  });
  await app.getAuthorizer(TRANSFER_RS);
  assert.equal(await app.loginRequired(), false);
  assert.ok(w.fake.requests.some((r) => r.grantType === "client_credentials"), "it got tokens");
  assert.deepEqual(consentCalls(w.fake), []);
});
