import assert from "node:assert/strict";
import {
  AccessTokenAuthorizer,
  AuthAPIError,
  BasicAuthorizer,
  ClientCredentialsAuthorizer,
  GlobusSDKUsageError,
  MemoryTokenStorage,
  NativeAppAuthClient,
  NullAuthorizer,
  OAuthRefreshTokenResponse,
  OAuthTokenResponse,
  RefreshTokenAuthorizer,
  RefreshTokenRejectedError,
  type TokenRefresher,
  type TokenStorage,
  TokenStorageError,
  UnexpectedResponseError,
} from "../lib/mod.ts";

const RS = "groups.api.globus.org";
const SCOPE = "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";

/** A clock the test moves by hand, in ms. */
function fakeClock(startSeconds: number) {
  let now = startSeconds * 1000;
  return { now: () => now, advance: (s: number) => now += s * 1000 };
}

/** An Auth client stand-in that counts refreshes and answers with numbered tokens. */
function fakeRefresher(
  clock: { now: () => number },
  opts: { rotate?: boolean; delayMs?: number; omitRefreshToken?: boolean } = {},
) {
  const calls: string[] = [];
  const refresher: TokenRefresher = {
    async oauth2RefreshToken(refreshToken: string) {
      calls.push(refreshToken);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      const n = calls.length;
      return new OAuthRefreshTokenResponse({
        access_token: `AT${n}`,
        expires_in: 3600,
        resource_server: RS,
        scope: SCOPE,
        token_type: "Bearer",
        ...(opts.omitRefreshToken ? {} : { refresh_token: opts.rotate ? `RT${n}` : refreshToken }),
      }, { receivedAt: clock.now() });
    },
  };
  return { refresher, calls };
}

Deno.test("AccessTokenAuthorizer gives a Bearer header and never asks for a retry", async () => {
  const authorizer = new AccessTokenAuthorizer("tok");
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer tok");
  assert.equal(await authorizer.handleMissingAuthorization(), false);
});

Deno.test("BasicAuthorizer encodes id:secret as the Python SDK does", async () => {
  assert.equal(
    await new BasicAuthorizer("cid", "sec").getAuthorizationHeader(),
    "Basic Y2lkOnNlYw==",
  );
  assert.equal(
    await new BasicAuthorizer("ü", "p:w").getAuthorizationHeader(),
    `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode("ü:p:w")))}`,
  );
});

Deno.test("NullAuthorizer sends no header", async () => {
  assert.equal(await new NullAuthorizer().getAuthorizationHeader(), undefined);
});

Deno.test("RefreshTokenAuthorizer does not refresh while the token has more than 60 s left", async () => {
  const clock = fakeClock(1_000_000);
  const { refresher, calls } = fakeRefresher(clock);
  const authorizer = new RefreshTokenAuthorizer("RT0", refresher, {
    accessToken: "AT0",
    expiresAtSeconds: 1_000_000 + 65,
    now: clock.now,
  });
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT0");
  clock.advance(5); // exactly 60 s left: still used (Python: now <= expires_at - 60)
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT0");
  assert.deepEqual(calls, []);
  clock.advance(1); // 59 s left: renewed
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT1");
  assert.deepEqual(calls, ["RT0"]);
});

Deno.test("RefreshTokenAuthorizer refreshes once for ten concurrent requests near expiry and calls onRefresh once", async () => {
  const clock = fakeClock(2_000_000);
  const { refresher, calls } = fakeRefresher(clock, { delayMs: 5 });
  const seen: OAuthTokenResponse[] = [];
  const authorizer = new RefreshTokenAuthorizer("RT0", refresher, {
    accessToken: "AT0",
    expiresAtSeconds: 2_000_000 + 30,
    now: clock.now,
    onRefresh: (r) => {
      seen.push(r);
    },
  });
  const headers = await Promise.all(
    Array.from({ length: 10 }, () => authorizer.getAuthorizationHeader()),
  );
  assert.deepEqual(new Set(headers), new Set(["Bearer AT1"]));
  assert.equal(calls.length, 1);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.byResourceServer[RS]!.access_token, "AT1");
  assert.equal(authorizer.expiresAtSeconds, 2_000_000 + 3600);
});

Deno.test("RefreshTokenAuthorizer awaits onRefresh before handing out the new token", async () => {
  const clock = fakeClock(100);
  const { refresher } = fakeRefresher(clock);
  const order: string[] = [];
  const authorizer = new RefreshTokenAuthorizer("RT0", refresher, {
    now: clock.now,
    onRefresh: async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push("stored");
    },
  });
  const header = await authorizer.getAuthorizationHeader();
  order.push(`used ${header}`);
  assert.deepEqual(order, ["stored", "used Bearer AT1"]);
});

Deno.test("RefreshTokenAuthorizer fetches nothing at construction", () => {
  const clock = fakeClock(100);
  const { refresher, calls } = fakeRefresher(clock);
  new RefreshTokenAuthorizer("RT0", refresher, { now: clock.now });
  assert.equal(calls.length, 0);
});

Deno.test("RefreshTokenAuthorizer keeps its refresh token when the response has none and takes a rotated one", async () => {
  const clock = fakeClock(100);
  const kept = fakeRefresher(clock, { omitRefreshToken: true });
  const a = new RefreshTokenAuthorizer("RT0", kept.refresher, { now: clock.now });
  await a.getAuthorizationHeader();
  await a.handleMissingAuthorization();
  await a.getAuthorizationHeader();
  assert.deepEqual(kept.calls, ["RT0", "RT0"]);
  assert.equal(a.refreshToken, "RT0");

  const rotated = fakeRefresher(clock, { rotate: true });
  const b = new RefreshTokenAuthorizer("RT0", rotated.refresher, { now: clock.now });
  await b.getAuthorizationHeader();
  await b.handleMissingAuthorization();
  await b.getAuthorizationHeader();
  assert.deepEqual(rotated.calls, ["RT0", "RT1"]);
  assert.equal(b.refreshToken, "RT2");
});

Deno.test("RenewingAuthorizer.handleMissingAuthorization() renews once for many 401s of the same token", async () => {
  const clock = fakeClock(100);
  const { refresher, calls } = fakeRefresher(clock);
  const authorizer = new RefreshTokenAuthorizer("RT0", refresher, {
    accessToken: "AT0",
    expiresAtSeconds: 100 + 3600,
    now: clock.now,
  });
  // Ten requests sent with AT0 all come back 401.
  const sent = await authorizer.getAuthorizationHeader();
  assert.equal(await authorizer.handleMissingAuthorization(sent), true);
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT1");
  for (let i = 0; i < 9; i++) assert.equal(await authorizer.handleMissingAuthorization(sent), true);
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT1");
  assert.equal(calls.length, 1);
});

Deno.test("RefreshTokenAuthorizer with a shared storage uses a token another process stored instead of refreshing", async () => {
  const clock = fakeClock(5_000);
  const { refresher, calls } = fakeRefresher(clock);
  const storage = new MemoryTokenStorage();
  // Another process already refreshed and stored AT9, valid for an hour.
  await storage.storeTokenResponse(
    new OAuthRefreshTokenResponse({
      access_token: "AT9",
      refresh_token: "RT9",
      expires_in: 3600,
      resource_server: RS,
      scope: SCOPE,
      token_type: "Bearer",
    }, { receivedAt: clock.now() }),
  );
  const authorizer = new RefreshTokenAuthorizer("RT0", refresher, {
    accessToken: "AT0",
    expiresAtSeconds: 5_000 - 1,
    now: clock.now,
    tokenStorage: storage,
    resourceServer: RS,
  });
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT9");
  assert.equal(authorizer.refreshToken, "RT9");
  assert.deepEqual(calls, []);

  // Another process rotates again: RT10 in the file, with an access token that has expired.
  await storage.storeTokenDataByResourceServer({
    [RS]: {
      resourceServer: RS,
      identityId: null,
      scope: SCOPE,
      accessToken: "AT10",
      refreshToken: "RT10",
      expiresAtSeconds: 5_000 + 3600 - 1,
      tokenType: "Bearer",
      extra: {},
    },
  });
  // Once AT9 is stale, it refreshes with the newest stored refresh token (not the RT9 it holds).
  clock.advance(3600);
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT1");
  assert.deepEqual(calls, ["RT10"]);
  assert.equal((await storage.getTokenData(RS))?.accessToken, "AT1");
});

Deno.test("RefreshTokenAuthorizer refuses one of accessToken/expiresAtSeconds without the other", () => {
  const { refresher } = fakeRefresher(fakeClock(0));
  assert.throws(
    () => new RefreshTokenAuthorizer("RT", refresher, { accessToken: "AT" }),
    GlobusSDKUsageError,
  );
  assert.throws(() => new RefreshTokenAuthorizer("", refresher), GlobusSDKUsageError);
});

Deno.test("ClientCredentialsAuthorizer renews with the client's scopes and refuses tokens for several servers", async () => {
  const clock = fakeClock(100);
  const asked: string[] = [];
  let twoServers = false;
  const client = {
    oauth2ClientCredentialsTokens(scopes: string | readonly string[]) {
      asked.push(String(scopes));
      return Promise.resolve(
        new OAuthTokenResponse({
          access_token: "CC1",
          expires_in: 3600,
          resource_server: RS,
          scope: SCOPE,
          other_tokens: twoServers
            ? [{ access_token: "X", expires_in: 1, resource_server: "other", scope: "s" }]
            : [],
        }, { receivedAt: clock.now() }),
      );
    },
  };
  const authorizer = new ClientCredentialsAuthorizer(client, [SCOPE], { now: clock.now });
  assert.equal(await authorizer.getAuthorizationHeader(), "Bearer CC1");
  assert.deepEqual(asked, [SCOPE]);
  twoServers = true;
  await authorizer.handleMissingAuthorization();
  await assert.rejects(
    () => authorizer.getAuthorizationHeader(),
    (e: unknown) => e instanceof GlobusSDKUsageError && /only one resource server/.test(e.message),
  );
});

Deno.test("RefreshTokenAuthorizer uses a refresh that could not be stored only when onStoreError is given", async () => {
  const clock = fakeClock(100);
  const full = new TokenStorageError("/t.json", "cannot write the file (No space left on device)");
  // A storage whose renewals refresh, then fail to write.
  const storage = {
    renewTokenData: async (_rs: string, renew: (c: null) => Promise<OAuthTokenResponse>) => {
      await renew(null);
      throw full;
    },
  } as unknown as TokenStorage;
  const reported: unknown[] = [];
  for (const onStoreError of [undefined, (e: unknown) => void reported.push(e)]) {
    const { refresher, calls } = fakeRefresher(clock, { rotate: true });
    const authorizer = new RefreshTokenAuthorizer("RT0", refresher, {
      now: clock.now,
      tokenStorage: storage,
      resourceServer: RS,
      ...(onStoreError ? { onStoreError } : {}),
    });
    if (onStoreError === undefined) {
      await assert.rejects(() => authorizer.getAuthorizationHeader(), TokenStorageError);
    } else {
      assert.equal(await authorizer.getAuthorizationHeader(), "Bearer AT1");
      assert.equal(authorizer.refreshToken, "RT1", "the rotated token is kept in memory");
      assert.deepEqual(reported, [full]);
    }
    assert.equal(calls.length, 1);
  }
});

Deno.test("RefreshTokenAuthorizer does not call onStoreError when the refresh itself failed", async () => {
  const clock = fakeClock(100);
  const rejected = new Error("invalid_grant");
  const storage = {
    renewTokenData: async (_rs: string, renew: (c: null) => Promise<OAuthTokenResponse>) =>
      await renew(null),
  } as unknown as TokenStorage;
  let reported = 0;
  const authorizer = new RefreshTokenAuthorizer("RT0", {
    oauth2RefreshToken: () => Promise.reject(rejected),
  }, {
    now: clock.now,
    tokenStorage: storage,
    resourceServer: RS,
    onStoreError: () => void reported++,
  });
  await assert.rejects(() => authorizer.getAuthorizationHeader(), (e: unknown) => e === rejected);
  assert.equal(reported, 0);
});

Deno.test("RefreshTokenAuthorizer never sends a token issued for another resource server", async () => {
  for (const other of ["transfer.api.globus.org", "__proto__"]) {
    const storage = new MemoryTokenStorage();
    const stored = {
      resourceServer: RS,
      identityId: null,
      scope: SCOPE,
      accessToken: "OLD",
      refreshToken: "RT0",
      expiresAtSeconds: 0,
      tokenType: "Bearer",
      extra: {},
    };
    await storage.storeTokenDataByResourceServer({ [RS]: stored });
    let storeErrors = 0;
    for (const tokenStorage of [undefined, storage]) {
      const authorizer = new RefreshTokenAuthorizer("RT0", {
        oauth2RefreshToken: () =>
          Promise.resolve(
            new OAuthRefreshTokenResponse({
              access_token: "FOREIGN",
              expires_in: 3600,
              resource_server: other,
              scope: "s",
            }),
          ),
      }, {
        resourceServer: RS,
        onStoreError: () => void storeErrors++,
        ...(tokenStorage ? { tokenStorage } : {}),
      });
      await assert.rejects(
        () => authorizer.getAuthorizationHeader(),
        (e: unknown) =>
          e instanceof UnexpectedResponseError &&
          e.message.includes(`the renewal returned no token for ${RS} (only for "${other}")`),
      );
      assert.equal(authorizer.accessToken, undefined);
    }
    assert.equal(storeErrors, 0, "not reported as a storage failure");
    assert.deepEqual(await storage.getTokenDataByResourceServer(), { [RS]: stored });
  }
});

Deno.test("only invalid_grant on a refresh means the stored login is dead", async () => {
  const answer = (status: number, error: string) => () =>
    Promise.resolve(
      new Response(JSON.stringify({ error, error_description: "no" }), {
        status,
        headers: { "content-type": "application/json" },
      }),
    );
  for (
    const [status, error, dead] of [
      [400, "invalid_grant", true],
      [400, "invalid_request", false],
      [401, "invalid_client", false],
      [400, "unsupported_grant_type", false],
    ] as const
  ) {
    const client = new NativeAppAuthClient("client-1", {
      transport: { fetch: answer(status, error) },
    });
    await assert.rejects(
      () => client.oauth2RefreshToken("RT"),
      (e: unknown) =>
        e instanceof AuthAPIError && e.code === error &&
        (e instanceof RefreshTokenRejectedError) === dead,
      error,
    );
  }
});
